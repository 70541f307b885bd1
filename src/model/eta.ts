/** Run-level ETA and the time-limit check: the most useful warning hpc-watch gives. */
import type { Progress } from '../../parsers/types.js';
import { epochsAfter } from './progress.js';

/** Seconds per unit of progress from a printed rate (`it/s`, `s/it`, `ms/step`...), or null. */
export function secondsPerUnit(p: Pick<Progress, 'rate' | 'rate_unit'>): number | null {
  if (p.rate === null || !(p.rate > 0) || !p.rate_unit) return null;
  const u = p.rate_unit;
  const m = /^(us|µs|ms|s|min|h)\/./.exec(u);
  if (m) {
    const scale = { us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, min: 60, h: 3600 }[m[1] as 'us'];
    return p.rate * scale;
  }
  if (/\/s$/.test(u)) return 1 / p.rate;
  return null;
}

/** Seconds left for the whole run: the current bar plus the epochs still to come. */
export function remainingSeconds(p: Progress | null | undefined): number | null {
  if (!p) return null;
  const spu = secondsPerUnit(p);
  let left = p.eta_s;
  if (left === null && spu !== null && p.total !== null && p.current !== null) {
    left = Math.max(0, p.total - p.current) * spu;
  }
  if (left === null) return null;
  // Epochs are counted the way the run's percent counts them (progress.ts), so the two agree.
  const later = epochsAfter(p);
  if (later > 0) {
    let epochLen: number | null = null;
    if (p.total !== null && spu !== null) epochLen = p.total * spu;
    else if (p.elapsed_s !== null) epochLen = p.elapsed_s + left;
    if (epochLen !== null && epochLen > 0) left += later * epochLen;
  }
  return left;
}

export interface TimeoutCheck {
  /** Estimated finish (ms since epoch). */
  finishAt: number | null;
  /** When SLURM will kill the job (ms since epoch). */
  deadline: number | null;
  willTimeout: boolean | null;
  /** How far past the limit the run would go, in seconds (positive when it will time out). */
  overrunS: number | null;
}

/**
 * Compares the log's ETA with the job's time limit. The ETA is anchored at the
 * log's last write, not at "now", so a stalled log does not make the estimate drift.
 */
export function checkTimeLimit(opts: {
  progress: Progress | null | undefined;
  logMtimeMs: number | null;
  startTimeMs: number | null;
  timeLimitS: number | null;
}): TimeoutCheck {
  const left = remainingSeconds(opts.progress);
  const finishAt = left !== null && opts.logMtimeMs !== null ? opts.logMtimeMs + left * 1000 : null;
  const deadline =
    opts.startTimeMs !== null && opts.timeLimitS !== null ? opts.startTimeMs + opts.timeLimitS * 1000 : null;
  if (finishAt === null || deadline === null) return { finishAt, deadline, willTimeout: null, overrunS: null };
  const overrunS = (finishAt - deadline) / 1000;
  return { finishAt, deadline, willTimeout: overrunS > 0, overrunS };
}
