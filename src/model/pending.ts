/** Why a queued job waits, in words: its reason, what it depends on (with those jobs' states), when it may start. */
import { type DependencyStatus, parseDependency } from '../../parsers/dependency.js';
import { isEnded, isFailure, isQueued } from '../../parsers/job-state.js';
import { reasonText } from '../../parsers/pending-reason.js';
import { type JobEntry, jobKey, type LiveInfo } from '../store.js';

/** One job the queued job waits for. */
export interface WaitTarget {
  type: string;
  job_id: string | null;
  /** The target's state as hpc-watch last saw it; null when it does not watch that job. */
  state: string | null;
  /** Slurm's own mark on the item: `failed` = it can never be satisfied. */
  status: DependencyStatus;
}

export interface PendingInsight {
  reason_text: string | null;
  est_start: string | null;
  dependencies: WaitTarget[];
  /** It will not start as it is: a dependency failed for good. */
  never: boolean;
}

/** A dependency target's state: the job itself, or for a whole array (`46_*`, `46`) its least finished task. */
function targetState(jobs: Record<string, JobEntry>, cluster: string, id: string | null): string | null {
  if (id === null) return null;
  const exact = jobs[jobKey(cluster, id)];
  if (exact) return exact.job.state;
  const arrayId = id.endsWith('_*') ? id.slice(0, -2) : id;
  const tasks = Object.values(jobs).filter((e) => e.cluster === cluster && e.job.array_job_id === arrayId);
  if (tasks.length === 0) return null;
  const open = tasks.find((e) => !isEnded(e.job.state));
  return (open ?? tasks.find((e) => isFailure(e.job.state)) ?? tasks[0]!).job.state;
}

/** What a queued job waits for; null for a job that is not queued. */
export function pendingInsight(
  e: JobEntry,
  jobs: Record<string, JobEntry>,
  live: LiveInfo | undefined,
): PendingInsight | null {
  if (!isQueued(e.job.state)) return null;
  const deps = parseDependency(e.job.dependency);
  const dependencies = (deps?.items ?? []).map((d) => ({
    type: d.type,
    job_id: d.job_id,
    state: targetState(jobs, e.cluster, d.job_id),
    status: d.status,
  }));
  const failed = dependencies.filter((d) => d.status === 'failed').length;
  const never =
    e.job.reason === 'DependencyNeverSatisfied' || (failed > 0 && (deps?.any ? failed === dependencies.length : true));
  return {
    reason_text: reasonText(e.job.reason, e.job.raw_job_id ?? e.job.job_id),
    est_start: live?.estStart ?? null,
    dependencies,
    never,
  };
}
