/**
 * Python tracebacks (plain and Rich-boxed), grouped into chains joined by
 * "The above exception was the direct cause..." / "During handling...". The
 * root-cause line of a chain is the exception line of its LAST traceback.
 */
import { categorize } from './failure-category.js';
import type { LogLines } from './log-lines.js';
import type { FailureCategory } from './types.js';

/** One chain of tracebacks that ends in a single uncaught exception. */
export interface TbChain {
  /** First `Traceback` line of the chain. */
  start: number;
  /** Last line of the final exception message. */
  end: number;
  /** The final exception line. */
  excIdx: number;
  /** Exception class as printed (dotted when printed dotted). */
  name: string;
  /** Exception line text (launcher prefix stripped, trimmed). */
  text: string;
  category: FailureCategory;
  /** torchrun ChildFailedError / subprocess.CalledProcessError: a launcher reporting a child's exit. */
  launcher: boolean;
  /** Launcher prefix of the exception line (`[rank1]:`), to tell ranks apart. */
  prefix: string;
}

interface Tb {
  start: number;
  excIdx: number;
  end: number;
  name: string;
  text: string;
  category: FailureCategory;
}

const HEAD = /^[\s\u2502\u256d\u2500\u2501\u2503\u250f]*Traceback \(most recent call last\)/;
const LINK =
  /^(?:The above exception was the direct cause of the following exception:|During handling of the above exception, another exception occurred:)$/;
/** `pkg.SomeError: msg`; Ray wraps a worker's exception as `RayTaskError(OutOfMemoryError): msg`. */
const EXC = /^((?:[A-Za-z_]\w*\.)*[A-Za-z_]\w*(?:\([A-Za-z_][\w.]*\))?)(?:(:)(?:\s(.*))?)?$/;
const BARE_EXC = /(?:Error|Exception|Interrupt|Exit|Iteration|Failed|Failure)$/;
const LOG_LINE =
  /^(?:ERROR|WARNING|INFO|DEBUG|CRITICAL)\b|^\[?\d{4}-\d\d-\d\d|^[EWIF]\d{4} |^srun:|^slurmstepd|^wandb:|^Traceback/;
const MAX_TB_LINES = 3000;
const ORIGINAL = /^Original Traceback \(most recent call last\):/;
/** A per-line log prefix before `Traceback`: short, ends like `: `, `] `, `| `, and is not a warning text. */
const LOG_PREFIX = /^(?!.*[Ww]arn)[^\s].{0,58}(?:[:\]|>] |\]:)$/;

/** Exception class of a line that looks like `pkg.mod.SomeError: message`, or null. */
export function exceptionName(t: string, strict: boolean): string | null {
  const m = EXC.exec(t.length > 4096 ? t.slice(0, 4096) : t);
  if (!m) return null;
  const name = m[1]!;
  const cls = name.endsWith(')') ? name.slice(0, name.indexOf('(')) : name;
  const last = cls.slice(cls.lastIndexOf('.') + 1);
  // Warnings and interleaved log levels (`INFO: ...`) are not exception classes.
  if (/Warning$/.test(last) || /^[A-Z]+$/.test(last)) return null;
  if (strict) {
    if (!/^[A-Z]\w*(?:Error|Exception)$/.test(last) || last === 'Error' || last === 'Exception') {
      if (!(cls.includes('.') && BARE_EXC.test(last))) return null;
    }
    return m[2] || BARE_EXC.test(last) ? name : null;
  }
  if (!m[2]) return BARE_EXC.test(last) ? name : null;
  if (/^[A-Z]/.test(last) || (cls.includes('.') && /error|exception|timeout/i.test(last))) return name;
  return null;
}

function isFrameLine(v: string): boolean {
  const c = v.charCodeAt(0);
  // loguru marks the failing frame with `> File "..."`.
  return c === 32 || c === 9 || (c >= 0x2500 && c <= 0x257f) || v.startsWith('> File "');
}

/**
 * Lines of one traceback as seen past a per-line log prefix of fixed width
 * (`2024-11-20 14:37:16 [rank3]: `, `SUBPROCESS: `) found on its header line.
 */
class TbView {
  constructor(
    private readonly ll: LogLines,
    private readonly off: number,
    private readonly tail: string,
  ) {}

  get length(): number {
    return this.ll.length;
  }

  at(j: number): string {
    const v = this.ll.view(j);
    if (this.off === 0) return v;
    return v.length >= this.off && v.slice(this.off - this.tail.length, this.off) === this.tail ? v.slice(this.off) : v;
  }
}

/** First exception line after the frames that start at `from`. */
function findException(ll: TbView, from: number): { exc: number; name: string } | null {
  let noise = 0;
  for (let j = from; j < ll.length && j < from + MAX_TB_LINES; j++) {
    const v = ll.at(j);
    const t = v.trim();
    if (t === '' || isFrameLine(v)) continue;
    const name = exceptionName(t, false);
    if (name) return { exc: j, name };
    if (HEAD.test(v) || ++noise > 8) return null;
  }
  return null;
}

/** Last line of the exception message that starts at `exc` (messages may span lines). */
function messageEnd(ll: TbView, exc: number): number {
  let end = exc;
  for (let k = exc + 1; k < ll.length && k <= exc + 30; k++) {
    const v = ll.at(k);
    const t = v.trim();
    if (t === '' || LINK.test(t) || LOG_LINE.test(t) || HEAD.test(v)) break;
    end = k;
  }
  return end;
}

/** Parses one traceback whose header is line i, `off` characters into the line. */
function parseOne(lines: LogLines, i: number, off: number): Tb | null {
  const head = lines.view(i).slice(0, off);
  const ll = new TbView(lines, off, head.slice(-2));
  const f = findException(ll, i + 1);
  if (!f) return null;
  let { exc, name } = f;
  let end = messageEnd(ll, exc);
  // A DataLoader worker's error is re-raised with the worker's traceback inside the message.
  for (let k = exc + 1; k <= end; k++) {
    if (!ORIGINAL.test(ll.at(k).trim())) continue;
    const g = findException(ll, k + 1);
    if (g) {
      exc = g.exc;
      name = g.name;
      end = Math.max(end, messageEnd(ll, g.exc));
    }
    break;
  }
  const text = ll.at(exc).trim();
  let category = categorize(text);
  if (category === 'python_exception' && end > exc) {
    const more: string[] = [];
    for (let k = exc + 1; k <= end && k <= exc + 3; k++) more.push(ll.at(k).trim());
    const c2 = categorize(more.join('\n'));
    if (c2 !== 'nan_loss') category = c2;
  }
  return { start: i, excIdx: exc, end, name, text, category };
}

/** Tracebacks printed inside a warning or an "Exception ignored in" report are not failures. */
function isNoise(ll: LogLines, tb: Tb): boolean {
  for (let k = tb.start - 1; k >= 0 && k >= tb.start - 2; k--) {
    const t = ll.view(k).trim();
    if (t === '') continue;
    if (/Exception ignored in/.test(t)) return true;
    break;
  }
  const next = tb.end + 1 < ll.length ? ll.view(tb.end + 1) : '';
  return /^\s+(?:warnings\.)?warn\(/.test(next);
}

function linked(ll: LogLines, prevEnd: number, start: number): boolean {
  let sawLink = false;
  for (let k = prevEnd + 1; k < start; k++) {
    const t = ll.view(k).trim();
    if (t === '') continue;
    if (LINK.test(t) && !sawLink) sawLink = true;
    else return false;
  }
  return sawLink;
}

function launcherCategory(ll: LogLines, tb: Tb): FailureCategory {
  if (/CalledProcessError$/.test(tb.name))
    return /died with <Signals|negative exit status/.test(tb.text) ? 'signal' : 'exit_code';
  for (let k = tb.excIdx + 1; k < ll.length && k <= tb.excIdx + 40; k++) {
    const m = /^\s*exitcode\s*:\s*(-?\d+)/.exec(ll.view(k));
    if (m) return Number(m[1]) < 0 ? 'signal' : 'exit_code';
  }
  return 'exit_code';
}

/** Result of the traceback pass. */
export interface Tracebacks {
  /** Chains that can explain a failure, in log order. */
  chains: TbChain[];
  /** [start, end] of every traceback, noise included, so their lines are not re-read as evidence. */
  covered: [number, number][];
}

/** 1 for every line inside a traceback (noise included). */
export function tracebackMask(tbs: Tracebacks, n: number): Uint8Array {
  const mask = new Uint8Array(n);
  for (const [a, b] of tbs.covered) mask.fill(1, a, b + 1);
  return mask;
}

/** All traceback chains in log order (noise dropped), plus the line ranges they cover. */
export function findTracebackChains(ll: LogLines): Tracebacks {
  const tbs: Tb[] = [];
  for (let i = 0; i < ll.length; i++) {
    const v = ll.view(i);
    const at = v.indexOf('Traceback (most recent');
    if (at < 0) continue;
    let off = 0;
    if (!HEAD.test(v)) {
      // The log prefix may be followed by a Rich box border: `SUBPROCESS: ╭──── Traceback`.
      const pre = v.slice(0, at);
      const box = pre.search(/[\u2500-\u257f]/);
      const logPart = box > 0 ? pre.slice(0, box) : pre;
      if (!LOG_PREFIX.test(logPart)) continue;
      off = logPart.length;
    }
    const tb = parseOne(ll, i, off);
    if (!tb) continue;
    tbs.push(tb);
    i = tb.excIdx;
  }
  const chains: TbChain[] = [];
  const covered: [number, number][] = tbs.map((t) => [t.start, t.end]);
  let cur: Tb[] = [];
  const flush = () => {
    if (cur.length === 0) return;
    const real = cur.filter((t) => !isNoise(ll, t));
    cur = [];
    if (real.length === 0) return;
    const last = real[real.length - 1]!;
    const isLauncher = /(?:ChildFailedError|CalledProcessError)$/.test(last.name);
    let category = isLauncher ? launcherCategory(ll, last) : last.category;
    if (category === 'python_exception') {
      for (let k = real.length - 2; k >= 0; k--) {
        if (real[k]!.category !== 'python_exception') {
          category = real[k]!.category;
          break;
        }
      }
    }
    const raw = ll.lines[last.excIdx] ?? '';
    const p = raw.indexOf(last.text);
    chains.push({
      start: real[0]!.start,
      end: last.end,
      excIdx: last.excIdx,
      name: last.name,
      text: last.text,
      category,
      launcher: isLauncher,
      prefix: p > 0 ? raw.slice(0, p).trim() : '',
    });
  };
  for (const tb of tbs) {
    const prev = cur[cur.length - 1];
    if (prev && !linked(ll, prev.end, tb.start)) flush();
    cur.push(tb);
  }
  flush();
  return { chains, covered };
}
