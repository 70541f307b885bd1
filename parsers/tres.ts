/**
 * TRES lists as sacct, sstat and squeue print them: `billing=2,cpu=2,gres/gpu=2,mem=1G,node=1`,
 * `cpu=00:00:26,energy=0,fs/disk=10616,gres/gpumem=36266M,gres/gpuutil=100,mem=412664K,…`.
 */
import { memBytes } from './slurm-fields.js';

/** `key=value` pairs of a TRES list; empty for null, `(null)` or junk. Later duplicates win. */
export function parseTres(s: string | null | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (typeof s !== 'string') return out;
  for (const part of s.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    out.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return out;
}

/**
 * A count (`cpu=8`, `gres/gpu=2`, `gres/gpuutil=170`). Slurm before 23.11.7 sent gpuutil through
 * its byte-unit converter, so `1K` (1024) can appear: the same 1024-step suffixes are accepted.
 */
export function tresCount(tres: Map<string, string>, key: string): number | null {
  return memBytes(tres.get(key));
}

/**
 * Bytes of a memory TRES. Allocations (`AllocTRES mem=1G`, `--noconvert` → `1024M`) are counted in
 * megabytes, usage (`TRESUsageInTot mem=412664K`, `--noconvert` → `422567936`) in bytes: `bare`
 * says what a number without a suffix means.
 */
export function tresBytes(tres: Map<string, string>, key: string, bare: 'bytes' | 'megabytes'): number | null {
  const v = tres.get(key);
  if (v === undefined) return null;
  const n = memBytes(v);
  if (n === null) return null;
  return bare === 'megabytes' && /^\s*[\d.]+\s*$/.test(v) ? n * 1024 * 1024 : n;
}
