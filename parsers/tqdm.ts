/** One tqdm status line: `desc: 45%|████▌     | 450/1000 [00:12<00:15, 36.1it/s, loss=0.1]`. */
import { hasSiSuffix, parseClock, parseNum, parseScaled, siMultiplier } from './log-numbers.js';

/** The fields of one tqdm status line. */
export interface TqdmBar {
  /** Text before the percentage / count, without the trailing colon. */
  desc: string;
  current: number | null;
  total: number | null;
  unit: string;
  rate: number | null;
  rateUnit: string;
  elapsed: number | null;
  eta: number | null;
  /** `loss=0.1, v_num=0` as printed after the rate. */
  postfix: string;
}

/** The stats bracket; tqdm shortens the postfix to the terminal width, which can cut the closing `]`. */
const STATS = /\[((?:\d+:)?\d{1,2}:\d{2})(?:<((?:\d+:)?\d{1,2}:\d{2}|\?))?(?:, ([^[\]]*))?(\]|$)/;
/** `35.61it/s`, `4.70s/it`, `?it/s`, `2.33kimg/s`, HF datasets' `3000.12 examples/s` (unit=' examples'). */
const RATE = /^(\?|\d+(?:\.\d+)?) ?(?:s\/([^\s,/]+)|([^\s,/]*)\/s)$/;
const NUM_LEAD = /^(\d+(?:\.\d+)?)(.*)$/;

interface Rate {
  value: number | null;
  unit: string;
  inverse: boolean;
  /** Unit text as printed after the number, before `/s` (may carry an SI prefix). */
  raw: string;
}

function parseRate(tok: string): Rate | null {
  const m = RATE.exec(tok);
  if (!m) return null;
  const value = m[1] === '?' ? null : Number(m[1]);
  if (m[2] !== undefined) return { value, unit: m[2], inverse: true, raw: m[2] };
  return { value, unit: m[3] ?? '', inverse: false, raw: m[3] ?? '' };
}

/**
 * tqdm prints `format_sizeof(rate) + unit`, so with unit_scale `2.33kimg/s`
 * means 2330 img/s. The prefix is only believed when counts are unit-scaled,
 * and checked against n / elapsed when both are known.
 */
function applySiRate(r: Rate, scaled: boolean, n: number | null, elapsed: number | null): void {
  if (r.inverse || r.value === null || !scaled || r.raw.length < 2) return;
  const mult = siMultiplier(r.raw.charAt(0));
  if (mult === null) return;
  if (n !== null && elapsed !== null && elapsed > 0 && n > 0) {
    const expect = n / elapsed;
    const plain = Math.abs(Math.log(r.value / expect));
    const prefixed = Math.abs(Math.log((r.value * mult) / expect));
    if (plain < prefixed) return;
  }
  r.value *= mult;
  r.unit = r.raw.slice(1);
}

function cleanDesc(s: string): string {
  return s.trim().replace(/:$/, '').trim();
}

/** Parses a tqdm bar anywhere in `v` (launcher prefix already stripped); null when it is not one. */
export function parseTqdm(v: string): TqdmBar | null {
  if (v.indexOf('[') < 0) return null;
  const m = STATS.exec(v);
  if (!m) return null;
  const elapsed = parseClock(m[1]!);
  const eta = m[2] === undefined || m[2] === '?' ? null : parseClock(m[2]);
  const inner = (m[3] ?? '').trim();
  const comma = inner.indexOf(', ');
  const rateTok = (comma < 0 ? inner : inner.slice(0, comma)).trim();
  let postfix = comma < 0 ? '' : inner.slice(comma + 2).trim();
  let rate = parseRate(rateTok);
  // A bar_format without {rate_fmt} (NeMo: `[00:51<01:13, loss=8.2]`, `[00:00<?]`): only with n/total and ETA.
  const noRate = !rate;
  if (!rate && m[4] === '') return null;
  if (!rate) {
    if (m[2] === undefined || (rateTok !== '' && !rateTok.includes('='))) return null;
    rate = { value: null, unit: '', inverse: false, raw: '' };
    postfix = inner;
  }

  const before = v.slice(Math.max(0, m.index - 600), m.index).trimEnd();
  let desc: string;
  let current: number | null;
  let total: number | null = null;
  let countStart: number;
  const sp0 = before.lastIndexOf(' ');
  const tok0 = before.slice(sp0 + 1).replace(/^\|/, '');
  const slash = tok0.indexOf('/');
  if (slash > 0 && m[2] !== undefined) {
    const nTok = tok0.slice(0, slash);
    const tTok = tok0.slice(slash + 1);
    const scaled = hasSiSuffix(nTok) || hasSiSuffix(tTok) || nTok.includes('.');
    current = parseScaled(nTok);
    total = tTok === '?' ? null : parseScaled(tTok);
    if (current === null || (total === null && tTok !== '?')) return null;
    applySiRate(rate, scaled, current, elapsed);
    countStart = sp0 + 1;
  } else {
    if (noRate) return null;
    const sp = before.lastIndexOf(' ');
    const tok = before.slice(sp + 1);
    const nm = NUM_LEAD.exec(tok);
    if (!nm) return null;
    let rest = nm[2]!;
    const scaled = rest.length > 0 && siMultiplier(rest.charAt(0)) !== null && rest.slice(1) === rate.raw.slice(1);
    let n = Number(nm[1]);
    if (scaled && rest !== rate.raw) {
      n *= siMultiplier(rest.charAt(0))!;
      rest = rest.slice(1);
    }
    applySiRate(rate, scaled || nm[1]!.includes('.'), n, elapsed);
    if (rest !== '' && rest !== rate.unit && rest !== rate.raw) return null;
    current = n;
    countStart = sp + 1;
  }
  const left = before.slice(0, countStart).trimEnd();
  const pct = /^(.*?)(\d{1,3})%\|/.exec(left);
  if (pct) desc = cleanDesc(pct[1]!);
  // `...| 1.00/36.0 [...]`: the bar's right edge with its start lost (a cut paste, text glued before it).
  else if (left.endsWith('|')) desc = '';
  else desc = cleanDesc(left);
  return {
    desc,
    current,
    total,
    unit: rate.unit || 'it',
    rate: rate.value,
    rateUnit: rate.inverse ? `s/${rate.unit}` : `${noRate ? 'it' : rate.unit}/s`,
    elapsed,
    eta,
    postfix,
  };
}

/** `Epoch 3/10`, `Epoch 2`, `Batches (epoch 3)`, `Training Epoch: 3/3, step ...` in a desc. */
export function descEpoch(desc: string): { epoch: number; total: number | null } | null {
  // Ultralytics YOLO prints a column table whose first column is the epoch: `  3/100      4.61G      1.352 ...`.
  const m =
    /\bepochs?\b[\s:#=]*\(?\s*(\d+)(?:\s*(?:\/|of)\s*(\d+))?/i.exec(desc) ?? /^(\d+)\/(\d+)(?= {2,}\S)/.exec(desc);
  if (!m) return null;
  const epoch = parseNum(m[1]!);
  if (epoch === null) return null;
  return { epoch, total: m[2] ? Number(m[2]) : null };
}

/** An outer bar that counts epochs (`Epochs: 60%| 3/5`), as opposed to a desc naming one. */
export function isEpochCounterDesc(desc: string): boolean {
  return /^epochs?$/i.test(desc) || (/\bepochs\b/i.test(desc) && !/\d/.test(desc));
}
