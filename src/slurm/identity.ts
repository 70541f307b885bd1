/**
 * Who runs hpc-watch on a cluster. Slurm records `CANCELLED by <uid>`: the user's own scancel is
 * not news, an administrator's is. Asked once per cluster (`id -u`), lazily, never per poll.
 */
import type { Transport } from '../transport/types.js';

/** A function that answers the login uid once known (null before, or when it cannot be asked). */
export function loginUid(transport: Transport, local: boolean): () => number | null {
  if (local) {
    const uid = process.getuid?.() ?? null;
    return () => uid;
  }
  let uid: number | null = null;
  let asked = false;
  return () => {
    if (!asked) {
      asked = true;
      transport
        .exec(['id', '-u'], { timeoutMs: 10_000 })
        .then((r) => {
          const n = Number(r.stdout.trim());
          if (r.code === 0 && Number.isInteger(n) && n >= 0) uid = n;
        })
        .catch(() => {});
    }
    return uid;
  };
}
