/** `--summary` as text: fits 80 columns, one line per job plus a detail line when it matters. */
import { sanitizeField } from '../../parsers/sanitize.js';
import { truncateToWidth, displayWidth } from '../../parsers/text-width.js';
import { fmtDuration, fmtRate, fmtShortDuration } from '../format.js';
import { explainEnd } from '../model/merge-analysis.js';
import { runPercent } from '../model/progress.js';
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
  out.push(COLS.map(([h, w]) => cell(h, w)).join(' ').trimEnd());
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
      cell(pct === null ? '' : `${pct.toFixed(0)}%`, 5),
      cell(j.progress?.rate != null ? fmtRate(j.progress) : '', 11),
      cell(j.eta_s !== null ? fmtShortDuration(j.eta_s) : '', 7),
    ];
    let line = row.join(' ').trimEnd();
    if (j.will_timeout && j.state === 'RUNNING') line += ' ⚠';
    out.push(line);
    for (const d of details(j)) out.push(truncateToWidth(`  └ ${d}`, width));
  }
  return `${out.join('\n')}\n`;
}

function details(j: SummaryJob): string[] {
  const d: string[] = [];
  if (j.state === 'PENDING' && j.reason) d.push(`waiting: ${sanitizeField(j.reason)}`);
  if (j.state === 'RUNNING' && j.will_timeout && j.time_left_s !== null && j.eta_s !== null) {
    d.push(`will hit its time limit: needs ~${fmtShortDuration(j.eta_s)}, has ${fmtShortDuration(j.time_left_s)}`);
  }
  const end = explainEnd(j.failure, j.exit_note);
  if (end) d.push(sanitizeField(end.line));
  if (j.state === 'RUNNING' && j.log_status === 'waiting') d.push('log not written yet');
  return d;
}
