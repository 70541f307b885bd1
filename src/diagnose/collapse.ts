/**
 * Token arithmetic and the line-level squeezing the excerpt builder relies on: exact repeats become
 * one line with `[×N]`, a run of progress-bar redraws keeps its last state, and a long run of lines
 * that differ only in numbers keeps its ends. Every output item remembers which input lines it
 * stands for, so sections can say what they skipped.
 */

/** One output line and the input lines (inclusive indexes) it stands for. */
export interface Item {
  text: string;
  first: number;
  last: number;
  /** Token cost of `text` plus its newline (fractional; see tokenCost). */
  cost: number;
  /** Input lines this item replaces beyond itself, by why they went. */
  folded: number;
  kind: 'line' | 'repeat' | 'progress' | 'similar' | 'marker';
}

/**
 * Fractional token estimate: ASCII at 4 characters per token, anything else one token per code
 * point (box-drawing progress bars and CJK tokenise badly, so 4 bytes/token would undercount).
 * It is additive, so a section's cost is the sum of its lines' costs.
 */
export function tokenCost(s: string): number {
  let ascii = 0;
  let other = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) ascii++;
    else if (c < 0xdc00 || c > 0xdfff) other++; // a low surrogate belongs to the code point before it
  }
  return ascii / 4 + other;
}

/** Whole-token estimate used for the budget (≈ 4 ASCII characters per token). */
export function estimateTokens(s: string): number {
  return Math.ceil(tokenCost(s));
}

/** Cuts `s` to at most `maxTokens`, ending with `… [+N chars]` when cut; never splits a surrogate pair. */
export function clipTokens(s: string, maxTokens: number): string {
  if (tokenCost(s) <= maxTokens) return s;
  const marker = ` … [+${s.length} chars]`;
  const room = maxTokens - tokenCost(marker);
  let cost = 0;
  let i = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    const step = c >= 0xd800 && c <= 0xdbff ? 2 : 1;
    const add = c < 0x80 ? 0.25 : 1;
    if (cost + add > room) break;
    cost += add;
    i += step;
  }
  return `${s.slice(0, i)} … [+${s.length - i} chars]`;
}

const PROGRESS_RES = [
  /\d{1,3}%\|/, // tqdm `45%|`
  /\|\s*\d+(?:\.\d+)?[kMG]?\/\d+(?:\.\d+)?[kMG]?\s*\[/, // tqdm `| 15/100 [`
  /\[\d{1,2}:\d{2}(?::\d{2})?<(?:\d|\?)/, // tqdm `[00:03<00:17`
  /\d+\/\d+\s+\[[=>.]{3,}\]/, // keras `12/100 [==>....]`
  /[━╸╺]{4,}/, // rich / lightning-rich bars
];

/** True for a progress-bar redraw (tqdm, keras, rich), whose only news is its latest state. */
export function isProgressLine(s: string): boolean {
  return PROGRESS_RES.some((re) => re.test(s));
}

/** What a progress bar is about (`Epoch 3`, `Validation`): the text before its numbers. */
function progressKey(s: string): string {
  const m = /^\s*([^\d%|[]*)/.exec(s);
  return (m?.[1] ?? '').replace(/[:\s]+$/, '');
}

/** Shape of a line with the numbers taken out, to spot runs like `step 1 loss 0.5`, `step 2 loss 0.4`. */
function template(s: string): string | null {
  if (s.length < 8 || !/\d/.test(s)) return null;
  return s.replace(/\d+(?:\.\d+)?(?:e[-+]?\d+)?/gi, '#');
}

const item = (text: string, first: number, last: number, kind: Item['kind'], folded = 0): Item => ({
  text,
  first,
  last,
  cost: tokenCost(`${text}\n`),
  folded,
  kind,
});

/** A stand-in line for lines left out on purpose. */
export function markerItem(text: string, first: number, last: number): Item {
  return item(text, first, last, 'marker');
}

export interface CollapseOptions {
  /** Fold repeats that are not next to each other (keeping the last copy): for log tails. */
  scattered?: boolean;
  /** Fold runs of lines that differ only in numbers: for log tails, not tracebacks. */
  similar?: boolean;
  /** Indexes already counted elsewhere; they break runs but are not emitted. */
  skip?: (index: number) => boolean;
}

const SIMILAR_MIN_RUN = 5;

/** Squeezes lines[from..to) into items; see the module comment for the rules. */
export function collapse(lines: readonly string[], from: number, to: number, opts: CollapseOptions = {}): Item[] {
  const keep: number[] = [];
  for (let i = from; i < to; i++) if (!opts.skip?.(i)) keep.push(i);

  // Scattered exact repeats: the last copy stays (it is nearest the end), with the total count.
  const totals = new Map<string, { n: number; last: number }>();
  if (opts.scattered) {
    for (const i of keep) {
      const t = lines[i]!;
      if (t.trim().length < 8 || isProgressLine(t)) continue;
      const e = totals.get(t);
      if (e) {
        e.n++;
        e.last = i;
      } else totals.set(t, { n: 1, last: i });
    }
  }
  const base: Item[] = [];
  for (const i of keep) {
    const t = lines[i]!;
    const tot = totals.get(t);
    if (tot && tot.n >= 3) {
      if (i === tot.last) base.push(item(`${t}  [×${tot.n}]`, i, i, 'repeat', tot.n - 1));
      continue;
    }
    base.push(item(t, i, i, 'line'));
  }

  // Adjacent exact repeats and blank runs.
  const runs: Item[] = [];
  for (const it of base) {
    const prev = runs.at(-1);
    if (prev && it.kind === 'line' && (prev.kind === 'line' || prev.kind === 'repeat') && baseText(prev) === it.text) {
      const n = prev.folded + 2;
      runs[runs.length - 1] =
        it.text.trim() === ''
          ? item('', prev.first, it.last, 'repeat', n - 1)
          : item(`${it.text}  [×${n}]`, prev.first, it.last, 'repeat', n - 1);
      continue;
    }
    runs.push(it);
  }

  const folded = foldProgress(runs);
  return opts.similar ? foldSimilar(folded) : folded;
}

function baseText(it: Item): string {
  return it.kind === 'repeat' ? it.text.replace(/ {2}\[×\d+\]$/, '') : it.text;
}

/** A run of progress redraws keeps the last line of each bar (at most 3 bars, e.g. epoch + batch). */
function foldProgress(items: Item[]): Item[] {
  const out: Item[] = [];
  let i = 0;
  while (i < items.length) {
    if (items[i]!.kind !== 'line' || !isProgressLine(items[i]!.text)) {
      out.push(items[i]!);
      i++;
      continue;
    }
    let j = i;
    while (j < items.length && items[j]!.kind === 'line' && isProgressLine(items[j]!.text)) j++;
    if (j - i === 1) {
      out.push(items[i]!);
      i = j;
      continue;
    }
    const lastOf = new Map<string, number>();
    for (let k = i; k < j; k++) lastOf.set(progressKey(items[k]!.text), k);
    const kept = [...lastOf.values()].sort((a, b) => a - b).slice(-3);
    const total = j - i;
    kept.forEach((k, n) => {
      const it = items[k]!;
      const first = n === 0 ? items[i]!.first : it.first;
      const note = n === kept.length - 1 ? `  [last of ${total} progress updates]` : '';
      out.push(
        item(
          `${it.text}${note}`,
          first,
          n === kept.length - 1 ? items[j - 1]!.last : it.last,
          'progress',
          n === kept.length - 1 ? total - kept.length : 0,
        ),
      );
    });
    i = j;
  }
  return out;
}

/** A run of ≥5 lines of the same shape keeps its first and last two, with a count of the rest. */
function foldSimilar(items: Item[]): Item[] {
  const out: Item[] = [];
  let i = 0;
  while (i < items.length) {
    const t = items[i]!.kind === 'line' ? template(items[i]!.text) : null;
    let j = i + 1;
    if (t !== null) while (j < items.length && items[j]!.kind === 'line' && template(items[j]!.text) === t) j++;
    if (t === null || j - i < SIMILAR_MIN_RUN) {
      out.push(items[i]!);
      i++;
      continue;
    }
    const hidden = j - i - 3;
    out.push(items[i]!);
    const m = item(`  [… ${hidden} similar lines]`, items[i + 1]!.first, items[j - 3]!.last, 'similar', hidden);
    out.push(m, items[j - 2]!, items[j - 1]!);
    i = j;
  }
  return out;
}
