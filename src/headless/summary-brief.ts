/**
 * `hpc-watch --summary --brief`: a few lines for the start of a Claude Code session (the
 * SessionStart hook that `skill install --hook` adds): running jobs with progress and ETA,
 * what is pending, and the failures since the last brief. It goes into the model's context,
 * so it is short, redacted, and never fails the session: an unreachable cluster is a line.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isFailure, isQueued, isRunning, toJobState } from '../../parsers/job-state.js';
import { sanitizeField } from '../../parsers/sanitize.js';
import type { CliOptions } from '../cli-args.js';
import type { Settings } from '../config.js';
import { fmtPercent, fmtShortDuration } from '../format.js';
import { explainEnd } from '../model/merge-analysis.js';
import { runPercent } from '../model/progress.js';
import { cacheDir } from '../paths.js';
import { outboundRedactor } from '../redact.js';
import { openSession, pollOnce, withCluster } from '../session.js';
import { buildSummary, type SummaryDoc, type SummaryJob } from './summary-json.js';

const MAX_LINES = 5;
const MAX_WIDTH = 160;

const cut = (s: string) => (s.length > MAX_WIDTH ? `${s.slice(0, MAX_WIDTH - 1)}…` : s);
const base = (j: SummaryJob) => toJobState(j.state.split(' ')[0]!);
const id = (doc: SummaryDoc, j: SummaryJob) => (doc.clusters.length > 1 ? `${j.cluster}:${j.job_id}` : j.job_id);

function running(doc: SummaryDoc, j: SummaryJob): string {
  const bits = [`${id(doc, j)} ${sanitizeField(j.name)} RUNNING`];
  const pct = runPercent(j.progress);
  if (pct !== null) bits.push(fmtPercent(pct));
  if (j.eta_s !== null) bits.push(`ETA ${fmtShortDuration(j.eta_s)}`);
  if (j.will_timeout) bits.push('⚠ will hit its time limit');
  if (j.failure) bits.push(`${j.failure.category} in its log`);
  return bits.join(' · ');
}

function failed(doc: SummaryDoc, j: SummaryJob): string {
  const why = sanitizeField(explainEnd(j.failure, j.exit_note)?.line ?? `exit ${j.exit_code ?? '?'}`);
  return `${id(doc, j)} ${sanitizeField(j.name)} ${j.state} · ${why}`;
}

/** The brief text; `seenMs` is when the last brief ran (null: never, then every failure shown counts). */
export function formatBrief(doc: SummaryDoc, seenMs: number | null): string {
  const run = doc.jobs.filter((j) => isRunning(base(j)));
  const pend = doc.jobs.filter((j) => isQueued(base(j)));
  const fails = doc.jobs.filter(
    (j) => isFailure(base(j)) && (seenMs === null || (j.end_time !== null && Date.parse(j.end_time) > seenMs)),
  );
  const since = seenMs === null ? 'recently' : 'since the last session';
  const out = [`hpc-watch: ${run.length} running, ${pend.length} pending; ${fails.length} failed ${since}`];
  for (const c of doc.clusters) if (!c.ok) out.push(`! ${withCluster(c.name, c.error)}`);
  const list = (jobs: SummaryJob[], line: (j: SummaryJob) => string) => {
    for (const j of jobs.slice(0, MAX_LINES)) out.push(`  ${cut(line(j))}`);
    if (jobs.length > MAX_LINES) out.push(`  … and ${jobs.length - MAX_LINES} more`);
  };
  list(run, (j) => running(doc, j));
  if (pend.length > 0) {
    const reasons = [...new Set(pend.map((j) => j.reason).filter((r) => r !== null))].slice(0, 3).map(sanitizeField);
    out.push(
      `  pending: ${pend
        .slice(0, 8)
        .map((j) => id(doc, j))
        .join(' ')}${pend.length > 8 ? ' …' : ''}${reasons.length ? ` (${reasons.join(', ')})` : ''}`,
    );
  }
  list(fails, (j) => failed(doc, j));
  if (run.length + pend.length + fails.length > 0)
    out.push(
      'Details: the hpc-watch MCP tools (list_jobs, get_job, diagnosis_bundle) or `hpc-watch --summary --json`.',
    );
  return `${out.join('\n')}\n`;
}

function markerFile(env: NodeJS.ProcessEnv): string {
  return join(cacheDir(env), 'brief-seen.json');
}

function readSeen(env: NodeJS.ProcessEnv): number | null {
  try {
    const at = (JSON.parse(readFileSync(markerFile(env), 'utf8')) as { at?: unknown }).at;
    return typeof at === 'number' && Number.isFinite(at) ? at : null;
  } catch {
    return null;
  }
}

function writeSeen(env: NodeJS.ProcessEnv, at: number): void {
  try {
    mkdirSync(dirname(markerFile(env)), { recursive: true, mode: 0o700 });
    writeFileSync(markerFile(env), JSON.stringify({ at }));
  } catch {
    // the next brief shows the same failures again: no harm
  }
}

/** Entry point: prints the brief and exits 0 whatever the clusters say (a hook must not fail the session). */
export async function runBrief(
  _opts: CliOptions,
  settings: Settings,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const redact = outboundRedactor(env);
  let text: string;
  try {
    const session = await openSession(settings);
    try {
      await pollOnce(session);
      const now = Date.now();
      text = formatBrief(buildSummary(session.store.getState(), now), readSeen(env));
      writeSeen(env, now);
    } finally {
      await session.close();
    }
  } catch (err) {
    text = `hpc-watch: no job state (${(err instanceof Error ? err.message : String(err)).split('\n')[0]})\n`;
  }
  process.stdout.write(redact(text).text);
  return 0;
}
