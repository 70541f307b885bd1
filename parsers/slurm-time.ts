/** SLURM durations and timestamps. SLURM prints local wall-clock time without a
 * zone, so every timestamp is re-emitted as ISO 8601 with an explicit offset. */

const NULL_WORDS = new Set([
  '',
  'UNLIMITED',
  'INVALID',
  'N/A',
  'NOT_SET',
  'UNKNOWN',
  'NONE',
  'PARTITION_LIMIT',
  '(NULL)',
]);

// Digit caps keep the result a safe integer and the regex linear.
const DURATION_RE = /^(?:(\d{1,7})-)?(\d{1,9})(?::(\d{1,9}))?(?::(\d{1,9}))?(?:\.(\d{1,9}))?$/;

/** Seconds in a SLURM duration (`1-02:03:04`, `02:03:04`, `5:00`, `00:00.105`), or null for sentinels and garbage. */
export function parseDuration(s: string | null | undefined): number | null {
  if (typeof s !== 'string') return null;
  const t = s.trim();
  if (NULL_WORDS.has(t.toUpperCase())) return null;
  const m = DURATION_RE.exec(t);
  if (!m) return null;
  const [, d, a, b, c, frac] = m;
  const days = d === undefined ? 0 : Number(d);
  let h = 0;
  let min = 0;
  let sec = 0;
  if (d !== undefined) {
    // `D-HH`, `D-HH:MM`, `D-HH:MM:SS`: after a day count the first field is always hours.
    h = Number(a);
    min = b === undefined ? 0 : Number(b);
    sec = c === undefined ? 0 : Number(c);
    if (frac !== undefined && c === undefined) return null;
  } else if (c !== undefined) {
    h = Number(a);
    min = Number(b);
    sec = Number(c);
  } else if (b !== undefined) {
    // Two fields without days are MM:SS (squeue `5:00`, sacct TotalCPU `00:00.105`).
    min = Number(a);
    sec = Number(b);
  } else {
    // A bare number is ambiguous (SLURM input treats it as minutes); no SLURM output prints one.
    return null;
  }
  const fraction = frac === undefined ? 0 : Number(`0.${frac}`);
  const total = days * 86400 + h * 3600 + min * 60 + sec + fraction;
  return Number.isFinite(total) ? total : null;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** Compact SLURM-style duration: `1-02:03:04`, `2:03:04`, `3:04`; empty string for negative or non-finite input. */
export function formatDuration(seconds: number | null | undefined): string {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) return '';
  const total = Math.floor(seconds);
  const d = Math.floor(total / 86400);
  const h = Math.floor((total % 86400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (d > 0) return `${d}-${pad2(h)}:${pad2(m)}:${pad2(s)}`;
  if (h > 0) return `${h}:${pad2(m)}:${pad2(s)}`;
  return `${m}:${pad2(s)}`;
}

function formatOffset(offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(Math.round(offsetMinutes));
  return `${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
}

function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

function isoLocal(y: number, mo: number, d: number, h: number, mi: number, s: number, offset: number): string {
  return `${String(y).padStart(4, '0')}-${pad2(mo)}-${pad2(d)}T${pad2(h)}:${pad2(mi)}:${pad2(s)}${formatOffset(offset)}`;
}

/** An instant rendered in this process's zone, or in `offsetMinutes` east of UTC when given. */
function isoFromDate(date: Date, offsetMinutes?: number): string {
  if (offsetMinutes !== undefined) {
    const shifted = new Date(date.getTime() + offsetMinutes * 60000);
    return isoLocal(
      shifted.getUTCFullYear(),
      shifted.getUTCMonth() + 1,
      shifted.getUTCDate(),
      shifted.getUTCHours(),
      shifted.getUTCMinutes(),
      shifted.getUTCSeconds(),
      offsetMinutes,
    );
  }
  return isoLocal(
    date.getFullYear(),
    date.getMonth() + 1,
    date.getDate(),
    date.getHours(),
    date.getMinutes(),
    date.getSeconds(),
    -date.getTimezoneOffset(),
  );
}

const WALL_RE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})?$/;
const TIME_ONLY_RE = /^(\d{1,2}):(\d{2}):(\d{2})$/;

/**
 * ISO 8601 with offset for a SLURM timestamp, or null for `Unknown`/`None`/`N/A`/empty/garbage.
 * SLURM prints the cluster's local time; the offset is this process's zone unless `offsetMinutes`
 * (minutes east of UTC, e.g. from `date +%z` on a remote login node) says otherwise. `now` anchors
 * SLURM_TIME_FORMAT=relative's bare `HH:MM:SS` (today); other relative forms give null.
 */
export function parseTimestamp(s: string | null | undefined, now?: Date, offsetMinutes?: number): string | null {
  if (typeof s !== 'string') return null;
  const t = s.trim();
  if (NULL_WORDS.has(t.toUpperCase())) return null;
  if (offsetMinutes !== undefined && !Number.isFinite(offsetMinutes)) return null;
  const m = WALL_RE.exec(t);
  if (m) {
    const [, ys, mos, ds, hs, mis, ss, zone] = m;
    const y = Number(ys);
    const mo = Number(mos);
    const d = Number(ds);
    const h = Number(hs);
    const mi = Number(mis);
    const sec = ss === undefined ? 0 : Number(ss);
    if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || sec > 59) return null;
    if (zone !== undefined) {
      const off =
        zone === 'Z' ? 0 : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(-2)));
      return isoLocal(y, mo, d, h, mi, sec, off);
    }
    if (offsetMinutes !== undefined) return isoLocal(y, mo, d, h, mi, sec, offsetMinutes);
    const local = new Date(y, mo - 1, d, h, mi, sec);
    if (Number.isNaN(local.getTime())) return null;
    // The offset that applied at that wall-clock time (DST-aware), not today's.
    return isoLocal(y, mo, d, h, mi, sec, -local.getTimezoneOffset());
  }
  // Epoch seconds, as in `squeue --json`; 0 is SLURM's "unset".
  if (/^\d{9,11}$/.test(t)) return isoFromDate(new Date(Number(t) * 1000), offsetMinutes);
  const tm = TIME_ONLY_RE.exec(t);
  if (tm && now instanceof Date && !Number.isNaN(now.getTime())) {
    const h = Number(tm[1]);
    const mi = Number(tm[2]);
    const sec = Number(tm[3]);
    if (h > 23 || mi > 59 || sec > 59) return null;
    const today = isoFromDate(now, offsetMinutes).slice(0, 10);
    return parseTimestamp(`${today}T${pad2(h)}:${pad2(mi)}:${pad2(sec)}`, undefined, offsetMinutes);
  }
  return null;
}
