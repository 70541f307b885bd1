/** StdOut/StdErr filename patterns (sbatch "filename pattern") and where a job's logs really are. */
import type { SlurmJob } from './slurm-types.js';

/** Values for the replacement symbols; null means unknown, which makes expansion fail. */
export interface PatternContext {
  /** %j: the job's own id (SLURM_JOB_ID; for an array task its raw id, not `83_7`). */
  jobId: string | null;
  /** %A: null for a non-array job, which then uses jobId like slurmstepd does. */
  arrayJobId: string | null;
  /** %a and %b: numeric task id; null when unknown (a pending array parent). */
  arrayTaskId: string | null;
  /** %s, and the `.step` of %J; slurmstepd prints `batch` for the batch step and %J without a suffix. */
  stepId?: string | null;
  /** %N: short hostname of the (first) node. */
  nodeName?: string | null;
  /** %n: node index within the job; 0 for the batch script. */
  nodeId?: number | null;
  /** %t: task rank; 0 for the batch script. */
  taskId?: number | null;
  user: string | null;
  jobName: string | null;
}

// slurmstepd's value for %a (and %A's array branch) outside an array: NO_VAL (seen on 22.05).
const NO_VAL = '4294967294';
const MAX_WIDTH = 10;

const pad = (v: string, width: number): string =>
  width > 0 && /^\d+$/.test(v) ? v.padStart(Math.min(width, MAX_WIDTH), '0') : v;

/**
 * Expands a filename pattern the way slurmstepd does for the batch step: `%%`, `%A`, `%a`, `%b`,
 * `%J`, `%j`, `%N`, `%n`, `%s`, `%t`, `%u`, `%x`, zero padding (`%4a` → `0007`, capped at 10);
 * unknown symbols stay literal. Any backslash disables expansion, and each `\c` becomes `c` (22.05
 * writes `--output='one\-%j.out'` to `one-%j.out`). Null when a needed value is unknown — never a
 * half-expanded path. Note 22.05's slurmstepd leaves `%b` literal; newer releases expand it.
 */
export function expandOutputPattern(pattern: string, ctx: PatternContext): string | null {
  if (typeof pattern !== 'string') return null;
  if (pattern.includes('\\')) return pattern.replace(/\\([\s\S])/g, '$1').replace(/\\$/, '');
  const isArray = ctx.arrayJobId !== null;
  const task = ctx.arrayTaskId !== null && /^\d+$/.test(ctx.arrayTaskId) ? ctx.arrayTaskId : null;
  const step = ctx.stepId ?? 'batch';
  const value = (sym: string): string | null | undefined => {
    switch (sym) {
      case 'j':
        return ctx.jobId;
      case 'J':
        return ctx.jobId === null ? null : /^\d+$/.test(step) ? `${ctx.jobId}.${step}` : ctx.jobId;
      case 'A':
        return isArray ? ctx.arrayJobId : ctx.jobId;
      case 'a':
        return isArray ? task : NO_VAL;
      case 'b':
        return isArray ? (task === null ? null : String(Number(task) % 10)) : String(Number(NO_VAL) % 10);
      case 's':
        return step;
      case 'N':
        return ctx.nodeName ?? null;
      case 'n':
        return String(ctx.nodeId ?? 0);
      case 't':
        return String(ctx.taskId ?? 0);
      case 'u':
        return ctx.user;
      case 'x':
        return ctx.jobName;
      default:
        return undefined;
    }
  };
  let out = '';
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i];
    if (ch !== '%') {
      out += ch;
      i++;
      continue;
    }
    if (pattern[i + 1] === '%') {
      out += '%';
      i += 2;
      continue;
    }
    const m = /^%(\d*)([A-Za-z])/.exec(pattern.slice(i, i + 24));
    if (!m) {
      out += ch;
      i++;
      continue;
    }
    const sym = m[2] ?? '';
    const v = value(sym);
    if (v === undefined) {
      out += m[0];
    } else if (v === null) {
      return null;
    } else {
      out += pad(v, Number(m[1] || 0));
    }
    i += m[0].length;
  }
  return out;
}

/** sbatch's default when neither --output nor --error is given. */
export function defaultOutputPattern(isArray: boolean): string {
  return isArray ? 'slurm-%A_%a.out' : 'slurm-%j.out';
}

/** First host of a hostlist: `node[01-04,07]` → `node01`, `a[1-2]-b[3-4]` → `a1-b3`. */
export function firstHost(nodes: string | null): string | null {
  if (nodes === null) return null;
  let depth = 0;
  let end = nodes.length;
  for (let i = 0; i < nodes.length; i++) {
    const c = nodes[i];
    if (c === '[') depth++;
    else if (c === ']') depth--;
    else if (c === ',' && depth === 0) {
      end = i;
      break;
    }
  }
  const first = nodes.slice(0, end).replace(/\[([^\]]*)\]/g, (_all, inner: string) => inner.split(/[,-]/)[0] ?? '');
  return first === '' || /[[\]\s]/.test(first) ? null : first;
}

const join = (dir: string, file: string): string => (dir.endsWith('/') ? `${dir}${file}` : `${dir}/${file}`);

/**
 * Where the batch script's stdout/stderr files are. Relative patterns resolve against work_dir;
 * stderr defaults to stdout. Null where that cannot be known: a pending array parent (each task
 * has its own file, and scontrol prints `…_4294967294.out` for it), a het-job component other
 * than 0 (only component 0 runs the script), or an unknown value a symbol needs. %N uses the first
 * node *name*, which is the hostname slurmstepd uses only where NodeName matches it.
 */
export function resolveLogPaths(job: SlurmJob): { stdout: string | null; stderr: string | null } {
  const none = { stdout: null, stderr: null };
  if (job.het_offset !== null && job.het_offset > 0) return none;
  const isArray = job.array_job_id !== null;
  const task = job.array_task_id !== null && /^\d+$/.test(job.array_task_id) ? job.array_task_id : null;
  const rawId = job.raw_job_id ?? (/^\d+$/.test(job.job_id) ? job.job_id : job.het_job_id);
  const ctx: PatternContext = {
    jobId: rawId,
    arrayJobId: job.array_job_id,
    arrayTaskId: task,
    nodeName: firstHost(job.nodes),
    user: job.user,
    jobName: job.name,
  };
  const resolve = (pattern: string | null): string | null => {
    const p = pattern ?? defaultOutputPattern(isArray);
    if (isArray && task === null && p.includes(NO_VAL)) return null;
    const expanded = expandOutputPattern(p, ctx);
    if (expanded === null || expanded === '') return null;
    if (expanded.startsWith('/')) return expanded;
    return job.work_dir === null ? null : join(job.work_dir, expanded);
  };
  const stdout = resolve(job.stdout_pattern);
  const stderr = job.stderr_pattern === null ? stdout : resolve(job.stderr_pattern);
  return { stdout, stderr };
}
