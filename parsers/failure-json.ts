/**
 * JSON-lines loggers (structlog's JSONRenderer with format_exc_info,
 * python-json-logger) put the whole formatted traceback in one string field,
 * `"exception": "Traceback (most recent call last):\n  File ...\nValueError: x"`,
 * so the exception line is a `\n`-escaped segment of a single log line.
 */
import { categorize, categoryStrength } from './failure-category.js';
import type { Evidence } from './failure-runtime.js';
import { exceptionName } from './traceback.js';

const TB_FIELD = /"(?:exception|exc_info|exc_text|traceback|stack_trace)"\s*:\s*"Traceback \(most recent call last\):/;
/** An exception message may continue over a few lines (CUDA hints); the class line is among the last ones. */
const MAX_TAIL_SEGMENTS = 12;

/** Index of the quote that closes the JSON string starting at `from`, or the line's end. */
function stringEnd(t: string, from: number): number {
  for (let k = from; k < t.length; k++) {
    const c = t.charCodeAt(k);
    if (c === 92) k++;
    else if (c === 34) return k;
  }
  return t.length;
}

/**
 * The exception line inside a JSON log record's traceback field, as printed (still escaped); `t` is the whole record.
 */
export function jsonTracebackEvidence(i: number, t: string): Evidence | null {
  if (t.indexOf('Traceback (most recent') < 0) return null;
  const m = TB_FIELD.exec(t);
  if (!m) return null;
  const end = stringEnd(t, m.index + m[0].length);
  let segEnd = end;
  for (let n = 0; n < MAX_TAIL_SEGMENTS; n++) {
    const nl = t.lastIndexOf('\\n', segEnd - 1);
    if (nl < m.index) return null;
    const seg = t.slice(nl + 2, segEnd);
    segEnd = nl;
    if (seg.trim() === '' || seg.startsWith(' ')) continue;
    const name = exceptionName(seg, false);
    if (!name) continue;
    const cat = categorize(seg);
    return { idx: i, prio: 50 + categoryStrength(cat), category: cat, text: seg, exception: name, segment: true };
  }
  return null;
}
