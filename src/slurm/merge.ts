/** How a fresh SLURM record joins what the store already knew about a job. Pure. */
import { isEnded } from '../../parsers/job-state.js';
import { blankJob } from '../../parsers/slurm-fields.js';
import type { SlurmJob } from '../../parsers/slurm-types.js';
import { type JobEntry, jobKey } from '../store.js';
import type { CachedJob } from './path-cache.js';

/** An entry that knows nothing yet beyond its id. */
export function placeholderEntry(cluster: string, jobId: string, now: number): JobEntry {
  return {
    key: jobKey(cluster, jobId),
    cluster,
    job: blankJob(jobId),
    polledAt: now,
    source: 'squeue',
    stdout: null,
    stderr: null,
    analysis: null,
    history: [],
    willTimeout: null,
    overrunS: null,
    finishAt: null,
    exitNote: null,
    notFound: false,
    logsFinal: false,
  };
}

/**
 * The entry after a new record: SLURM fields from the record, except what the record cannot know
 * (sacct hands non-ASCII names back as `?`, or a stand-in row while slurmdbd lags; squeue leaves
 * WorkDir and log patterns out once a job ends, and has no usage figures), which is kept from before
 * or from the path cache. Logs and history carry over.
 */
export function mergeRecord(
  old: JobEntry | undefined,
  job: SlurmJob,
  source: JobEntry['source'],
  cached: CachedJob | undefined,
  cluster: string,
  now: number,
  /** Another task of the same array, for log patterns this record and the old one lack. */
  sibling?: SlurmJob,
): JobEntry {
  const knownName = old?.job.name || cached?.name;
  const name = source === 'sacct' && knownName && (/\?/.test(job.name) || job.name === '') ? knownName : job.name;
  // slurmdbd's stand-in row (see sacct.ts) knows none of these; squeue did.
  const was = job.accountingIncomplete ? old?.job : undefined;
  const merged: SlurmJob = {
    ...job,
    name,
    partition: job.partition ?? was?.partition ?? null,
    time_limit_s: job.time_limit_s ?? was?.time_limit_s ?? null,
    req_mem: job.req_mem ?? was?.req_mem ?? null,
    work_dir: job.work_dir ?? old?.job.work_dir ?? cached?.workDir ?? null,
    ...logPatterns(job, old?.job, sibling),
    raw_job_id: job.raw_job_id ?? old?.job.raw_job_id ?? null,
    nodes: job.nodes ?? old?.job.nodes ?? null,
    // squeue lists an ended job for MinJobAge more but knows nothing of its usage: keep sacct's.
    efficiency: job.efficiency ?? (isEnded(job.state) ? old?.job.efficiency : null) ?? null,
  };
  const base = old ?? placeholderEntry(cluster, job.job_id, now);
  // A requeued job runs again: its next end needs a fresh read of its logs.
  return {
    ...base,
    job: merged,
    source,
    polledAt: now,
    notFound: false,
    logsFinal: base.logsFinal && isEnded(job.state),
  };
}

/** The record's log patterns, else the ones known before, else (both unknown) a sibling task's pair. */
function logPatterns(job: SlurmJob, old: SlurmJob | undefined, sibling: SlurmJob | undefined) {
  const own = {
    stdout_pattern: job.stdout_pattern ?? old?.stdout_pattern ?? null,
    stderr_pattern: job.stderr_pattern ?? old?.stderr_pattern ?? null,
  };
  if (own.stdout_pattern !== null || !sibling) return own;
  return { stdout_pattern: sibling.stdout_pattern, stderr_pattern: sibling.stderr_pattern };
}
