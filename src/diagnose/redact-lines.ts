/**
 * Line-preserving redaction: a whole log is redacted at once (a private key spans lines), then
 * mapped back onto the original lines so failure and traceback indexes stay valid.
 */

type Redactor = (text: string) => string;

/**
 * Redacts a whole log at once (a private key spans lines) while keeping line indexes: the spans the
 * redactor replaced are recovered by matching the text it kept, then each original line is rebuilt
 * from kept text and markers. Output only ever holds text the redactor kept, whatever the alignment.
 */
export function redactLines(lines: string[], redact: Redactor): string[] {
  if (lines.length === 0) return lines;
  const joined = lines.join('\n');
  const red = redact(joined);
  if (red === joined) return lines;
  const spans = recoverSpans(joined, red);
  if (!spans) return lines.map((l) => redact(l));
  const out: string[] = [];
  let ls = 0;
  let si = 0;
  for (const line of lines) {
    // The line is joined[ls, le); its newline sits at le and may be inside a span.
    const le = ls + line.length;
    while (si < spans.length && spans[si]!.end <= ls && spans[si]!.emitted) si++;
    let s = '';
    let cursor = ls;
    for (let k = si; k < spans.length && spans[k]!.start <= le; k++) {
      const sp = spans[k]!;
      if (!sp.emitted) {
        s += joined.slice(cursor, Math.max(cursor, Math.min(sp.start, le))) + sp.marker;
        sp.emitted = true;
      }
      cursor = Math.max(cursor, Math.min(sp.end, le));
    }
    out.push(s + joined.slice(cursor, le));
    ls = le + 1;
  }
  return out;
}

interface Span {
  start: number;
  end: number;
  marker: string;
  emitted: boolean;
}

const MARKER_RE = /\[REDACTED:[A-Za-z0-9_-]+\]/g;

/** Where in `orig` the redactor put each marker of `red`; null when they cannot be lined up. */
function recoverSpans(orig: string, red: string): Span[] | null {
  const spans: Span[] = [];
  const marks = [...red.matchAll(MARKER_RE)];
  let p = 0;
  let q = 0;
  let i = 0;
  while (i < marks.length) {
    const m = marks[i]!;
    const lit = red.slice(p, m.index);
    if (!orig.startsWith(lit, q)) return null;
    q += lit.length;
    let marker = m[0];
    p = m.index + m[0].length;
    i++;
    // Adjacent markers stand for one stretch of removed text.
    while (i < marks.length && marks[i]!.index === p) {
      marker += marks[i]![0];
      p += marks[i]![0].length;
      i++;
    }
    const next = i < marks.length ? marks[i]!.index : red.length;
    const chunk = red.slice(p, next);
    // A key block runs to its END line: the text after it must be looked for past that line.
    const pemEnd = marker.includes('private-key') ? /-----END[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----/i.exec(orig.slice(q, q + 40_000)) : null;
    const from = pemEnd ? q + pemEnd.index + pemEnd[0].length : q + 1;
    let e = chunk === '' ? orig.length : orig.indexOf(chunk, from);
    if (e < 0 && pemEnd) e = orig.indexOf(chunk, q + 1);
    if (e < 0) return null;
    spans.push({ start: q, end: e, marker, emitted: false });
    q = e;
  }
  return orig.slice(q) === red.slice(p) ? spans : null;
}
