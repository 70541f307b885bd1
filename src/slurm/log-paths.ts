/**
 * Where each job's logs are: from squeue/sacct fields, the path cache, or — once per job, and at
 * most a few per tick, since every call is an RPC to a shared controller — `scontrol show job`.
 */
import { resolveLogPaths } from '../../parsers/log-path.js';
import type { JobEntry, LogInfo } from '../store.js';
import type { SlurmRunner } from './client.js';
import type { PathCache } from './path-cache.js';
import { scontrolJob } from './queries.js';

const MAX_SCONTROL_PER_TICK = 3;

/** A log the tailer has not read yet. */
export function unreadLog(path: string): LogInfo {
  return { path, status: 'unknown', size: 0, mtimeMs: null, error: null, analysis: null, lines: [], failureLine: null };
}

export class LogPathResolver {
  private asked = new Set<string>();

  constructor(
    private readonly runner: SlurmRunner,
    private readonly cache: PathCache,
  ) {}

  /**
   * Fills in the logs of entries that have none yet; returns the entries it changed. `queued`
   * holds the ids squeue still lists: scontrol only knows those.
   */
  async resolve(
    entries: JobEntry[],
    queued: ReadonlySet<string>,
    offsetMinutes: number | undefined,
  ): Promise<JobEntry[]> {
    const changed: JobEntry[] = [];
    let asked = 0;
    for (const e of entries) {
      if (e.notFound || e.stdout) continue;
      const cached = this.cache.get(e.key);
      let paths = cached?.stdout ? { stdout: cached.stdout, stderr: cached.stderr } : resolveLogPaths(e.job);
      // A pending array record (`83_[2-9%2]`) has no log yet, and its key changes as tasks start:
      // asking scontrol (which prints every task) for it would repeat for each task.
      const pendingArray = e.job.array_task_id?.startsWith('[') ?? false;
      if (
        !paths.stdout &&
        !pendingArray &&
        queued.has(e.job.job_id) &&
        !this.asked.has(e.key) &&
        asked < MAX_SCONTROL_PER_TICK
      ) {
        this.asked.add(e.key);
        asked++;
        try {
          const detail = await scontrolJob(this.runner, e.job.raw_job_id ?? e.job.job_id, e.job.job_id, offsetMinutes);
          if (detail) paths = { stdout: detail.stdout_pattern, stderr: detail.stderr_pattern };
        } catch {
          // the job may have just left the controller; sacct will have it
        }
      }
      if (!paths.stdout) continue;
      this.cache.put(e.key, { stdout: paths.stdout, stderr: paths.stderr, name: null, workDir: e.job.work_dir });
      changed.push({
        ...e,
        stdout: unreadLog(paths.stdout),
        stderr: paths.stderr && paths.stderr !== paths.stdout ? unreadLog(paths.stderr) : null,
      });
    }
    return changed;
  }

  /** Forgets a job (pruned from the store). */
  forget(key: string): void {
    this.asked.delete(key);
  }
}
