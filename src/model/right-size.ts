/**
 * What to ask for next time, from what a finished job (or a whole array) used. Conservative on
 * purpose: a suggestion keeps headroom above the peak, never goes below what was used, is only
 * made when the saving is worth a line, and nothing is said when Slurm did not record the data.
 */
import type { Efficiency } from '../../parsers/efficiency.js';
import { isEnded, type JobState } from '../../parsers/job-state.js';

/** One finished job as the hints see it. */
export interface SizingInput {
  state: JobState;
  efficiency: Efficiency | null;
  elapsed_s: number | null;
  time_limit_s: number | null;
  /** `--mem` is per node: a total over several nodes says nothing about one node's share. */
  single_node: boolean;
}

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
const MEM_HEADROOM = 1.2;
const MEM_SLACK = 256 * MiB;
const TIME_HEADROOM = 2;
/** Suggest only when it asks for at most this share of the old request… */
const WORTH = 0.75;
/** …and saves at least this much memory. */
const MEM_WORTH = 512 * MiB;
const MIN_CPU_SAMPLE_S = 60;

/** `1.5G`, `768M`, `96K`: sacct-style sizes, 1024-based. */
export function fmtMem(bytes: number): string {
  const units = ['K', 'M', 'G', 'T', 'P'];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  const digits = v < 10 && !Number.isInteger(v) ? 1 : 0;
  return `${v.toFixed(digits)}${units[i]}`;
}

/** `0:41:12`, `10:00:00`, `1-02:00:00`: the form `--time` takes. */
export function fmtLimit(s: number): string {
  const t = Math.max(0, Math.round(s));
  const p = (n: number) => String(n).padStart(2, '0');
  const d = Math.floor(t / 86400);
  const h = Math.floor((t % 86400) / 3600);
  const rest = `${p(Math.floor((t % 3600) / 60))}:${p(t % 60)}`;
  return d > 0 ? `${d}-${p(h)}:${rest}` : `${h}:${rest}`;
}

/** A round `--mem` value at or above `bytes`: 256M steps below 1G, whole G below 16G, then 4G steps. */
function memStep(bytes: number): { bytes: number; text: string } {
  if (bytes <= GiB) {
    const m = Math.ceil(bytes / (256 * MiB)) * 256;
    return m >= 1024 ? { bytes: GiB, text: '1G' } : { bytes: m * MiB, text: `${m}M` };
  }
  const step = bytes <= 16 * GiB ? 1 : 4;
  const g = Math.ceil(bytes / GiB / step) * step;
  return { bytes: g * GiB, text: `${g}G` };
}

function memHint(e: Efficiency, single: boolean): string | null {
  const used = e.mem_used_bytes;
  const alloc = e.mem_alloc_bytes;
  if (used === null || alloc === null || used <= 0 || alloc <= 0 || !single) return null;
  const next = memStep(Math.max(used * MEM_HEADROOM, used + MEM_SLACK));
  if (next.bytes > alloc * WORTH || alloc - next.bytes < MEM_WORTH) return null;
  return `asked ${fmtMem(alloc)}, used ${fmtMem(used)} — --mem=${next.text} would do`;
}

function timeHint(i: SizingInput): string | null {
  const { elapsed_s: el, time_limit_s: limit } = i;
  // Only a run that finished tells how long the work takes; a crash ends early.
  if (i.state !== 'COMPLETED' || el === null || limit === null || el <= 0) return null;
  const quarter = 15 * 60;
  const next = Math.ceil((el * TIME_HEADROOM) / quarter) * quarter;
  if (next > limit * WORTH) return null;
  return `asked ${fmtLimit(limit)}, finished in ${fmtLimit(el)} — --time=${fmtLimit(next)} would do`;
}

function cpuHint(i: SizingInput, e: Efficiency): string | null {
  if (e.cpu === null || e.cpus === null || e.cpus < 2 || (i.elapsed_s ?? 0) < MIN_CPU_SAMPLE_S) return null;
  const used = e.cpu * e.cpus;
  if (used > e.cpus / 2) return null;
  return `${e.cpus} CPUs, ${used.toFixed(1)} used on average`;
}

function gpuHint(e: Efficiency): string | null {
  const { gpus, gpus_idle: idle } = e;
  if (gpus === null || idle === null || gpus < 1 || idle < 1) return null;
  if (idle >= gpus) return gpus === 1 ? '1 GPU, idle the whole run' : `${gpus} GPUs, all idle`;
  return `${gpus} GPUs, ${idle === 1 ? 'one' : idle} idle`;
}

/** Hints for one ended job; empty when there is nothing worth saying or nothing known. */
export function rightSizeHints(i: SizingInput): string[] {
  const e = i.efficiency;
  if (!e || !isEnded(i.state)) return [];
  return [memHint(e, i.single_node), timeHint(i), cpuHint(i, e), gpuHint(e)].filter((h): h is string => h !== null);
}

function maxKnown(xs: (number | null)[]): number | null {
  const k = xs.filter((x): x is number => x !== null);
  return k.length ? Math.max(...k) : null;
}

/**
 * One input for a whole array: the largest use of any task against the (shared) request, so a
 * suggestion fits every task. The time hint needs every task to have completed.
 */
export function combineTasks(tasks: SizingInput[]): SizingInput | null {
  const done = tasks.filter((t) => t.efficiency !== null && isEnded(t.state));
  if (done.length === 0) return null;
  const effs = done.map((t) => t.efficiency!);
  const cpusUsed = effs.map((e) => (e.cpu !== null && e.cpus !== null ? e.cpu * e.cpus : null));
  const cpus = maxKnown(effs.map((e) => e.cpus));
  const maxUsed = maxKnown(cpusUsed);
  const allSeen = cpusUsed.every((c) => c !== null);
  return {
    state: done.every((t) => t.state === 'COMPLETED') ? 'COMPLETED' : 'FAILED',
    elapsed_s: maxKnown(done.map((t) => t.elapsed_s)),
    time_limit_s: maxKnown(done.map((t) => t.time_limit_s)),
    single_node: done.every((t) => t.single_node),
    efficiency: {
      cpu: allSeen && cpus && maxUsed !== null ? maxUsed / cpus : null,
      mem: null,
      mem_used_bytes: effs.every((e) => e.mem_used_bytes !== null) ? maxKnown(effs.map((e) => e.mem_used_bytes)) : null,
      mem_alloc_bytes: maxKnown(effs.map((e) => e.mem_alloc_bytes)),
      cpus,
      gpus: maxKnown(effs.map((e) => e.gpus)),
      gpu_util: null,
      gpu_mem: null,
      time_used_ratio: null,
      gpu_mem_used_bytes: null,
      // Idle in every task, or not idle.
      gpus_idle: effs.every((e) => e.gpus_idle !== null) ? Math.min(...effs.map((e) => e.gpus_idle!)) : null,
    },
  };
}
