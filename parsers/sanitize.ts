/**
 * Terminal safety for text we did not write: log lines, job names, paths.
 *
 * Everything here is one forward scan, so megabyte lines cost linear time. Display widths live in
 * text-width.ts: string-width compiles Unicode-property regexes at load (~20 ms), which `inspect`
 * and other headless paths should not pay for.
 * Ink and strip-ansi both let OSC, `\r`, `\b` and BEL through (see test/parsers-sanitize), so we parse
 * escape sequences ourselves instead of layering on a regex.
 *
 * Documented choices:
 * - A well-formed sequence is removed whole. A malformed or unterminated one (an OSC cut by the end
 *   of the line, `ESC[12` followed by `é`) loses only its ESC (or 8-bit introducer); the bytes after
 *   it are shown as text, so a dangling `ESC]` cannot hide the rest of a line. As in a terminal,
 *   `ESC` + a letter is a complete two-char escape and both chars go.
 * - CAN/SUB inside a control string cancel it (as in a terminal) and the payload is dropped.
 * - DCS, SOS, PM and APC strings (7- or 8-bit) carry data for the terminal (XTGETTCAP queries,
 *   sixel, tmux passthrough), never text: they go whole, and an unterminated one goes up to the
 *   end of its line or the next escape sequence, whichever comes first, as a terminal would
 *   swallow it. It never reaches into the next line. OSC keeps the rule above (titles and links).
 * - `\n` is kept in `sanitizeLogLine`/`sanitizeStyledLine` (each line gets `\r`/`\b` semantics on its
 *   own, so CRLF text works).
 * - `sanitizeField` shows what a value really contains: runs of `\r`/`\n` become one `⏎` (leading
 *   and trailing ones are dropped), `\r` and `\b` never overwrite (that would let a job name pose as
 *   another), and a tab becomes one space.
 * - In styled output, SGR 8 (conceal) is ignored and an identical explicit fg/bg pair is dropped, so
 *   colours cannot hide text either. 8-bit CSI `m` sequences are honoured like 7-bit ones.
 * - `\b` deletes the previous code point (a surrogate pair as a whole); it never crosses a newline.
 * - Bidi embeddings/overrides/isolates and the LRM/RLM/ALM marks are removed (Trojan Source).
 */
import { eastAsianWidth } from 'get-east-asian-width';
/** A run of text with one SGR style, for coloured log panes. Colours use Ink's `<Text color>` syntax. */
export interface StyledSpan {
  text: string;
  /** Chalk name (`red`, `redBright`), `ansi256(n)` or `#rrggbb`. */
  fg?: string;
  bg?: string;
  bold?: boolean;
  dim?: boolean;
  italic?: boolean;
  underline?: boolean;
  inverse?: boolean;
}

const ESC = 0x1b;
const BEL = 0x07;
const BS = 0x08;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const CAN = 0x18;
const SUB = 0x1a;
const ST8 = 0x9c;
const RETURN_SYMBOL = 0x23ce; // ⏎

const MODE_LOG = 0;
const MODE_STYLED = 1;
const MODE_FIELD = 2;
type Mode = typeof MODE_LOG | typeof MODE_STYLED | typeof MODE_FIELD;

// Cheap pre-check: text with none of these needs no work (the common case for plain log lines).
const NEEDS_WORK = /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

function isBidiControl(c: number): boolean {
  return (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c === 0x200e || c === 0x200f || c === 0x061c;
}

const NAMES = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white'] as const;

interface Style {
  fg: string | undefined;
  bg: string | undefined;
  bold: boolean;
  dim: boolean;
  italic: boolean;
  underline: boolean;
  inverse: boolean;
}

function plainStyle(): Style {
  return {
    fg: undefined,
    bg: undefined,
    bold: false,
    dim: false,
    italic: false,
    underline: false,
    inverse: false,
  };
}

function color256(n: number): string | undefined {
  if (!Number.isInteger(n) || n < 0 || n > 255) return undefined;
  if (n < 8) return NAMES[n];
  if (n < 16) return `${NAMES[n - 8]}Bright`;
  return `ansi256(${n})`;
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

function colorRgb(r: number, g: number, b: number): string | undefined {
  for (const v of [r, g, b]) if (!Number.isInteger(v) || v < 0 || v > 255) return undefined;
  return `#${hex2(r)}${hex2(g)}${hex2(b)}`;
}

function num(s: string | undefined): number {
  return s === undefined || s === '' ? Number.NaN : Number(s);
}

/** Reads an extended colour (`5;n`, `2;r;g;b`, or the colon forms) starting after the 38/48/58 code. */
function extendedColor(
  fields: string[],
  idx: number,
  sub: string[] | null,
): { color: string | undefined; next: number } {
  if (sub) {
    const kind = num(sub[1]);
    if (kind === 5) return { color: color256(num(sub[2])), next: idx + 1 };
    if (kind === 2) {
      // 38:2:<colourspace>:r:g:b per ITU T.416; many emitters omit the colourspace id.
      const o = sub.length >= 6 ? 3 : 2;
      return { color: colorRgb(num(sub[o]), num(sub[o + 1]), num(sub[o + 2])), next: idx + 1 };
    }
    return { color: undefined, next: idx + 1 };
  }
  const kind = num(fields[idx + 1]);
  if (kind === 5) return { color: color256(num(fields[idx + 2])), next: idx + 3 };
  if (kind === 2) {
    return {
      color: colorRgb(num(fields[idx + 2]), num(fields[idx + 3]), num(fields[idx + 4])),
      next: idx + 5,
    };
  }
  return { color: undefined, next: idx + 2 };
}

function applySgr(st: Style, params: string): void {
  const fields = params.split(';');
  let i = 0;
  while (i < fields.length) {
    const f = fields[i] ?? '';
    const sub = f.includes(':') ? f.split(':') : null;
    const code = sub ? num(sub[0]) : f === '' ? 0 : Number(f);
    if (code === 38 || code === 48 || code === 58) {
      const { color, next } = extendedColor(fields, i, sub);
      if (code === 38) st.fg = color ?? st.fg;
      else if (code === 48) st.bg = color ?? st.bg;
      i = next;
      continue;
    }
    i++;
    if (code === 0) Object.assign(st, plainStyle());
    else if (code === 1) st.bold = true;
    else if (code === 2) st.dim = true;
    else if (code === 3) st.italic = true;
    else if (code === 4) st.underline = !(sub && num(sub[1]) === 0);
    else if (code === 7) st.inverse = true;
    else if (code === 21) st.underline = true;
    else if (code === 22) {
      st.bold = false;
      st.dim = false;
    } else if (code === 23) st.italic = false;
    else if (code === 24) st.underline = false;
    else if (code === 27) st.inverse = false;
    else if (code >= 30 && code <= 37) st.fg = NAMES[code - 30];
    else if (code === 39) st.fg = undefined;
    else if (code >= 40 && code <= 47) st.bg = NAMES[code - 40];
    else if (code === 49) st.bg = undefined;
    else if (code >= 90 && code <= 97) st.fg = `${NAMES[code - 90]}Bright`;
    else if (code >= 100 && code <= 107) st.bg = `${NAMES[code - 100]}Bright`;
    // 8 (conceal) is deliberately ignored so a log cannot hide text; blink/strike/fonts are not shown.
  }
}

/** Interns styles so each output code unit carries a small integer. */
class StyleTable {
  private readonly ids = new Map<string, number>();
  readonly list: Style[] = [];
  id(st: Style): number {
    const key = `${st.fg}|${st.bg}|${+st.bold}${+st.dim}${+st.italic}${+st.underline}${+st.inverse}`;
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.list.length;
      this.ids.set(key, id);
      this.list.push({ ...st });
    }
    return id;
  }
}

interface ScanResult {
  units: number[];
  styles: number[] | null;
  table: StyleTable | null;
}

/** Index after a CSI whose parameters start at `start`, or -1 when malformed. */
function csiEnd(s: string, start: number): number {
  const n = s.length;
  let j = start;
  while (j < n) {
    const c = s.charCodeAt(j);
    if (c < 0x30 || c > 0x3f) break;
    j++;
  }
  while (j < n) {
    const c = s.charCodeAt(j);
    if (c < 0x20 || c > 0x2f) break;
    j++;
  }
  if (j >= n) return -1;
  const fin = s.charCodeAt(j);
  return fin < 0x40 || fin > 0x7e ? -1 : j + 1;
}

/** Index after an OSC payload (ended by BEL or ST, cancelled by CAN/SUB), or -1 when unterminated. */
function oscEnd(s: string, start: number): number {
  const n = s.length;
  for (let j = start; j < n; j++) {
    const c = s.charCodeAt(j);
    if (c === BEL || c === ST8 || c === CAN || c === SUB) return j + 1;
    if (c === ESC) return s.charCodeAt(j + 1) === 0x5c ? j + 2 : -1;
    if (c === LF || (c >= 0x80 && c <= 0x9f)) return -1;
  }
  return -1;
}

/**
 * Index after a DCS/SOS/PM/APC payload. Terminated like an OSC; unterminated, it ends where the
 * line does or where another escape sequence or C1 control begins (that one is parsed on its own).
 */
function dataStringEnd(s: string, start: number): number {
  const n = s.length;
  for (let j = start; j < n; j++) {
    const c = s.charCodeAt(j);
    if (c === BEL || c === ST8 || c === CAN || c === SUB) return j + 1;
    if (c === ESC) return s.charCodeAt(j + 1) === 0x5c ? j + 2 : j;
    if (c === LF || (c >= 0x80 && c <= 0x9f)) return j;
  }
  return n;
}

const isDataString = (c: number): boolean => c === 0x50 || c === 0x58 || c === 0x5e || c === 0x5f;
const isDataString8 = (c: number): boolean => c === 0x90 || c === 0x98 || c === 0x9e || c === 0x9f;

/**
 * Index after the escape sequence that starts at `i` (ESC or an 8-bit introducer), or -1 when it is
 * malformed and only the introducer should go. The one grammar for the sanitisers and the log parser.
 */
export function escapeEnd(s: string, i: number): number {
  const n = s.length;
  const c = s.charCodeAt(i);
  if (c !== ESC) {
    if (c === 0x9b) return csiEnd(s, i + 1);
    if (c === 0x9d) return oscEnd(s, i + 1);
    return isDataString8(c) ? dataStringEnd(s, i + 1) : -1;
  }
  const d = i + 1 < n ? s.charCodeAt(i + 1) : -1;
  if (d === 0x5b /* [ */) return csiEnd(s, i + 2);
  if (d === 0x5d /* ] */) return oscEnd(s, i + 2);
  if (isDataString(d)) return dataStringEnd(s, i + 2);
  if (d >= 0x20 && d <= 0x2f) {
    // nF escapes such as `ESC ( 0` (charset switch): intermediates then a final byte.
    let j = i + 1;
    while (j < n && s.charCodeAt(j) >= 0x20 && s.charCodeAt(j) <= 0x2f) j++;
    const f = j < n ? s.charCodeAt(j) : -1;
    return f >= 0x30 && f <= 0x7e ? j + 1 : -1;
  }
  return d >= 0x30 && d <= 0x7e ? i + 2 : -1;
}

/** The single forward pass shared by all three sanitisers. */
function scan(s: string, mode: Mode): ScanResult {
  const units: number[] = [];
  const styled = mode === MODE_STYLED;
  const field = mode === MODE_FIELD;
  const styles: number[] | null = styled ? [] : null;
  const table = styled ? new StyleTable() : null;
  const st = plainStyle();
  let cur = table ? table.id(st) : 0;
  let lineStart = 0;
  let pendingCR = false;
  let pendingBreak = false;
  const n = s.length;
  let i = 0;

  const push = (c: number): void => {
    if (pendingCR) {
      // Carriage return only takes effect once something is written after it, so `abc\r` stays `abc`.
      units.length = lineStart;
      if (styles) styles.length = lineStart;
      pendingCR = false;
    }
    if (pendingBreak) {
      if (units.length > 0) units.push(RETURN_SYMBOL);
      pendingBreak = false;
    }
    units.push(c);
    if (styles) styles.push(cur);
  };

  // An SGR (`CSI params m`, digits and separators only) changes the style of what follows.
  const applyCsiSgr = (from: number, end: number): void => {
    const p = s.charCodeAt(from) === ESC ? from + 2 : from + 1;
    if (s.charCodeAt(p - 1) !== 0x5b && s.charCodeAt(p - 1) !== 0x9b) return;
    const params = s.slice(p, end - 1);
    if (!/^[0-9;:]*$/.test(params)) return;
    applySgr(st, params);
    cur = table!.id(st);
  };

  while (i < n) {
    const c = s.charCodeAt(i);
    if (c === ESC || (c >= 0x80 && c <= 0x9f)) {
      const end = escapeEnd(s, i);
      if (styled && end !== -1 && s.charCodeAt(end - 1) === 0x6d /* m */) applyCsiSgr(i, end);
      i = end === -1 ? i + 1 : end;
      continue;
    }
    i++;
    if (c === LF || c === CR) {
      if (field) {
        pendingBreak = true;
      } else if (c === CR) {
        pendingCR = true;
      } else {
        pendingCR = false;
        units.push(LF);
        if (styles) styles.push(cur);
        lineStart = units.length;
      }
    } else if (c === BS) {
      // In a field, overwriting would let a name pose as something else, so `\b` is just dropped.
      if (!field && !pendingCR && units.length > lineStart) {
        const last = units.pop()!;
        styles?.pop();
        if (last >= 0xdc00 && last <= 0xdfff && units.length > lineStart) {
          const prev = units[units.length - 1]!;
          if (prev >= 0xd800 && prev <= 0xdbff) {
            units.pop();
            styles?.pop();
          }
        }
      }
    } else if (c === TAB) {
      push(field ? 0x20 : TAB);
    } else if (c < 0x20 || c === 0x7f || isBidiControl(c)) {
      // dropped
    } else {
      push(c);
    }
  }
  return { units, styles, table };
}

function unitsToString(units: number[], from = 0, to = units.length): string {
  let out = '';
  for (let k = from; k < to; k += 8192) {
    out += String.fromCharCode.apply(null, units.slice(k, Math.min(k + 8192, to)));
  }
  return out;
}

/** Expands tabs in text that contains no other controls; `col` is the column the text starts at. */
/**
 * Columns for tab stops, per code point: wide East Asian = 2, marks and format chars = 0.
 * Close to what terminals do for tabs, and it avoids loading string-width (see text-width.ts).
 */
function widthOf(s: string): number {
  let w = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x300) {
      w++;
      continue;
    }
    const cp = s.codePointAt(i)!;
    if (cp > 0xffff) i++;
    if (ZERO_WIDTH.test(String.fromCodePoint(cp))) continue;
    w += eastAsianWidth(cp, { ambiguousAsWide: false }) === 2 ? 2 : 1;
  }
  return w;
}

const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}]$/u;

function expandTabs(text: string, col: number): { text: string; col: number } {
  let out = '';
  let c = col;
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    const tab = text.indexOf('\t', start);
    const next = nl === -1 ? tab : tab === -1 ? nl : Math.min(nl, tab);
    if (next === -1) {
      const piece = text.slice(start);
      c += widthOf(piece);
      return { text: out + piece, col: c };
    }
    const piece = text.slice(start, next);
    out += piece;
    if (next === nl) {
      out += '\n';
      c = 0;
    } else {
      c += widthOf(piece);
      const pad = 8 - (c % 8);
      out += ' '.repeat(pad);
      c += pad;
    }
    start = next + 1;
  }
}

/** Log text → plain text safe to print: no escapes, `\r`/`\b` applied, tabs expanded, no controls. */
export function sanitizeLogLine(s: string): string {
  if (typeof s !== 'string') return '';
  if (!NEEDS_WORK.test(s)) return s;
  const { units } = scan(s, MODE_LOG);
  const text = unitsToString(units);
  return text.includes('\t') ? expandTabs(text, 0).text : text;
}

function spanOf(text: string, st: Style | undefined): StyledSpan {
  const span: StyledSpan = { text };
  if (!st) return span;
  // Identical explicit fg/bg would make text invisible, which is just conceal by another name.
  if (st.fg !== undefined && st.fg !== st.bg) span.fg = st.fg;
  if (st.bg !== undefined && st.fg !== st.bg) span.bg = st.bg;
  if (st.bold) span.bold = true;
  if (st.dim) span.dim = true;
  if (st.italic) span.italic = true;
  if (st.underline) span.underline = true;
  if (st.inverse) span.inverse = true;
  return span;
}

/** Like sanitizeLogLine, but SGR colours survive as span styles; joined span texts equal sanitizeLogLine. */
export function sanitizeStyledLine(s: string): StyledSpan[] {
  if (typeof s !== 'string' || s === '') return [];
  if (!NEEDS_WORK.test(s)) return [{ text: s }];
  const { units, styles, table } = scan(s, MODE_STYLED);
  const spans: StyledSpan[] = [];
  let col = 0;
  let k = 0;
  while (k < units.length) {
    const id = styles![k]!;
    let e = k + 1;
    while (e < units.length && styles![e] === id) e++;
    let text = unitsToString(units, k, e);
    if (text.includes('\t')) {
      const r = expandTabs(text, col);
      text = r.text;
      col = r.col;
    } else {
      const nl = text.lastIndexOf('\n');
      col = nl === -1 ? col + widthOf(text) : widthOf(text.slice(nl + 1));
    }
    spans.push(spanOf(text, table!.list[id]));
    k = e;
  }
  return spans;
}

/** A single-line scheduler value (job name, path) made safe for a cell; see the header for how it differs. */
export function sanitizeField(s: string): string {
  if (typeof s !== 'string') return '';
  if (!NEEDS_WORK.test(s)) return s;
  return unitsToString(scan(s, MODE_FIELD).units);
}
