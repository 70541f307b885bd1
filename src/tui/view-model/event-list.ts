/** The event list overlay and the status-line note for a new event, as pure lines. */
import { sanitizeField } from '../../../parsers/sanitize.js';
import type { JobEvent } from '../../events/types.js';
import { fmtShortDuration } from '../../format.js';
import type { CellPart, CellTone } from './cells.js';

const TONE: Partial<Record<JobEvent['event'], CellTone>> = {
  job_failed: 'error',
  job_stalled: 'warning',
  job_timeout_risk: 'warning',
  job_completed: 'ok',
  job_started: 'accent',
};

const ICON: Record<JobEvent['event'], string> = {
  job_started: '▶',
  job_completed: '✔',
  job_failed: '✖',
  job_cancelled: '■',
  job_requeued: '↻',
  job_timeout_risk: '⚠',
  job_stalled: '⏸',
  job_pending_reason_changed: '…',
};

/** How an event reads in the status line and the list. */
export function eventTone(ev: JobEvent): CellTone {
  return TONE[ev.event] ?? 'dim';
}

/**
 * One line per event, newest first by when it happened (an event's `at` is the job's own start or
 * end, which can come before events told earlier): age, icon, message.
 */
export function eventListLines(events: readonly JobEvent[], now: number): CellPart[][] {
  const at = (ev: JobEvent) => {
    const t = Date.parse(ev.at);
    return Number.isFinite(t) ? t : Number.NEGATIVE_INFINITY;
  };
  const newestFirst = events
    .map((ev, i) => ({ ev, i }))
    .sort((a, b) => at(b.ev) - at(a.ev) || b.i - a.i)
    .map((x) => x.ev);
  return newestFirst.map((ev) => {
    const age = Math.max(0, (now - Date.parse(ev.at)) / 1000);
    // Minutes once past a minute: seconds would only flicker.
    const when = Number.isFinite(age)
      ? `${fmtShortDuration(age < 60 ? age : Math.round(age / 60) * 60)} ago`.padStart(9)
      : '';
    return [
      { text: `${when} `, tone: 'dim' },
      { text: `${ICON[ev.event]} `, tone: eventTone(ev) },
      { text: sanitizeField(ev.message), tone: ev.late ? 'dim' : 'plain' },
    ];
  });
}
