/**
 * Display width, truncation and wrapping by terminal columns (CJK = 2, emoji ZWJ sequences = 1 glyph).
 * Separate from sanitize.ts because loading string-width costs ~20 ms of regex compilation.
 */
import stringWidth from './string-width.js';

const segmenter = new Intl.Segmenter();

// V8's segment iterator is super-linear on long inputs (80K chars took seconds on Node 20), and
// string-width segments its whole input too. So long text is segmented in small chunks, cut where a
// grapheme boundary is certain (between two ASCII chars) or, failing that, very likely.
const CHUNK = 256;
const MARK = /\p{M}/u;

/** True when a grapheme cluster can continue with the code point at `k` (Extend, ZWJ, jamo V/T…). */
function continuesCluster(s: string, k: number): boolean {
  const cp = s.codePointAt(k) ?? 0;
  return (
    cp === 0x200d ||
    (cp >= 0xfe00 && cp <= 0xfe0f) ||
    (cp >= 0x1160 && cp <= 0x11ff) ||
    (cp >= 0xd7b0 && cp <= 0xd7ff) ||
    (cp >= 0x1f3fb && cp <= 0x1f3ff) ||
    (cp >= 0x1f1e6 && cp <= 0x1f1ff) ||
    (cp >= 0xe0020 && cp <= 0xe007f) ||
    (cp >= 0xe0100 && cp <= 0xe01ef) ||
    MARK.test(String.fromCodePoint(cp))
  );
}

function isPrintableAscii(c: number): boolean {
  return c >= 0x20 && c < 0x7f;
}

function cutPoint(s: string, from: number, to: number): number {
  const min = from + (CHUNK >> 1);
  for (let k = to; k > min; k--) {
    if (isPrintableAscii(s.charCodeAt(k)) && s.charCodeAt(k - 1) < 0x7f) return k;
  }
  for (let k = to; k > min; k--) {
    const a = s.charCodeAt(k - 1);
    const joinsNext = a === 0x200d || (a >= 0x1100 && a <= 0x115f) || (a >= 0xa960 && a <= 0xa97c);
    if (!joinsNext && !(a >= 0xd800 && a <= 0xdbff) && !continuesCluster(s, k)) {
      // A regional-indicator pair is two surrogate pairs; never cut between its halves.
      if (!(a >= 0xdde6 && a <= 0xddff && s.charCodeAt(k - 2) === 0xd83c)) return k;
    }
  }
  return to;
}

/** Grapheme clusters of `s` with their offsets, in linear time. */
function* graphemes(s: string): Generator<{ segment: string; index: number }> {
  if (s.length <= CHUNK * 2) {
    yield* segmenter.segment(s);
    return;
  }
  let from = 0;
  while (from < s.length) {
    const to = s.length - from <= CHUNK * 2 ? s.length : cutPoint(s, from, from + CHUNK);
    for (const g of segmenter.segment(s.slice(from, to))) yield { segment: g.segment, index: g.index + from };
    from = to;
  }
}

// string-width costs microseconds per call; log text repeats the same few hundred glyphs.
const widthCache = new Map<string, number>();

function graphemeWidth(g: string): number {
  if (g.length === 1 && isPrintableAscii(g.charCodeAt(0))) return 1;
  let w = widthCache.get(g);
  if (w === undefined) {
    w = stringWidth(g);
    if (widthCache.size >= 4096) widthCache.clear();
    widthCache.set(g, w);
  }
  return w;
}

/** Width like string-width, but linear on long strings. */
function widthOf(s: string): number {
  if (s.length <= CHUNK * 2) return stringWidth(s);
  let w = 0;
  for (const { segment } of graphemes(s)) w += graphemeWidth(segment);
  return w;
}

/** Terminal columns of sanitised text (CJK = 2, an emoji ZWJ sequence = one 2-column glyph). */
export function displayWidth(s: string): number {
  return typeof s === 'string' ? widthOf(s) : 0;
}

/** Cuts sanitised text to at most `width` columns on a grapheme boundary, ending with `…` when cut. */
export function truncateToWidth(s: string, width: number): string {
  if (typeof s !== 'string') return '';
  if (width === Number.POSITIVE_INFINITY) return s;
  const w = Number.isFinite(width) ? Math.floor(width) : 0;
  if (w <= 0) return '';
  let acc = 0;
  let cutEnd = 0;
  for (const { segment, index } of graphemes(s)) {
    acc += graphemeWidth(segment);
    if (acc > w) return `${s.slice(0, cutEnd)}…`;
    // Remember the last boundary that still leaves one column for the ellipsis.
    if (acc <= w - 1) cutEnd = index + segment.length;
  }
  return s;
}

/** Hard-wraps sanitised text into pieces of at most `width` columns; `\n` always breaks. */
export function wrapToWidth(s: string, width: number): string[] {
  if (typeof s !== 'string') return [''];
  if (width === Number.POSITIVE_INFINITY) return s.split('\n');
  const w = Number.isFinite(width) ? Math.max(1, Math.floor(width)) : 1;
  const out: string[] = [];
  for (const line of s.split('\n')) {
    let piece = '';
    let acc = 0;
    const add = (g: string, gw: number): void => {
      if (acc + gw > w && piece !== '') {
        out.push(piece);
        piece = '';
        acc = 0;
      }
      piece += g;
      acc += gw;
    };
    for (const { segment } of graphemes(line)) {
      const gw = graphemeWidth(segment);
      if (gw <= w) {
        add(segment, gw);
        continue;
      }
      // A cluster wider than the pane (long jamo runs, width-1 panes): fall back to code points,
      // and show `…` for a code point that cannot fit at all.
      for (const cp of segment) {
        const cw = stringWidth(cp);
        if (cw <= w) add(cp, cw);
        else add('…', 1);
      }
    }
    out.push(piece);
  }
  return out;
}

/** Wraps sanitised prose at spaces into lines of at most `width` columns; a longer word is hard-wrapped. */
export function wrapWords(s: string, width: number): string[] {
  if (typeof s !== 'string') return [''];
  const w = Number.isFinite(width) ? Math.max(1, Math.floor(width)) : Number.POSITIVE_INFINITY;
  const out: string[] = [];
  let line = '';
  for (const word of s.split(/ +/)) {
    const candidate = line === '' ? word : `${line} ${word}`;
    if (displayWidth(candidate) <= w) {
      line = candidate;
      continue;
    }
    if (line !== '') out.push(line);
    const pieces = displayWidth(word) <= w ? [word] : wrapToWidth(word, w);
    out.push(...pieces.slice(0, -1));
    line = pieces.at(-1) ?? '';
  }
  out.push(line);
  return out;
}
