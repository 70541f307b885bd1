/**
 * One job outside the watched set (older than --since, or someone else's), asked for by id: one
 * tick of a throw-away poller for exactly that id, over the session's own transport, so the
 * answer is built by the same code as every other job and no second connection is opened.
 */

import { slurmRunner } from '../slurm/client.js';
import { PathCache } from '../slurm/path-cache.js';
import { Poller } from '../slurm/poller.js';
import { createJobStore, type JobEntry } from '../store.js';
import { LogService } from '../tail/log-service.js';
import type { Transport } from '../transport/types.js';

/** The job's entries (one, or the tasks of an array), or [] when squeue and sacct don't know it. */
export async function lookupJob(
  cluster: string,
  transport: Transport,
  jobId: string,
  tailBytes: number,
): Promise<JobEntry[]> {
  const store = createJobStore();
  const poller = new Poller({
    cluster,
    runner: slurmRunner(transport),
    store,
    logs: new LogService(store, transport, tailBytes),
    pathCache: new PathCache(null),
    jobIds: [jobId],
    allUsers: true,
    sinceS: 0,
    intervalS: 10,
  });
  await poller.tick();
  return Object.values(store.getState().jobs).filter((e) => !e.notFound);
}
