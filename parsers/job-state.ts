/**
 * The one vocabulary of job states: Slurm's base states (slurm.h `job_states`) and the state
 * flags squeue and sacct print as states, plus UNKNOWN. Every layer asks these predicates instead
 * of keeping its own set, so "queued", "running" and "ended" mean the same everywhere.
 */

export const JOB_STATES = [
  'PENDING',
  'RUNNING',
  'SUSPENDED',
  'COMPLETED',
  'CANCELLED',
  'FAILED',
  'TIMEOUT',
  'NODE_FAIL',
  'PREEMPTED',
  'BOOT_FAIL',
  'DEADLINE',
  'OUT_OF_MEMORY',
  'COMPLETING',
  'CONFIGURING',
  'RESIZING',
  'REQUEUED',
  'REQUEUE_FED',
  'REQUEUE_HOLD',
  'RESV_DEL_HOLD',
  'SPECIAL_EXIT',
  'STOPPED',
  'REVOKED',
  'SIGNALING',
  'STAGE_OUT',
  'UNKNOWN',
] as const;

/** A job state as Slurm names it. */
export type JobState = (typeof JOB_STATES)[number];

const KNOWN = new Set<string>(JOB_STATES);

/** The state for a word Slurm printed (any case); a state this version does not know is UNKNOWN. */
export function toJobState(word: string): JobState {
  const w = word.trim().toUpperCase();
  return KNOWN.has(w) ? (w as JobState) : 'UNKNOWN';
}

// Waiting to start: no allocation yet (or given back for a requeue).
const QUEUED = new Set<JobState>(['PENDING', 'REQUEUED', 'REQUEUE_FED', 'REQUEUE_HOLD', 'RESV_DEL_HOLD']);
// Holding its allocation: its logs may still grow.
const RUNNING = new Set<JobState>([
  'RUNNING',
  'COMPLETING',
  'CONFIGURING',
  'SUSPENDED',
  'STOPPED',
  'SIGNALING',
  'STAGE_OUT',
  'RESIZING',
]);
// Will never run again.
const ENDED = new Set<JobState>([
  'COMPLETED',
  'FAILED',
  'CANCELLED',
  'TIMEOUT',
  'OUT_OF_MEMORY',
  'NODE_FAIL',
  'PREEMPTED',
  'BOOT_FAIL',
  'DEADLINE',
  'REVOKED',
  'SPECIAL_EXIT',
]);

/** Waiting to start (pending, requeued, held). */
export function isQueued(state: JobState): boolean {
  return QUEUED.has(state);
}

/** Holding an allocation, from CONFIGURING to COMPLETING (suspended too): its logs may grow. */
export function isRunning(state: JobState): boolean {
  return RUNNING.has(state);
}

/** Ended for good: it will never run again. */
export function isEnded(state: JobState): boolean {
  return ENDED.has(state);
}

/** Ended without success: every end but COMPLETED (a user's own scancel included). */
export function isFailure(state: JobState): boolean {
  return ENDED.has(state) && state !== 'COMPLETED';
}
