/** `--summary` and `--wait`: one snapshot (or poll until the jobs end), print, exit. Never loads Ink. */
import { isEnded, isQueued } from '../../parsers/job-state.js';
import type { CliOptions } from '../cli-args.js';
import type { Settings } from '../config.js';
import { UserError } from '../errors.js';
import { EventHub } from '../events/hub.js';
import { END_EVENTS } from '../events/types.js';
import { openSession, pollOnce, type Session, withCluster } from '../session.js';
import { slurmRunner } from '../slurm/client.js';
import { JobDetails } from '../slurm/job-details.js';
import type { JobEntry } from '../store.js';
import { buildSummary } from './summary-json.js';

/** Exit codes: 0 ok (and with --wait: all COMPLETED), 1 a job failed or is unknown, 2 no SLURM reachable. */
export async function runSummary(opts: CliOptions, settings: Settings): Promise<number> {
  const session = await openSession(settings);
  try {
    await pollOnce(session);
    const wait = opts.wait ? waitSet(session, opts) : null;
    if (wait) await waitForEnd(session, wait, settings);
    if (opts.positionals.length) await expectedStarts(session);
    const state = session.store.getState();
    const clusters = Object.values(state.clusters);
    if (clusters.length > 0 && clusters.every((c) => !c.ok)) {
      throw new UserError(clusters.map((c) => withCluster(c.name, c.error)).join('; '));
    }
    const doc = buildSummary(state, Date.now());
    if (opts.json) process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
    else {
      // The table needs string-width (~35 ms to load); scripts asking for JSON don't pay for it.
      const { formatSummary } = await import('./summary-text.js');
      process.stdout.write(formatSummary(doc, process.stdout.columns || 80));
    }
    if (doc.jobs.some((j) => j.not_found)) return 1;
    if (wait) {
      addArrayTasks(wait, state.jobs);
      const ended = [...wait.keys].map((k) => state.jobs[k]).filter((e) => e !== undefined);
      return ended.every((e) => e.job.state === 'COMPLETED') ? 0 : 1;
    }
    return 0;
  } finally {
    await session.close();
  }
}

const MAX_START_QUERIES = 5;

/**
 * `squeue --start` for the few queued jobs asked for by id: asking about a job is the on-demand
 * case. Never for a whole queue (it is a scheduler query sites ask users not to repeat).
 */
async function expectedStarts(session: Session): Promise<void> {
  for (const c of session.clusters) {
    const details = new JobDetails(slurmRunner(c.transport, 15_000), session.store, () => c.poller.utcOffset());
    const queued = Object.values(session.store.getState().jobs).filter(
      (e) => e.cluster === c.name && isQueued(e.job.state),
    );
    for (const e of queued.slice(0, MAX_START_QUERIES)) await details.refresh(e.key);
  }
}

/** What --wait waits for: job keys, plus whole arrays (their pending records come and go). */
interface WaitSet {
  keys: Set<string>;
  /** `cluster/arrayId` of every array being waited for. */
  arrays: Set<string>;
}

function waitSet(session: Session, opts: CliOptions): WaitSet {
  const jobs = Object.values(session.store.getState().jobs);
  // Without ids, --wait means "the jobs in the queue now", not yesterday's failures.
  const chosen = opts.positionals.length ? jobs.filter((e) => !e.notFound) : jobs.filter((e) => !isEnded(e.job.state));
  const arrays = new Set(chosen.filter((e) => e.job.array_job_id).map((e) => `${e.cluster}/${e.job.array_job_id}`));
  return { keys: new Set(chosen.map((e) => e.key)), arrays };
}

/** Adds the array tasks that appeared since (a throttled array starts its tasks one by one). */
function addArrayTasks(w: WaitSet, jobs: Record<string, JobEntry>): void {
  for (const e of Object.values(jobs)) {
    if (e.job.array_job_id && w.arrays.has(`${e.cluster}/${e.job.array_job_id}`)) w.keys.add(e.key);
  }
}

/**
 * Polls on the shared poller's own schedule until every watched job has ended. The ends come from
 * the event layer (held until each job's logs were read after it ended, so the summary printed
 * next names the final root cause); which jobs are watched is decided here.
 */
async function waitForEnd(session: Session, w: WaitSet, settings: Settings): Promise<void> {
  const tty = process.stderr.isTTY;
  const jobs = () => session.store.getState().jobs;
  const open = new Set([...w.keys].filter((k) => !isEnded(jobs()[k]?.job.state ?? 'UNKNOWN')));
  const hub = new EventHub(session.store, {
    stallFactor: settings.stall.factor,
    stallMinMs: settings.stall.minMs,
    selfUid: (cluster) => session.clusters.find((c) => c.name === cluster)?.uid() ?? null,
    stateFile: null,
  });
  hub.on((ev) => {
    const member = w.keys.has(ev.key) || (ev.array_job_id !== null && w.arrays.has(`${ev.cluster}/${ev.array_job_id}`));
    if (!member) return;
    w.keys.add(ev.key);
    // A throttled array starts its tasks one by one: a task that starts is waited for too.
    if (END_EVENTS.has(ev.event)) open.delete(ev.key);
    else if (ev.event === 'job_started' || ev.event === 'job_requeued') open.add(ev.key);
  });
  hub.start();
  try {
    for (;;) {
      // A pending array record replaced by its tasks is gone from the store: nothing left to wait for there.
      for (const k of open) if (!jobs()[k]) open.delete(k);
      if (open.size === 0) break;
      const delay = Math.min(...session.clusters.map((c) => c.poller.nextDelayMs()));
      if (tty) process.stderr.write(`\rwaiting for ${open.size} job(s)…\x1b[K`);
      await new Promise((r) => setTimeout(r, delay));
      await pollOnce(session);
    }
  } finally {
    hub.stop();
  }
  if (tty) process.stderr.write('\r\x1b[K');
}
