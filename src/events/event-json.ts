/** A transition of one job as the event object every consumer gets, with its one human line. */
import { sanitizeField } from '../../parsers/sanitize.js';
import { fmtShortDuration, isoLocal } from '../format.js';
import { jobIdentity } from '../model/job-identity.js';
import { explainEnd } from '../model/merge-analysis.js';
import { elapsedNow, type JobEntry, timeLeftNow } from '../store.js';
import type { EventName, JobEvent } from './types.js';

const LINE_MAX = 160;

function clip(s: string): string {
  return s.length > LINE_MAX ? `${s.slice(0, LINE_MAX - 1)}…` : s;
}

function label(e: JobEntry): string {
  const name = sanitizeField(e.job.name);
  return name ? `job ${e.job.job_id} (${name})` : `job ${e.job.job_id}`;
}

function dur(s: number | null): string {
  return s === null ? '?' : fmtShortDuration(Math.max(0, s));
}

function message(name: EventName, e: JobEntry, now: number, x: { oldReason: string | null; silentMs: number }): string {
  const j = e.job;
  const who = label(e);
  const failure = e.analysis?.failure;
  switch (name) {
    case 'job_started': {
      const waited =
        j.submit_time && j.start_time ? (Date.parse(j.start_time) - Date.parse(j.submit_time)) / 1000 : null;
      const where = j.nodes ? ` on ${sanitizeField(j.nodes)}` : '';
      return `${who} started${where}${waited !== null && Number.isFinite(waited) ? ` after ${dur(waited)} in the queue` : ''}`;
    }
    case 'job_completed':
      return `${who} completed in ${dur(j.elapsed_s)}`;
    case 'job_failed': {
      const why = sanitizeField(explainEnd(failure, e.exitNote)?.line ?? `exit ${j.exit_code ?? '?'}`);
      return clip(
        `${who} ${j.state}${j.state_detail ? ` ${sanitizeField(j.state_detail)}` : ''} after ${dur(j.elapsed_s)}: ${why}`,
      );
    }
    case 'job_cancelled':
      return `${who} was cancelled by you after ${dur(j.elapsed_s)}`;
    case 'job_requeued':
      return `${who} was requeued${j.reason ? ` (${sanitizeField(j.reason)})` : ''}`;
    case 'job_timeout_risk': {
      const left = timeLeftNow(e, now);
      const need = e.finishAt !== null ? (e.finishAt - now) / 1000 : null;
      return `${who} will not finish before its time limit: needs ~${dur(need)}, has ${dur(left)} left`;
    }
    case 'job_stalled':
      return `${who} has written nothing for ${dur(x.silentMs / 1000)} while RUNNING: hung?`;
    case 'job_pending_reason_changed':
      return `${who} now waits for ${sanitizeField(j.reason ?? '?')} (was ${sanitizeField(x.oldReason ?? '?')})`;
  }
}

/** The event object for `name` happening to `e` (at `at`, ms). */
export function toEvent(
  name: EventName,
  e: JobEntry,
  x: { now: number; at: number; late: boolean; oldReason?: string | null; silentMs?: number },
): JobEvent {
  const j = e.job;
  const running = j.state === 'RUNNING';
  const failure =
    name === 'job_failed' && e.analysis?.failure
      ? { category: e.analysis.failure.category, line: e.analysis.failure.line }
      : null;
  const elapsed = elapsedNow(e, x.now);
  // Object.assign rather than a spread inside the literal, which V8 builds slowly (see summaryJob).
  const head = { event: name, at: isoLocal(x.at), key: e.key };
  return Object.assign(head, jobIdentity(e), {
    progress: e.analysis?.progress ?? null,
    eta: running && e.finishAt !== null ? Math.max(0, Math.round((e.finishAt - x.now) / 1000)) : null,
    finish_time: running && e.finishAt !== null ? isoLocal(e.finishAt) : null,
    time_limit_s: j.time_limit_s,
    elapsed_s: elapsed === null ? null : Math.round(elapsed),
    failure,
    exit_code: j.exit_code,
    late: x.late,
    message: message(name, e, x.now, { oldReason: x.oldReason ?? null, silentMs: x.silentMs ?? 0 }),
  });
}
