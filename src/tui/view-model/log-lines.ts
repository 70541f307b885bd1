/** Log lines → screen rows: sanitised with colours kept, search hits marked, cut or wrapped by display width. */
import { type StyledSpan, sanitizeStyledLine } from '../../../parsers/sanitize.js';
import { wrapPieces } from '../../../parsers/text-width.js';
import { fitParts } from './fit.js';

export interface VisualRow {
  /** Index of the log line this row shows (a wrapped line has several rows). */
  line: number;
  spans: StyledSpan[];
  /** First row of its line. */
  first: boolean;
}

/** Sanitises every line once; raw log text never reaches Ink. */
export function styleLines(lines: readonly string[]): StyledSpan[][] {
  return lines.map((l) =>
    sanitizeStyledLine(l.replace(/[\r\n]+$/, '')).map((s) => ({ ...s, text: s.text.replace(/\n/g, ' ') })),
  );
}

/** The visible text of a line. */
export function plainText(spans: readonly StyledSpan[]): string {
  return spans.map((s) => s.text).join('');
}

/** Indices of lines containing `query` (case-insensitive). */
export function matchLines(styled: readonly StyledSpan[][], query: string): number[] {
  if (!query) return [];
  const q = query.toLowerCase();
  const out: number[] = [];
  styled.forEach((spans, i) => {
    if (plainText(spans).toLowerCase().includes(q)) out.push(i);
  });
  return out;
}

/** Marks each occurrence of `query` with inverse video. */
export function highlight(spans: readonly StyledSpan[], query: string): StyledSpan[] {
  const text = plainText(spans);
  const lower = text.toLowerCase();
  const q = query.toLowerCase();
  // Case folding that changes lengths (İ → i̇) would misalign offsets; skip marking then.
  if (!q || lower.length !== text.length || !lower.includes(q)) return spans.slice();
  const hit = new Uint8Array(text.length);
  for (let i = lower.indexOf(q); i !== -1; i = lower.indexOf(q, i + q.length)) hit.fill(1, i, i + q.length);
  const out: StyledSpan[] = [];
  let at = 0;
  for (const s of spans) {
    let start = 0;
    for (let k = 1; k <= s.text.length; k++) {
      if (k === s.text.length || hit[at + k] !== hit[at + start]) {
        const piece = { ...s, text: s.text.slice(start, k) };
        if (hit[at + start]) piece.inverse = !s.inverse;
        out.push(piece);
        start = k;
      }
    }
    at += s.text.length;
  }
  return out;
}

/** Splits styled text into rows of at most `width` columns, at spaces where it can (see wrapPieces). */
export function wrapSpans(spans: readonly StyledSpan[], width: number): StyledSpan[][] {
  const text = plainText(spans);
  if (text === '') return [[]];
  const pieces = wrapPieces(text, width);
  // A glyph that cannot fit was replaced by `…`; then offsets no longer map, so drop styles.
  if (pieces.some((p) => p.text !== text.slice(p.start, p.end))) return pieces.map((p) => [{ text: p.text }]);
  const rows: StyledSpan[][] = [];
  let si = 0;
  let spanStart = 0;
  for (const piece of pieces) {
    const row: StyledSpan[] = [];
    while (si < spans.length && spanStart + spans[si]!.text.length <= piece.start)
      spanStart += spans[si++]!.text.length;
    for (let k = si, at = spanStart; k < spans.length && at < piece.end; at += spans[k]!.text.length, k++) {
      const s = spans[k]!;
      const from = Math.max(piece.start, at) - at;
      const to = Math.min(piece.end, at + s.text.length) - at;
      if (to > from) row.push({ ...s, text: s.text.slice(from, to) });
    }
    rows.push(row);
  }
  return rows;
}

/** Every screen row of a log at `width`, wrapped or cut. */
export function layoutLog(styled: readonly StyledSpan[][], width: number, wrap: boolean, query: string): VisualRow[] {
  const rows: VisualRow[] = [];
  styled.forEach((spans, line) => {
    const marked = query ? highlight(spans, query) : spans;
    if (!wrap) {
      rows.push({ line, spans: fitParts(marked, width), first: true });
      return;
    }
    wrapSpans(marked, width).forEach((r, k) => {
      rows.push({ line, spans: r, first: k === 0 });
    });
  });
  return rows;
}

/** Index of the first screen row of `line`. */
export function rowOfLine(rows: readonly VisualRow[], line: number): number {
  const i = rows.findIndex((r) => r.line === line);
  return i === -1 ? 0 : i;
}
