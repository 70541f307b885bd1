/** Scroll, follow and search state of the job view's log pane, as pure transitions. */
export type Stream = 'out' | 'err' | 'split';

export interface LogViewState {
  stream: Stream;
  /** Pinned to the newest line; scrolling up turns it off, G or f turn it back on. */
  follow: boolean;
  /** First visible screen row while not following. */
  top: number;
  wrap: boolean;
  query: string;
  /** Search text being typed, or null. */
  draft: string | null;
  /** Line index of the current search hit. */
  match: number | null;
}

export const INITIAL_LOG_VIEW: LogViewState = {
  stream: 'out',
  follow: true,
  top: 0,
  wrap: false,
  query: '',
  draft: null,
  match: null,
};

/** The first visible row given how many rows exist and fit. */
export function visibleTop(s: LogViewState, total: number, height: number): number {
  const max = Math.max(0, total - height);
  return s.follow ? max : Math.min(Math.max(0, s.top), max);
}

/** Scrolls by `delta` rows; moving up leaves follow mode so new lines stop yanking the view. */
export function scrollBy(s: LogViewState, delta: number, total: number, height: number): LogViewState {
  const max = Math.max(0, total - height);
  const top = Math.min(max, Math.max(0, visibleTop(s, total, height) + delta));
  if (s.follow && delta > 0) return s;
  return { ...s, follow: false, top };
}

/** Puts screen row `row` about a third from the top. */
export function showRow(s: LogViewState, row: number, total: number, height: number): LogViewState {
  const max = Math.max(0, total - height);
  return { ...s, follow: false, top: Math.min(max, Math.max(0, row - Math.floor(height / 3))) };
}

/** The next hit after (dir 1) or before (dir -1) the current one, wrapping around. */
export function nextMatch(matches: readonly number[], current: number | null, dir: 1 | -1): number | null {
  if (matches.length === 0) return null;
  if (current === null) return dir === 1 ? matches[0]! : matches.at(-1)!;
  if (dir === 1) return matches.find((m) => m > current) ?? matches[0]!;
  return [...matches].reverse().find((m) => m < current) ?? matches.at(-1)!;
}
