/** Logical lines plus lazily computed, cached per-line views and progress states. */
import { stripLinePrefix } from './line-prefix.js';
import { parseMetricValue } from './log-numbers.js';
import { emptyState, type LineState, parseHeader, parseKeras, parsePlain, parseRich } from './progress-lines.js';
import { descEpoch, isEpochCounterDesc, parseTqdm } from './tqdm.js';

/** Regexes only ever see this much of a line, which bounds their cost on hostile input. */
export const VIEW_CAP = 4096;

/** Also exception lines (`RuntimeError: Rank 5, ..., iteration 1234: ...`): a number in an error is not progress. */
const NOT_PROGRESS =
  /NCCL|slurmstepd|srun:|Traceback|Warning:|^\s+File "|OVERFLOW|Namespace\(|^(?:[A-Za-z_]\w*\.)*[A-Z]\w*(?:Error|Exception): /;

/** tqdm bar -> LineState; the desc names the epoch, the postfix carries metrics. */
function tqdmState(v: string): LineState | null {
  const bar = parseTqdm(v);
  if (!bar) return null;
  const st = emptyState('tqdm');
  st.desc = bar.desc;
  st.current = bar.current;
  st.total = bar.total;
  st.unit = bar.unit;
  st.rate = bar.rate;
  st.rate_unit = bar.rateUnit;
  st.elapsed_s = bar.elapsed;
  st.eta_s = bar.eta;
  st.postfix = bar.postfix;
  if (isEpochCounterDesc(bar.desc)) {
    st.epoch = bar.current;
    st.epoch_total = bar.total;
  } else {
    const e = descEpoch(bar.desc);
    if (e) {
      st.epoch = e.epoch;
      st.epoch_total = e.total;
    }
  }
  for (const part of bar.postfix.split(/,\s*/)) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const val = parseMetricValue(part.slice(eq + 1));
    if (val !== null) st.metrics.push([part.slice(0, eq).trim(), val]);
  }
  return st;
}

/** Progress state of one line (already prefix-stripped), or null. */
export function parseLineState(v: string): LineState | null {
  if (v.length === 0) return null;
  const t = v.indexOf('[') >= 0 ? tqdmState(v) : null;
  if (t) return t;
  const k = parseKeras(v);
  if (k) return k;
  if (v.indexOf('\u2501') >= 0) {
    const r = parseRich(v);
    if (r) return r;
  }
  if (NOT_PROGRESS.test(v)) return null;
  return parseHeader(v) ?? parsePlain(v);
}

/** Logical lines with cached prefix-stripped views and progress states, shared by every pass. */
export class LogLines {
  private readonly views: (string | undefined)[];
  private readonly states: (LineState | null | undefined)[];

  constructor(readonly lines: string[]) {
    this.views = new Array(lines.length);
    this.states = new Array(lines.length);
  }

  get length(): number {
    return this.lines.length;
  }

  /** The line without launcher prefixes, capped at VIEW_CAP characters. */
  view(i: number): string {
    let v = this.views[i];
    if (v === undefined) {
      const raw = this.lines[i] ?? '';
      v = stripLinePrefix(raw.length > VIEW_CAP ? raw.slice(0, VIEW_CAP) : raw);
      this.views[i] = v;
    }
    return v;
  }

  /** Cached progress state of line i. */
  state(i: number): LineState | null {
    let s = this.states[i];
    if (s === undefined) {
      s = parseLineState(this.view(i));
      this.states[i] = s;
    }
    return s;
  }
}
