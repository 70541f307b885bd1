/**
 * One diagnosis, shared by `hpc-watch diagnose` and the TUI's `d` key: read the job's logs through
 * its cluster's transport, build and redact the excerpt, answer from the cache or run claude, and
 * mirror progress into `store.diagnoses[key]`. Never throws: every problem ends up in `error`.
 */
import { analyzeLogDetailed } from '../../parsers/log.js';
import type { Failure, LogAnalysis } from '../../parsers/types.js';
import type { ClaudeConfig } from '../config.js';
import { jobFailure, mergeLogAnalyses } from '../model/merge-analysis.js';
import { outboundRedactor } from '../redact.js';
import type { Session } from '../session.js';
import type { DiagnosisState, JobEntry, LogInfo, Store } from '../store.js';
import { DEFAULT_TAIL_BYTES, readTail } from '../tail/read-tail.js';
import type { Transport } from '../transport/types.js';
import { readCachedDiagnosis, writeCachedDiagnosis } from './cache.js';
import { type ClaudeResult, resolveClaudeCommand, runClaude } from './claude.js';
import { buildExcerpt, DEFAULT_TOKEN_BUDGET, type Excerpt, type ExcerptLog } from './excerpt.js';
import { findSkill, skillPromptFile } from './skill.js';
import { diagnosisMarkdown, parseStructured, type StructuredDiagnosis } from './structured.js';

/** What the runner needs from a session: the store and a transport per cluster. */
export interface DiagnoseDeps {
  store: Store;
  transportFor(cluster: string): Transport | null;
}

/** Per-call options. */
export interface DiagnoseOptions {
  key: string;
  /** Ignore the cache; also accept a job whose failure is only in its log (running, or completed). */
  force?: boolean;
  /** Build and redact the excerpt, send nothing. */
  dryRun?: boolean;
  config?: ClaudeConfig;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  tailBytes?: number;
  /** Where claude runs (project skills load from here). */
  cwd?: string;
}

/** Everything a surface shows about one diagnosis. */
export interface DiagnosisOutcome {
  key: string;
  jobId: string;
  ok: boolean;
  cached: boolean;
  dryRun: boolean;
  text: string | null;
  error: string | null;
  costUsd: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  model: string | null;
  /** `[REDACTED:…]` markers in what was (or would be) sent. */
  redactions: number;
  excerpt: Excerpt | null;
  failure: Failure | null;
  /** The answer as fields when the model gave them (then `text` is their markdown). */
  structured: StructuredDiagnosis | null;
  /** The skill claude will load (findSkill), or null: then its text goes as system prompt. */
  skillFile: string | null;
}

/** Adapts a session to DiagnoseDeps. */
export function depsFromSession(session: Session): DiagnoseDeps {
  return {
    store: session.store,
    transportFor: (cluster) => session.clusters.find((c) => c.name === cluster)?.transport ?? null,
  };
}

interface ReadLog {
  log: ExcerptLog | null;
  analysis: LogAnalysis | null;
  size: number | null;
  note: string | null;
  mtimeMs: number | null;
}

async function readLog(transport: Transport, info: LogInfo, tailBytes: number): Promise<ReadLog> {
  try {
    const tail = await readTail(transport, info.path, tailBytes);
    if (!tail) return { log: null, analysis: null, size: null, note: 'missing', mtimeMs: null };
    const d = analyzeLogDetailed(tail.bytes);
    return {
      log: {
        path: info.path,
        lines: d.lines,
        failureIndex: d.failureIndex,
        tracebackStart: d.tracebackStart,
        tracebackEnd: d.tracebackEnd,
        skippedHead: tail.skippedHead,
      },
      analysis: d.analysis,
      size: tail.size,
      note: null,
      mtimeMs: tail.mtimeMs,
    };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'EACCES' ? 'permission denied' : (e.code ?? e.message.split('\n')[0] ?? 'error');
    return { log: null, analysis: null, size: null, note: `unreadable: ${why}`, mtimeMs: null };
  }
}

/** Reads the logs and builds the redacted excerpt; `failure` is null when there is nothing to diagnose. */
export async function prepareExcerpt(
  transport: Transport,
  entry: JobEntry,
  opts: { force?: boolean; tailBytes?: number; budgetTokens?: number; env?: NodeJS.ProcessEnv },
): Promise<{ excerpt: Excerpt; failure: Failure | null }> {
  const tailBytes = opts.tailBytes ?? DEFAULT_TAIL_BYTES;
  const out = entry.stdout ? await readLog(transport, entry.stdout, tailBytes) : null;
  const err =
    entry.stderr && entry.stderr.path !== entry.stdout?.path ? await readLog(transport, entry.stderr, tailBytes) : null;
  const merged =
    mergeLogAnalyses(
      out ? { analysis: out.analysis, mtimeMs: out.mtimeMs } : null,
      err ? { analysis: err.analysis, mtimeMs: err.mtimeMs } : null,
    ) ?? entry.analysis;
  const logFailure = merged?.failure ?? null;
  // COMPLETED yields no job failure; with --force a traceback in its log still counts.
  const failure = jobFailure(entry.job, logFailure) ?? (opts.force ? logFailure : null);
  const stdoutPath = entry.stdout?.path ?? null;
  const excerpt = buildExcerpt({
    job: entry.job,
    facts: {
      stdoutPath,
      stderrPath: entry.stderr?.path ?? stdoutPath,
      stdoutSize: out?.size ?? null,
      stderrSize: err?.size ?? out?.size ?? null,
      stdoutNote: out?.note ?? null,
      stderrNote: err?.note ?? null,
      exitNote: entry.exitNote,
      failure,
      progress: merged?.progress ?? null,
      metrics: merged?.metrics ?? {},
      framework: merged?.framework,
    },
    stdout: out?.log ?? null,
    stderr: err?.log ?? null,
    budgetTokens: opts.budgetTokens ?? DEFAULT_TOKEN_BUDGET,
    redact: outboundRedactor(opts.env ?? process.env),
  });
  return { excerpt, failure };
}

// One claude call per excerpt hash at a time: a second request for the same failure waits for the first.
const inFlight = new Map<string, Promise<ClaudeResult>>();

function setDiagnosis(store: Store, key: string, patch: Partial<DiagnosisState>): void {
  store.setState((s) => {
    const old: DiagnosisState = s.diagnoses[key] ?? {
      status: 'idle',
      text: null,
      error: null,
      cached: false,
      costUsd: null,
      inputTokens: null,
      outputTokens: null,
    };
    return { diagnoses: { ...s.diagnoses, [key]: { ...old, ...patch } } };
  });
}

/** Runs one diagnosis for `key` (see the module comment). */
export async function diagnoseJob(
  depsOrSession: DiagnoseDeps | Session,
  opts: DiagnoseOptions,
): Promise<DiagnosisOutcome> {
  const deps = 'clusters' in depsOrSession ? depsFromSession(depsOrSession) : depsOrSession;
  const store = deps.store;
  const key = opts.key;
  const env = opts.env ?? process.env;
  const config = opts.config ?? {};
  const entry = store.getState().jobs[key];
  const outcome: DiagnosisOutcome = {
    key,
    jobId: entry?.job.job_id ?? key.slice(key.indexOf('/') + 1),
    ok: false,
    cached: false,
    dryRun: Boolean(opts.dryRun),
    text: null,
    error: null,
    costUsd: null,
    inputTokens: null,
    outputTokens: null,
    model: null,
    redactions: 0,
    excerpt: null,
    failure: null,
    structured: null,
    skillFile: findSkill(opts.cwd, env),
  };
  const fail = (error: string): DiagnosisOutcome => {
    if (!opts.dryRun) setDiagnosis(store, key, { status: 'error', error, text: null, cached: false });
    return { ...outcome, error };
  };
  try {
    if (!opts.dryRun)
      setDiagnosis(store, key, {
        status: 'running',
        error: null,
        text: null,
        cached: false,
        costUsd: null,
        inputTokens: null,
        outputTokens: null,
      });
    if (!entry || entry.notFound) return fail(`job ${outcome.jobId} is not known (not in squeue nor in sacct)`);
    const transport = deps.transportFor(entry.cluster);
    if (!transport) return fail(`no connection to cluster ${entry.cluster}`);
    const { excerpt, failure } = await prepareExcerpt(transport, entry, {
      force: opts.force,
      tailBytes: opts.tailBytes,
      budgetTokens: config.tokenBudget,
      env,
    });
    outcome.excerpt = excerpt;
    outcome.failure = failure;
    outcome.redactions = excerpt.redactions;
    if (!failure)
      return fail(`nothing to diagnose: job ${outcome.jobId} shows no failure in its SLURM state or its logs`);
    if (opts.dryRun) return { ...outcome, ok: true };

    const cached = opts.force ? null : readCachedDiagnosis(excerpt.hash, env);
    if (cached) {
      const structured = parseStructured(cached.structured);
      const text = structured ? diagnosisMarkdown(structured) : cached.text;
      const res = {
        ...outcome,
        ok: true,
        cached: true,
        text,
        structured,
        costUsd: cached.costUsd,
        inputTokens: cached.inputTokens,
        outputTokens: cached.outputTokens,
        model: cached.model,
      };
      setDiagnosis(store, key, {
        status: 'done',
        text: res.text,
        cached: true,
        costUsd: res.costUsd,
        inputTokens: res.inputTokens,
        outputTokens: res.outputTokens,
      });
      return res;
    }
    const command = resolveClaudeCommand(config, env);
    if (typeof command === 'string') return fail(command);

    let call = inFlight.get(excerpt.hash);
    const joined = !!call;
    if (!call) {
      call = runClaude({
        command,
        jobId: outcome.jobId,
        excerpt: excerpt.text,
        skillFile: skillPromptFile(env) ?? undefined,
        skillInstalled: outcome.skillFile !== null,
        config,
        signal: opts.signal,
        cwd: opts.cwd,
        env,
      }).finally(() => inFlight.delete(excerpt.hash));
      inFlight.set(excerpt.hash, call);
    }
    const r = await call;
    const res: DiagnosisOutcome = {
      ...outcome,
      ok: r.ok,
      cached: joined,
      text: r.structured ? diagnosisMarkdown(r.structured) : r.text,
      structured: r.structured,
      error: r.error,
      costUsd: r.costUsd,
      inputTokens: r.inputTokens,
      outputTokens: r.outputTokens,
      model: r.model,
    };
    if (r.ok && r.text) {
      writeCachedDiagnosis(
        {
          version: 1,
          hash: excerpt.hash,
          jobId: outcome.jobId,
          cluster: entry.cluster,
          text: r.text,
          structured: r.structured,
          costUsd: r.costUsd,
          inputTokens: r.inputTokens,
          outputTokens: r.outputTokens,
          model: r.model,
          createdAt: new Date().toISOString(),
          excerptTokens: excerpt.tokens,
        },
        env,
      );
    }
    setDiagnosis(store, key, {
      status: r.ok ? 'done' : 'error',
      text: res.text,
      error: r.error,
      cached: joined,
      costUsd: r.costUsd,
      inputTokens: r.inputTokens,
      outputTokens: r.outputTokens,
    });
    return res;
  } catch (err) {
    return fail(`diagnosis failed: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}`);
  }
}

/** Handle returned by startDiagnosis: the running promise and a way to stop it (SIGINT to claude). */
export interface DiagnosisHandle {
  promise: Promise<DiagnosisOutcome>;
  cancel(): void;
}

const running = new Map<string, DiagnosisHandle>();

/**
 * Fire-and-forget for the TUI's `d` key: progress and the answer appear in `store.diagnoses[key]`.
 * A second call for a key that is still running returns the same handle.
 */
export function startDiagnosis(
  session: Session,
  key: string,
  opts: Omit<DiagnoseOptions, 'key' | 'signal' | 'dryRun'> = {},
): DiagnosisHandle {
  const existing = running.get(key);
  if (existing) return existing;
  const ac = new AbortController();
  const promise = diagnoseJob(session, { ...opts, key, signal: ac.signal }).finally(() => running.delete(key));
  const handle = { promise, cancel: () => ac.abort() };
  running.set(key, handle);
  return handle;
}

/** Stops every running diagnosis (SIGINT to claude): quitting the TUI must not wait for them. */
export function cancelAllDiagnoses(): void {
  for (const h of running.values()) h.cancel();
}
