/** `--summary` and `--wait`: one snapshot (or poll until the jobs end), print, exit. Never loads Ink. */
import { TERMINAL_STATES } from '../../parsers/slurm-types.js';
import type { CliOptions } from '../cli-args.js';
import { openSession, pollOnce, type Session, withCluster } from '../session.js';
import { UserError } from '../transport/types.js';
import { buildSummary } from './summary-json.js';
import { formatSummary } from './summary-text.js';

/** Exit codes: 0 ok (and with --wait: all COMPLETED), 1 a job failed or is unknown, 2 no SLURM reachable. */
export async function runSummary(opts: CliOptions): Promise<number> {
  const session = await openSession(opts);
  try {
    await pollOnce(session);
    // Without ids, --wait means "the jobs in the queue now", not yesterday's failures.
    const waitKeys = opts.wait ? waitSet(session, opts) : null;
    if (waitKeys) await waitForEnd(session, waitKeys);
    const state = session.store.getState();
    const clusters = Object.values(state.clusters);
    if (clusters.length > 0 && clusters.every((c) => !c.ok)) {
      throw new UserError(clusters.map((c) => withCluster(c.name, c.error)).join('; '));
    }
    const doc = buildSummary(state, Date.now());
    process.stdout.write(opts.json ? `${JSON.stringify(doc, null, 2)}\n` : formatSummary(doc, process.stdout.columns || 80));
    if (doc.jobs.some((j) => j.not_found)) return 1;
    if (waitKeys) {
      const ended = [...waitKeys].map((k) => state.jobs[k]).filter((e) => e !== undefined);
      return ended.every((e) => e.job.state === 'COMPLETED') ? 0 : 1;
    }
    return 0;
  } finally {
    await session.close();
  }
}

function waitSet(session: Session, opts: CliOptions): Set<string> {
  const jobs = Object.values(session.store.getState().jobs);
  if (opts.positionals.length) return new Set(jobs.filter((e) => !e.notFound).map((e) => e.key));
  return new Set(jobs.filter((e) => !TERMINAL_STATES.has(e.job.state)).map((e) => e.key));
}

/** Polls on the shared poller's own schedule until every watched job has ended. */
async function waitForEnd(session: Session, keys: Set<string>): Promise<void> {
  const tty = process.stderr.isTTY;
  for (;;) {
    const jobs = session.store.getState().jobs;
    // An array parent record is replaced by its tasks; those are watched instead.
    for (const e of Object.values(jobs)) {
      if (e.job.array_job_id && [...keys].some((k) => k === `${e.cluster}/${e.job.array_job_id}`)) keys.add(e.key);
    }
    const open = [...keys].filter((k) => jobs[k] && !TERMINAL_STATES.has(jobs[k]!.job.state));
    if (open.length === 0) break;
    const delay = Math.min(...session.clusters.map((c) => c.poller.nextDelayMs()));
    if (tty) process.stderr.write(`\rwaiting for ${open.length} job(s)…\x1b[K`);
    await new Promise((r) => setTimeout(r, delay));
    await pollOnce(session);
  }
  if (tty) process.stderr.write('\r\x1b[K');
}
