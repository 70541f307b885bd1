/** Scroll, follow and search state of the job view's log pane, as pure transitions. */
import { isRunning } from '../../../parsers/job-state.js';
import type { LogAnalysis } from '../../../parsers/types.js';
import type { JobEntry } from '../../store.js';

export type Stream = 'out' | 'err' | 'split';

export interface LogViewState {
  /** The user's choice (`o`); null until then, and the logs decide (autoStream). */
  stream: Stream | null;
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
  stream: null,
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

/** True when stderr goes to a file of its own, so there is a stream to choose. */
export function hasOwnStderr(e: JobEntry | undefined): boolean {
  return !!e?.stderr && e.stderr.path !== e.stdout?.path;
}

/** Which log holds what the header shows from `pick` (its progress, its root cause), or null. */
export function sourceStream(e: JobEntry, pick: (a: LogAnalysis) => object | null): 'out' | 'err' | null {
  const shown = e.analysis ? pick(e.analysis) : null;
  if (!shown) return null;
  const out = e.stdout?.analysis ? pick(e.stdout.analysis) : null;
  const err = hasOwnStderr(e) && e.stderr?.analysis ? pick(e.stderr.analysis) : null;
  if (err === shown) return 'err';
  if (out === shown) return 'out';
  // The header's failure came from SLURM (a cancel): show the log that says something anyway.
  return err ? 'err' : out ? 'out' : null;
}

/**
 * The stream the log pane opens on: the one with the root cause of a failure, else the one with
 * the progress bar (tqdm writes to stderr), both when a running job has them apart, else the one
 * that has lines at all.
 */
export function autoStream(e: JobEntry | undefined): Stream {
  if (!e || !hasOwnStderr(e)) return 'out';
  const progress = sourceStream(e, (a) => a.progress);
  const failure = sourceStream(e, (a) => a.failure);
  if (progress && failure && progress !== failure && isRunning(e.job.state)) return 'split';
  const chosen = failure ?? progress;
  if (chosen) return chosen;
  return !e.stdout?.lines.length && e.stderr?.lines.length ? 'err' : 'out';
}

/** The stream after `o`: stdout, stderr, both, round again. */
export function nextStream(shown: Stream): Stream {
  return shown === 'out' ? 'err' : shown === 'err' ? 'split' : 'out';
}

/** What a pane's log holds of what the header shows, for its title. */
export function streamTags(e: JobEntry, which: 'out' | 'err'): string[] {
  if (!hasOwnStderr(e)) return [];
  const tags: string[] = [];
  if (sourceStream(e, (a) => a.progress) === which) tags.push('progress');
  if (sourceStream(e, (a) => a.failure) === which) tags.push('root cause');
  return tags;
}
