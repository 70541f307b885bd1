/** Bytes of a log (or of its tail) -> text, without ever throwing. */
import { classifyBytes, SEG_REDRAW, SEG_TEXT } from './redraw.js';

const decoder = new TextDecoder('utf-8', { fatal: false });

/** Continuation bytes at the start of a tail read: the rest of a character cut in half. */
function partialLead(buf: Uint8Array): number {
  let i = 0;
  while (i < 3 && i < buf.length && (buf[i]! & 0xc0) === 0x80) i++;
  return i;
}

/** UTF-8 decode; invalid bytes become U+FFFD and a leading partial character is dropped. */
export function decodeLogBytes(buf: Uint8Array): string {
  try {
    return decoder.decode(buf.subarray(partialLead(buf)));
  } catch {
    // TextDecoder refuses views on shared memory: decode a private copy instead.
    try {
      return decoder.decode(new Uint8Array(buf).subarray(partialLead(buf)));
    } catch {
      return '';
    }
  }
}

/**
 * Same logical lines as decodeLogBytes + splitLogLines, but tqdm redraws that a
 * later redraw on the same physical line supersedes are dropped before decoding,
 * so a log of megabytes of `\r` updates costs one memchr-speed scan.
 */
export function decodeLogBytesCompact(buf: Uint8Array): string {
  try {
    return decoder.decode(compactRedraws(buf, partialLead(buf)));
  } catch {
    return decodeLogBytes(buf);
  }
}

/** buf[start..] without superseded redraw segments (and their `\r`). */
function compactRedraws(buf: Uint8Array, start: number): Uint8Array {
  const n = buf.length;
  const cuts: number[] = [];
  let pos = start;
  let nextCR = buf.indexOf(13, pos);
  if (nextCR < 0) nextCR = n;
  while (pos < n) {
    let nl = buf.indexOf(10, pos);
    if (nl < 0) nl = n;
    if (nextCR < pos) {
      nextCR = buf.indexOf(13, pos);
      if (nextCR < 0) nextCR = n;
    }
    if (nextCR < nl) nextCR = scanLine(buf, pos, nl, nextCR, cuts);
    pos = nl + 1;
  }
  if (cuts.length === 0) return buf.subarray(start);
  let size = n - start;
  for (let i = 0; i < cuts.length; i += 2) size -= cuts[i + 1]! - cuts[i]!;
  const out = new Uint8Array(size);
  let from = start;
  let w = 0;
  for (let i = 0; i < cuts.length; i += 2) {
    out.set(buf.subarray(from, cuts[i]!), w);
    w += cuts[i]! - from;
    from = cuts[i + 1]!;
  }
  out.set(buf.subarray(from), w);
  return out;
}

/** Records [a, b) byte ranges of superseded redraws (with their `\r`); returns the next `\r` at or after nl. */
function scanLine(buf: Uint8Array, pos: number, nl: number, firstCR: number, cuts: number[]): number {
  const n = buf.length;
  let segStart = pos;
  let cr = firstCR;
  let candA = -1;
  let candB = -1;
  for (;;) {
    const segEnd = Math.min(cr, nl);
    const kind = classifyBytes(buf, segStart, segEnd);
    if (kind === SEG_REDRAW) {
      // Only blank clear runs may sit between two redraws; dropping the first changes nothing.
      if (candA >= 0) cuts.push(candA, candB + 1);
      candA = segStart;
      candB = segEnd;
    } else if (kind === SEG_TEXT) candA = -1;
    if (segEnd >= nl) break;
    segStart = segEnd + 1;
    cr = buf.indexOf(13, segStart);
    if (cr < 0) cr = n;
  }
  return cr;
}
