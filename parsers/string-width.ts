/**
 * string-width with the same answers, minus its cost on plain text. The build hands this module to
 * every importer of `string-width` (Ink, wrap-ansi, cli-truncate…): Ink measures each text node and
 * each output line on every frame, and string-width runs Intl.Segmenter plus an RGI-emoji regex (its
 * first use compiles for ~110 ms) on any string with a `·`, `›` or `…` in it.
 *
 * Text whose code points can neither join a grapheme cluster nor be an emoji is measured one code
 * point at a time by East Asian Width, which is what string-width computes for single-code-point
 * clusters; everything else goes to string-width itself. test/parsers-string-width.test.ts checks
 * both agree.
 */
import { eastAsianWidth } from 'get-east-asian-width';
import realStringWidth from 'string-width';

interface Options {
  ambiguousIsNarrow?: boolean;
  countAnsiEscapeCodes?: boolean;
}

// Code points that may join a cluster (marks, ZWJ, variation selectors, jamo, regional indicators,
// prepend letters like U+0D4E, anything beyond the BMP), be zero-width (controls, format,
// default-ignorable) or be an emoji (Extended_Pictographic).
const NEEDS_SEGMENTER =
  /[\p{M}\p{Cc}\p{Cf}\p{Cs}\p{Default_Ignorable_Code_Point}\p{Extended_Pictographic}\p{Regional_Indicator}\u0D4E\u1100-\u11FF\uA960-\uA97F\uD7B0-\uD7FF\u{10000}-\u{10FFFF}]/u;
const PRINTABLE_ASCII = /^[\u0020-\u007E]*$/;
/** SGR (colours, bold, inverse): what Ink's own styling adds; string-width's ansi-regex removes exactly these. */
const SGR = /\u001B\[[0-9;]*m/g;
const CACHE_MAX = 4096;
const CACHE_LEN = 256;
const cache = new Map<string, number>();

function measure(s: string): number {
  if (PRINTABLE_ASCII.test(s)) return s.length;
  if (s.includes('\u001B') || s.includes('\u009B')) {
    // Ink measures styled lines on every frame; string-width strips their SGR and measures what is
    // left, which is what this does too. Any other escape goes to string-width itself.
    const plain = s.replace(SGR, '');
    return plain.includes('\u001B') || plain.includes('\u009B') ? realStringWidth(s) : measure(plain);
  }
  if (NEEDS_SEGMENTER.test(s)) return realStringWidth(s);
  let w = 0;
  for (const ch of s) w += eastAsianWidth(ch.codePointAt(0)!, { ambiguousAsWide: false });
  return w;
}

/** Columns `input` takes in a terminal; the same result as string-width 8 for the same options. */
export default function stringWidth(input: unknown, options: Options = {}): number {
  if (typeof input !== 'string' || input.length === 0) return 0;
  if (options.ambiguousIsNarrow === false || options.countAnsiEscapeCodes) return realStringWidth(input, options);
  if (input.length > CACHE_LEN) return measure(input);
  // Frames repeat the same lines: a hit skips even the regex scans.
  let w = cache.get(input);
  if (w === undefined) {
    w = measure(input);
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(input, w);
  }
  return w;
}
