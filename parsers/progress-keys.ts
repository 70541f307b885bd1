/**
 * Timings that plain loggers print under a key instead of as `N it/s`: fairseq's
 * and MMF's `ups` (updates per second) and the elapsed wall time (`wall=1263`,
 * `time_since_start: 58m 04s 930ms`).
 */
import { parseShortDuration } from './log-numbers.js';

/** `08h 15m 28s 351ms`, `1d 02h`, `58m 04s`, `2h14m`: two or more unit-suffixed parts (MMF, CLU, many CLIs). */
export const UNIT_DURATION = String.raw`\d+(?:ms|[dhms])(?:\s*\d+(?:ms|[dhms]))+(?![\w.])`;
const UPS = /(?:^|[\s|;,([])ups\s*[:=]\s*(\d+(?:\.\d+)?)(?![\w.])/;
const ELAPSED = new RegExp(
  String.raw`(?:^|[\s|;,([])(?:time_since_start|wall|elapsed(?:_time)?)\s*[:=]\s*(${UNIT_DURATION}|(?:\d+ days?, )?\d+:\d{2}(?::\d{2}(?:\.\d+)?)?(?![\w.:])|\d+(?:\.\d+)?s?(?![\w.:]))`,
);

/** A rate printed under a key (`ups=0.72`), with its unit, or null. */
export function keyedRate(v: string): { rate: number; unit: string } | null {
  if (v.indexOf('ups') < 0) return null;
  const m = UPS.exec(v);
  return m ? { rate: Number(m[1]), unit: 'updates/s' } : null;
}

/** Seconds since the start printed under a wall-time key, or null. */
export function keyedElapsed(v: string): number | null {
  if (v.indexOf('wall') < 0 && v.indexOf('elapsed') < 0 && v.indexOf('time_since_start') < 0) return null;
  const m = ELAPSED.exec(v);
  if (!m) return null;
  // A bare number under a wall-time key is seconds (fairseq `wall=1263`).
  return /^\d+(?:\.\d+)?$/.test(m[1]!) ? Number(m[1]) : parseShortDuration(m[1]!);
}
