/**
 * The job list's UI state. Selection is a job *key*, not an index, so a background
 * refresh that reorders or inserts rows keeps the same job selected (lazygit's
 * "refresh keeps scroll position" bug class); the index is only the fallback when
 * the selected job disappears.
 */
import type { JobEntry } from '../../store.js';
import { findRow, type Row, SORT_MODES, type SortMode } from './rows.js';

export interface TableState {
  selectedKey: string | null;
  /** Where the selection was, for when its job leaves the list. */
  lastIndex: number;
  expanded: ReadonlySet<string>;
  sort: SortMode;
  /** Applied filter (also updated live while typing). */
  filter: string;
  /** Filter text being typed, or null. */
  draft: string | null;
}

export type TableAction =
  | { type: 'select'; rows: Row[]; index: number }
  | { type: 'selectKey'; key: string; index: number }
  | { type: 'expand'; key: string; open: boolean }
  | { type: 'sort' }
  | { type: 'filterStart' }
  | { type: 'filterEdit'; text: string }
  | { type: 'filterCommit' }
  | { type: 'filterClear' };

export const INITIAL_TABLE: TableState = {
  selectedKey: null,
  lastIndex: 0,
  expanded: new Set(),
  sort: 'state',
  filter: '',
  draft: null,
};

/** Row index the selection points at now. */
export function selectedIndex(s: TableState, rows: Row[], jobs: Record<string, JobEntry>): number {
  if (rows.length === 0) return -1;
  const i = findRow(rows, s.selectedKey, jobs);
  return i !== -1 ? i : Math.min(s.lastIndex, rows.length - 1);
}

/** Applies one UI action. */
export function tableReducer(s: TableState, a: TableAction): TableState {
  switch (a.type) {
    case 'select': {
      if (a.rows.length === 0) return s;
      const index = Math.max(0, Math.min(a.rows.length - 1, a.index));
      return { ...s, selectedKey: a.rows[index]!.key, lastIndex: index };
    }
    case 'selectKey':
      return { ...s, selectedKey: a.key, lastIndex: a.index };
    case 'expand': {
      const expanded = new Set(s.expanded);
      if (a.open) expanded.add(a.key);
      else expanded.delete(a.key);
      return { ...s, expanded };
    }
    case 'sort':
      return { ...s, sort: SORT_MODES[(SORT_MODES.indexOf(s.sort) + 1) % SORT_MODES.length]! };
    case 'filterStart':
      return { ...s, draft: s.filter };
    case 'filterEdit':
      return { ...s, draft: a.text, filter: a.text };
    case 'filterCommit':
      return { ...s, draft: null };
    case 'filterClear':
      return { ...s, draft: null, filter: '' };
  }
}

/** Keeps `index` visible with the fewest scroll moves, like a pager would. */
export function scrollTop(prevTop: number, index: number, visible: number, total: number): number {
  let top = prevTop;
  if (index < top) top = index;
  if (index >= top + visible) top = index - visible + 1;
  return Math.max(0, Math.min(top, total - visible));
}
