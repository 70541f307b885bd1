/**
 * The job table's columns as data, like k9s's render files: each entry says where it shows
 * (header and width per breakpoint), how it aligns, and how a job row and an array row render
 * it. A new column is one entry. The name column takes what is left; nothing wraps.
 */
import { sanitizeField } from '../../../parsers/sanitize.js';
import { displayWidth } from '../../../parsers/text-width.js';
import { fmtProgressCount, fmtRate } from '../../format.js';
import { runPercent } from '../../model/progress.js';
import { elapsedNow, type JobEntry } from '../../store.js';
import {
  barText,
  type CellPart,
  etaSeconds,
  etaText,
  failureText,
  fmtEta,
  idText,
  part,
  pctText,
  timeText,
} from './cells.js';
import { efficiencyCell } from './insight-lines.js';
import { groupSummary, isFinished, neverStarts, type Row, stateLabel } from './rows.js';

export type ColumnId =
  | 'cluster'
  | 'id'
  | 'name'
  | 'state'
  | 'partition'
  | 'nodes'
  | 'time'
  | 'bar'
  | 'pct'
  | 'rate'
  | 'eta'
  | 'prog'
  | 'eff'
  | 'warn';

/** The single breakpoint pair: < 80 essentials, ≥ 120 everything. */
export const MEDIUM = 80;
export const WIDE = 120;
type Breakpoint = 'narrow' | 'medium' | 'wide';
/** A fixed width, the rest of the line (`name`), or a width from the data (ids, cluster names). */
type WidthRule = number | 'rest' | 'ids' | 'clusters';

export interface ColumnSpec {
  id: ColumnId;
  /** Header and width at each breakpoint the column shows at. */
  at: Partial<Record<Breakpoint, readonly [header: string, width: WidthRule]>>;
  align?: 'left' | 'right';
  /** Only when jobs from several clusters are shown. */
  multiCluster?: boolean;
  /** Only when the name column keeps NAME_ROOMY columns with it. */
  optional?: boolean;
  job(e: JobEntry, now: number, width: number): CellPart[];
  group(kids: JobEntry[], taskTotal: number, now: number): CellPart[];
}

const ALL = (header: string, width: WidthRule) =>
  ({ narrow: [header, width], medium: [header, width], wide: [header, width] }) as const;
const running = (kids: JobEntry[]) => kids.filter((e) => e.job.state === 'RUNNING');
const empty = (): CellPart[] => part('');

/** Every column, in display order. */
export const COLUMNS: readonly ColumnSpec[] = [
  {
    id: 'cluster',
    at: ALL('CLUSTER', 'clusters'),
    multiCluster: true,
    job: (e) => part(sanitizeField(e.cluster), 'dim'),
    group: (kids) => part(sanitizeField(kids[0]!.cluster), 'dim'),
  },
  { id: 'id', at: ALL('JOBID', 'ids'), job: empty, group: empty },
  {
    id: 'name',
    at: ALL('NAME', 'rest'),
    job: (e) => part(sanitizeField(e.job.name) || '-'),
    group: (kids) => part(sanitizeField(kids[0]!.job.name) || '-'),
  },
  {
    id: 'state',
    at: { narrow: ['STATE', 12], medium: ['STATE', 12], wide: ['STATE', 13] },
    job: (e) => part(stateLabel(e), neverStarts(e) ? 'error' : { state: e.job.state }),
    group: (kids) => {
      const parts: CellPart[] = [];
      for (const s of groupSummary(kids)) {
        if (parts.length) parts.push({ text: ' ', tone: 'plain' });
        parts.push({ text: s.label, tone: { state: s.state } });
      }
      return parts;
    },
  },
  {
    id: 'partition',
    at: { wide: ['PARTITION', 9] },
    job: (e) => part(sanitizeField(e.job.partition ?? ''), 'dim'),
    group: (kids) => part(sanitizeField(kids[0]!.job.partition ?? ''), 'dim'),
  },
  {
    id: 'nodes',
    at: { wide: ['NODES', 10] },
    job: (e) => part(sanitizeField(e.job.nodes ?? (e.job.num_nodes ? `(${e.job.num_nodes})` : '')), 'dim'),
    group: empty,
  },
  {
    id: 'time',
    at: { medium: ['ELAPSED/LIM', 13], wide: ['ELAPSED/LIMIT', 14] },
    job: (e, now) => part(timeText(e, now)),
    group: (kids, _n, now) => {
      const longest = running(kids).reduce<JobEntry | null>(
        (a, e) => (a && (elapsedNow(a, now) ?? 0) >= (elapsedNow(e, now) ?? 0) ? a : e),
        null,
      );
      return part(timeText(longest ?? kids[0]!, now));
    },
  },
  {
    id: 'bar',
    at: { wide: ['PROGRESS', 10] },
    job: (e, _now, width) => {
      const pct = runPercent(e.analysis?.progress);
      return pct === null || e.job.state !== 'RUNNING' ? part('') : part(barText(pct / 100, width), 'accent');
    },
    group: empty,
  },
  {
    id: 'pct',
    at: { medium: ['%', 4], wide: ['%', 4] },
    align: 'right',
    job: (e) => part(e.job.state === 'RUNNING' || e.job.state === 'COMPLETING' ? pctText(e) : ''),
    group: empty,
  },
  {
    id: 'rate',
    at: { medium: ['RATE', 9], wide: ['RATE', 11] },
    job: (e) => {
      const p = e.analysis?.progress;
      return failureText(e) ?? part(e.job.state === 'RUNNING' && p?.rate != null ? fmtRate(p) : '', 'dim');
    },
    group: (kids, total) => part(`${kids.filter(isFinished).length}/${total} done`, 'dim'),
  },
  {
    id: 'eta',
    at: { medium: ['ETA', 6], wide: ['ETA', 6] },
    job: (e, now) => part(etaText(e, now)),
    group: (kids, _n, now) => {
      const etas = running(kids)
        .map((e) => etaSeconds(e, now))
        .filter((x): x is number => x !== null);
      return part(etas.length ? fmtEta(Math.max(...etas)) : '');
    },
  },
  {
    // Narrow panes: progress and ETA share one cell, or the failure category once ended.
    id: 'prog',
    at: { narrow: ['%/ETA', 10] },
    job: (e, now) => {
      const failed = failureText(e);
      if (failed) return failed;
      if (e.job.state !== 'RUNNING') return part('');
      const pct = pctText(e);
      const p = e.analysis?.progress;
      if (!pct) return part(p ? fmtProgressCount(p) : '', 'dim');
      const eta = etaText(e, now);
      return part(eta ? `${pct} ${eta}` : pct);
    },
    group: (kids, total) => part(`${kids.filter(isFinished).length}/${total} done`, 'dim'),
  },
  {
    // Ended jobs: CPU and memory efficiency (sacct, no extra calls). Wide panes only.
    id: 'eff',
    at: { wide: ['CPU/MEM', 8] },
    align: 'right',
    optional: true,
    job: (e) => part(efficiencyCell(e.job.efficiency), 'dim'),
    group: empty,
  },
  {
    id: 'warn',
    at: ALL('', 1),
    job: (e) => (e.willTimeout && !isFinished(e) ? part('⚠', 'warning') : part('')),
    group: (kids) => (kids.some((e) => e.willTimeout && !isFinished(e)) ? part('⚠', 'warning') : part('')),
  },
];

const BY_ID = new Map(COLUMNS.map((c) => [c.id, c]));

/** A column as laid out for one terminal width. */
export interface Column {
  id: ColumnId;
  header: string;
  width: number;
  align: 'left' | 'right';
}

/** Below this the table falls back to a one-line message instead of a broken layout. */
export const MIN_COLUMNS = 50;
export const MIN_ROWS = 10;
export const GUTTER = 1;
const NAME_MIN = 6;
const NAME_ROOMY = 20;

const fixedWidth = (cols: Column[]) => cols.reduce((n, c) => n + c.width, 0) + (cols.length - 1) + GUTTER;

/**
 * Columns for a terminal `width`. `idWidth`/`clusterWidth` come from the data so short ids do
 * not waste a narrow pane; `clusterWidth` null hides the cluster column (one cluster).
 */
export function layoutColumns(width: number, o: { idWidth: number; clusterWidth: number | null }): Column[] {
  const bp: Breakpoint = width >= WIDE ? 'wide' : width >= MEDIUM ? 'medium' : 'narrow';
  let cols: Column[] = [];
  for (const spec of COLUMNS) {
    const at = spec.at[bp];
    if (!at || (spec.multiCluster && o.clusterWidth === null)) continue;
    const [header, rule] = at;
    const w =
      rule === 'ids'
        ? Math.max(5, Math.min(16, o.idWidth))
        : rule === 'clusters'
          ? Math.max(4, Math.min(10, o.clusterWidth ?? 0))
          : rule === 'rest'
            ? 0
            : rule;
    cols.push({ id: spec.id, header, width: w, align: spec.align ?? 'left' });
  }
  if (width - fixedWidth(cols) < NAME_ROOMY) cols = cols.filter((c) => !BY_ID.get(c.id)?.optional);
  const fixed = fixedWidth(cols);
  const name = cols.find((c) => c.id === 'name')!;
  name.width = Math.max(NAME_MIN, width - fixed);
  // Long ids or cluster names must not push the row past the edge: shrink, most expendable first.
  let over = fixed + name.width - width;
  for (const [id, min] of [
    ['id', 5],
    ['cluster', 4],
    ['state', 8],
    ['name', 3],
  ] as const) {
    const c = cols.find((x) => x.id === id);
    if (!c || over <= 0) continue;
    const cut = Math.min(over, Math.max(0, c.width - min));
    c.width -= cut;
    over -= cut;
  }
  return cols;
}

/** The parts of one cell: the column's renderer for a job row or an array row. */
export function cellParts(row: Row, column: Column, now: number): CellPart[] {
  if (column.id === 'id') return part(idText(row), row.kind === 'group' ? 'accent' : 'plain');
  const spec = BY_ID.get(column.id)!;
  return row.kind === 'group' ? spec.group(row.children, row.taskCount, now) : spec.job(row.entry, now, column.width);
}

/** Pads or cuts already-truncated text to exactly `width` columns. */
export function pad(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const gap = Math.max(0, width - displayWidth(text));
  return align === 'right' ? ' '.repeat(gap) + text : text + ' '.repeat(gap);
}
