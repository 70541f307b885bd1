/**
 * What each MCP tool answers, from the same code as the headless modes: `--summary --json`
 * (buildSummary/summaryJob), `inspect --json` (inspectFile), `diagnose --dry-run`
 * (prepareExcerpt) and the slurm layer's cancelJob. Handlers return a JSON value or text and
 * throw ToolError for anything the caller got wrong; server.ts redacts every answer.
 */
import { decodeLogBytesCompact } from '../../parsers/decode.js';
import { isEnded, isFailure, isQueued, isRunning, toJobState } from '../../parsers/job-state.js';
import { splitLogLines } from '../../parsers/lines.js';
import { sanitizeLogLine } from '../../parsers/sanitize.js';
import { parseJobId } from '../../parsers/slurm-fields.js';
import type { ClaudeConfig } from '../config.js';
import { prepareExcerpt } from '../diagnose/run.js';
import { inspectFile, toJson as inspectJson } from '../headless/inspect.js';
import { buildSummary, type SummaryJob, summaryJob } from '../headless/summary-json.js';
import { cancelJob } from '../slurm/actions.js';
import type { JobEntry, Store } from '../store.js';
import { readTail } from '../tail/read-tail.js';
import type { Transport } from '../transport/types.js';

/** A mistake the caller can fix; its message is the whole answer. */
export class ToolError extends Error {}

/** What the tools need: the session's store and transports, and ways to refresh and look up. */
export interface McpDeps {
  store: Store;
  /** The session's clusters (empty until it has opened: call refresh first). */
  readonly clusters: readonly { name: string; transport: Transport }[];
  /**
   * Brings the store up to date (rate-limited; waits for the session to open); throws only when nothing can be shown.
   */
  refresh(): Promise<void>;
  /** The next refresh polls even if the last one was recent (after a cancel). */
  invalidate(): void;
  /** A job outside the watched set, by id (see lookup.ts). */
  lookup(cluster: string, jobId: string): Promise<JobEntry[]>;
  /** Live usage (sstat) of a running job, the expected start of a pending one: one job, rate-limited. */
  details?(key: string): Promise<void>;
  /** The login user on that cluster (`id -un` through its transport), or null when unknown. */
  loginUser(cluster: string): Promise<string | null>;
  /** Whether the session watches every user's jobs (`--all-users`). */
  allUsers: boolean;
  /** How far back ended jobs are watched (seconds). */
  sinceS: number;
  tailBytes: number;
  claude: ClaudeConfig;
  env: NodeJS.ProcessEnv;
  now?: () => number;
}

const MAX_TAIL_READ = 256 * 1024;
const STATE_GROUPS: Record<string, (e: JobEntry) => boolean> = {
  queued: (e) => isQueued(e.job.state),
  running: (e) => isRunning(e.job.state),
  ended: (e) => isEnded(e.job.state),
  failed: (e) => isFailure(e.job.state),
};

/** A summary job without its null or empty fields: the same data, fewer tokens on every turn. */
export function compactJob(j: SummaryJob): Record<string, unknown> {
  return withoutNulls(j as unknown as Record<string, unknown>);
}

/** Null fields and empty objects left out at every depth (efficiency, pending…): context is paid per token. */
function withoutNulls(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    const value =
      v !== null && typeof v === 'object' && !Array.isArray(v) ? withoutNulls(v as Record<string, unknown>) : v;
    if (value === null || (typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0))
      continue;
    out[k] = value;
  }
  return out;
}

function durationS(s: string, what: string): number {
  const m = /^(\d+)\s*([smhdw])$/i.exec(s.trim());
  if (!m) throw new ToolError(`${what}: expected a duration like 30m, 6h or 2d, got ${JSON.stringify(s).slice(0, 40)}`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400, w: 604800 }[m[2]!.toLowerCase() as 's'];
}

function stateFilter(state: string): (e: JobEntry) => boolean {
  const word = state.trim().toLowerCase();
  const group = STATE_GROUPS[word];
  if (group) return group;
  const exact = toJobState(word);
  if (exact === 'UNKNOWN' && word !== 'unknown') {
    throw new ToolError(
      `state: unknown state ${JSON.stringify(state).slice(0, 40)}; use queued, running, ended, failed or a SLURM state such as FAILED`,
    );
  }
  return (e) => e.job.state === exact;
}

function checkCluster(deps: McpDeps, cluster: string | undefined): void {
  if (cluster !== undefined && !deps.clusters.some((c) => c.name === cluster)) {
    throw new ToolError(
      `unknown cluster ${JSON.stringify(cluster).slice(0, 40)} (known: ${deps.clusters.map((c) => c.name).join(', ')})`,
    );
  }
}

/** `list_jobs`: the `--summary --json` document, filtered, newest work first, at most `limit` jobs. */
export async function listJobs(
  deps: McpDeps,
  a: { state?: string; since?: string; all_users?: boolean; cluster?: string; limit?: number },
): Promise<unknown> {
  await deps.refresh();
  checkCluster(deps, a.cluster);
  const filters: ((e: JobEntry) => boolean)[] = [];
  if (a.state !== undefined) filters.push(stateFilter(a.state));
  const now = (deps.now ?? Date.now)();
  let note: string | undefined;
  if (a.since !== undefined) {
    const s = durationS(a.since, 'since');
    if (s > deps.sinceS)
      note = `ended jobs are watched for ${Math.round(deps.sinceS / 3600)}h only (hpc-watch mcp --since widens that)`;
    filters.push((e) => !isEnded(e.job.state) || !e.job.end_time || Date.parse(e.job.end_time) >= now - s * 1000);
  }
  if (a.all_users && !deps.allUsers)
    throw new ToolError(
      'this server watches only your jobs; start it as `hpc-watch mcp --all-users` to list everyone’s',
    );
  const state = deps.store.getState();
  let entries = Object.values(state.jobs).filter(
    (e) => !e.notFound && (a.cluster === undefined || e.cluster === a.cluster),
  );
  if (deps.allUsers && !a.all_users) {
    const me = new Map<string, string | null>();
    for (const c of deps.clusters) me.set(c.name, await deps.loginUser(c.name));
    entries = entries.filter((e) => e.job.user !== null && e.job.user === me.get(e.cluster));
  }
  entries = entries.filter((e) => filters.every((f) => f(e)));
  const doc = buildSummary({ ...state, jobs: Object.fromEntries(entries.map((e) => [e.key, e])) }, now);
  const limit = a.limit ?? 20;
  return {
    generated_at: doc.generated_at,
    clusters: doc.clusters,
    total: doc.jobs.length,
    ...(doc.jobs.length > limit ? { shown: limit } : {}),
    ...(note ? { note } : {}),
    jobs: doc.jobs.slice(0, limit).map(compactJob),
  };
}

/** The entries for a job id (one job, or an array's tasks), from the watched set or a one-off lookup. */
async function findJob(deps: McpDeps, jobId: string, cluster: string | undefined): Promise<JobEntry[]> {
  const id = parseJobId(jobId);
  if (id === null)
    throw new ToolError(`job_id: not a job id: ${JSON.stringify(jobId).slice(0, 40)} (expected e.g. 12345, 12345_7)`);
  await deps.refresh();
  checkCluster(deps, cluster);
  const jobs = Object.values(deps.store.getState().jobs).filter(
    (e) => !e.notFound && (cluster === undefined || e.cluster === cluster),
  );
  let found = jobs.filter((e) => e.job.job_id === id);
  if (found.length === 0) found = jobs.filter((e) => e.job.array_job_id === id);
  if (found.length === 0) {
    for (const c of deps.clusters) {
      if (cluster !== undefined && c.name !== cluster) continue;
      found.push(...(await deps.lookup(c.name, id)));
    }
  }
  if (found.length === 0)
    throw new ToolError(`job ${id} not found${cluster ? ` on ${cluster}` : ''} (neither squeue nor sacct know it)`);
  const clusters = [...new Set(found.map((e) => e.cluster))];
  if (clusters.length > 1) throw new ToolError(`job ${id} exists on ${clusters.join(' and ')}: give cluster`);
  return found;
}

/** One job, for the tools that read one job's logs. */
async function oneJob(
  deps: McpDeps,
  jobId: string,
  cluster: string | undefined,
): Promise<{ entry: JobEntry; transport: Transport }> {
  const found = await findJob(deps, jobId, cluster);
  if (found.length > 1) {
    throw new ToolError(
      `job ${jobId} is an array of ${found.length} tasks: give a task id such as ${found[0]!.job.job_id}`,
    );
  }
  const entry = found[0]!;
  const transport = deps.clusters.find((c) => c.name === entry.cluster)!.transport;
  return { entry, transport };
}

/** `get_job`: one job as in `--summary --json`; an array id gives its tasks. */
export async function getJob(deps: McpDeps, a: { job_id: string; cluster?: string }): Promise<unknown> {
  const found = await findJob(deps, a.job_id, a.cluster);
  // One job is worth an sstat (an array's tasks are not: that would be one per task).
  if (found.length === 1) await deps.details?.(found[0]!.key);
  const now = (deps.now ?? Date.now)();
  const state = deps.store.getState();
  const view = (e: JobEntry) => compactJob(summaryJob(state.jobs[e.key] ?? e, now, state));
  if (found.length === 1) return view(found[0]!);
  return { array_job_id: a.job_id, tasks: found.map(view) };
}

/** `tail_log`: the last lines of one log, redraws collapsed, escapes removed. */
export async function tailLog(
  deps: McpDeps,
  a: { job_id: string; cluster?: string; stream?: 'out' | 'err'; lines?: number },
): Promise<string> {
  const { entry, transport } = await oneJob(deps, a.job_id, a.cluster);
  const stream = a.stream ?? 'out';
  const info = stream === 'err' ? (entry.stderr ?? entry.stdout) : entry.stdout;
  if (!info)
    throw new ToolError(
      `job ${entry.job.job_id} has no ${stream === 'err' ? 'stderr' : 'stdout'} log path known yet (state ${entry.job.state})`,
    );
  let tail: Awaited<ReturnType<typeof readTail>>;
  try {
    tail = await readTail(transport, info.path, Math.min(deps.tailBytes, MAX_TAIL_READ));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new ToolError(
      `${info.path}: ${e.code === 'EACCES' ? 'permission denied' : (e.code ?? e.message.split('\n')[0])}`,
    );
  }
  if (!tail) throw new ToolError(`${info.path} does not exist (yet)`);
  const all = splitLogLines(decodeLogBytesCompact(tail.bytes)).map(sanitizeLogLine);
  while (all.length > 0 && all.at(-1) === '') all.pop();
  const lines = all.slice(-(a.lines ?? 50));
  const shared = entry.stderr?.path === entry.stdout?.path ? ' (stdout and stderr share this file)' : '';
  return `# ${info.path}: last ${lines.length} lines of ${tail.size} bytes, job ${entry.job.job_id} ${entry.job.state}${shared}\n${lines.join('\n')}\n`;
}

/** `inspect_log`: `hpc-watch inspect --json` of one file on this machine. */
export async function inspectLog(deps: McpDeps, a: { path: string }): Promise<unknown> {
  const r = await inspectFile(a.path, deps.tailBytes);
  if ('error' in r) throw new ToolError(`${a.path}: ${r.error}`);
  return inspectJson(r);
}

/** `diagnosis_bundle`: what `hpc-watch diagnose --dry-run` prints, for diagnosing in this session. */
export async function diagnosisBundle(deps: McpDeps, a: { job_id: string; cluster?: string }): Promise<string> {
  const { entry, transport } = await oneJob(deps, a.job_id, a.cluster);
  if (isQueued(entry.job.state))
    throw new ToolError(`job ${entry.job.job_id} is ${entry.job.state} and has not run yet; nothing to diagnose`);
  const { excerpt, failure } = await prepareExcerpt(transport, entry, {
    force: true,
    tailBytes: deps.tailBytes,
    budgetTokens: deps.claude.tokenBudget,
    env: deps.env,
  });
  if (!failure)
    throw new ToolError(
      `job ${entry.job.job_id} (${entry.job.state}) shows no failure in its SLURM state or its logs; nothing to diagnose`,
    );
  const head = `# diagnosis bundle, job ${entry.job.job_id} on ${entry.cluster}: ~${excerpt.tokens} tokens, ${excerpt.redactions} secrets redacted. Answer: class, evidence (quoted), root cause, fix.`;
  return `${head}\n${excerpt.text}`;
}

/** `cancel_job`: scancel, only for a job the login user owns and that has not ended. */
export async function cancelOwnJob(deps: McpDeps, a: { job_id: string; cluster?: string }): Promise<unknown> {
  const found = await findJob(deps, a.job_id, a.cluster);
  const cluster = found[0]!.cluster;
  const id = found.length === 1 ? found[0]!.job.job_id : a.job_id.trim();
  const open = found.filter((e) => !isEnded(e.job.state));
  if (open.length === 0) throw new ToolError(`job ${id} has already ended (${found[0]!.job.state}); nothing to cancel`);
  const me = await deps.loginUser(cluster);
  if (!me)
    throw new ToolError(`cannot tell which user you are on ${cluster} (\`id -un\` failed); not cancelling job ${id}`);
  const theirs = found.find((e) => e.job.user !== me);
  if (theirs) {
    throw new ToolError(
      `job ${id} belongs to ${theirs.job.user ?? 'an unknown user'}, not to you (${me} on ${cluster}); hpc-watch cancels only your own jobs`,
    );
  }
  const transport = deps.clusters.find((c) => c.name === cluster)!.transport;
  const r = await cancelJob(transport, id);
  if (!r.ok) throw new ToolError(r.message);
  deps.invalidate();
  return { job_id: id, cluster, cancelled: true, message: r.message };
}
