/**
 * `squeue --start`: the scheduler's expected start of pending jobs. Asked for one job at a time,
 * on demand, never per tick: sites ask users not to poll it.
 */
import { lines } from './slurm-fields.js';
import { parseTimestamp } from './slurm-time.js';

/**
 * Full argv for one job (its numeric id; an array's pending tasks share the array's id). `-o`, not
 * `-O`: with --start, 22.05 ignores `-O` and prints its default layout (checked on the cluster).
 * Ids and timestamps never contain `|`.
 */
export function squeueStartArgs(jobId: string): string[] | null {
  if (!/^\d{1,12}(?:_\d{1,9})?$/.test(jobId)) return null;
  return ['squeue', '--start', '--noheader', `--jobs=${jobId}`, '--format=%i|%S|'];
}

/** The earliest expected start in the output (ISO with offset), or null (`N/A`: no estimate yet). */
export function parseSqueueStart(text: string, offsetMinutes?: number): string | null {
  let best: string | null = null;
  for (const line of lines(text)) {
    const parts = line.split('|');
    if (parts.length < 2 || !/^\d/.test(parts[0] ?? '')) continue;
    const t = parseTimestamp(parts[1], undefined, offsetMinutes);
    if (t !== null && (best === null || Date.parse(t) < Date.parse(best))) best = t;
  }
  return best;
}
