/** Non-tqdm progress formats: Keras progbars, Lightning's Rich bar, epoch headers, DeepSpeed, plain step logs. */
import { parseClock, parseMetricValue, parseNum, parseScaled, parseShortDuration } from './log-numbers.js';
import { keyedElapsed, keyedRate, UNIT_DURATION } from './progress-keys.js';
import { descEpoch } from './tqdm.js';
import type { MetricValue, Progress } from './types.js';

/** Progress fields one line carries, before the epoch look-back. */
export interface LineState extends Progress {
  kind: 'tqdm' | 'rich' | 'keras' | 'header' | 'deepspeed' | 'plain';
  /** Bar description (tqdm / Rich), used for epoch look-ups and identity. */
  desc: string;
  /** tqdm postfix as printed (`loss=0.1, v_num=0` or a set_postfix_str text). */
  postfix: string;
  /** Metrics printed on the same line (postfix, Keras ` - loss: ...`, Rich `train_loss: ...`). */
  metrics: [string, MetricValue][];
}

/** A LineState with every field unknown. */
export function emptyState(kind: LineState['kind']): LineState {
  return {
    kind,
    current: null,
    total: null,
    unit: null,
    rate: null,
    rate_unit: null,
    eta_s: null,
    elapsed_s: null,
    epoch: null,
    epoch_total: null,
    desc: '',
    postfix: '',
    metrics: [],
  };
}

const KERAS_HEAD = /^\s*(\d+)\/(?:(\d+)(\s*\[[=>.]*\]|\s*\u2501+|(?=\s+-\s))|(Unknown)(?=\s+-\s|\s+\d))/;
const KERAS_LATER = /(\s)\d+\/(?:\d+ \[[=>.]*\]|Unknown\s+-\s)/g;
const KERAS_PER = /^(\d+(?:\.\d+)?)(us|µs|ms|s)\/(step|sample)$/;
const KERAS_TIME = /^(\d+:\d{2}(?::\d{2})?|\d+(?:\.\d+)?(?:s|ms|us|m|h)|\d+m\s*\d+s)$/;

/**
 * Where the last Keras progbar state starts when several are concatenated on one
 * line (`\b`-erased TTY redraws once the backspaces are stripped; TF 2.1 printout).
 */
function lastKerasState(v: string): number {
  if (v.indexOf(' [') < 0 && v.indexOf('/Unknown') < 0) return -1;
  KERAS_LATER.lastIndex = 0;
  let at = -1;
  for (let m = KERAS_LATER.exec(v); m; m = KERAS_LATER.exec(v)) at = m.index + m[1]!.length;
  return at;
}

/** Keras 2/3 progbar: `423/423 [====] - 188s 444ms/step - loss: 0.9`, verbose=2, `694/Unknown`, `━━━` bars. */
export function parseKeras(line: string): LineState | null {
  let v = line;
  let m = KERAS_HEAD.exec(v);
  const later = m || /^\s*\d+\/\d+ \[/.test(v) ? lastKerasState(v) : -1;
  if (later > 0) {
    v = v.slice(later);
    m = KERAS_HEAD.exec(v);
  }
  if (!m) return null;
  const st = emptyState('keras');
  st.current = Number(m[1]);
  st.total = m[4] ? null : Number(m[2]);
  st.unit = 'step';
  const rest = v.slice(m[0].length).replace(/^\s*-?\s*/, '');
  let firstTime: number | null = null;
  for (const raw of rest.split(' - ')) {
    const t = raw.trim();
    if (!t) continue;
    const eta = /^ETA:\s*(.+)$/.exec(t);
    if (eta) {
      st.eta_s = parseShortDuration(eta[1]!);
      continue;
    }
    const parts = t.split(/\s+/);
    let timing = true;
    for (const p of parts) {
      const per = KERAS_PER.exec(p);
      if (per) {
        st.rate = Number(per[1]);
        st.rate_unit = `${per[2]}/${per[3]}`;
      } else if (/^\d+(?:\.\d+)?(?:s|ms)\/epoch$/.test(p)) {
        // time per epoch: redundant with the elapsed time
      } else if (KERAS_TIME.test(p)) {
        if (firstTime === null) firstTime = parseShortDuration(p);
      } else timing = false;
    }
    if (timing) continue;
    const kv = /^([^:]+?):\s*(\S+)$/.exec(t);
    if (kv) {
      const val = parseMetricValue(kv[2]!);
      if (val !== null) st.metrics.push([kv[1]!.trim(), val]);
    }
  }
  const done = st.total !== null && st.current >= st.total;
  if (firstTime !== null) {
    if (done || st.total === null || st.eta_s !== null) st.elapsed_s = firstTime;
    else st.eta_s = firstTime;
  }
  if (done) st.eta_s = 0;
  return st;
}

const RICH_REST =
  /^(\d[\d,]*)\/(\d[\d,]*(?:\.\d+)?|--|\?)\s+((?:\d+ days?, )?\d+:\d{2}:\d{2}|-:--:--)\s*•\s*((?:\d+ days?, )?\d+:\d{2}:\d{2}|-:--:--)\s+(\d+(?:\.\d+)?|\?)\s*it\/s(.*)$/;

/**
 * One rich.progress column after the bar, in any order (CLIs built on Rich/Typer pick their own): percent
 * (TaskProgressColumn), `N/M` (MofNCompleteColumn), a clock (TimeElapsedColumn / TimeRemainingColumn), a speed
 * (`2.1 it/s`), or the `•` separator.
 */
const RICH_COL =
  /\s*(?:(\d{1,3}(?:\.\d+)?)%|(\d[\d,]*)\/(\d[\d,]*)|((?:\d+ days?, )?\d+:\d{2}:\d{2}|-:--:--)|(\d+(?:\.\d+)?|\?)\s*([A-Za-z]+\/s)|•)/y;

/** A row of plain rich.progress columns (percent or count required), or null when anything else follows the bar. */
function richColumns(v: string, i: number, rest: string): LineState | null {
  // Not Lightning's column set: `plain`, so the framework is not taken for Lightning.
  const st = richState(v, i, 'plain');
  const clocks: (number | null)[] = [];
  let pct: number | null = null;
  let at = 0;
  RICH_COL.lastIndex = 0;
  for (let c = RICH_COL.exec(rest); c; c = RICH_COL.exec(rest)) {
    at = RICH_COL.lastIndex;
    if (c[1]) pct = Number(c[1]);
    else if (c[2]) {
      st.current = parseScaled(c[2]);
      st.total = parseScaled(c[3]!);
    } else if (c[4]) clocks.push(parseClock(c[4]));
    else if (c[6]) {
      st.rate = c[5] === '?' ? null : Number(c[5]);
      st.rate_unit = c[6];
    }
  }
  if (rest.slice(at).trim() !== '') return null;
  if (st.current === null) {
    if (pct === null) return null;
    st.current = pct;
    st.total = 100;
    st.unit = '%';
  }
  if (clocks.length >= 2) {
    st.elapsed_s = clocks[0]!;
    st.eta_s = clocks[1]!;
  } else if (clocks.length === 1) {
    // Rich's default columns (`track()`) are percent + TimeRemainingColumn; a count row with one clock is
    // MofN + TimeElapsedColumn (a remaining time would read 0:00:00 on a finished row).
    if (st.unit === '%') st.eta_s = clocks[0]!;
    else st.elapsed_s = clocks[0]!;
  }
  return st;
}

/** The text before a Rich bar, with the epoch it names. */
function richState(v: string, i: number, kind: LineState['kind']): LineState {
  const st = emptyState(kind);
  st.desc = v.slice(0, i).trim();
  const e = descEpoch(st.desc);
  if (e) {
    st.epoch = e.epoch;
    st.epoch_total = e.total;
  }
  st.unit = 'it';
  return st;
}

/**
 * Lightning RichProgressBar: `Epoch 3/9 ━━━━━━━━ 45/100 0:00:12 • 0:00:20 4.50it/s v_num: 0 loss: 0.1`; plain Rich `━━━
 * 4/4 0:00:06`.
 */
export function parseRich(v: string): LineState | null {
  const i = v.indexOf('\u2501');
  if (i < 0) return null;
  let j = i;
  while (j < v.length && /[\u2501\u2578\u257a\u2579\u257b\u2500\s]/.test(v.charAt(j))) j++;
  const rest = v.slice(j, j + 2000);
  const m = RICH_REST.exec(rest);
  if (!m) return richColumns(v, i, rest);
  const st = richState(v, i, 'rich');
  st.current = parseScaled(m[1]!);
  st.total = m[2] === '--' || m[2] === '?' ? null : parseScaled(m[2]!);
  st.elapsed_s = parseClock(m[3]!);
  st.eta_s = parseClock(m[4]!);
  st.rate = m[5] === '?' ? null : Number(m[5]);
  st.rate_unit = 'it/s';
  const re = /([A-Za-z_][\w./@-]*):\s*(\S+)/g;
  for (let k = re.exec(m[6]!); k; k = re.exec(m[6]!)) {
    const val = parseMetricValue(k[2]!);
    if (val !== null) st.metrics.push([k[1]!, val]);
  }
  return st;
}

const HEADER = /^[\s=*#-]*Epoch\s*[:#]?\s*\[?\s*(\d+)\s*(?:\/\s*(\d+))?\s*\]?\s*:?[\s=*#-]*$/i;
const DS_CHAT = /Beginning of Epoch (\d+)\/(\d+), Total Micro Batches (\d+)/;
const DS_TIMER =
  /(?:epoch=)?(\d+)\/(?:micro_step=)?(\d+)(?:\/global_step=(\d+))?, RunningAvgSamplesPerSec=([\d.eE+-]+), CurrSamplesPerSec=([\d.eE+-]+)/;

/** A line that is only an epoch header (`Epoch 3/100`, `=== Epoch 2 ===`) or DeepSpeed's epoch / timer lines. */
export function parseHeader(v: string): LineState | null {
  const h = HEADER.exec(v.length > 200 ? '' : v);
  if (h) {
    const st = emptyState('header');
    st.epoch = Number(h[1]);
    st.epoch_total = h[2] ? Number(h[2]) : null;
    return st;
  }
  if (v.includes('Micro Batches')) {
    const d = DS_CHAT.exec(v);
    if (d) {
      const st = emptyState('deepspeed');
      st.epoch = Number(d[1]);
      st.epoch_total = Number(d[2]);
      st.total = Number(d[3]);
      st.unit = 'micro_batch';
      return st;
    }
  }
  if (v.includes('SamplesPerSec=')) {
    const d = DS_TIMER.exec(v);
    if (d) {
      const st = emptyState('deepspeed');
      st.epoch = Number(d[1]);
      st.current = Number(d[3] ?? d[2]);
      st.unit = d[3] ? 'step' : 'micro_step';
      st.rate = parseNum(d[5]!);
      st.rate_unit = 'samples/s';
      return st;
    }
  }
  return null;
}

const COUNTER =
  /\b(global[_ ]step|steps?|iterations?|iters?|batch|updates?|progress)\b["']?\s*[:=#]?\s*\[?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\s*\/\s*(\d{1,3}(?:,\d{3})+|\d+))?(?![\w.]|,\d)/gi;
const COUNTER_CTX = /(?:^|[|;,[\](){}:#=>"'-]|\d|\b(?:INFO|DEBUG|train|training|Train|Training|eval|valid|Eval))\s*$/;
const EPOCH_BRACKETS = /\bEpoch(?:\(\w+\))?:?\s*\[\s*(\d+)\s*\]\s*\[\s*(\d+)\s*\/\s*(\d+)\s*\]/i;
const ITER_BRACKETS = /\bIter(?:\(\w+\))?\s*\[\s*(\d+)\s*\/\s*(\d+)\s*\]/;
/** fairseq `epoch 001:    450 / 1891`; fairseq 0.1-0.4 had no colon (`| epoch 011  3000 / 8223`). */
const FAIRSEQ = /\bepoch (\d+):?\s+(\d+)\s*\/\s*(\d+)\b/;
/** timm: `Train: 3 [ 100/1251 (  8%)]`. */
const TIMM = /\b(?:Train|Test|Eval): (\d+) \[\s*(\d+)\/(\d+) \(/;
/** pytorch/examples style: `Train Epoch: 3 [12800/60000 (21%)]`. */
const BRACKET_PCT = /\[\s*(\d+)\s*\/\s*(\d+)\s*\(\s*\d{1,3}(?:\.\d+)?%\s*\)\s*\]/;
/** JAX/Flax CLU ReportProgress: `12.3 steps/s, 1.0% (1000/100000), ETA: 2h14m`. */
const PCT_COUNT = /\b\d{1,3}(?:\.\d+)?% \((\d+)\/(\d+)\)/;
/**
 * `epoch: 3`, `epoch=3`, JSON `"epoch": 3`. An integral epoch may be printed as a float
 * (`Epoch: 0.00`); a fractional one (HF's 0.74) is not an epoch number.
 */
const PLAIN_EPOCH = /\b(?:epoch["']?\s*[:=#]?\s*\[?|ep:\s*)(\d+)(?:\.0+)?(?:\s*\/\s*(\d+))?(?![\w.])/i;
/**
 * A line that names only the epoch it reports on: `Epoch 110, Time 101181.7s, Loss 0.4417`, `epoch 3 | loss 0.2`,
 * `Epoch [3/10], Loss: 0.7`, `[Epoch 3] loss=0.7`, `Epoch 3 - loss: 0.7`, `Epoch 3 loss 0.7`: the epoch, then a
 * separator or a keyed number. `Saving checkpoint for epoch 3 to ...` reports no value, so it is not one.
 */
const EPOCH_ONLY =
  /(?:^|[\s[\]|:>(-])epoch\s*[:#=]?\s*\[?\s*(\d+)(?:\s*(?:\/|\bof\b)\s*(\d+))?\s*[\])]?\s*(?:[,;|]\s*\S|(?:[:-]\s*)?(?!of\b)[A-Za-z_][\w./-]*(?:\s*[:=]\s*|\s+)[-+]?(?:\d|\.\d|nan\b|inf\b))/i;
/** Things counted per second in `N <noun>/s`. */
const RATE_NOUN =
  '(?:it|its|iters?|steps?|samples?|tokens?|toks?|imgs?|images?|seqs?|sequences?|batch(?:es)?|examples?)';
/**
 * `3.41 it/s`, `512.3 ms/step`. A unit followed by `:` or `=` is a key (DeepSpeed's `iter time (s): 0.512
 * samples/sec: 62.5`), and a throughput under a key is not the rate (the corpus labels `tokens_per_sec`,
 * `batches_per_sec:` as no rate), so the line's time per step is.
 */
const RATE_PLAIN = new RegExp(
  String.raw`(?:^|[\s|;,([])(\d+(?:\.\d+)?)\s*(${RATE_NOUN}\/s(?:ec)?|(?:ms|s|sec)\/(?:it|iter|iteration|step|batch))(?![\w/]|\s*[:=])`,
  'i',
);
/**
 * A time per step under a key (`time: 0.512`, `elapsed time per iteration (ms): 89075.2`, NeMo 2 `train_step_timing in
 * s: 0.031`); never `time: 02m 18s` (an interval).
 */
const TIME_PER =
  /(?:^|[\s|;,[(])(?:b?time|batch[_ ]time|iter[_ ]time|step[_ ]time|time[_ ]per[_ ](?:iter|step|iteration)|elapsed time per iteration|train_step_timing)\s*(?:\((ms|s)\)| in (ms|s))?\s*(?:\(data\))?\s*[:=]\s*(\d+(?:\.\d+)?)(?![\d.]|[a-zA-Z\u00b5])/i;
/** nanoGPT `time 512.34ms`, `step_time: 1.2s`: a time per step with its unit glued to the number. */
const TIME_UNIT = /(?:^|[\s|;,[(])(?:b?time|iter[_ ]time|step[_ ]time)\s*[:=]?\s*(\d+(?:\.\d+)?)(ms|s)(?![\w/])/i;
const ETA_PLAIN = new RegExp(
  String.raw`\beta\b\s*[:=]?\s*(${UNIT_DURATION}|\d+\s+days?,\s*\d+:\d{2}:\d{2}|\d+:\d{2}(?::\d{2})?|\d+(?:\.\d+)?\s*(?:s|sec|m|min|h)\b)`,
  'i',
);

function counterUnit(word: string): string {
  const w = word.toLowerCase().replace(/[_ ]/g, '');
  if (w === 'globalstep' || w === 'steps') return 'step';
  if (w === 'iters') return 'iter';
  if (w === 'iterations') return 'iteration';
  if (w === 'updates') return 'update';
  if (w === 'progress') return 'it';
  return w;
}

/** The step counter of a plain log line (`step 100/5000`, `iter: 20,400`, `Epoch: [3][100/500]`). */
function plainCounter(v: string): { current: number; total: number | null; unit: string; epoch: number | null } | null {
  const eb = EPOCH_BRACKETS.exec(v);
  if (eb) return { current: Number(eb[2]), total: Number(eb[3]), unit: 'iter', epoch: Number(eb[1]) };
  const ib = ITER_BRACKETS.exec(v);
  if (ib) return { current: Number(ib[1]), total: Number(ib[2]), unit: 'iter', epoch: null };
  const tm = TIMM.exec(v);
  if (tm) return { current: Number(tm[2]), total: Number(tm[3]), unit: 'it', epoch: Number(tm[1]) };
  const fs = FAIRSEQ.exec(v);
  if (fs) return { current: Number(fs[2]), total: Number(fs[3]), unit: 'update', epoch: Number(fs[1]) };
  const bp = BRACKET_PCT.exec(v);
  if (bp) return { current: Number(bp[1]), total: Number(bp[2]), unit: 'it', epoch: null };
  const pc = v.indexOf('% (') >= 0 ? PCT_COUNT.exec(v) : null;
  if (pc) return { current: Number(pc[1]), total: Number(pc[2]), unit: 'step', epoch: null };
  COUNTER.lastIndex = 0;
  for (let m = COUNTER.exec(v); m; m = COUNTER.exec(v)) {
    const word = m[1]!;
    const needsTotal = /^(batch|updates?|progress)$/i.test(word);
    if (needsTotal && !m[3]) continue;
    if (!COUNTER_CTX.test(v.slice(Math.max(0, m.index - 24), m.index))) continue;
    const current = parseScaled(m[2]!);
    if (current === null) continue;
    return { current, total: m[3] ? parseScaled(m[3]) : null, unit: counterUnit(word), epoch: null };
  }
  return null;
}

/** A line that names only its epoch: progress with no count, used when nothing better is visible. */
function epochOnly(v: string): LineState | null {
  if (v.length > 400) return null;
  const m = EPOCH_ONLY.exec(v);
  if (!m) return null;
  const st = emptyState('plain');
  st.epoch = Number(m[1]);
  st.epoch_total = m[2] ? Number(m[2]) : null;
  return st;
}

/** True for a state that only names an epoch (`Epoch 110, Loss 0.44`). */
export function isEpochOnly(st: LineState): boolean {
  return st.kind === 'plain' && st.current === null && st.total === null;
}

/** A plain training log line with a step / iteration counter (or only an epoch), or null. */
export function parsePlain(v: string): LineState | null {
  const c = plainCounter(v);
  if (!c) return epochOnly(v);
  const st = emptyState('plain');
  st.current = c.current;
  st.total = c.total;
  st.unit = c.unit;
  st.epoch = c.epoch;
  if (st.epoch === null) {
    const e = PLAIN_EPOCH.exec(v);
    if (e) {
      st.epoch = Number(e[1]);
      if (e[2]) st.epoch_total = Number(e[2]);
    }
  }
  const r = RATE_PLAIN.exec(v);
  const k = r ? null : keyedRate(v);
  if (r) {
    st.rate = Number(r[1]);
    st.rate_unit = r[2]!;
  } else if (k) {
    st.rate = k.rate;
    st.rate_unit = k.unit;
  } else {
    const u = TIME_UNIT.exec(v);
    const t = u ? null : TIME_PER.exec(v);
    if (u) {
      st.rate = Number(u[1]);
      st.rate_unit = `${u[2]}/${c.unit}`;
    } else if (t) {
      st.rate = Number(t[3]);
      st.rate_unit = `${t[1] ?? t[2] ?? 's'}/${c.unit}`;
    }
  }
  st.elapsed_s = keyedElapsed(v);
  const eta = ETA_PLAIN.exec(v);
  if (eta) st.eta_s = parseShortDuration(eta[1]!.replace(/\s*sec$/, 's').replace(/\s+(?=[smh])/, ''));
  return st;
}

/** Epoch named anywhere in a plain line (`[ep: 0]`, `epoch:210`), for epoch look-back. */
export function plainEpoch(v: string): { epoch: number; total: number | null } | null {
  const e = PLAIN_EPOCH.exec(v);
  return e ? { epoch: Number(e[1]), total: e[2] ? Number(e[2]) : null } : null;
}
