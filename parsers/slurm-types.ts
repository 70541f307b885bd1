import type { Efficiency } from './efficiency.js';
import type { JobState } from './job-state.js';

/** A job as hpc-watch knows it, merged from squeue, sacct and scontrol.
 * Unknown values are null; times are ISO 8601 strings with an offset. */
export interface SlurmJob {
  /** As SLURM prints it: `123`, `123_7`, `123_[4-9%2]`, `123+1`. */
  job_id: string;
  /** The numeric id of this record (SLURM_JOB_ID of an array task), when known. */
  raw_job_id: string | null;
  array_job_id: string | null;
  /** `7`, or `[4-9%2]` for a pending array parent. */
  array_task_id: string | null;
  het_job_id: string | null;
  het_offset: number | null;
  name: string;
  user: string | null;
  account: string | null;
  partition: string | null;
  /** Base state: `CANCELLED`, not `CANCELLED by 1001`; a state this version does not know is UNKNOWN. */
  state: JobState;
  /** Whatever followed the state word, e.g. `by 1001`. */
  state_detail: string | null;
  /** Pending reason or the reason a job ended (`Resources`, `TimeLimit`), without parentheses. */
  reason: string | null;
  /** Node list (`node[01-04]`), null when none assigned. */
  nodes: string | null;
  num_nodes: number | null;
  submit_time: string | null;
  start_time: string | null;
  end_time: string | null;
  elapsed_s: number | null;
  /** null = UNLIMITED or unknown. */
  time_limit_s: number | null;
  /** `exit:signal`, e.g. `1:0`, `0:125`. */
  exit_code: string | null;
  derived_exit_code: string | null;
  work_dir: string | null;
  /** Raw StdOut/StdErr as the scheduler printed them (may hold `%A` patterns). */
  stdout_pattern: string | null;
  stderr_pattern: string | null;
  command: string | null;
  req_mem: string | null;
  alloc_tres: string | null;
  max_rss: string | null;
  /** What an ended job used of its allocation (sacct); null while queued or running. */
  efficiency: Efficiency | null;
  /** The dependency field as Slurm prints it (`afterok:123(unfulfilled)`); null when none is left. */
  dependency: string | null;
}
