/** Number and duration formats printed by training loggers. */
import type { MetricValue } from './types.js';

const NUM_RE = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;
const SI: Record<string, number> = { k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18, Z: 1e21, Y: 1e24 };

/** A plain decimal / scientific number, or null. */
export function parseNum(s: string): number | null {
  const t = s.trim();
  if (!NUM_RE.test(t)) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

/** A metric value: number, `nan`, `inf`, `-inf` (any case), an optional trailing `%`. */
export function parseMetricValue(raw: string): MetricValue | null {
  let t = raw.trim();
  if (t.endsWith('%')) t = t.slice(0, -1);
  const low = t.toLowerCase();
  if (low === 'nan' || low === '-nan' || low === '+nan') return 'nan';
  if (low === 'inf' || low === '+inf' || low === 'infinity' || low === '+infinity') return 'inf';
  if (low === '-inf' || low === '-infinity') return '-inf';
  return parseNum(t);
}

/** `6.00k` -> 6000, `1.28M` -> 1.28e6, `20,400` -> 20400; tqdm's SI suffixes use powers of 1000. */
export function parseScaled(s: string): number | null {
  let t = s.trim().replace(/,(?=\d{3}(?:\D|$))/g, '');
  let mult = 1;
  const last = t.charAt(t.length - 1);
  if (last in SI) {
    mult = SI[last]!;
    t = t.slice(0, -1);
  }
  const n = parseNum(t);
  return n === null ? null : n * mult;
}

/** True when the text ends with a tqdm SI suffix (unit_scale evidence). */
export function hasSiSuffix(s: string): boolean {
  return /\d[kMGTPEZY]$/.test(s.trim());
}

/** SI multiplier for a prefix letter, or null. */
export function siMultiplier(c: string): number | null {
  return SI[c] ?? null;
}

/**
 * `[H:]MM:SS` (hours unbounded, never folded into days), `H:MM:SS.ffffff`,
 * and Python timedelta `1 day, 18:10:02` / `3 days, 0:00:01`. Seconds or null.
 */
export function parseClock(s: string): number | null {
  const m = /^\s*(?:(\d+)\s+days?,\s*)?(\d+):(\d{1,2})(?::(\d{1,2}(?:\.\d+)?))?\s*$/.exec(s);
  if (!m) return null;
  const days = m[1] ? Number(m[1]) : 0;
  let secs: number;
  if (m[4] !== undefined) secs = Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]);
  else secs = Number(m[2]) * 60 + Number(m[3]);
  return days * 86400 + Math.round(secs);
}

/** Keras-style short durations: `2s`, `1:23`, `33:37:24`, `150ms`, `1h 2m 3s`, `08h 15m 28s 351ms`. Seconds or null. */
export function parseShortDuration(s: string): number | null {
  const t = s.trim();
  const clock = parseClock(t);
  if (clock !== null) return clock;
  const m = /^(\d+(?:\.\d+)?)(us|µs|ms|s|m|min|h)$/.exec(t);
  if (m) {
    const v = Number(m[1]);
    const mult = { us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, min: 60, h: 3600 }[m[2] as 's'];
    return Math.round(v * mult * 1000) / 1000;
  }
  const p = /^(?:(\d+)d\s*)?(?:(\d+)h\s*)?(?:(\d+)m(?:in)?\s*)?(?:(\d+)s\s*)?(?:(\d+)ms)?$/.exec(t);
  if (p && (p[1] || p[2] || p[3] || p[4] || p[5])) {
    const [d, h, m, sec, ms] = [p[1], p[2], p[3], p[4], p[5]].map((x) => Number(x ?? 0)) as [
      number,
      number,
      number,
      number,
      number,
    ];
    return Math.round((d * 86400 + h * 3600 + m * 60 + sec + ms / 1000) * 1000) / 1000;
  }
  return null;
}
