/**
 * The bundle handed to Claude: a JOB section of scheduler facts, then FAILURE (root-cause line and
 * its surroundings), TRACEBACK, the ends of stderr and stdout, and PROGRESS, in the order a person
 * debugging a SLURM failure reads them. The whole text stays under a token budget: JOB and the root-cause line are
 * never dropped; the other sections shrink in reverse order of usefulness (stdout tail first,
 * traceback last, keeping its final lines). Secret redaction is injected (`redact`) and applied to
 * every log before any line is cut, and once more to the assembled text, so a budget cut can never
 * leave half a token behind and the budget holds for the bytes actually sent.
 */
import { sanitizeField, sanitizeLogLine } from '../../parsers/sanitize.js';
import type { SlurmJob } from '../../parsers/slurm-types.js';
import type { Failure, Framework, Metrics, Progress } from '../../parsers/types.js';
import { clipTokens, collapse, estimateTokens, type Item, markerItem, tokenCost } from './collapse.js';
import { redactLines } from './redact-lines.js';
import { type Built, jobSection, progressSection, section } from './sections.js';
import { excerptHash, failureSignature } from './signature.js';

/** One log as the builder needs it: logical lines (`\r` redraws already resolved) and failure positions. */
export interface ExcerptLog {
  path: string;
  lines: readonly string[];
  failureIndex: number | null;
  /** Inclusive range of the traceback block in `lines`. */
  tracebackStart: number | null;
  tracebackEnd: number | null;
  /** Only the end of a longer file was read. */
  skippedHead?: boolean;
}

/** What hpc-watch already knows about the job besides the logs. */
export interface ExcerptFacts {
  stdoutPath: string | null;
  stderrPath: string | null;
  stdoutSize: number | null;
  stderrSize: number | null;
  /** Why a log is not in the bundle (`missing`, `unreadable: permission denied`). */
  stdoutNote?: string | null;
  stderrNote?: string | null;
  exitNote: string | null;
  failure: Failure | null;
  progress: Progress | null;
  metrics: Metrics;
  framework?: Framework;
}

/** Everything `buildExcerpt` reads; stderr is null when it is the same file as stdout. */
export interface ExcerptInput {
  job: SlurmJob;
  facts: ExcerptFacts;
  stdout: ExcerptLog | null;
  stderr: ExcerptLog | null;
  budgetTokens?: number;
  /** Secret redaction, applied before lines are cut and to the final text. */
  redact?: (text: string) => { text: string; count: number };
}

/** The bundle, its size estimate, its cache key, and how many `[REDACTED:…]` markers it holds. */
export interface Excerpt {
  text: string;
  tokens: number;
  hash: string;
  redactions: number;
  budgetTokens: number;
}

export const DEFAULT_TOKEN_BUDGET = 6000;
const MIN_BUDGET = 1000;
const LINE_TOKENS = 150;
const ROOT_TOKENS = 400;
const CONTEXT_RADIUS = 20;
const STDERR_TAIL = 200;
const STDOUT_TAIL = 100;

interface Stream {
  label: 'stdout' | 'stderr' | 'stdout+stderr';
  /** Sanitised, redacted, clipped lines (same indexes as the input). */
  lines: string[];
  /** Sanitised and redacted but not clipped: the root-cause line gets a larger allowance. */
  full: string[];
  failureIndex: number | null;
  tb: [number, number] | null;
  skippedHead: boolean;
}

/** Builds the bundle; pure apart from hashing. */
export function buildExcerpt(input: ExcerptInput): Excerpt {
  const asked = Number(input.budgetTokens ?? DEFAULT_TOKEN_BUDGET);
  const budget = Math.max(MIN_BUDGET, Number.isFinite(asked) ? Math.floor(asked) : DEFAULT_TOKEN_BUDGET);
  const redact: Redactor = input.redact ? (t) => input.redact!(t).text : (t) => t;
  const f = input.facts;
  const sameFile = input.stderr
    ? input.stderr.path === input.stdout?.path
    : !!f.stdoutPath && f.stderrPath === f.stdoutPath;
  const streams: Stream[] = [];
  if (input.stderr && !(sameFile && input.stdout)) streams.push(prepare(input.stderr, 'stderr', redact));
  if (input.stdout) streams.push(prepare(input.stdout, sameFile ? 'stdout+stderr' : 'stdout', redact));

  const root = locateRoot(streams, input.facts.failure);
  const rootLine = root
    ? clipTokens(root.stream.full[root.index]!, ROOT_TOKENS)
    : input.facts.failure
      ? clipTokens(redact(sanitizeField(input.facts.failure.line)), ROOT_TOKENS)
      : null;
  const signature = failureSignature(input.job, input.facts.failure, rootLine);

  let inner = budget;
  let text = '';
  for (let attempt = 0; attempt < 4; attempt++) {
    text = redact(assemble(input, streams, root, rootLine, inner, redact));
    const over = estimateTokens(text) - budget;
    if (over <= 0) break;
    // Redaction markers can be longer than what they replace: shrink and build again.
    inner -= over + 16;
  }
  if (estimateTokens(text) > budget) text = `${clipTokens(text, budget - 12)}\n`;
  return {
    text,
    tokens: estimateTokens(text),
    hash: excerptHash(signature, text),
    redactions: (text.match(/\[REDACTED:/g) ?? []).length,
    budgetTokens: budget,
  };
}

type Redactor = (text: string) => string;

function prepare(log: ExcerptLog, label: Stream['label'], redact: Redactor): Stream {
  const clean = log.lines.map((l) => sanitizeLogLine(l).replace(/\n/g, ' ').trimEnd());
  const full = redactLines(clean, redact);
  const n = full.length;
  const inRange = (i: number | null) => (i !== null && i >= 0 && i < n ? i : null);
  const s = inRange(log.tracebackStart);
  const e = inRange(log.tracebackEnd);
  return {
    label,
    full,
    lines: full.map((l) => clipTokens(l, LINE_TOKENS)),
    failureIndex: inRange(log.failureIndex),
    tb: s !== null && e !== null && e >= s ? [s, e] : null,
    skippedHead: Boolean(log.skippedHead),
  };
}

interface Root {
  stream: Stream;
  index: number;
}

/** Finds the root-cause line in the logs: the stream whose own failure is the job's failure first. */
function locateRoot(streams: Stream[], failure: Failure | null): Root | null {
  if (!failure) return null;
  const want = sanitizeLogLine(failure.line).trim();
  for (const s of streams) {
    if (s.failureIndex !== null && sameLine(s, s.failureIndex, want)) return { stream: s, index: s.failureIndex };
  }
  for (const s of streams) {
    for (let i = s.full.length - 1; i >= 0; i--) if (sameLine(s, i, want)) return { stream: s, index: i };
  }
  // The failure may come from SLURM (`slurm: State=…`); a log's own failure line is still worth showing.
  if (failure.line.startsWith('slurm:')) return null;
  const s = streams.find((x) => x.failureIndex !== null);
  return s ? { stream: s, index: s.failureIndex! } : null;
}

function sameLine(s: Stream, i: number, want: string): boolean {
  const got = s.full[i]!.trim();
  // Redaction may have changed the line; the unredacted `want` then still starts the same way.
  return (
    got === want ||
    (got.includes('[REDACTED:') && want.startsWith(got.slice(0, Math.max(8, got.indexOf('[REDACTED:')))))
  );
}

/** Lays the sections out within `budget` tokens (before the final redaction pass). */
function assemble(
  input: ExcerptInput,
  streams: Stream[],
  root: Root | null,
  rootLine: string | null,
  budget: number,
  redact: Redactor,
): string {
  const job = jobSection(input, redact);
  const progress = progressSection(
    input,
    streams.map((s) => s.lines),
  );
  const tbStream = root?.stream.tb ? root.stream : (streams.find((s) => s.tb) ?? null);
  const failureHead = failureHeader(input.facts.failure, root, rootLine);
  const fixedCost = job.cost + failureHead.cost + (progress?.cost ?? 0);
  let left = Math.max(0, budget - fixedCost - 2);

  // Traceback: up to 40% at first; context up to 15%; tails share the rest; leftovers flow back.
  let tb = tbStream ? fitTraceback(tbStream, Math.floor(left * 0.4)) : null;
  left -= tb?.cost ?? 0;
  // Near the end of its log the tail shows the surroundings anyway; a separate context would split them.
  const anchorEnd = root
    ? Math.max(root.index, root.stream.tb && root.index >= root.stream.tb[0] ? root.stream.tb[1] : root.index)
    : 0;
  const nearEnd = root ? root.stream.lines.length - 1 - anchorEnd <= CONTEXT_RADIUS * 2 : false;
  const ctx =
    root && !nearEnd
      ? fitContext(root, Math.floor(left * 0.25), tb !== null)
      : { built: null, shown: [] as [number, number][] };
  left -= ctx.built?.cost ?? 0;
  const excluded = new Map<Stream, [number, number][]>();
  for (const s of streams) excluded.set(s, []);
  if (tb && tbStream?.tb) excluded.get(tbStream)!.push(tbStream.tb);
  if (root) excluded.get(root.stream)!.push(...ctx.shown);

  const caps = streams.map((s) => (s.label === 'stdout' ? STDOUT_TAIL : STDERR_TAIL));
  const tails: (Built | null)[] = streams.map(() => null);
  const firstShare = streams.length > 1 ? 0.6 : 1;
  tails[0] = streams[0]
    ? fitTail(streams[0], excluded.get(streams[0])!, caps[0]!, Math.floor(left * firstShare))
    : null;
  left -= tails[0]?.cost ?? 0;
  if (streams[1]) {
    tails[1] = fitTail(streams[1], excluded.get(streams[1])!, caps[1]!, left);
    left -= tails[1]?.cost ?? 0;
    const grown = fitTail(streams[0]!, excluded.get(streams[0]!)!, caps[0]!, (tails[0]?.cost ?? 0) + left);
    left += (tails[0]?.cost ?? 0) - (grown?.cost ?? 0);
    tails[0] = grown;
  }
  if (tb && tbStream && left > 0 && tb.text.includes(' traceback lines omitted')) {
    const grown = fitTraceback(tbStream, tb.cost + left);
    if (grown) tb = grown;
  }
  const parts = [
    job.text,
    failureHead.text + (ctx.built?.text ?? ''),
    tb?.text,
    ...tails.map((t) => t?.text),
    progress?.text,
  ];
  return parts.filter((p): p is string => !!p).join('');
}

function failureHeader(failure: Failure | null, root: Root | null, rootLine: string | null): Built {
  if (!failure) return section('### FAILURE', ['none detected in the logs or the SLURM state']);
  const head = `category=${failure.category}${failure.exception ? ` exception=${sanitizeField(failure.exception)}` : ''}`;
  const where = root
    ? `root cause (${root.stream.label}, line ${root.index + 1} of ${root.stream.lines.length} read):`
    : 'root cause (from SLURM accounting; the logs do not explain it):';
  return section('### FAILURE', [head, `${where} ${rootLine ?? ''}`]);
}

/** ±r lines around the root cause (around the whole traceback when the cause is inside it). */
function fitContext(
  root: Root,
  allowance: number,
  tbShown: boolean,
): { built: Built | null; shown: [number, number][] } {
  const s = root.stream;
  const inTb = s.tb && root.index >= s.tb[0] && root.index <= s.tb[1];
  const [a, b] = inTb ? s.tb! : [root.index, root.index];
  const skipTb = (i: number) => !!s.tb && i >= s.tb[0] && i <= s.tb[1];
  for (let r = CONTEXT_RADIUS; r >= 1; r--) {
    const from = Math.max(0, a - r);
    const to = Math.min(s.lines.length, b + r + 1);
    const before = collapse(s.lines, from, a, { skip: skipTb });
    const after = collapse(s.lines, b + 1, to, { skip: skipTb });
    const tbNote = tbShown
      ? '   [… the traceback, see ### TRACEBACK]'
      : `   [… a traceback of ${b - a + 1} lines, left out for size]`;
    const mid = [markerItem(inTb ? tbNote : `>> ${s.lines[root.index]}`, a, b)];
    const items = [...before, ...mid, ...after].map((it) =>
      it.kind === 'marker' ? it : { ...it, text: `   ${it.text}` },
    );
    if (before.length + after.length === 0) return { built: null, shown: [] };
    const built = section(`context (${s.label} lines ${from + 1}-${to}):`, items);
    if (built.cost <= allowance) return { built, shown: [[from, to - 1]] };
  }
  return { built: null, shown: [] };
}

/** The whole traceback, or its head and (larger) tail when it does not fit. */
function fitTraceback(s: Stream, allowance: number): Built | null {
  const [a, b] = s.tb!;
  const items = collapse(s.lines, a, b + 1);
  const header = `### TRACEBACK (${s.label} lines ${a + 1}-${b + 1})`;
  const whole = section(header, items);
  if (whole.cost <= allowance) return whole;
  const prefix = [0];
  for (const it of items) prefix.push(prefix.at(-1)! + it.cost);
  const fixed = tokenCost(`${header}\n`) + tokenCost(`  [… ${items.length} traceback lines omitted …]\n`);
  const pick = (k: number) => {
    const tail = Math.ceil((k * 2) / 3);
    return { head: k - tail, tail };
  };
  const costOf = (k: number) => {
    const { head, tail } = pick(k);
    return fixed + prefix[head]! + (prefix[items.length]! - prefix[items.length - tail]!);
  };
  let k = items.length - 1;
  while (k >= 2 && costOf(k) > allowance) k--;
  if (k < 2) return null;
  const { head, tail } = pick(k);
  const marker = markerItem(`  [… ${items.length - k} traceback lines omitted …]`, a, b);
  return section(header, [...items.slice(0, head), marker, ...items.slice(items.length - tail)]);
}

/** The last lines of a log, minus what FAILURE/TRACEBACK already show, at most `cap` items. */
function fitTail(s: Stream, excluded: [number, number][], cap: number, allowance: number): Built | null {
  const n = s.lines.length;
  if (n === 0) return null;
  const skip = (i: number) => excluded.some(([x, y]) => i >= x && i <= y);
  const all = collapse(s.lines, 0, n, { scattered: true, similar: true, skip });
  // A marker where excluded ranges sit, so the reader knows nothing is missing there.
  const items: Item[] = [];
  let k = 0;
  for (const [x, y] of mergeRanges(excluded)) {
    while (k < all.length && all[k]!.first < x) items.push(all[k++]!);
    items.push(markerItem(`  [lines ${x + 1}-${y + 1}: shown above]`, x, y));
  }
  while (k < all.length) items.push(all[k++]!);
  const capped = items.slice(-cap);
  const render = (count: number): Built | null => {
    const picked = capped.slice(capped.length - count);
    if (picked.length === 0 || picked.every((it) => it.kind === 'marker')) return null;
    const folded = picked.reduce((acc, it) => acc + it.folded, 0);
    const what = s.label === 'stdout+stderr' ? 'LOG stdout+stderr' : `LOG ${s.label}`;
    const more = `${s.skippedHead ? ' from the end of a longer file' : ''}${folded ? `; ${folded} repeated/progress lines folded` : ''}`;
    return section(`### ${what} (lines ${picked[0]!.first + 1}-${n} of ${n} read${more})`, picked);
  };
  // Greedy estimate from the end, then step down until the rendered section (with header) fits.
  let count = 0;
  let cost = 60;
  while (count < capped.length && cost + capped[capped.length - 1 - count]!.cost <= allowance) {
    cost += capped[capped.length - 1 - count]!.cost;
    count++;
  }
  for (; count > 0; count--) {
    const built = render(count);
    if (built && built.cost <= allowance) return built;
  }
  return null;
}

function mergeRanges(ranges: [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  for (const [x, y] of ranges.slice().sort((p, q) => p[0] - q[0])) {
    const last = out.at(-1);
    if (last && x <= last[1] + 1) last[1] = Math.max(last[1], y);
    else out.push([x, y]);
  }
  return out;
}
