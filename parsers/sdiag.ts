/** sdiag's per-user RPC counters, used to measure how hard hpc-watch hits slurmctld. */
import { lines } from './slurm-fields.js';

/**
 * `user → count` from the "Remote Procedure Call statistics by user" section. Counts are
 * cumulative since slurmctld started (or `sdiag --reset`): compare two snapshots.
 */
export function parseSdiagUserRpcCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  let inSection = false;
  for (const line of lines(text)) {
    if (/Remote Procedure Call statistics by user/i.test(line)) {
      inSection = true;
      continue;
    }
    if (!inSection) continue;
    const m = /^\s*(\S+)\s*\(\s*\d+\s*\)\s*count:\s*(\d{1,15})/.exec(line);
    if (m) {
      counts.set(m[1] ?? '', Number(m[2]));
      continue;
    }
    // The section ends at the first line that is not a user row (blank line or the next header).
    if (counts.size > 0 || line.trim() !== '') inSection = false;
  }
  return counts;
}
