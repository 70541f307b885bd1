/** Pure row renderer (k9s `render` style): a row and a column in, the cell's text and meaning out. */
import { sanitizeField } from '../../parsers/sanitize.js';
import { fmtProgressCount, fmtRate, fmtShortDuration, progressPercent } from '../format.js';
import { elapsedNow, type JobEntry } from '../store.js';
import type { ColumnId } from './columns.js';
import { groupSummary, isFinished, type Row, stateLabel } from './rows.js';

/** What a piece of a cell means; the view maps it to a theme token. */
export type CellTone =
  | 'plain'
  | 'dim'
  | 'warning'
  | 'error'
  | 'accent'
  | 'ok'
  | { state: string };

export interface CellPart {
  text: string;
  tone: CellTone;
}

const part = (text: string, tone: CellTone = 'plain'): CellPart[] => [{ text, tone }];

/** Display id: indented under an expanded array, with ▸/▾ and a task count on the array row. */
export function idText(row: Row): string {
  if (row.kind === 'group') return `${row.expanded ? '▾' : '▸'} ${row.arrayId} [${row.taskCount}]`;
  return row.depth === 1 ? `  ${row.entry.job.job_id}` : row.entry.job.job_id;
}

function timeText(e: JobEntry, now: number): string {
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

function etaText(e: JobEntry, now: number): string {
  const s = etaSeconds(e, now);
  return s === null ? '' : fmtEta(s);
}

function pctText(e: JobEntry): string {
  const p = progressPercent(e.analysis?.progress);
  return p === null ? '' : `${Math.floor(p)}%`;
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

function failureText(e: JobEntry): CellPart[] | null {
  if (!isFinished(e) || e.job.state === 'COMPLETED') return null;
  const cat = e.analysis?.failure?.category;
  return cat ? part(cat, 'error') : null;
}

function jobCell(e: JobEntry, c: ColumnId, now: number, width: number): CellPart[] {
  const running = e.job.state === 'RUNNING';
  const p = e.analysis?.progress ?? null;
  switch (c) {
    case 'cluster':
      return part(sanitizeField(e.cluster), 'dim');
    case 'name':
      return part(sanitizeField(e.job.name) || '-');
    case 'state':
      return part(stateLabel(e), { state: e.job.state });
    case 'partition':
      return part(sanitizeField(e.job.partition ?? ''), 'dim');
    case 'nodes':
      return part(sanitizeField(e.job.nodes ?? (e.job.num_nodes ? `(${e.job.num_nodes})` : '')), 'dim');
    case 'time':
      return part(timeText(e, now));
    case 'bar': {
      const pct = progressPercent(p);
      return pct === null || !running ? part('') : part(barText(pct / 100, width), 'accent');
    }
    case 'pct':
      return part(running || e.job.state === 'COMPLETING' ? pctText(e) : '');
    case 'rate':
      return failureText(e) ?? part(running ? (p?.rate != null ? fmtRate(p) : '') : '', 'dim');
    case 'eta':
      return part(etaText(e, now));
    case 'prog': {
      const failed = failureText(e);
      if (failed) return failed;
      if (!running) return part('');
      const pct = pctText(e);
      if (!pct) return part(p ? fmtProgressCount(p) : '', 'dim');
      const eta = etaText(e, now);
      return part(eta ? `${pct} ${eta}` : pct);
    }
    case 'warn':
      return e.willTimeout && !isFinished(e) ? part('⚠', 'warning') : part('');
    default:
      return part('');
  }
}

function groupCell(kids: JobEntry[], taskTotal: number, c: ColumnId, now: number): CellPart[] {
  const running = kids.filter((e) => e.job.state === 'RUNNING');
  const done = kids.filter(isFinished).length;
  switch (c) {
    case 'cluster':
      return part(sanitizeField(kids[0]!.cluster), 'dim');
    case 'name':
      return part(sanitizeField(kids[0]!.job.name) || '-');
    case 'state': {
      const parts: CellPart[] = [];
      for (const s of groupSummary(kids)) {
        if (parts.length) parts.push({ text: ' ', tone: 'plain' });
        parts.push({ text: s.label, tone: { state: s.state } });
      }
      return parts;
    }
    case 'partition':
      return part(sanitizeField(kids[0]!.job.partition ?? ''), 'dim');
    case 'time': {
      const longest = running.reduce<JobEntry | null>((a, e) => (a && (elapsedNow(a, now) ?? 0) >= (elapsedNow(e, now) ?? 0) ? a : e), null);
      return part(timeText(longest ?? kids[0]!, now));
    }
    case 'prog':
    case 'rate':
      return part(`${done}/${taskTotal} done`, 'dim');
    case 'eta': {
      const etas = running.map((e) => etaSeconds(e, now)).filter((x): x is number => x !== null);
      return part(etas.length ? fmtEta(Math.max(...etas)) : '');
    }
    case 'warn':
      return kids.some((e) => e.willTimeout && !isFinished(e)) ? part('⚠', 'warning') : part('');
    default:
      return part('');
  }
}

/** The parts of one cell. `width` is only used by the bar column. */
export function cellParts(row: Row, c: ColumnId, now: number, width: number): CellPart[] {
  if (c === 'id') return part(idText(row), row.kind === 'group' ? 'accent' : 'plain');
  return row.kind === 'group' ? groupCell(row.children, row.taskCount, c, now) : jobCell(row.entry, c, now, width);
}
