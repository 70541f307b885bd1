/** `--summary` as text: fits 80 columns, one line per job plus a detail line when it matters. */
import { toJobState } from '../../parsers/job-state.js';
import { explainReason } from '../../parsers/pending-reason.js';
import { sanitizeField } from '../../parsers/sanitize.js';
import { displayWidth, truncateToWidth, wrapToWidth } from '../../parsers/text-width.js';
import { fmtDuration, fmtPercent, fmtRate, fmtShortDuration } from '../format.js';
import { explainEnd } from '../model/merge-analysis.js';
import { runPercent } from '../model/progress.js';
import { combineTasks, rightSizeHints, type SizingInput } from '../model/right-size.js';
import type { SummaryDoc, SummaryJob } from './summary-json.js';

const COLS: [string, number][] = [
  ['JOBID', 11],
  ['NAME', 14],
  ['STATE', 10],
  ['ELAPSED/LIMIT', 14],
  ['PROG', 5],
  ['RATE', 11],
  ['ETA', 7],
];

function cell(s: string, w: number): string {
  const t = truncateToWidth(s, w);
  return t + ' '.repeat(Math.max(0, w - displayWidth(t)));
}

/** Renders the summary document as a compact table. */
export function formatSummary(doc: SummaryDoc, width = 80): string {
  const out: string[] = [];
  const multi = doc.clusters.length > 1;
  for (const c of doc.clusters) {
    if (!c.ok) out.push(`! ${c.name}: ${sanitizeField(c.error ?? 'unreachable')}`);
  }
  if (doc.jobs.length === 0) {
    out.push('no jobs');
    return `${out.join('\n')}\n`;
  }
  out.push(
    COLS.map(([h, w]) => cell(h, w))
      .join(' ')
      .trimEnd(),
  );
  for (const j of doc.jobs) {
    const id = multi ? `${j.cluster}:${j.job_id}` : j.job_id;
    if (j.not_found) {
      out.push(`${cell(id, 11)} not found (neither in the queue nor in accounting)`);
      continue;
    }
    const pct = runPercent(j.progress);
    const limit = j.time_limit_s === null ? 'none' : fmtDuration(j.time_limit_s);
    const state = j.state.startsWith('CANCELLED') ? 'CANCELLED' : j.state;
    const row = [
      cell(id, 11),
      cell(sanitizeField(j.name), 14),
      cell(state, 10),
      cell(j.state === 'PENDING' ? `-/${limit}` : `${fmtDuration(j.elapsed_s)}/${limit}`, 14),
      cell(pct === null ? '' : fmtPercent(pct), 5),
      cell(j.progress?.rate != null ? fmtRate(j.progress) : '', 11),
      cell(j.eta_s !== null ? fmtShortDuration(j.eta_s) : '', 7),
    ];
    let line = row.join(' ').trimEnd();
    if (j.will_timeout && j.state === 'RUNNING') line += ' ⚠';
    out.push(line);
    for (const d of details(j, width)) {
      out.push(...d.split('\n').map((l, i) => truncateToWidth(`${i ? '    ' : '  └ '}${l}`, width)));
    }
  }
  out.push(...arrayHints(doc.jobs, width));
  return `${out.join('\n')}\n`;
}

function sizing(j: SummaryJob): SizingInput {
  return {
    state: toJobState(j.state.split(' ')[0] ?? ''),
    efficiency: j.efficiency,
    elapsed_s: j.elapsed_s,
    time_limit_s: j.time_limit_s,
    single_node: j.nodes !== null && !/[[,]/.test(j.nodes),
  };
}

/**
 * Why a queued job waits. What helps is spelled out (wrapped, not cut) only when the job will not
 * start as it is; a queue of jobs waiting for Priority gets one line each.
 */
function waiting(j: SummaryJob, width: number): string[] {
  const p = j.pending;
  const r = explainReason(j.reason);
  const d: string[] = [];
  if (r?.stuck && p?.reason_text)
    d.push(
      wrapToWidth(`waiting (${sanitizeField(r.code)}): ${sanitizeField(p.reason_text)}`, Math.max(20, width - 4))
        .slice(0, 4)
        .join('\n'),
    );
  else if (r && !(r.code === 'Dependency' && p?.dependencies.length))
    d.push(`waiting: ${sanitizeField(j.reason ?? '')} — ${r.text}`);
  if (p?.dependencies.length) {
    const deps = p.dependencies.map(
      (x) =>
        `${x.type} ${sanitizeField(x.job_id ?? '(same name)')}${x.state ? ` (${x.state})` : ''}${x.status === 'failed' ? ' failed' : ''}`,
    );
    d.push(`waits for ${deps.join(', ')}${j.reason === 'DependencyNeverSatisfied' ? ' — it will never start' : ''}`);
  }
  if (p?.est_start) d.push(`expected start ${p.est_start} (scheduler's estimate)`);
  return d;
}

/** One hint line per array with ended tasks: what every task would fit in. Per-task hints would repeat. */
function arrayHints(jobs: SummaryJob[], width: number): string[] {
  const byArray = new Map<string, SummaryJob[]>();
  for (const j of jobs) {
    if (j.array_job_id === null || j.array_task_id?.startsWith('[')) continue;
    const k = `${j.cluster}/${j.array_job_id}`;
    byArray.set(k, [...(byArray.get(k) ?? []), j]);
  }
  const out: string[] = [];
  for (const tasks of byArray.values()) {
    const all = combineTasks(tasks.map(sizing));
    const hints = all ? rightSizeHints(all) : [];
    const ended = tasks.filter((t) => t.efficiency !== null).length;
    for (const h of hints)
      out.push(truncateToWidth(`array ${tasks[0]!.array_job_id} (${ended} tasks ended): next time ${h}`, width));
  }
  return out;
}

function details(j: SummaryJob, width: number): string[] {
  const d: string[] = [];
  if (j.state === 'PENDING') d.push(...waiting(j, width));
  if (j.state === 'RUNNING' && j.will_timeout && j.time_left_s !== null && j.eta_s !== null) {
    d.push(`will hit its time limit: needs ~${fmtShortDuration(j.eta_s)}, has ${fmtShortDuration(j.time_left_s)}`);
  }
  const end = explainEnd(j.failure, j.exit_note);
  if (end) d.push(sanitizeField(end.line));
  if (j.state === 'RUNNING' && j.log_status === 'waiting') d.push('log not written yet');
  if (j.array_job_id === null) d.push(...rightSizeHints(sizing(j)).map((h) => `next time: ${h}`));
  return d;
}
