/**
 * Failure root cause: every line that could explain the end of the job becomes
 * evidence with a priority; the strongest wins. A SLURM explanation of a kill
 * beats its consequences, a worker's Python exception beats the launcher's
 * summary, and warnings / NCCL INFO / loss-scale chatter never count.
 */
import { categorize, categoryStrength } from './failure-category.js';
import { jsonTracebackEvidence } from './failure-json.js';
import { containerEvidence, type Evidence, exitStatusEvidence, mpiExitEvidence } from './failure-runtime.js';
import { stripLinePrefix } from './line-prefix.js';
import { type LogLines, VIEW_CAP } from './log-lines.js';
import { exceptionName, type Tracebacks, tracebackMask } from './traceback.js';
import type { Failure, MetricValue } from './types.js';

/** The root cause and where it and its traceback sit in the logical lines. */
export interface FailureResult {
  failure: Failure | null;
  index: number | null;
  tracebackStart: number | null;
  tracebackEnd: number | null;
}

/** A loss that ended up NaN / Inf, from the metrics pass. */
export interface NanHint {
  idx: number;
  key: string;
  value: MetricValue;
}

const PREFILTER =
  /Error|error|"Traceback|SIGNAL|on signal|FATAL|Exception|Killed|CANCELLED|oom|Out Of Memory|Watchdog|Fatal|fault|exitcode|exit code|return code|non-zero status|Assertion|terminate called|Aborted|Bus error|Node failure|NODE_FAIL|can't open file|command not found|Signal \d|loss|Loss|execve|^[EF]\d{4} \d|: [EF] \S/;
const NOISE = /NCCL INFO|^\S*\s*[IW]\d{4} \d|: [IW] tensorflow\/|^rm: cannot remove|number of nan/;
const SLURM_KILL = /\*\*\* (JOB|STEP) \S+ (?:ON \S+ )?CANCELLED AT \S+(?: DUE TO ([^*]{1,80}?))?(?: on \S+)?\s*\*\*\*/;
const BASH_SIGNAL =
  /line \d+:\s+\d+ (?:Killed|Segmentation fault|Bus error|Aborted|Terminated|Floating point exception|Illegal instruction)\b/;
const BARE_SIGNAL = /^(?:Killed|Segmentation fault|Bus error|Aborted|Illegal instruction)(?: \(core dumped\))?$/;
const SRUN_TASK =
  /srun: error: \S+: tasks? [\d,-]+: (Exited with exit code \d+|Killed|Segmentation fault|Terminated|Aborted|Bus error|Out Of Memory|Illegal instruction|Floating point exception|Trace\/breakpoint trap|Hangup|Interrupt|Quit|User defined signal \d)/;
const PREFIXED_EXC = /(?<![\w.])((?:[A-Za-z_]\w*\.)*[A-Z]\w*(?:Error|Exception)): /g;
/** Timestamps, `[tags]`, log levels, `logger:line` and separators only. */
const LOG_PREFIX =
  /^(?:\d{4}-\d\d-\d\d[T ]?|\d\d:\d\d:\d\d(?:[.,]\d+)?|\[[^\]]{0,40}\]|[A-Z]{3,8}\b|[\w.-]+:\d+\b|[\s|:,>-])*$/;
const NCCL_ERROR = /\bNCCL (?:error|Error)\b|\bnccl[A-Z]\w*Error\b/;
const LOGGED_ERROR = /(?:^|[\s[\]|:-])(?:ERROR|CRITICAL|FATAL)\b[\s:\]|-]/;
/**
 * The first exception class after a log level: `Training failed: RuntimeError: ...`, `<class 'ValueError'>`,
 * `OSError(...)`.
 */
const LOGGED_CLASS = /(?<![\w.])(?:<class ')?((?:[A-Za-z_]\w*\.)*[A-Z]\w*(?:Error|Exception))(?:'>|:\s|\()/;
/**
 * glog lines of C++ runtimes (XLA, TF, JAX, PyTorch's c10): `E1201 12:00:00.123 123 file.cc:42] msg`, TF's
 * `2024-01-01 12:00:00.123: E tensorflow/...cc:42] msg`. E is an error, F a fatal check that aborts the process.
 */
const GLOG =
  /^(?:([EF])\d{4} \d\d:\d\d:\d\d\.\d+\s+\d+|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+: ([EF]))\s+[\w./-]+:\d+\]\s*(.*)$/;
/** NCCL's own warnings that name a failure (`NCCL WARN NET/IB : Got completion with error 12`, `Connection closed`). */
const NCCL_WARN_FAILURE = /\b(?:error|failed|closed|timeout|timed out)\b/i;
/** srun could not start the step: the request, not the program, failed. */
const SRUN_NO_STEP = /srun: error: Unable to create step for job \S+: (.*)$/;
const EXPLICIT_NAN =
  /\bloss\b[^\n]{0,40}?\b(?:is|became|was|went|got)\s+(?:nan|inf|infinite)\b|\bnan loss\b|non-finite loss|Invalid loss|returned nan values|NaN or Inf found|Loss is nan|loss\w* = -?(?:nan|inf) is not finite/i;

function slurmEvidence(t: string, i: number): Evidence | null {
  const k = SLURM_KILL.exec(t);
  if (k) {
    const job = k[1] === 'JOB';
    const why = k[2] ?? '';
    if (/NODE FAIL/.test(why))
      return { idx: i, prio: job ? 100 : 99.5, category: 'node_fail', text: t, exception: null };
    if (/PREEMPT/.test(why)) return { idx: i, prio: job ? 99 : 98.5, category: 'preempted', text: t, exception: null };
    if (/TIME LIMIT/.test(why)) return { idx: i, prio: job ? 98 : 97.5, category: 'timeout', text: t, exception: null };
    return { idx: i, prio: job ? 94 : 40, category: 'cancelled', text: t, exception: null };
  }
  if (/Node failure on|NODE_FAIL/.test(t))
    return { idx: i, prio: 99.8, category: 'node_fail', text: t, exception: null };
  if (/oom[-_]kill|OOM Killed/i.test(t) && /slurmstepd|oom[-_]kill event/i.test(t)) {
    return { idx: i, prio: /Detected \d+ oom/.test(t) ? 96 : 95.5, category: 'oom_host', text: t, exception: null };
  }
  const s = SRUN_TASK.exec(t);
  if (s) {
    const what = s[1]!;
    if (what === 'Out Of Memory') return { idx: i, prio: 95, category: 'oom_host', text: t, exception: null };
    if (what.startsWith('Exited')) return { idx: i, prio: 20, category: 'exit_code', text: t, exception: null };
    return { idx: i, prio: 30, category: 'signal', text: t, exception: null };
  }
  // jobacct_gather memory enforcement (no cgroup): `Job 123 exceeded memory limit (X > Y), being killed`.
  if (/slurmstepd.*exceeded memory limit \(.*\), being killed/i.test(t)) {
    return { idx: i, prio: 96, category: 'oom_host', text: t, exception: null };
  }
  // Also printed for jobs that finished (MaxRSS sampled over the limit): weak evidence only.
  if (/slurmstepd.*Exceeded (?:job|step) memory limit/.test(t)) {
    return { idx: i, prio: 45, category: 'oom_host', text: t, exception: null };
  }
  // The step would not die after SLURM's kill signals (tasks stuck in the kernel): the kill's own reason, when printed,
  // is stronger; a Python exception that made srun kill the other tasks is too.
  if (/slurmstepd: error: \*\*\* (?:JOB|STEP) \S+ STEPD TERMINATED .*DUE TO JOB NOT ENDING WITH SIGNALS/.test(t)) {
    return { idx: i, prio: 45, category: 'cancelled', text: t, exception: null };
  }
  const ns = SRUN_NO_STEP.exec(t);
  if (ns) {
    const memory = /\bmemory\b/i.test(ns[1]!);
    return { idx: i, prio: memory ? 90 : 45, category: memory ? 'oom_host' : 'exit_code', text: t, exception: null };
  }
  if (/execve\(\).*No such file or directory/.test(t)) {
    return { idx: i, prio: 93, category: 'file_not_found', text: t, exception: null };
  }
  return null;
}

const SLURMISH = /slurm|srun|CANCELLED|oom|OOM|Node failure|NODE_FAIL|execve/;

function lineEvidence(ll: LogLines, i: number, t: string): Evidence | null {
  const slurm = SLURMISH.test(t) ? slurmEvidence(t, i) : null;
  if (slurm) return slurm;
  const runtime =
    containerEvidence(i, t) ?? mpiExitEvidence(ll, i, t) ?? (t.charCodeAt(0) === 123 ? jsonRecord(ll, i, t) : null);
  if (runtime) return runtime;
  if (/Watchdog caught collective operation timeout/.test(t)) {
    return { idx: i, prio: 55.6, category: 'nccl', text: t, exception: null, first: true };
  }
  const fatal = /Fatal Python error: (.*)$/.exec(t);
  if (fatal) {
    const cat = categorize(fatal[1]!);
    return {
      idx: i,
      prio: 50 + Math.min(4, categoryStrength(cat)),
      category: cat === 'python_exception' ? 'signal' : cat,
      text: t.slice(fatal.index),
      exception: null,
    };
  }
  if (EXPLICIT_NAN.test(t))
    return { idx: i, prio: 59, category: 'nan_loss', text: t, exception: exceptionName(t, true) };
  if (BASH_SIGNAL.test(t)) return { idx: i, prio: 53.5, category: 'signal', text: t, exception: null };
  if (BARE_SIGNAL.test(t)) return { idx: i, prio: 53.4, category: 'signal', text: t, exception: null };
  if (/unexpected bus error encountered in worker/i.test(t))
    return { idx: i, prio: 53.6, category: 'signal', text: t, exception: null };
  // HIP / CUDA runtime fatal message (`"hipErrorNoBinaryForGpu: ..."`) printed right before the abort it causes.
  if (/^"?(?:hip|cuda)Error[A-Z]\w*: /.test(t)) {
    return {
      idx: i,
      prio: 54,
      category: categorize(t) === 'oom_gpu' ? 'oom_gpu' : 'cuda_error',
      text: t,
      exception: null,
    };
  }
  // MPI launchers reporting a rank killed by a signal (OpenMPI `exited on signal 9`, Intel MPI `KILLED BY SIGNAL: 9`).
  if (/\bexited on signal \d+|KILLED BY SIGNAL: \d+/.test(t))
    return { idx: i, prio: 30, category: 'signal', text: t, exception: null };
  // runpy's `python -m pkg` failure: `/usr/bin/python3: Error while finding module specification for 'x'
  // (ModuleNotFoundError: ...)`.
  if (/Error while finding module specification for/.test(t))
    return { idx: i, prio: 57, category: 'import_error', text: t, exception: null };
  const tc = /failed \(exitcode: (-?\d+)\)/.exec(t);
  if (tc) {
    return Number(tc[1]) < 0
      ? { idx: i, prio: 52, category: 'signal', text: t, exception: null }
      : { idx: i, prio: 21, category: 'exit_code', text: t, exception: null };
  }
  if (/Signal \d+ \(SIG\w+\) received by PID/.test(t))
    return { idx: i, prio: 44, category: 'signal', text: t, exception: null };
  if (/Assertion `.*` failed/.test(t) && /\.cu:\d+|block: \[|thread: \[/.test(t)) {
    return { idx: i, prio: 52, category: 'cuda_error', text: t, exception: null, first: true };
  }
  if (/can't open file .*\[Errno 2\]|: command not found$/.test(t))
    return { idx: i, prio: 57, category: 'file_not_found', text: t, exception: null };
  if (/^terminate called after throwing an instance of/.test(t)) {
    for (let k = i + 1; k < ll.length && k <= i + 3; k++) {
      const w = /what\(\):\s*(.*)$/.exec(ll.view(k));
      if (w) {
        const cat = categorize(w[1]!);
        return { idx: k, prio: 49.7 + categoryStrength(cat), category: cat, text: ll.view(k).trim(), exception: null };
      }
    }
    return { idx: i, prio: 53, category: 'signal', text: t, exception: null };
  }
  if (NCCL_ERROR.test(t)) return { idx: i, prio: 55, category: 'nccl', text: t, exception: null, first: true };
  // Weak: a peer's warning explains the job's end only when nothing better does (then not srun's exit line).
  if (ncclWarnFailure(t)) return { idx: i, prio: 25, category: 'nccl', text: t, exception: null, first: true };
  const glog = /^[EF]\d|: [EF] /.test(t) ? glogEvidence(i, t) : null;
  if (glog) return glog;
  const rc = /exits with return code = (-?\d+)/.exec(t);
  if (rc) return exitStatusEvidence(i, t, Number(rc[1]));
  const name = exceptionName(t, true);
  if (name) {
    const launcher = /(?:ChildFailedError|CalledProcessError)$/.test(name);
    const cat = launcher ? 'exit_code' : categorize(t);
    return { idx: i, prio: launcher ? 50.9 : 49.5 + categoryStrength(cat), category: cat, text: t, exception: name };
  }
  return prefixedException(i, t) ?? loggedError(i, t);
}

/** An NCCL WARN line naming a failure; the other NCCL warnings are chatter and skip the evidence rules. */
function ncclWarnFailure(v: string): boolean {
  const w = v.indexOf('NCCL WARN');
  return w >= 0 && NCCL_WARN_FAILURE.test(v.slice(w));
}

/**
 * A glog error naming a specific cause (`RESOURCE_EXHAUSTED: Out of memory`, `CUBLAS_STATUS_...`) explains the abort
 * that follows it; a fatal check with no known cause is still why the process aborted.
 */
function glogEvidence(i: number, t: string): Evidence | null {
  const m = GLOG.exec(t);
  if (!m) return null;
  const cat = categorize(m[3]!);
  if (cat !== 'python_exception') return { idx: i, prio: 54, category: cat, text: t, exception: null, first: true };
  return (m[1] ?? m[2]) === 'F'
    ? { idx: i, prio: 53.5, category: 'signal', text: t, exception: null, first: true }
    : null;
}

/** A JSON log record's traceback field; the record is read whole, its traceback ends past the view cap. */
function jsonRecord(ll: LogLines, i: number, t: string): Evidence | null {
  const raw = ll.lines[i] ?? '';
  return jsonTracebackEvidence(i, raw.length > VIEW_CAP ? stripLinePrefix(raw).trim() : t);
}

/**
 * `... - ERROR - Error during training: NCCL error in: ...`: a logged error with a
 * specific cause, or a logged exception class (no traceback printed) with any cause.
 */
function loggedError(i: number, t: string): Evidence | null {
  const lv = LOGGED_ERROR.exec(t);
  if (!lv || /[Ww]arn/.test(t)) return null;
  const cat = categorize(t);
  const after = t.slice(lv.index + lv[0].length);
  const cls = LOGGED_CLASS.exec(after.length > 2048 ? after.slice(0, 2048) : after);
  if ((cat === 'python_exception' && !cls) || cat === 'nan_loss') return null;
  return { idx: i, prio: 49 + categoryStrength(cat), category: cat, text: t, exception: cls ? cls[1]! : null };
}

/** `2024-11-20 14:37:16 [rank3]: torch.OutOfMemoryError: ...`: an exception line behind a log prefix. */
function prefixedException(i: number, t: string): Evidence | null {
  if (/[Ww]arn/.test(t)) return null;
  PREFIXED_EXC.lastIndex = 0;
  const m = PREFIXED_EXC.exec(t.length > 2048 ? t.slice(0, 2048) : t);
  if (!m || m.index === 0 || !LOG_PREFIX.test(t.slice(0, m.index))) return null;
  const name = m[1]!;
  if (/(?:ChildFailedError|CalledProcessError)$/.test(name)) return null;
  const cat = categorize(t.slice(m.index));
  return { idx: i, prio: 49.4 + categoryStrength(cat), category: cat, text: t.slice(m.index), exception: name };
}

/**
 * The evidence text without launcher / log prefixes matches the same message
 * printed by another rank; the whole line is kept when the prefix is most of it.
 */
function reportLine(ll: LogLines, ev: Evidence): string {
  const full = (ll.lines[ev.idx] ?? '').trim();
  if (ev.segment || full.length > 4096 || ev.text === full) return ev.text;
  return ev.text.length >= 0.6 * full.length ? ev.text : full;
}

function better(a: Evidence, b: Evidence | null): boolean {
  if (!b) return true;
  if (a.prio !== b.prio) return a.prio > b.prio;
  if (a.first) return false;
  if (a.chain && b.chain && a.chain.prefix !== b.chain.prefix && a.chain.prefix && b.chain.prefix) return false;
  return true;
}

/** Scans every line for failure evidence; `nan` is the last NaN loss seen by the metrics pass. */
export function detectFailure(ll: LogLines, tbs: Tracebacks, nan: NanHint | null): FailureResult {
  const { chains } = tbs;
  const inChain = tracebackMask(tbs, ll.length);
  let best: Evidence | null = null;
  for (const c of chains) {
    const prio = c.launcher ? (c.category === 'signal' ? 51.5 : 51) : 50 + categoryStrength(c.category);
    const ev: Evidence = { idx: c.excIdx, prio, category: c.category, text: c.text, exception: c.name, chain: c };
    if (better(ev, best)) best = ev;
  }
  for (let i = 0; i < ll.length; i++) {
    if (inChain[i]) continue;
    const v = ll.view(i);
    if (!(PREFILTER.test(v) || ncclWarnFailure(v)) || NOISE.test(v)) continue;
    const t = v.trim();
    if (t === '') continue;
    const ev = lineEvidence(ll, i, t);
    if (ev && better(ev, best)) best = ev;
  }
  if (nan) {
    const ev: Evidence = {
      idx: nan.idx,
      prio: 55.8,
      category: 'nan_loss',
      text: ll.view(nan.idx).trim(),
      exception: null,
    };
    if (better(ev, best)) best = ev;
  }
  if (!best) return { failure: null, index: null, tracebackStart: null, tracebackEnd: null };
  const tb = best.chain ?? chains[chains.length - 1] ?? null;
  return {
    failure: { category: best.category, line: reportLine(ll, best), exception: best.exception },
    index: best.idx,
    tracebackStart: tb ? tb.start : null,
    tracebackEnd: tb ? tb.end : null,
  };
}
