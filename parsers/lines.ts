/**
 * Physical log text -> logical lines. tqdm writes every refresh as `\r` + bar
 * with no newline, so one physical line can hold megabytes of redraws; only
 * the last redraw before other output survives. Text glued onto a bar (SLURM
 * kill messages, NCCL errors, HF dicts, faulthandler) becomes its own line.
 */
import { classifyString, isTqdmRedraw, SEG_REDRAW, SEG_TEXT } from './redraw.js';
import { escapeEnd } from './sanitize.js';

const CONTROL_TEST = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;
/** A tqdm stats bracket; `[^[\]]` keeps the scan linear and inside one bracket. */
const STATS = /\[(?:\d+:)?\d{1,2}:\d{2}(?:<(?:(?:\d+:)?\d{1,2}:\d{2}|\?))?, [^[\]]*\]/g;
const GLUE_TEST =
  /slurmstepd|Fatal Python error|srun: error|Traceback \(most recent call last\):\s*$|Killed|Segmentation fault|Bus error|Aborted|Terminated/;
/**
 * Kill / crash reports that are never mid-line output; a traceback header only when
 * glued without a separator; the shell's `Killed` / `Segmentation fault` after any
 * unterminated progress line (tqdm, Keras, plain counters end in a digit or `]`).
 */
const GLUE_AT =
  /slurmstepd(?:-[\w.-]+)?: |Fatal Python error: |srun: error: |(?<=\S)Traceback \(most recent call last\):\s*$|(?<=[\d\]%)])(?:Killed|Segmentation fault|Bus error|Aborted)(?: \(core dumped\))?\s*$/g;
/**
 * bash's job report `/path/script: line 8: 4242 Killed   cmd`; found by its fixed middle, then walked back to the path.
 */
const BASH_REPORT = /: line \d+: +\d+ (?:Killed|Segmentation fault|Bus error|Aborted|Terminated)\b/;
const MAX_PIECES = 64;

/**
 * Removes escape sequences (with the sanitiser's grammar, so a DCS query's payload never becomes
 * text) and control characters other than tab.
 */
export function stripControls(s: string): string {
  if (!CONTROL_TEST.test(s)) return s;
  let out = '';
  let from = 0;
  let i = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === 0x1b || (c >= 0x80 && c <= 0x9f)) {
      out += s.slice(from, i);
      const end = escapeEnd(s, i);
      i = end === -1 ? i + 1 : end;
      from = i;
    } else if ((c < 0x20 && c !== 0x09 && c !== 0x0a) || c === 0x7f) {
      out += s.slice(from, i);
      from = ++i;
    } else i++;
  }
  return out + s.slice(from);
}

/** Index just past the first tqdm stats bracket that has text glued after it, or -1. */
function gluedBarEnd(s: string): number {
  if (s.indexOf('[') < 0) return -1;
  STATS.lastIndex = 0;
  const m = STATS.exec(s);
  if (!m) return -1;
  const end = m.index + m[0].length;
  if (end >= s.length || s.slice(end).trim() === '') return -1;
  return /\S\s$/.test(s.slice(Math.max(0, m.index - 2), m.index)) ? end : -1;
}

/** Start of a bash job report glued after a progress line's last digit or `]`, or -1. */
function bashReportStart(s: string): number {
  const m = BASH_REPORT.exec(s);
  if (!m) return -1;
  for (let at = s.indexOf('/', s.lastIndexOf(' ', m.index) + 1); at > 0 && at < m.index; at = s.indexOf('/', at + 1)) {
    if (/[\d\]%)]/.test(s.charAt(at - 1))) return at;
  }
  return -1;
}

/** Index of a glue marker (slurmstepd, faulthandler...) that does not start the text, or -1. */
function glueMarker(s: string): number {
  if (!GLUE_TEST.test(s)) return -1;
  const bash = s.indexOf(': line ') > 0 ? bashReportStart(s) : -1;
  if (bash > 0) return bash;
  GLUE_AT.lastIndex = 0;
  for (let m = GLUE_AT.exec(s); m; m = GLUE_AT.exec(s)) {
    if (s.slice(0, m.index).trim() !== '') return m.index;
    GLUE_AT.lastIndex = m.index + 1;
  }
  return -1;
}

/** Splits glued text off; a piece count cap bounds work on adversarial lines. */
function splitGlued(s: string, out: string[]): void {
  let rest = s;
  for (let n = 0; n < MAX_PIECES; n++) {
    let cut = gluedBarEnd(rest);
    if (cut < 0) cut = glueMarker(rest);
    if (cut <= 0) break;
    out.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut);
  }
  out.push(rest);
}

/** What makes two consecutive bar lines "the same bar": the text before the percentage or count. */
function barIdentity(s: string): string {
  const pct = s.indexOf('%|');
  if (pct >= 0) {
    let k = pct;
    while (k > 0 && k > pct - 3 && isDigitAt(s, k - 1)) k--;
    while (k > 0 && s.charCodeAt(k - 1) === 32) k--;
    return s.slice(0, k);
  }
  const heavy = s.indexOf('\u2501');
  if (heavy >= 0) return s.slice(0, heavy).trimEnd();
  const br = s.lastIndexOf(' [');
  if (br < 0) return s;
  let k = br;
  while (k > 0 && s.charCodeAt(k - 1) !== 32) k--;
  return s.slice(0, k);
}

function isDigitAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
}

class LineSink {
  readonly lines: string[] = [];
  private lastBar: string | null = null;

  push(raw: string): void {
    const clean = stripControls(raw);
    const pieces: string[] = [];
    splitGlued(clean, pieces);
    for (const p of pieces) this.pushOne(p);
  }

  /**
   * Consecutive refreshes of one tqdm bar on separate lines (nested bars, pastes) keep only the last; Keras / Rich
   * result lines are records and stay.
   */
  private pushOne(p: string): void {
    const isBar = p.length > 0 && isTqdmRedraw(p);
    if (isBar) {
      const id = barIdentity(p);
      if (this.lastBar === id && this.lines.length > 0) {
        this.lines[this.lines.length - 1] = p;
        return;
      }
      this.lastBar = id;
    } else this.lastBar = null;
    this.lines.push(p);
  }
}

/** Logical lines of a log: `\n`-split, `\r` redraws collapsed, glued text split off, escapes stripped. */
export function splitLogLines(text: string): string[] {
  const sink = new LineSink();
  try {
    const n = text.length;
    let pos = 0;
    let nextCR = text.indexOf('\r');
    if (nextCR < 0) nextCR = n;
    while (pos < n) {
      let nl = text.indexOf('\n', pos);
      if (nl < 0) nl = n;
      if (nextCR < pos) {
        nextCR = text.indexOf('\r', pos);
        if (nextCR < 0) nextCR = n;
      }
      if (nextCR >= nl) sink.push(text.slice(pos, nl));
      else nextCR = splitRedraws(text, pos, nl, nextCR, sink);
      pos = nl + 1;
    }
  } catch {
    // Never throw: whatever was split so far is still useful.
  }
  return sink.lines;
}

/** Handles one physical line [pos, nl) that contains `\r`; returns the next `\r` at or after nl. */
function splitRedraws(text: string, pos: number, nl: number, firstCR: number, sink: LineSink): number {
  const n = text.length;
  let segStart = pos;
  let cr = firstCR;
  let pendA = -1;
  let pendB = -1;
  for (;;) {
    const segEnd = Math.min(cr, nl);
    const kind = classifyString(text, segStart, segEnd);
    if (kind === SEG_REDRAW) {
      pendA = segStart;
      pendB = segEnd;
    } else if (kind === SEG_TEXT) {
      if (pendA >= 0) sink.push(text.slice(pendA, pendB));
      pendA = -1;
      sink.push(text.slice(segStart, segEnd));
    }
    if (segEnd >= nl) break;
    segStart = segEnd + 1;
    cr = text.indexOf('\r', segStart);
    if (cr < 0) cr = n;
  }
  if (pendA >= 0) sink.push(text.slice(pendA, pendB));
  return cr;
}
