/**
 * How far the whole run is, the quantity the ETA describes. A log's last bar is often one epoch
 * of many (`Epoch 5/10: 80%`); the run is then 48% done, not 80%.
 */
import type { Progress } from '../../parsers/types.js';
import { progressPercent } from '../format.js';

/** Where a run stands among its epochs, when the log names both the epoch and how many there are. */
export interface EpochPosition {
  /** Zero-based index of the epoch in progress. */
  index: number;
  total: number;
  /** The bar itself counts epochs (tqdm's outer `Epochs: 3/5` bar): it already is the run. */
  barIsRun: boolean;
}

/**
 * The epoch in progress and the epoch count, or null. `Epoch k/N` is 1-based in tqdm descs and
 * Keras, so k counts from 1; a log that prints `Epoch 0/N` counts from 0, and both put the first
 * epoch at index 0. For a 0-based log that says k ≥ 1 this is one epoch behind: the run looks less
 * done and its ETA longer, which errs towards warning about the time limit.
 */
export function epochPosition(p: Progress | null | undefined): EpochPosition | null {
  if (!p || p.epoch === null || p.epoch_total === null || !(p.epoch_total > 0)) return null;
  const total = p.epoch_total;
  return {
    index: Math.min(total - 1, Math.max(p.epoch, 1) - 1),
    total,
    barIsRun: p.current === p.epoch && p.total === p.epoch_total,
  };
}

/** Epochs still to come after the one in progress (0 without an epoch count). */
export function epochsAfter(p: Progress | null | undefined): number {
  const pos = epochPosition(p);
  return pos && !pos.barIsRun ? pos.total - pos.index - 1 : 0;
}

/**
 * Percent of the whole run: the bar's percent when the log names no epoch count (or the bar counts
 * epochs), else the epochs done plus the bar's share of one. Null when the bar's total is unknown.
 */
export function runPercent(p: Progress | null | undefined): number | null {
  const bar = progressPercent(p);
  const pos = epochPosition(p);
  if (bar === null || !pos || pos.barIsRun) return bar;
  return Math.max(0, Math.min(100, (100 * pos.index + bar) / pos.total));
}

/** True when the run's percent says more than the bar's: an epoch bar inside a run of several. */
export function hasEpochBar(p: Progress | null | undefined): boolean {
  const pos = epochPosition(p);
  return pos !== null && !pos.barIsRun && pos.total > 1 && progressPercent(p) !== null;
}
