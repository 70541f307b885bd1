/**
 * What a finished job used of what it was given, from the sacct job row and its step rows, with
 * the definitions of Slurm's `seff` (contribs/seff; its arithmetic re-derived, no code taken):
 * - CPU: every step's TotalCPU (batch and extern included) over Elapsed × allocated CPUs. The job
 *   row's own TotalCPU is 0 with `sacct -X`, hence the steps.
 * - memory: the largest step's TRESUsageInTot `mem` (the sum of its tasks' peaks) over the
 *   allocated memory in AllocTRES (the job's total, whether asked per node or per CPU). This is
 *   seff from 24.11 on; 22.05–24.05 multiplied the largest task's MaxRSS by the task count.
 * - GPU: TRESUsageInTot `gres/gpuutil` (peak percent, summed over a task's GPUs and over tasks) and
 *   `gres/gpumem` (bytes), recorded from Slurm 23.02 with NVML/RSMI autodetection. 23.11.0–24.05.0
 *   kept only the last GPU of a task, so a multi-GPU step's value is wrong there and not reported.
 * - Princeton jobstats' AdminComment, where present, gives time-averaged per-GPU figures instead.
 */
import type { Inflate, Jobstats } from './jobstats.js';
import { decodeJobstats } from './jobstats.js';
import { clean, intOrNull } from './slurm-fields.js';
import { parseDuration } from './slurm-time.js';
import { parseTres, tresBytes, tresCount } from './tres.js';

/** Fractions are 0–1 (rounded to 4 places); null where Slurm did not record what is needed. */
export interface Efficiency {
  /** CPU time used / (elapsed × allocated CPUs). */
  cpu: number | null;
  /** Peak memory / allocated memory. */
  mem: number | null;
  mem_used_bytes: number | null;
  mem_alloc_bytes: number | null;
  cpus: number | null;
  /** Allocated GPUs; 0 when none. */
  gpus: number | null;
  /** Mean GPU utilisation per allocated GPU (Slurm: peak samples; jobstats: time average). */
  gpu_util: number | null;
  /** GPU memory used / GPU memory available; needs the GPUs' size, which only jobstats records. */
  gpu_mem: number | null;
  /** Elapsed / time limit. */
  time_used_ratio: number | null;
  /** Peak GPU memory used, summed over GPUs. */
  gpu_mem_used_bytes: number | null;
  /** GPUs that did no work at all, when that can be told. */
  gpus_idle: number | null;
}

/** `[major, minor, patch]`, e.g. `[23, 11, 4]`. */
export type SlurmVersion = readonly [number, number, number];

/** The version in `sacct --version` output (`slurm 23.02.8`, `slurm-wlm 22.05.8`). */
export function parseSlurmVersion(text: string | null | undefined): SlurmVersion | null {
  const m = /\b(\d{2})\.(\d{2})\.(\d{1,3})/.exec(typeof text === 'string' ? text : '');
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}

/** 23.11.0 – 24.05.0 kept only the last GPU's gpuutil/gpumem of each task (fixed in 24.05.1). */
function lastGpuOnly(v: SlurmVersion): boolean {
  const n = v[0] * 10000 + v[1] * 100 + v[2];
  return n >= 231100 && n < 240501;
}

type Row = Record<string, string>;

export interface EfficiencyOptions {
  /** Needed only for steps with several GPUs (see needsSlurmVersion); unknown = not trusted. */
  slurmVersion?: SlurmVersion | null;
  /** gzip decompressor for jobstats' AdminComment; without it the comment is ignored. */
  inflate?: Inflate;
}

/** The job's elapsed time and limit, as the record already has them. */
export interface JobTimes {
  elapsed_s: number | null;
  time_limit_s: number | null;
}

const MIN_IDLE_CLAIM_S = 300;

function fraction(x: number | null): number | null {
  if (x === null || !Number.isFinite(x)) return null;
  return Math.round(Math.min(1, Math.max(0, x)) * 10000) / 10000;
}

function ratio(a: number | null, b: number | null): number | null {
  return a === null || b === null || b <= 0 ? null : fraction(a / b);
}

function maxOf(values: (number | null)[]): number | null {
  let best: number | null = null;
  for (const v of values) if (v !== null && (best === null || v > best)) best = v;
  return best;
}

function stepGpus(step: Row, jobGpus: number | null): number | null {
  return tresCount(parseTres(step.alloctres), 'gres/gpu') ?? jobGpus;
}

/**
 * True when the rows hold GPU usage of a step that may have several GPUs (a step without its own
 * count takes the job's): then the Slurm version matters.
 */
export function needsSlurmVersion(rows: Row[]): boolean {
  return rows.some((r) => parseTres(r.tresusageintot).has('gres/gpuutil') && (stepGpus(r, null) ?? 2) > 1);
}

/** Efficiency of an ended job from its sacct job row and step rows (`.batch`, `.extern`, `.0`, …). */
export function sacctEfficiency(jobRow: Row, steps: Row[], times: JobTimes, o: EfficiencyOptions = {}): Efficiency {
  const alloc = parseTres(jobRow.alloctres);
  const elapsed = times.elapsed_s;
  const cpus = tresCount(alloc, 'cpu') ?? intOrNull(jobRow.alloccpus) ?? intOrNull(jobRow.ncpus);
  const cpuTimes = steps.map((s) => (clean(s.totalcpu) === null ? null : parseDuration(s.totalcpu)));
  const cpuUsed = cpuTimes.some((t) => t !== null) ? cpuTimes.reduce<number>((a, t) => a + (t ?? 0), 0) : null;
  const usage = steps.map((s) => parseTres(s.tresusageintot));
  const memUsed = maxOf(usage.map((u) => tresBytes(u, 'mem', 'bytes')));
  const memAlloc = tresBytes(alloc, 'mem', 'megabytes');
  const gpus = tresCount(alloc, 'gres/gpu') ?? (clean(jobRow.alloctres) === null ? null : 0);
  const eff: Efficiency = {
    cpu: ratio(cpuUsed, elapsed !== null && cpus !== null ? elapsed * cpus : null),
    mem: ratio(memUsed, memAlloc),
    mem_used_bytes: memUsed,
    mem_alloc_bytes: memAlloc,
    cpus,
    gpus,
    gpu_util: null,
    gpu_mem: null,
    time_used_ratio: ratio(elapsed, times.time_limit_s),
    gpu_mem_used_bytes: null,
    gpus_idle: null,
  };
  if (gpus !== null && gpus > 0) sacctGpu(eff, steps, usage, gpus, elapsed, o.slurmVersion ?? null);
  const js = decodeJobstats(jobRow.admincomment, o.inflate);
  if (js) withJobstats(eff, js);
  return eff;
}

function sacctGpu(
  eff: Efficiency,
  steps: Row[],
  usage: Map<string, string>[],
  gpus: number,
  elapsed: number | null,
  version: SlurmVersion | null,
): void {
  const recorded = usage
    .map((u, i) => ({ u, n: stepGpus(steps[i]!, gpus) ?? gpus }))
    .filter((x) => x.u.has('gres/gpuutil'));
  if (recorded.length === 0) return; // before 23.02, or no NVML/RSMI: unknown, not 0
  const trusted = recorded.every((x) => x.n <= 1) || (version !== null && !lastGpuOnly(version));
  if (!trusted) return;
  const util = maxOf(recorded.map((x) => tresCount(x.u, 'gres/gpuutil')));
  eff.gpu_util = util === null ? null : fraction(util / 100 / gpus);
  eff.gpu_mem_used_bytes = maxOf(recorded.map((x) => tresBytes(x.u, 'gres/gpumem', 'bytes')));
  // A peak of 0 over a run long enough to be sampled several times means no GPU did anything.
  if (util === 0 && elapsed !== null && elapsed >= MIN_IDLE_CLAIM_S) eff.gpus_idle = gpus;
}

const IDLE_UTIL_PCT = 1;

/** jobstats' time averages replace Slurm's GPU peaks and fill CPU/memory where sacct had none. */
function withJobstats(eff: Efficiency, js: Jobstats): void {
  const utils = js.gpus.map((g) => g.util).filter((u): u is number => u !== null);
  if (utils.length > 0) {
    eff.gpu_util = fraction(utils.reduce((a, u) => a + u, 0) / utils.length / 100);
    eff.gpus_idle = utils.filter((u) => u < IDLE_UTIL_PCT).length;
  }
  const used = js.gpus.map((g) => g.usedBytes).filter((u): u is number => u !== null);
  const total = js.gpus.map((g) => g.totalBytes).filter((u): u is number => u !== null);
  if (used.length > 0) eff.gpu_mem_used_bytes = used.reduce((a, u) => a + u, 0);
  if (used.length > 0 && total.length === used.length)
    eff.gpu_mem = ratio(
      eff.gpu_mem_used_bytes,
      total.reduce((a, u) => a + u, 0),
    );
  if (eff.gpus === null && js.gpus.length > 0) eff.gpus = js.gpus.length;
  if (eff.cpu === null) eff.cpu = ratio(js.cpuUsedS, js.elapsedS !== null ? js.elapsedS * js.cpus : null);
  if (eff.mem === null) {
    eff.mem_used_bytes ??= js.memUsedBytes;
    eff.mem_alloc_bytes ??= js.memTotalBytes;
    eff.mem = ratio(eff.mem_used_bytes, eff.mem_alloc_bytes);
  }
}
