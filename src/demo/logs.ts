/** Realistic log text for the demo jobs: tqdm redraws with `\r`, metrics, tracebacks, slurmstepd lines. */

/** tqdm's `[H:]MM:SS`. */
export function tqdmTime(s: number): string {
  const t = Math.max(0, Math.floor(s));
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const sec = t % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(sec).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

const BLOCKS = ' ▏▎▍▌▋▊▉█';

/** One tqdm bar state exactly as tqdm writes it to a non-TTY file. */
export function tqdmBar(opts: {
  desc: string;
  n: number;
  total: number;
  elapsed: number;
  unit?: string;
  postfix?: string;
}): string {
  const unit = opts.unit ?? 'it';
  const frac = opts.total > 0 ? Math.min(1, opts.n / opts.total) : 0;
  const pct = `${Math.floor(frac * 100)}`.padStart(3, ' ');
  const full = Math.floor(frac * 10);
  const part = Math.floor((frac * 10 - full) * 8);
  const bar = ('█'.repeat(full) + (full < 10 ? BLOCKS[part] : '')).padEnd(10, ' ').slice(0, 10);
  const rate = opts.elapsed > 0 ? opts.n / opts.elapsed : 0;
  let rateText: string;
  if (opts.n === 0 || rate === 0) rateText = `?${unit}/s`;
  else if (rate < 1) rateText = `${(1 / rate).toFixed(2)}s/${unit}`;
  else rateText = `${rate.toFixed(2)}${unit}/s`;
  const remaining = rate > 0 ? (opts.total - opts.n) / rate : null;
  const eta = remaining === null ? '?' : tqdmTime(remaining);
  const post = opts.postfix ? `, ${opts.postfix}` : '';
  return `${opts.desc}: ${pct}%|${bar}| ${opts.n}/${opts.total} [${tqdmTime(opts.elapsed)}<${eta}, ${rateText.padStart(rateText.length + 1, ' ')}${post}]`;
}

/** A traceback ending in the given exception line. */
export function traceback(frames: [string, number, string, string][], last: string): string {
  const body = frames
    .map(([file, line, fn, code]) => `  File "${file}", line ${line}, in ${fn}\n    ${code}\n`)
    .join('');
  return `Traceback (most recent call last):\n${body}${last}\n`;
}
