/** Which table columns fit a width, k9s-style: fixed cells plus one truncating name column. */
import { displayWidth } from '../../parsers/text-width.js';

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
  | 'warn';

export interface Column {
  id: ColumnId;
  header: string;
  width: number;
  align: 'left' | 'right';
}

/** Below this the table falls back to a one-line message instead of a broken layout. */
export const MIN_COLUMNS = 50;
export const MIN_ROWS = 10;
/** The single breakpoint pair: < 80 essentials, ≥ 120 everything. */
export const MEDIUM = 80;
export const WIDE = 120;
export const GUTTER = 1;
const NAME_MIN = 6;

const col = (id: ColumnId, header: string, width: number, align: 'left' | 'right' = 'left'): Column => ({
  id,
  header,
  width,
  align,
});

/**
 * Columns for a terminal `width`. `idWidth`/`clusterWidth` come from the data so
 * short ids do not waste a narrow pane; the name column takes what is left.
 */
export function layoutColumns(width: number, o: { idWidth: number; clusterWidth: number | null }): Column[] {
  const idW = Math.max(5, Math.min(16, o.idWidth));
  const cols: Column[] = [];
  if (o.clusterWidth !== null) cols.push(col('cluster', 'CLUSTER', Math.max(4, Math.min(10, o.clusterWidth))));
  cols.push(col('id', 'JOBID', idW), col('name', 'NAME', 0), col('state', 'STATE', width >= WIDE ? 13 : 12));
  if (width >= WIDE) {
    cols.push(
      col('partition', 'PARTITION', 9),
      col('nodes', 'NODES', 10),
      col('time', 'ELAPSED/LIMIT', 14),
      col('bar', 'PROGRESS', 10),
      col('pct', '%', 4, 'right'),
      col('rate', 'RATE', 11),
      col('eta', 'ETA', 6),
    );
  } else if (width >= MEDIUM) {
    cols.push(
      col('time', 'ELAPSED/LIM', 13),
      col('pct', '%', 4, 'right'),
      col('rate', 'RATE', 9),
      col('eta', 'ETA', 6),
    );
  } else {
    cols.push(col('prog', '%/ETA', 10));
  }
  cols.push(col('warn', '', 1));
  const fixed = cols.reduce((n, c) => n + c.width, 0) + (cols.length - 1) + GUTTER;
  const name = cols.find((c) => c.id === 'name')!;
  name.width = Math.max(NAME_MIN, width - fixed);
  // Long ids or cluster names must not push the row past the edge: shrink, most expendable first.
  let over = fixed + name.width - width;
  for (const [id, min] of [['id', 5], ['cluster', 4], ['state', 8], ['name', 3]] as const) {
    const c = cols.find((x) => x.id === id);
    if (!c || over <= 0) continue;
    const cut = Math.min(over, Math.max(0, c.width - min));
    c.width -= cut;
    over -= cut;
  }
  return cols;
}

/** Pads or cuts already-truncated text to exactly `width` columns. */
export function pad(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const gap = Math.max(0, width - displayWidth(text));
  return align === 'right' ? ' '.repeat(gap) + text : text + ' '.repeat(gap);
}
