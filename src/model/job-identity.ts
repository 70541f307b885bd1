/** What names a job in every JSON object hpc-watch prints: `--summary --json`, events, MCP. */
import type { JobEntry } from '../store.js';

/** The job's identity and where it stands, the leading fields of summary and event objects alike. */
export interface JobIdentity {
  cluster: string;
  job_id: string;
  array_job_id: string | null;
  array_task_id: string | null;
  name: string;
  user: string | null;
  /** Slurm's state, with its detail when there is one (`CANCELLED by 1000`). */
  state: string;
  reason: string | null;
}

/** The identity fields of `e`, in the order the JSON objects print them. */
export function jobIdentity(e: JobEntry): JobIdentity {
  const j = e.job;
  return {
    cluster: e.cluster,
    job_id: j.job_id,
    array_job_id: j.array_job_id,
    array_task_id: j.array_task_id,
    name: j.name,
    user: j.user,
    state: j.state_detail ? `${j.state} ${j.state_detail}` : j.state,
    reason: j.reason,
  };
}
