/** What the event layer says happened to a job: one object per transition, the same for every consumer. */
import type { EventName } from '../../parsers/notify-spec.js';
import type { Failure, Progress } from '../../parsers/types.js';
import type { JobIdentity } from '../model/job-identity.js';

export { EVENT_NAMES, type EventName } from '../../parsers/notify-spec.js';

/** The events a job's end produces: exactly one of these per end. */
export const END_EVENTS: ReadonlySet<EventName> = new Set(['job_completed', 'job_failed', 'job_cancelled']);

/** What a view needs of the event layer: the last events, and news of the next ones. */
export interface EventFeed {
  readonly recent: readonly JobEvent[];
  on(listener: (ev: JobEvent) => void): () => void;
}

/** A transition as consumers see it (and as `events --json`, webhooks and MCP print it). */
export interface JobEvent extends JobIdentity {
  event: EventName;
  /** When it happened (ISO 8601 with offset): the job's start or end time when SLURM gives one. */
  at: string;
  /** The store key, `cluster/jobid`. */
  key: string;
  /** Same shape as in `--summary --json`. */
  progress: Progress | null;
  /** Seconds to the estimated end of the run, while it runs. */
  eta: number | null;
  finish_time: string | null;
  time_limit_s: number | null;
  elapsed_s: number | null;
  /** Category and root-cause line (redacted before it leaves the machine). */
  failure: Pick<Failure, 'category' | 'line'> | null;
  exit_code: string | null;
  /** It happened while nothing was watching; delivered on the next start. */
  late: boolean;
  /** One human line. */
  message: string;
}
