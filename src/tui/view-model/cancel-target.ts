/** What `c` would cancel, resolved once so the confirmation shows exactly what scancel gets. */
import { sanitizeField } from '../../../parsers/sanitize.js';
import type { JobEntry } from '../../store.js';
import { groupSummary, isFinished, stateLabel, taskCount } from './rows.js';

export interface CancelTarget {
  key: string;
  cluster: string;
  /** The one argument scancel gets. */
  scancelId: string;
  name: string;
  /** `RUNNING`, or `3R 5PD` for an array. */
  state: string;
  /** Task count when the whole array is cancelled, else null. */
  tasks: number | null;
  /** Nothing left to cancel. */
  finished: boolean;
}

const GROUP = /^group:(.*)\/([^/]+)$/;

/** Resolves a job key or an array group key (`group:cluster/arrayId`), or null when unknown. */
export function cancelTarget(jobs: Record<string, JobEntry>, key: string): CancelTarget | null {
  const g = GROUP.exec(key);
  if (g) {
    const [, cluster, arrayId] = g as unknown as [string, string, string];
    const kids = Object.values(jobs).filter((e) => e.cluster === cluster && e.job.array_job_id === arrayId);
    if (kids.length === 0) return null;
    return {
      key,
      cluster,
      scancelId: arrayId,
      name: sanitizeField(kids[0]!.job.name),
      state: groupSummary(kids)
        .map((s) => s.label)
        .join(' '),
      tasks: kids.reduce((n, e) => n + taskCount(e), 0),
      finished: kids.every(isFinished),
    };
  }
  const e = jobs[key];
  if (!e) return null;
  // A pending range record `83_[4-9%2]`: scancel takes the range but not the throttle.
  const id = e.job.job_id.replace(/%\d+\]$/, ']');
  return {
    key,
    cluster: e.cluster,
    scancelId: id,
    name: sanitizeField(e.job.name),
    state: stateLabel(e),
    tasks: taskCount(e) > 1 ? taskCount(e) : null,
    finished: isFinished(e) || e.notFound,
  };
}
