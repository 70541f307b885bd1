/** Entry points: raw log bytes or text -> framework, progress, metrics and failure root cause. */
import { decodeLogBytesCompact } from './decode.js';
import { detectFailure, type NanHint } from './failure.js';
import { detectFramework } from './framework.js';
import { splitLogLines } from './lines.js';
import { LogLines } from './log-lines.js';
import { extractMetrics } from './metrics.js';
import { extractProgress } from './progress.js';
import { findTracebackChains, tracebackMask } from './traceback.js';
import type { LogAnalysis } from './types.js';

/** analyzeLog's result plus line indices for the TUI and the diagnosis excerpt. */
export interface LogAnalysisDetailed {
  analysis: LogAnalysis;
  /** Logical lines (redraws collapsed, escapes stripped). */
  lines: string[];
  /** Line holding the failure root cause. */
  failureIndex: number | null;
  /** First and last line of the traceback block behind the failure (or the last one in the log). */
  tracebackStart: number | null;
  tracebackEnd: number | null;
}

const EMPTY: LogAnalysis = { framework: 'none', progress: null, metrics: {}, failure: null };

function nanHint(metrics: Record<string, unknown>, where: Record<string, number>): NanHint | null {
  let hint: NanHint | null = null;
  for (const [key, value] of Object.entries(metrics)) {
    if (typeof value !== 'string' || !/loss/i.test(key) || /scale/i.test(key)) continue;
    const idx = where[key];
    if (idx === undefined) continue;
    if (!hint || idx > hint.idx) hint = { idx, key, value: value as NanHint['value'] };
  }
  return hint;
}

/** Full analysis plus the logical lines and where the root cause / traceback sit in them. */
export function analyzeLogDetailed(input: string | Uint8Array): LogAnalysisDetailed {
  try {
    const text = typeof input === 'string' ? input : decodeLogBytesCompact(input);
    const lines = splitLogLines(text);
    const ll = new LogLines(lines);
    const prog = extractProgress(ll);
    const tbs = findTracebackChains(ll);
    const met = extractMetrics(ll, tracebackMask(tbs, ll.length));
    const fail = detectFailure(ll, tbs, nanHint(met.metrics, met.where));
    const framework = detectFramework(ll, {
      hfDicts: met.hfDicts,
      freeTextMetrics: met.freeText,
      progressKind: prog.kind,
    });
    return {
      analysis: { framework, progress: prog.progress, metrics: met.metrics, failure: fail.failure },
      lines,
      failureIndex: fail.index,
      tracebackStart: fail.tracebackStart,
      tracebackEnd: fail.tracebackEnd,
    };
  } catch {
    return {
      analysis: { ...EMPTY, metrics: {} },
      lines: [],
      failureIndex: null,
      tracebackStart: null,
      tracebackEnd: null,
    };
  }
}

/** Framework, last progress state, last metric values and failure root cause of a log. */
export function analyzeLog(input: string | Uint8Array): LogAnalysis {
  return analyzeLogDetailed(input).analysis;
}
