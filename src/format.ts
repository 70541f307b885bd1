/** Small presentation helpers shared by the headless output and the TUI. */
import type { Progress } from '../parsers/types.js';

/** `3725` → `1:02:05`, `90061` → `1-01:01:01`, SLURM style so users recognise it. */
export function fmtDuration(s: number | null | undefined): string {
  if (s === null || s === undefined || !Number.isFinite(s)) return '-';
  const t = Math.max(0, Math.round(s));
  const d = Math.floor(t / 86400);
  const h = Math.floor((t % 86400) / 3600);
  const m = Math.floor((t % 3600) / 60);
  const sec = t % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(sec).padStart(2, '0');
  if (d > 0) return `${d}-${String(h).padStart(2, '0')}:${mm}:${ss}`;
  if (h > 0) return `${h}:${mm}:${ss}`;
  return `${m}:${ss}`;
}

/** `5400` → `1h30m`: short form for narrow columns. */
export function fmtShortDuration(s: number | null | undefined): string {
  if (s === null || s === undefined || !Number.isFinite(s)) return '-';
  const t = Math.max(0, Math.round(s));
  if (t < 60) return `${t}s`;
  if (t < 3600) return `${Math.floor(t / 60)}m${t % 60 ? `${String(t % 60).padStart(2, '0')}s` : ''}`;
  if (t < 86400) {
    const m = Math.floor((t % 3600) / 60);
    return `${Math.floor(t / 3600)}h${m ? `${String(m).padStart(2, '0')}m` : ''}`;
  }
  const h = Math.floor((t % 86400) / 3600);
  return `${Math.floor(t / 86400)}d${h ? `${h}h` : ''}`;
}

/** Compact number: 12345 → `12.3k`. */
export function fmtCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '?';
  const a = Math.abs(n);
  if (a >= 1e9) return `${trim(n / 1e9)}G`;
  if (a >= 1e6) return `${trim(n / 1e6)}M`;
  if (a >= 1e4) return `${trim(n / 1e3)}k`;
  return Number.isInteger(n) ? String(n) : trim(n);
}

function trim(x: number): string {
  const s = Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2);
  return s.replace(/\.0+$/, '').replace(/(\.\d*?)0+$/, '$1');
}

/** `2.00 tok/s`, `4.70 s/it`, `444 ms/step`. */
export function fmtRate(p: Pick<Progress, 'rate' | 'rate_unit'> | null | undefined): string {
  if (!p || p.rate === null || !Number.isFinite(p.rate)) return '-';
  return `${fmtCount(p.rate)} ${p.rate_unit ?? ''}`.trim();
}

/** Percent of progress, or null when the total is unknown. */
export function progressPercent(p: Progress | null | undefined): number | null {
  if (!p || p.current === null || p.total === null || p.total <= 0) return null;
  return Math.max(0, Math.min(100, (100 * p.current) / p.total));
}

/**
 * `45%`: rounded down everywhere it is shown (table, job view, summaries), so one job shows one
 * number, and 100% only when done.
 */
export function fmtPercent(pct: number): string {
  return `${Math.floor(pct)}%`;
}

/** `167/100k` or `12.3k` when the total is unknown. */
export function fmtProgressCount(p: Progress | null | undefined): string {
  if (!p) return '-';
  if (p.current === null && p.total === null) return '-';
  if (p.total === null) return `${fmtCount(p.current)} ${p.unit ?? ''}`.trim();
  return `${p.current === null ? '?' : fmtCount(p.current)}/${fmtCount(p.total)}`;
}

/** ISO 8601 with the local offset, e.g. `2026-11-28T14:03:00+01:00`. */
export function isoLocal(ms: number): string {
  const d = new Date(ms);
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const abs = Math.abs(off);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:` +
    `${pad(d.getSeconds())}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}
