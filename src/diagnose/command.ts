/**
 * `hpc-watch diagnose JOBID [--dry-run] [--json] [--force]`: one poll for that job, then the shared
 * runner. Exit 0 with a diagnosis (or a dry run), 1 when there is nothing to diagnose or claude
 * failed, 2 on usage or connection errors. Never loads Ink.
 */
import { isFailure, isQueued, isRunning } from '../../parsers/job-state.js';
import { sanitizeLogLine } from '../../parsers/sanitize.js';
import type { CliOptions } from '../cli-args.js';
import type { Settings } from '../config.js';
import { UserError } from '../errors.js';
import { openSession, pollOnce, type Session } from '../session.js';
import type { JobEntry } from '../store.js';
import { type DiagnosisOutcome, diagnoseJob } from './run.js';
import { skillIsStale } from './skill.js';

/** The job asked for; for an array id, its first failed task (with a note on stderr). */
function findJob(session: Session, id: string): { entry: JobEntry | null; note: string | null } {
  const jobs = Object.values(session.store.getState().jobs);
  const exact = jobs.find((e) => e.job.job_id === id && !e.notFound);
  if (exact) return { entry: exact, note: null };
  const tasks = jobs.filter((e) => e.job.array_job_id === id && !e.notFound && e.job.job_id !== id);
  const failed = tasks.filter((e) => e.analysis?.failure || isFailure(e.job.state));
  if (failed.length > 0) {
    const pick = failed.sort((a, b) => Number(a.job.array_task_id) - Number(b.job.array_task_id))[0]!;
    return {
      entry: pick,
      note: `job ${id} is an array: diagnosing task ${pick.job.job_id} (${failed.length} of ${tasks.length} tasks failed)`,
    };
  }
  return { entry: tasks[0] ?? null, note: null };
}

/** Why a job is not worth diagnosing, or null when it is. */
function refusal(e: JobEntry, force: boolean): string | null {
  const id = e.job.job_id;
  const state = e.job.state;
  if (isQueued(state)) return `job ${id} is ${state} and has not run yet; nothing to diagnose`;
  if (isRunning(state) && !force) {
    return `job ${id} is still ${state}; nothing to diagnose yet (--force diagnoses a failure already in its log)`;
  }
  if (state === 'COMPLETED' && !force)
    return `job ${id} COMPLETED (exit ${e.job.exit_code ?? '0:0'}); nothing to diagnose`;
  return null;
}

function toJson(o: DiagnosisOutcome | null, jobId: string, error: string | null): Record<string, unknown> {
  return {
    job_id: o?.jobId ?? jobId,
    cluster: o ? o.key.slice(0, o.key.indexOf('/')) : null,
    cached: o?.cached ?? false,
    ok: o?.ok ?? false,
    text: o?.text ?? null,
    diagnosis: o?.structured ?? null,
    cost_usd: o?.costUsd ?? null,
    input_tokens: o?.inputTokens ?? null,
    output_tokens: o?.outputTokens ?? null,
    model: o?.model ?? null,
    error: error ?? o?.error ?? null,
    redactions: o?.redactions ?? 0,
    excerpt_tokens: o?.excerpt?.tokens ?? null,
  };
}

function costLine(o: DiagnosisOutcome): string {
  const bits = [
    o.costUsd === null ? 'cost unknown' : `cost $${o.costUsd.toFixed(4)}`,
    `${o.inputTokens ?? '?'} in / ${o.outputTokens ?? '?'} out tokens`,
  ];
  if (o.cached) bits.push('cached');
  if (o.redactions) bits.push(`${o.redactions} secret${o.redactions === 1 ? '' : 's'} redacted`);
  const line = bits.join(' · ');
  return process.stdout.isTTY ? `\x1b[2m${line}\x1b[22m` : line;
}

/** Entry point for `hpc-watch diagnose`. */
export async function runDiagnose(opts: CliOptions, settings: Settings): Promise<number> {
  const id = opts.positionals[0]!;
  const config = settings.claude;
  const session = await openSession(settings);
  try {
    await pollOnce(session);
    const { entry, note } = findJob(session, id);
    const refuse = (msg: string): number => {
      if (opts.json) process.stdout.write(`${JSON.stringify(toJson(null, id, msg))}\n`);
      else process.stderr.write(`hpc-watch: ${msg}\n`);
      return 1;
    };
    if (!entry) {
      const down = Object.values(session.store.getState().clusters).filter((c) => !c.ok);
      if (down.length > 0) throw new UserError(down.map((c) => `${c.name}: ${c.error}`).join('; '));
      return refuse(`job ${id} not found (neither squeue nor sacct know it)`);
    }
    if (note) process.stderr.write(`hpc-watch: ${note}\n`);
    const why = refusal(entry, opts.force);
    if (why) return refuse(why);

    const o = await diagnoseJob(session, {
      key: entry.key,
      force: opts.force,
      dryRun: opts.dryRun,
      config,
      tailBytes: settings.tailBytes,
    });
    if (opts.dryRun && o.excerpt && o.ok) {
      const ex = o.excerpt;
      const r = o.redactions;
      process.stderr.write(
        `hpc-watch: dry run for job ${o.jobId}: ${ex.tokens} tokens (budget ${ex.budgetTokens}), ${r} secret${r === 1 ? '' : 's'} redacted; nothing sent\n`,
      );
      if (opts.json)
        process.stdout.write(
          `${JSON.stringify({ ...toJson(o, id, null), dry_run: true, hash: ex.hash, excerpt: ex.text })}\n`,
        );
      else process.stdout.write(ex.text);
      return 0;
    }
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(toJson(o, id, null))}\n`);
      return o.ok ? 0 : 1;
    }
    if (!o.ok) {
      process.stderr.write(`hpc-watch: ${o.error ?? 'diagnosis failed'}\n`);
      return 1;
    }
    process.stdout.write(`${sanitizeLogLine(o.text ?? '').trimEnd()}\n\n${costLine(o)}\n`);
    if (!o.skillFile && !o.cached) {
      process.stderr.write(
        'hpc-watch: tip: `hpc-watch skill install` puts the monitor-slurm skill where Claude Code finds it\n',
      );
    } else if (o.skillFile && skillIsStale(o.skillFile)) {
      process.stderr.write(
        `hpc-watch: tip: ${o.skillFile} is an older skill that sends the bundle twice; \`hpc-watch skill install --force\` updates it\n`,
      );
    }
    return 0;
  } finally {
    await session.close();
  }
}
