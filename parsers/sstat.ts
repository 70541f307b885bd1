/** `sstat` for a running job, asked for on demand only: argv and parser. */
import { clean, lines } from './slurm-fields.js';
import { parseDuration } from './slurm-time.js';
import { parseTres, tresBytes, tresCount } from './tres.js';

/** What the running steps used so far. */
export interface LiveUsage {
  /** CPU seconds of the steps sstat still lists (steps that ended drop out). */
  cpu_used_s: number | null;
  /** Largest step's sum of task peaks (TRESUsageInTot `mem`). */
  mem_used_bytes: number | null;
  /** Largest step's `gres/gpuutil` (Slurm ≥ 23.02 with NVML/RSMI), percent summed over GPUs. */
  gpu_util_pct: number | null;
  steps: number;
}

const FIELDS = 'JobID,TRESUsageInTot';

/**
 * Full argv. `--allsteps`: without a step id sstat shows only the first srun step and skips the
 * batch step, where most batch jobs do their work (checked on 22.05). Array tasks need their raw id.
 */
export function sstatArgs(rawJobId: string): string[] | null {
  if (!/^\d{1,12}$/.test(rawJobId)) return null;
  return ['sstat', '--noheader', '--parsable2', '--allsteps', `--jobs=${rawJobId}`, `--format=${FIELDS}`];
}

function sum(values: (number | null)[]): number | null {
  return values.some((v) => v !== null) ? values.reduce<number>((a, v) => a + (v ?? 0), 0) : null;
}

function max(values: (number | null)[]): number | null {
  const known = values.filter((v): v is number => v !== null);
  return known.length ? Math.max(...known) : null;
}

/** Usage in `sstatArgs` output; null when no step row parsed (sstat prints nothing for a job between steps). */
export function parseSstat(text: string): LiveUsage | null {
  const usage: Map<string, string>[] = [];
  for (const line of lines(text)) {
    const [id, tres] = line.split('|');
    if (!id || !/^\d+(?:_\d+)?\.\S+$/.test(id.trim()) || tres === undefined) continue;
    usage.push(parseTres(tres));
  }
  if (usage.length === 0) return null;
  return {
    cpu_used_s: sum(usage.map((u) => (clean(u.get('cpu')) === null ? null : parseDuration(u.get('cpu'))))),
    mem_used_bytes: max(usage.map((u) => tresBytes(u, 'mem', 'bytes'))),
    gpu_util_pct: max(usage.map((u) => tresCount(u, 'gres/gpuutil'))),
    steps: usage.length,
  };
}
