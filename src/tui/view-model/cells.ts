/** What table cells and the job header are made of: text pieces with a meaning, and the shared texts. */
import { fmtPercent, fmtShortDuration } from '../../format.js';
import { runPercent } from '../../model/progress.js';
import { elapsedNow, type JobEntry } from '../../store.js';
import { isFinished, type Row } from './rows.js';

/** What a piece of a cell means; the view maps it to a theme token. */
export type CellTone = 'plain' | 'dim' | 'warning' | 'error' | 'accent' | 'ok' | { state: string };

export interface CellPart {
  text: string;
  tone: CellTone;
}

/** A cell of one piece. */
export const part = (text: string, tone: CellTone = 'plain'): CellPart[] => [{ text, tone }];

/** Display id: indented under an expanded array, with ▸/▾ and a task count on the array row. */
export function idText(row: Row): string {
  if (row.kind === 'group') return `${row.expanded ? '▾' : '▸'} ${row.arrayId} [${row.taskCount}]`;
  return row.depth === 1 ? `  ${row.entry.job.job_id}` : row.entry.job.job_id;
}

/** `1h/4h`, `-/4h` while pending. */
export function timeText(e: JobEntry, now: number): string {
  const limit = e.job.time_limit_s === null ? '' : `/${fmtShortDuration(e.job.time_limit_s)}`;
  if (e.job.state === 'PENDING') return limit ? `-${limit}` : '-';
  const el = elapsedNow(e, now);
  return el === null ? `-${limit}` : `${fmtShortDuration(el)}${limit}`;
}

/** Seconds until the estimated finish, or null. */
export function etaSeconds(e: JobEntry, now: number): number | null {
  if (e.job.state !== 'RUNNING' || e.finishAt === null) return null;
  return Math.max(0, (e.finishAt - now) / 1000);
}

/** ETA to the minute once over a minute: `21m`, `2h01m`; seconds would only flicker. */
export function fmtEta(s: number): string {
  if (s < 1) return 'now';
  return s < 60 ? fmtShortDuration(s) : fmtShortDuration(Math.round(s / 60) * 60);
}

/** The ETA cell: minutes once over a minute, empty when unknown. */
export function etaText(e: JobEntry, now: number): string {
  const s = etaSeconds(e, now);
  return s === null ? '' : fmtEta(s);
}

/** The run's `45%` (all epochs, like the ETA), or empty without a known total. */
export function pctText(e: JobEntry): string {
  const p = runPercent(e.analysis?.progress);
  return p === null ? '' : fmtPercent(p);
}

/** A text progress bar: full blocks plus one eighth-block for the remainder. */
export function barText(fraction: number, width: number): string {
  if (width <= 0) return '';
  const f = Math.max(0, Math.min(1, fraction));
  const eighths = Math.round(f * width * 8);
  const full = Math.floor(eighths / 8);
  const rest = eighths % 8;
  const partial = rest > 0 && full < width ? '▏▎▍▌▋▊▉'[rest - 1]! : '';
  return '█'.repeat(full) + partial + '░'.repeat(Math.max(0, width - full - (partial ? 1 : 0)));
}

/** The failure category of an ended job, or null. */
export function failureText(e: JobEntry): CellPart[] | null {
  if (!isFinished(e) || e.job.state === 'COMPLETED') return null;
  const cat = e.analysis?.failure?.category;
  return cat ? part(cat, 'error') : null;
}
