/** The fields of a job that follow from its SLURM record and its logs, computed in one place. */
import { describeExit } from '../../parsers/exit-code.js';
import { isQueued, isRunning } from '../../parsers/job-state.js';
import { appendHistory, type JobEntry } from '../store.js';
import { checkTimeLimit, secondsPerUnit } from './eta.js';
import { jobFailure, mergeLogAnalyses } from './merge-analysis.js';

/** Recomputes merged analysis, failure, throughput history and the time-limit check. */
export function derive(e: JobEntry): JobEntry {
  const merged = mergeLogAnalyses(
    e.stdout ? { analysis: e.stdout.analysis, mtimeMs: e.stdout.mtimeMs } : null,
    e.stderr ? { analysis: e.stderr.analysis, mtimeMs: e.stderr.mtimeMs } : null,
  );
  // A job that failed says why even before (or without) its logs being read, the same everywhere.
  const failure = jobFailure(e.job, merged?.failure ?? null);
  const analysis = merged
    ? { ...merged, failure }
    : failure
      ? { framework: 'none' as const, progress: null, metrics: {}, failure }
      : null;
  const logMtime = Math.max(e.stdout?.mtimeMs ?? 0, e.stderr?.mtimeMs ?? 0) || null;
  let history = e.history;
  const p = analysis?.progress;
  if (p && logMtime !== null && isRunning(e.job.state)) {
    const spu = secondsPerUnit(p);
    history = appendHistory(history, { t: logMtime, current: p.current, perSecond: spu ? 1 / spu : null });
  }
  const start = e.job.start_time ? Date.parse(e.job.start_time) : null;
  const running = e.job.state === 'RUNNING';
  const check = running
    ? checkTimeLimit({
        progress: p,
        logMtimeMs: logMtime,
        startTimeMs: start !== null && Number.isFinite(start) ? start : null,
        timeLimitS: e.job.time_limit_s,
      })
    : null;
  const ended = !running && !isQueued(e.job.state);
  return {
    ...e,
    analysis,
    history,
    exitNote: describeExit(e.job, { logMissing: ended && e.stdout ? e.stdout.status === 'waiting' : null }),
    willTimeout: running
      ? (check?.willTimeout ?? null)
      : e.job.state === 'TIMEOUT'
        ? true
        : isQueued(e.job.state)
          ? null
          : false,
    overrunS: check?.overrunS ?? null,
    finishAt: check?.finishAt ?? null,
  };
}
