/**
 * The last progress state visible in a log, with the epoch taken from the bar's
 * own desc, an outer `Epochs` bar, an epoch header or a plain `epoch:` field.
 */
import { type LogLines, parseLineState } from './log-lines.js';
import { isEpochOnly, type LineState } from './progress-lines.js';
import { descEpoch, isEpochCounterDesc } from './tqdm.js';
import type { Progress } from './types.js';

/** How far back to look for the last progress line / an epoch source (logical lines). */
const PROGRESS_LOOKBACK = 50_000;
const EPOCH_LOOKBACK = 5_000;

/** The last progress state and the line it came from. */
export interface ProgressResult {
  progress: Progress | null;
  /** Index of the line the progress came from. */
  index: number | null;
  kind: LineState['kind'] | null;
}

interface EpochInfo {
  epoch: number | null;
  total: number | null;
}

/** Epoch an earlier line says we are in; the current bar itself is handled by the caller. */
function epochSource(st: LineState): EpochInfo | null {
  if (st.kind === 'tqdm') {
    if (isEpochCounterDesc(st.desc)) return { epoch: st.current, total: st.total };
    const e = descEpoch(st.desc);
    return e ? { epoch: e.epoch, total: e.total } : null;
  }
  if (st.kind === 'rich') {
    const e = descEpoch(st.desc);
    return e ? { epoch: e.epoch, total: e.total } : null;
  }
  if (st.kind === 'keras') return null;
  return st.epoch !== null ? { epoch: st.epoch, total: st.epoch_total } : null;
}

/**
 * Cheap pre-test for the epoch look-back; tqdm bars are included because a desc can name the epoch without the word
 * (YOLO's `72/1000  6.73G ...` columns).
 */
function mayNameEpoch(v: string): boolean {
  return v.includes('poch') || v.includes('POCH') || v.includes('ep:') || v.includes('%|');
}

const BAR_KINDS = new Set<LineState['kind']>(['tqdm', 'rich', 'keras']);
const ONE_OFF_WINDOW = 50;

/**
 * A lone plain counter line after a progress bar (`Epoch 0, global step 100:
 * 'val_loss' reached ...`) is a one-off message, not the progress mechanism:
 * returns the bar's index when no other plain counter line sits between them.
 */
function barBefore(ll: LogLines, from: number): number {
  for (let k = from - 1; k >= 0 && k >= from - ONE_OFF_WINDOW; k--) {
    const s = ll.state(k);
    if (!s) continue;
    return BAR_KINDS.has(s.kind) ? k : -1;
  }
  return -1;
}

/**
 * The last progress line. A line that only names its epoch (`Epoch 5, loss 0.3`) is
 * the progress only when such lines are the log's progress mechanism: when an epoch
 * line for an earlier epoch comes before any bar or counter. Summary lines of the
 * epoch a counter is in (fairseq's train and valid summaries) leave the counter in place.
 */
function lastProgressLine(ll: LogLines): number {
  const n = ll.length;
  let epochLine = -1;
  let epoch: number | null = null;
  for (let i = n - 1; i >= 0 && i >= n - PROGRESS_LOOKBACK; i--) {
    const st = ll.state(i);
    if (!st) continue;
    if (!isEpochOnly(st)) return i;
    if (epochLine < 0) {
      epochLine = i;
      epoch = st.epoch;
    } else if (st.epoch !== epoch) return epochLine;
  }
  return epochLine;
}

/** Finds the last progress line and fills in its epoch from earlier lines when needed. */
export function extractProgress(ll: LogLines): ProgressResult {
  let idx = lastProgressLine(ll);
  let st: LineState | null = idx >= 0 ? ll.state(idx) : null;
  if (!st) return { progress: null, index: null, kind: null };
  const bar = st.kind === 'plain' && st.total === null ? barBefore(ll, idx) : -1;
  if (bar >= 0) {
    idx = bar;
    st = ll.state(bar)!;
  }
  let epoch = st.epoch;
  let epochTotal = st.epoch_total;
  if (st.kind === 'tqdm' && isEpochCounterDesc(st.desc)) {
    // The only bar is the epoch counter itself.
    epoch = st.current;
    epochTotal = st.total;
  }
  if (epoch === null || epochTotal === null) {
    let foundEpoch = epoch !== null;
    for (let k = idx - 1; k >= 0 && k >= idx - EPOCH_LOOKBACK; k--) {
      if (!mayNameEpoch(ll.view(k))) continue;
      const s2 = ll.state(k);
      const src = s2 ? epochSource(s2) : null;
      if (!src || src.epoch === null) continue;
      if (!foundEpoch) {
        epoch = src.epoch;
        foundEpoch = true;
      }
      if (epochTotal === null && src.total !== null) epochTotal = src.total;
      if (epochTotal !== null) break;
      if (s2 && s2.kind !== 'tqdm' && s2.kind !== 'rich') break;
    }
  }
  const progress = toProgress(st, epoch, epochTotal);
  if (st.kind === 'keras' && st.total !== null && kerasSampleCount(ll, idx) === st.total) progress.unit = 'sample';
  return { progress, index: idx, kind: st.kind };
}

const KERAS_SAMPLES = /^Train on (\d+) samples\b/;

/**
 * Keras before TF 2.2 counted samples in the progbar when fitting arrays and said so only in
 * its `Train on N samples, validate on M samples` banner: the sample count, or null.
 */
function kerasSampleCount(ll: LogLines, idx: number): number | null {
  for (let k = idx - 1; k >= 0 && k >= idx - EPOCH_LOOKBACK; k--) {
    const v = ll.view(k);
    if (!v.startsWith('Train on ')) continue;
    const m = KERAS_SAMPLES.exec(v);
    if (m) return Number(m[1]);
  }
  return null;
}

/** The public Progress fields of a line's state, with the epoch found for it. */
function toProgress(st: LineState, epoch: number | null, epochTotal: number | null): Progress {
  return {
    current: st.current,
    total: st.total,
    unit: st.unit ?? 'it',
    rate: st.rate,
    rate_unit: st.rate_unit,
    eta_s: st.eta_s,
    elapsed_s: st.elapsed_s,
    epoch,
    epoch_total: epochTotal,
  };
}

/** Progress state of a single line of text (exposed for tests and the TUI). */
export function parseProgressLine(line: string): Progress | null {
  const st = parseLineState(line);
  if (!st) return null;
  return toProgress(st, st.epoch, st.epoch_total);
}
