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

/** One row of wrapped text and where it came from: `text` is `s.slice(start, end)` unless a glyph could not fit. */
export interface WrapPiece {
  text: string;
  start: number;
  end: number;
}

/**
 * Wraps sanitised text into rows of at most `width` columns, at spaces: the spaces where a row
 * breaks are dropped, and only a word longer than the row is cut. `\n` always breaks. A glyph
 * wider than the row falls back to its code points, or `…` for one that cannot fit at all.
 */
export function wrapPieces(s: string, width: number): WrapPiece[] {
  if (typeof s !== 'string') return [{ text: '', start: 0, end: 0 }];
  const w = width === Number.POSITIVE_INFINITY ? width : Number.isFinite(width) ? Math.max(1, Math.floor(width)) : 1;
  const out: WrapPiece[] = [];
  let from = 0;
  for (;;) {
    const nl = s.indexOf('\n', from);
    const end = nl === -1 ? s.length : nl;
    if (w === Number.POSITIVE_INFINITY) out.push({ text: s.slice(from, end), start: from, end });
    else wrapLine(s.slice(from, end), from, w, out);
    if (nl === -1) return out;
    from = nl + 1;
  }
}

/** Greedy word wrap of one line (no `\n`) whose text starts at `base` in the whole string. */
function wrapLine(line: string, base: number, w: number, out: WrapPiece[]): void {
  let piece = '';
  let start = 0;
  let end = 0;
  let acc = 0;
  let content = false;
  let inSpaces = false;
  // The last place this row may break: where its trailing spaces began, and the word after them.
  let breakText = -1;
  let breakAt = 0;
  let wordText = -1;
  let wordAt = 0;
  let wordAcc = 0;
  let dropping = false;
  const flush = (text: string, to: number): void => {
    out.push({ text, start: base + start, end: base + to });
  };
  const reset = (at: number): void => {
    piece = '';
    start = at;
    end = at;
    acc = 0;
    content = false;
    inSpaces = false;
    breakText = -1;
    wordText = -1;
  };
  const put = (g: string, gw: number, at: number, to: number): void => {
    if (inSpaces && breakText >= 0) {
      wordText = piece.length;
      wordAt = at;
      wordAcc = acc;
    }
    inSpaces = false;
    if (acc + gw > w && piece !== '' && wordText >= 0) {
      // Move the word being written to the next row; the spaces before it go.
      flush(piece.slice(0, breakText), breakAt);
      const word = piece.slice(wordText);
      const wordW = acc - wordAcc;
      reset(wordAt);
      piece = word;
      acc = wordW;
      end = at;
      content = word !== '';
    }
    if (acc + gw > w && piece !== '') {
      // A word longer than the row: cut it.
      flush(piece, end);
      reset(at);
    }
    piece += g;
    acc += gw;
    end = to;
    content = true;
  };
  for (const { segment, index } of graphemes(line)) {
    if (segment === ' ') {
      if (dropping) continue;
      if (acc + 1 > w) {
        if (inSpaces) flush(piece.slice(0, breakText), breakAt);
        else flush(piece, end);
        reset(index + 1);
        dropping = true;
        continue;
      }
      if (content && !inSpaces) {
        breakText = piece.length;
        breakAt = end;
      }
      inSpaces = content;
      piece += ' ';
      acc += 1;
      end = index + 1;
      continue;
    }
    if (dropping) {
      reset(index);
      dropping = false;
    }
    const gw = graphemeWidth(segment);
    if (gw <= w) {
      put(segment, gw, index, index + segment.length);
      continue;
    }
    // A cluster wider than the row (long jamo runs, width-1 panes): fall back to code points,
    // and show `…` for a code point that cannot fit at all.
    let at = index;
    for (const cp of segment) {
      const cw = stringWidth(cp);
      if (cw <= w) put(cp, cw, at, at + cp.length);
      else put('…', 1, at, at + cp.length);
      at += cp.length;
    }
  }
  if (!dropping) flush(piece, end);
}

/** Wrapped rows of sanitised text (see wrapPieces). */
export function wrapToWidth(s: string, width: number): string[] {
  return wrapPieces(s, width).map((p) => p.text);
}
