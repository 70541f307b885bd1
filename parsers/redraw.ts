/**
 * Classifies one `\r`-separated segment of a physical line as blank (a tqdm.write
 * clear run), a progress-bar redraw (superseded by the next redraw) or text.
 * Byte and string versions look only at ASCII so they agree on any input: the
 * byte-level compactor may drop a segment only when the string splitter would.
 */

/** Only spaces, backspaces and escape sequences (a tqdm.write clear run). */
export const SEG_BLANK = 0;
/** A progress-bar refresh that the next refresh supersedes. */
export const SEG_REDRAW = 1;
/** Anything else: always kept. */
export const SEG_TEXT = 2;
/** One of SEG_BLANK, SEG_REDRAW, SEG_TEXT. */
export type SegKind = 0 | 1 | 2;

type At = (i: number) => number;

/** Bars put their stats bracket near the end; a bounded look-back keeps each check O(1). */
const BRACKET_WINDOW = 400;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** End of the segment once trailing spaces, backspaces and CSI sequences (ESC[A) are dropped. */
function trimEnd(at: At, a: number, b: number): number {
  let e = b;
  while (e > a) {
    const c = at(e - 1);
    if (c === 32 || c === 9 || c === 8 || c === 13) {
      e--;
      continue;
    }
    if (isLetter(c)) {
      let j = e - 2;
      let steps = 0;
      while (j >= a && steps < 16) {
        const d = at(j);
        if (isDigit(d) || d === 59 || d === 63) {
          j--;
          steps++;
        } else break;
      }
      if (j - 1 >= a && at(j) === 91 && at(j - 1) === 27) {
        e = j - 1;
        continue;
      }
    }
    break;
  }
  return e;
}

/** `... 12/300 [00:01<00:14, 19.8it/s]` or `12345doc [02:04, 98.98doc/s]` ending at `e`. */
function endsWithTqdmStats(at: At, a: number, e: number): boolean {
  if (at(e - 1) !== 93) return false;
  const lo = Math.max(a, e - BRACKET_WINDOW);
  let p = -1;
  for (let k = e - 2; k >= lo; k--) {
    const c = at(k);
    if (c === 91) {
      p = k;
      break;
    }
    if (c === 93) return false;
  }
  if (p <= a || !isDigit(at(p + 1)) || at(p - 1) !== 32) return false;
  let colon = false;
  let sep = false;
  for (let k = p + 1; k < e && !(colon && sep); k++) {
    const c = at(k);
    if (c === 58) colon = true;
    else if (c === 60 || (c === 44 && at(k + 1) === 32)) sep = true;
  }
  return colon && sep;
}

/** Keras 2 progbar ` 99/100 [====>.] - ETA: 2s - loss: ...`. */
function startsKerasBar(at: At, a: number, e: number): boolean {
  let k = a;
  const lim = Math.min(e, a + 16);
  while (k < lim && at(k) === 32) k++;
  const d0 = k;
  while (k < e && isDigit(at(k))) k++;
  if (k === d0 || k >= e || at(k) !== 47) return false;
  k++;
  const t0 = k;
  while (k < e && isDigit(at(k))) k++;
  if (k === t0) {
    const U = [85, 110, 107, 110, 111, 119, 110];
    for (const u of U) {
      if (k >= e || at(k) !== u) return false;
      k++;
    }
  }
  return k + 1 < e && at(k) === 32 && at(k + 1) === 91;
}

function classify(at: At, a: number, b: number): SegKind {
  const e = trimEnd(at, a, b);
  if (e === a) return SEG_BLANK;
  let k = a;
  while (k < e && (at(k) === 32 || at(k) === 9 || at(k) === 8)) k++;
  if (k === e) return SEG_BLANK;
  if (endsWithTqdmStats(at, a, e) || startsKerasBar(at, a, e)) return SEG_REDRAW;
  return SEG_TEXT;
}

/** Segment kind for bytes [a, b) of a UTF-8 buffer (the same rules as for text). */
export function classifyBytes(buf: Uint8Array, a: number, b: number): SegKind {
  return classify((i) => buf[i]!, a, b);
}

/** A whole line that is one tqdm refresh ending in its stats bracket (nothing glued). */
export function isTqdmRedraw(s: string): boolean {
  const at = (i: number) => s.charCodeAt(i);
  const e = trimEnd(at, 0, s.length);
  return e > 0 && endsWithTqdmStats(at, 0, e);
}

/** Rich / Keras 3 bars draw with U+2501; their redraws collapse like tqdm's (string side only). */
function hasHeavyBar(s: string, a: number, e: number): boolean {
  const lim = Math.min(e, a + 200);
  for (let k = a; k < lim; k++) if (s.charCodeAt(k) === 0x2501) return true;
  return false;
}

/** Segment kind for s[a, b); a superset of classifyBytes' redraws (adds Rich / Keras 3 bars). */
export function classifyString(s: string, a: number, b: number): SegKind {
  const k = classify((i) => s.charCodeAt(i), a, b);
  if (k === SEG_TEXT && hasHeavyBar(s, a, b)) return SEG_REDRAW;
  return k;
}
