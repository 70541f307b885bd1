/** The job view's header as pure lines, so the view knows its height before laying out the log. */
import { format } from 'date-fns/format';
import { isSameDay } from 'date-fns/isSameDay';
import { isRunning } from '../../../parsers/job-state.js';
import { sanitizeField } from '../../../parsers/sanitize.js';
import { wrapToWidth } from '../../../parsers/text-width.js';
import type { MetricValue, Progress } from '../../../parsers/types.js';
import { fmtPercent, fmtProgressCount, fmtRate, fmtShortDuration, progressPercent } from '../../format.js';
import { explainEnd } from '../../model/merge-analysis.js';
import { hasEpochBar, runPercent } from '../../model/progress.js';
import { elapsedNow, type JobEntry, timeLeftNow } from '../../store.js';
import { barText, type CellPart, etaSeconds, fmtEta } from './cells.js';
import { insightLines, type JobContext } from './insight-lines.js';
import { isFinished, stateLabel } from './rows.js';

export interface HeaderLine {
  parts: CellPart[];
  /** Throughput values to draw after the parts, filling the rest of the line. */
  spark?: (number | null)[];
}

const p = (text: string, tone: CellPart['tone'] = 'plain'): CellPart => ({ text, tone });
const SEP = p(' · ', 'dim');

/** `14:32`, or `Tue 14:32` when not today. */
export function clockTime(ms: number, now: number): string {
  return format(ms, isSameDay(ms, now) ? 'HH:mm' : 'EEE HH:mm');
}

/** Compact metric value: 0.2345, 1.2e-4, nan. */
export function fmtMetric(v: MetricValue): string {
  if (typeof v !== 'number') return v;
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(2);
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(4)));
}

function join(parts: CellPart[][]): CellPart[] {
  const out: CellPart[] = [];
  for (const x of parts) {
    if (x.length === 0) continue;
    if (out.length) out.push(SEP);
    out.push(...x);
  }
  return out;
}

function whereLine(e: JobEntry, now: number): CellPart[] {
  const j = e.job;
  const limit = j.time_limit_s === null ? 'no limit' : fmtShortDuration(j.time_limit_s);
  if (j.state === 'PENDING') {
    return join([
      [p('waiting: ', 'dim'), p(sanitizeField(j.reason ?? 'unknown'), { state: 'PENDING' })],
      [p(`limit ${limit}`)],
      j.partition ? [p(sanitizeField(j.partition), 'dim')] : [],
    ]);
  }
  const el = elapsedNow(e, now);
  const left = timeLeftNow(e, now);
  return join([
    j.nodes ? [p(sanitizeField(j.nodes))] : [],
    j.partition ? [p(sanitizeField(j.partition), 'dim')] : [],
    [p(`elapsed ${fmtShortDuration(el)}/${limit}`)],
    !isFinished(e) && left !== null ? [p(`left ${fmtShortDuration(left)}`)] : [],
    // A cancelled job's exit code is squeue's 0:15 and then accounting's 0:0: noise next to the state.
    isFinished(e) && j.exit_code && j.state !== 'CANCELLED' ? [p(`exit ${sanitizeField(j.exit_code)}`, 'dim')] : [],
  ]);
}

function metricsLine(e: JobEntry): CellPart[] {
  const pr = e.analysis?.progress;
  // The epoch bar names its epoch already.
  const epoch =
    pr?.epoch != null && !hasEpochBar(pr)
      ? [p(`epoch ${pr.epoch}${pr.epoch_total != null ? `/${pr.epoch_total}` : ''}`)]
      : [];
  const metrics = Object.entries(e.analysis?.metrics ?? {})
    .slice(0, 8)
    .map(([k, v]) => [p(`${sanitizeField(k)} `, 'dim'), p(fmtMetric(v))]);
  return join([epoch, ...metrics]);
}

/**
 * The bar line: within an epoch of several, two labelled bars of one width, the epoch's (with its
 * count) and the whole run's (the quantity the ETA describes); otherwise the one bar is the run.
 */
function progressBars(pr: Progress, pct: number, width: number): HeaderLine[] {
  const bar = { label: '', fraction: pct / 100, text: ` ${fmtProgressCount(pr)} ${fmtPercent(pct)}` };
  const rows = [bar];
  if (hasEpochBar(pr)) {
    const run = runPercent(pr) ?? pct;
    bar.label = `epoch ${pr.epoch}/${pr.epoch_total}`;
    rows.push({ label: 'run', fraction: run / 100, text: ` ${fmtPercent(run)}` });
  }
  const labelW = Math.max(...rows.map((r) => r.label.length));
  const barW = Math.min(40, width - (labelW ? labelW + 1 : 0) - Math.max(...rows.map((r) => r.text.length)));
  return rows.map((r) => {
    const label = labelW ? [p(`${r.label.padEnd(labelW)} `, 'dim')] : [];
    return {
      parts: barW >= 8 ? [...label, p(barText(r.fraction, barW), 'accent'), p(r.text)] : [...label, p(r.text.trim())],
    };
  });
}

/** Header lines for a job at `width` columns (long root-cause lines wrap, up to three lines). */
export function headerLines(
  e: JobEntry,
  now: number,
  width: number,
  ctx: JobContext = { live: undefined, jobs: {} },
): HeaderLine[] {
  const j = e.job;
  const lines: HeaderLine[] = [];
  lines.push({
    parts: [
      p(j.job_id, 'accent'),
      p('  '),
      p(stateLabel(e), { state: j.state }),
      p('  '),
      p(sanitizeField(j.name) || '-'),
    ],
  });
  if (e.notFound) {
    lines.push({ parts: [p('not found: neither in the queue nor in accounting', 'error')] });
    return lines;
  }
  lines.push({ parts: whereLine(e, now) });
  lines.push(...insightLines(e, now, width, ctx));
  const pr = e.analysis?.progress ?? null;
  const running = isRunning(j.state);
  if (pr && (running || isFinished(e))) {
    const pct = progressPercent(pr);
    if (pct === null) lines.push({ parts: [p(fmtProgressCount(pr)), p(' · total unknown', 'dim')] });
    else lines.push(...progressBars(pr, pct, width));
  }
  if (running) {
    const spark = e.history.map((h) => h.perSecond);
    const rate = pr?.rate != null ? fmtRate(pr) : null;
    if (rate || spark.length > 1) {
      // The chart's span says it is a history: a steady rate is a row of full blocks that would
      // otherwise read as one more progress bar, and a full one.
      const span = spark.length > 1 ? (e.history.at(-1)!.t - e.history[0]!.t) / 1000 : 0;
      const over = span >= 1 ? p(` last ${fmtShortDuration(span)} `, 'dim') : p(' ');
      lines.push({ parts: [p('rate ', 'dim'), p(rate ?? '-'), over], spark: spark.length > 1 ? spark : undefined });
    }
    const eta = etaSeconds(e, now);
    if (eta !== null && e.finishAt !== null) {
      lines.push({ parts: [p('ETA ', 'dim'), p(fmtEta(eta)), p(` (~${clockTime(e.finishAt, now)})`, 'dim')] });
    }
    if (e.willTimeout && e.overrunS !== null) {
      lines.push({ parts: [p(`⚠ finishes after the time limit by ~${fmtEta(e.overrunS)}`, 'warning')] });
    }
  }
  const m = metricsLine(e);
  if (m.length) lines.push({ parts: m });
  const failure = e.analysis?.failure;
  const end = j.state !== 'COMPLETED' ? explainEnd(failure, e.exitNote) : null;
  if (failure && end) {
    const label = stateLabel(e);
    const same = label.toLowerCase() === failure.category.replace(/_/g, ' ');
    lines.push({ parts: [p(same ? `✖ ${label}` : `✖ ${label} · ${failure.category}`, 'error')] });
    for (const l of wrapToWidth(sanitizeField(end.why), Math.max(10, width - 2)).slice(0, 3)) {
      lines.push({ parts: [p(`  ${l}`, 'error')] });
    }
  }
  if (e.exitNote && e.exitNote !== (failure ? end?.why : null))
    lines.push({ parts: [p(sanitizeField(e.exitNote), 'dim')] });
  return lines;
}
