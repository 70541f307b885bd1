/**
 * Launcher prefixes that multi-node / multi-rank runs put before every line
 * (pdsh host, torchrun `[rank3]:`, `[default0]:`, TorchX `[trainer0|0]:`,
 * mpirun `[1,0]<stderr>:`, srun `--label` `3: `, `stdout: `) and per-line timestamps
 * added by `ts` or log collectors (`2024-11-20T14:37:16.123Z `). Parsers look at
 * the text after them so anchored formats (tracebacks, Keras bars) still match.
 */

const PREFIXES: RegExp[] = [
  // After a `ts ... |` separator only one space belongs to the prefix: the rest is the line's own indentation
  // (traceback frames).
  /^\[?\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?\]?(?:[ \t]+\|[ \t]|[ \t]+)/,
  /^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d[ \t]+/,
  /^\[[A-Za-z_]*\d+(?:\|\d+)?\]:[ \t]?/,
  /^\[\d+,\d+\](?:<std(?:out|err)>)?:[ \t]?/,
  /^\d{1,3}(?:\.\d{1,3}){3}:[ \t]/,
  /^(?:stdout|stderr):[ \t]/,
  // Ray worker output: `(RayTrainWorker pid=41234, ip=10.0.0.5) `, `(pid=123) `.
  /^\((?:[A-Za-z_][\w.]*\s+)?pid=\d+(?:, ip=[\d.]+)?\)[ \t]/,
  /^[ \t]{0,3}\d{1,4}:[ \t]/,
  /^(?!slurm|srun|sbatch|salloc|bash|python)[a-z][a-z0-9-]*\d[a-z0-9-]*(?:\.[a-z0-9-]+)*:[ \t]/,
];

/** Length of the launcher prefix(es) at the start of `line` (0 when none). */
export function prefixLength(line: string): number {
  let off = 0;
  for (let round = 0; round < 3; round++) {
    // Prefixes are short; a bounded slice keeps the regexes linear on huge lines.
    const rest = line.slice(off, off + 64);
    let hit = 0;
    for (const re of PREFIXES) {
      const m = re.exec(rest);
      if (m && m[0].length > 0) {
        hit = m[0].length;
        break;
      }
    }
    if (!hit) break;
    off += hit;
  }
  return off;
}

/** `line` without its launcher prefix(es). */
export function stripLinePrefix(line: string): string {
  const n = prefixLength(line);
  return n ? line.slice(n) : line;
}
