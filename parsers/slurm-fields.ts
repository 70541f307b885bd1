/** Field-level helpers shared by the squeue, sacct and scontrol parsers. */

import { isEnded, type JobState, toJobState } from './job-state.js';
import type { SlurmJob } from './slurm-types.js';

const JOB_ID = /^\d{1,12}(?:_\d{1,7}|_\[[\d,\-%]{1,64}\]|\+\d{1,4})?$/;

/** A job id as SLURM takes it (`123`, `123_7`, `123_[1-3]`, `123+1`), or null: nothing else reaches a command line. */
export function parseJobId(id: unknown): string | null {
  return typeof id === 'string' && JOB_ID.test(id) ? id : null;
}

/** Numeric-aware job id order: 9 < 10, 83_2 < 83_10. */
export function compareJobIds(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/** A SlurmJob with every optional value unknown. */
export function blankJob(job_id: string): SlurmJob {
  return {
    job_id,
    raw_job_id: null,
    array_job_id: null,
    array_task_id: null,
    het_job_id: null,
    het_offset: null,
    name: '',
    user: null,
    account: null,
    partition: null,
    state: 'UNKNOWN',
    state_detail: null,
    reason: null,
    nodes: null,
    num_nodes: null,
    submit_time: null,
    start_time: null,
    end_time: null,
    elapsed_s: null,
    time_limit_s: null,
    exit_code: null,
    derived_exit_code: null,
    work_dir: null,
    stdout_pattern: null,
    stderr_pattern: null,
    command: null,
    req_mem: null,
    alloc_tres: null,
    max_rss: null,
    efficiency: null,
    dependency: null,
  };
}

const NULLISH = new Set(['', '(null)', 'N/A', 'n/a', 'Unknown', 'None', 'NONE', 'None assigned', '(None)']);

/** The value, or null for SLURM's many spellings of "nothing". */
export function clean(s: string | null | undefined): string | null {
  if (typeof s !== 'string') return null;
  const t = s.trim();
  return NULLISH.has(t) ? null : t;
}

/** Like clean() but keeps `None`, which is a legitimate job or user name. */
export function cleanName(s: string | null | undefined): string | null {
  if (typeof s !== 'string') return null;
  return s === '' || s === '(null)' ? null : s;
}

/** A non-negative integer, or null. */
export function intOrNull(s: string | null | undefined): number | null {
  if (typeof s !== 'string') return null;
  const m = /^\s*(\d{1,15})/.exec(s);
  return m ? Number(m[1]) : null;
}

/** `CANCELLED by 1001` → `{state: 'CANCELLED', detail: 'by 1001'}`. */
export function splitState(s: string | null | undefined): { state: JobState; detail: string | null } {
  const t = typeof s === 'string' ? s.trim() : '';
  if (t === '') return { state: 'UNKNOWN', detail: null };
  const i = t.search(/\s/);
  const word = i < 0 ? t : t.slice(0, i);
  const rest = i < 0 ? '' : t.slice(i).trim();
  const state = toJobState(word);
  // A state newer than this code knows keeps its name, so the views can still show it.
  const detail =
    state === 'UNKNOWN' && word.toUpperCase() !== 'UNKNOWN' ? [word, rest].filter(Boolean).join(' ') : rest;
  return { state, detail: detail === '' ? null : detail };
}

const COMPACT_STATES: Record<string, string> = {
  BF: 'BOOT_FAIL',
  CA: 'CANCELLED',
  CD: 'COMPLETED',
  CF: 'CONFIGURING',
  CG: 'COMPLETING',
  DL: 'DEADLINE',
  F: 'FAILED',
  NF: 'NODE_FAIL',
  OOM: 'OUT_OF_MEMORY',
  PD: 'PENDING',
  PR: 'PREEMPTED',
  R: 'RUNNING',
  RD: 'RESV_DEL_HOLD',
  RF: 'REQUEUE_FED',
  RH: 'REQUEUE_HOLD',
  RQ: 'REQUEUED',
  RS: 'RESIZING',
  RV: 'REVOKED',
  S: 'SUSPENDED',
  SE: 'SPECIAL_EXIT',
  SI: 'SIGNALING',
  SO: 'STAGE_OUT',
  ST: 'STOPPED',
  TO: 'TIMEOUT',
};

/** Long state name for a compact code (`PD` → `PENDING`); unknown codes pass through. */
export function longState(compact: string): string {
  const t = compact.trim().toUpperCase();
  return COMPACT_STATES[t] ?? t;
}

/** `exit:signal` when s looks like one, else null. */
export function exitCode(s: string | null | undefined): string | null {
  if (typeof s !== 'string') return null;
  const m = /^\s*(\d{1,5}):(\d{1,5})\s*$/.exec(s);
  return m ? `${Number(m[1])}:${Number(m[2])}` : null;
}

/** squeue's `exit_code`/`DerivedEC` print a raw wait(2) status (768, 9); render it as SLURM's `exit:signal`. */
export function waitStatusToExitCode(s: string | null | undefined): string | null {
  const n = intOrNull(s);
  if (n === null || !/^\s*\d+\s*$/.test(s ?? '')) return exitCode(s);
  const sig = n & 0x7f;
  if (sig !== 0 && sig !== 0x7f) return `0:${sig}`;
  return `${(n >> 8) & 0xff}:0`;
}

/** Array and het-job parts of a display id: `83_7`, `83_[2-9%2]`, `123+1`, `79`. */
export function idParts(
  display: string,
): Pick<SlurmJob, 'array_job_id' | 'array_task_id' | 'het_job_id' | 'het_offset'> {
  const arr = /^(\d+)_(\d+|\[[^\]]*\]?)$/.exec(display);
  if (arr) return { array_job_id: arr[1] ?? null, array_task_id: arr[2] ?? null, het_job_id: null, het_offset: null };
  const het = /^(\d+)\+(\d+)$/.exec(display);
  if (het) return { array_job_id: null, array_task_id: null, het_job_id: het[1] ?? null, het_offset: Number(het[2]) };
  return { array_job_id: null, array_task_id: null, het_job_id: null, het_offset: null };
}

/** Task id as SlurmJob wants it: `7`, or `[2-9%2]` for a set of pending tasks. */
export function taskId(s: string | null | undefined): string | null {
  const t = clean(s);
  if (t === null) return null;
  if (/^\d+$/.test(t) || t.startsWith('[')) return t;
  return `[${t}]`;
}

/** Display id from parts, the way squeue's `%i` and sacct's JobID print it. */
export function displayId(
  raw: string,
  arrayJobId: string | null,
  task: string | null,
  hetId: string | null,
  hetOffset: number | null,
): string {
  if (arrayJobId !== null && task !== null) return `${arrayJobId}_${task}`;
  if (hetId !== null && hetOffset !== null) return `${hetId}+${hetOffset}`;
  return raw;
}

/**
 * squeue and scontrol print a *projected* start for pending jobs and a projected end for running
 * ones, and a start equal to the end for jobs cancelled while pending. Keep only times that happened,
 * so `start_time` always means the job really started. `nodeListKnown` is false when the output had
 * no node-list column (`%R` shows a failure reason instead of the nodes of a job that did run).
 */
export function actualTimes(job: SlurmJob, nodeListKnown = true): void {
  const ended = isEnded(job.state) || job.state === 'COMPLETING';
  if (job.state === 'PENDING' || job.state === 'REQUEUE_HOLD' || job.state === 'REQUEUED') job.start_time = null;
  const neverRan = nodeListKnown && job.nodes === null && !(job.elapsed_s !== null && job.elapsed_s > 0);
  if (ended && neverRan) job.start_time = null;
  if (!ended) job.end_time = null;
}

const UNIT_POWER: Record<string, number> = { '': 0, K: 1, M: 2, G: 3, T: 4, P: 5, E: 6 };

/** Bytes in a sacct size such as `7692K`, `1.50G` or `0`; null when unparsable. */
export function memBytes(s: string | null | undefined): number | null {
  if (typeof s !== 'string') return null;
  const m = /^\s*(\d{1,15}(?:\.\d{1,6})?)([KMGTPE]?)[nc]?\s*$/i.exec(s);
  if (!m) return null;
  const power = UNIT_POWER[(m[2] ?? '').toUpperCase()] ?? 0;
  return Number(m[1]) * 1024 ** power;
}

/** Splits text into lines, dropping `\r` so CRLF transports do not leak into values. */
export function lines(text: unknown): string[] {
  if (typeof text !== 'string' || text === '') return [];
  return text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}
