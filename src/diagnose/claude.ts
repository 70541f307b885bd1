/**
 * Runs one `claude -p` diagnosis with the bundle on stdin and turns whatever happens into a
 * ClaudeResult; it never throws. The bundle travels once, on stdin: with the skill installed the
 * prompt is `/monitor-slurm <id>` (the skill body names only `$0`, the id, so the bundle is not
 * expanded a second time); without it the skill text goes as `--append-system-prompt-file` with a
 * plain prompt. Which route is decided before spawning (findSkill): Claude Code 2.1.2xx+ sends an
 * unknown slash command to the model anyway. Older CLIs answer it with `num_turns == 0` and no
 * text; that still triggers one retry by the system-prompt route. Facts relied on (the real-CLI
 * tests check them): stdout carries one JSON result object whatever the exit code; success is
 * `subtype == "success" && !is_error`; `--json-schema` answers come as `structured_output`, and a
 * model that answers in prose anyway leaves it out; SIGTERM leaves no result, so a timeout or
 * cancel sends SIGINT first.
 */
import { spawn } from 'node:child_process';
import type { ClaudeConfig } from '../config.js';
import { DIAGNOSIS_SCHEMA, parseStructured, type StructuredDiagnosis } from './structured.js';

/** What a diagnosis run produced; `error` is one line for the user when `ok` is false. */
export interface ClaudeResult {
  ok: boolean;
  text: string | null;
  costUsd: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  numTurns: number | null;
  sessionId: string | null;
  model: string | null;
  error: string | null;
  /** The answer as fields, when the model used the `--json-schema` tool. */
  structured: StructuredDiagnosis | null;
  /** The skill did not load on the first try and the run was repeated with the skill as system prompt. */
  retried: boolean;
}

/** Options for one diagnosis call. */
export interface RunClaudeOptions {
  command: readonly string[];
  jobId: string;
  excerpt: string;
  /** The skill text as a file, for the system-prompt route. */
  skillFile?: string;
  /** Whether Claude Code will find the skill (findSkill); false = the system-prompt route from the start. */
  skillInstalled?: boolean;
  config: ClaudeConfig;
  signal?: AbortSignal;
  /** Working directory for claude (project skills load from `<cwd>/.claude/skills`). */
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Between SIGINT and SIGKILL. */
  graceMs?: number;
}

export const DEFAULT_MAX_TURNS = 3;
export const DEFAULT_MAX_BUDGET_USD = 0.25;
export const DEFAULT_TIMEOUT_S = 180;
/** Sent when claude.model is unset: a diagnosis reads a bounded bundle, it needs no frontier model. */
export const DEFAULT_MODEL = 'haiku';
const STDIN_CAP = 10 * 1024 * 1024;
const STDOUT_CAP = 16 * 1024 * 1024;
const STDERR_CAP = 64 * 1024;
export const NOT_FOUND_MESSAGE = 'Claude Code not found: install it or set claude.command / HPCW_CLAUDE_CMD';

/**
 * The agent command: `HPCW_CLAUDE_CMD` (a JSON argv array, or one executable path), else
 * `claude.command` from the config, else `claude`. Returns an error message for a broken env value.
 */
export function resolveClaudeCommand(config: ClaudeConfig, env: NodeJS.ProcessEnv = process.env): string[] | string {
  const raw = env.HPCW_CLAUDE_CMD?.trim();
  if (raw) {
    if (raw.startsWith('[')) {
      try {
        const v: unknown = JSON.parse(raw);
        if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string' && x !== '')) return v as string[];
      } catch {
        // fall through to the message
      }
      return 'HPCW_CLAUDE_CMD: expected a JSON array of strings like ["claude"] or one executable path';
    }
    return [raw];
  }
  if (config.command && config.command.length > 0) return [...config.command];
  return ['claude'];
}

const positive = (v: unknown, fallback: number): number =>
  typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : fallback;

/** Turn limit actually used: at least 2 (`--max-turns 1` may stop before the model answers). */
export function maxTurns(config: ClaudeConfig): number {
  return Math.max(2, Math.floor(positive(config.maxTurns, DEFAULT_MAX_TURNS)));
}

/** The prompt: the skill's slash command, or plain words when the skill text is the system prompt. */
export function claudePrompt(jobId: string, systemPromptFile?: string): string {
  return systemPromptFile ? `Diagnose SLURM job ${jobId} from the failure bundle below.` : `/monitor-slurm ${jobId}`;
}

/** The argv after the command itself; exported so tests show exactly what is run. */
export function claudeArgs(jobId: string, config: ClaudeConfig, systemPromptFile?: string): string[] {
  const turns = maxTurns(config);
  const budget = positive(config.maxBudgetUsd, DEFAULT_MAX_BUDGET_USD);
  const model = typeof config.model === 'string' && config.model ? config.model : DEFAULT_MODEL;
  const args = [
    '-p',
    claudePrompt(jobId, systemPromptFile),
    '--output-format',
    'json',
    '--no-session-persistence',
    '--tools',
    '',
    '--max-turns',
    String(turns),
    '--max-budget-usd',
    String(budget),
    '--model',
    model,
  ];
  if (config.structured !== false) args.push('--json-schema', JSON.stringify(DIAGNOSIS_SCHEMA));
  if (systemPromptFile) args.push('--append-system-prompt-file', systemPromptFile);
  return args;
}

interface Spawned {
  stdout: string;
  stderr: string;
  code: number | null;
  signal: string | null;
  timedOut: boolean;
  cancelled: boolean;
  spawnError: NodeJS.ErrnoException | null;
}

function spawnOnce(argv: string[], opts: RunClaudeOptions, timeoutMs: number): Promise<Spawned> {
  return new Promise((resolve) => {
    const r: Spawned = {
      stdout: '',
      stderr: '',
      code: null,
      signal: null,
      timedOut: false,
      cancelled: false,
      spawnError: null,
    };
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(argv[0]!, argv.slice(1), {
        stdio: ['pipe', 'pipe', 'pipe'],
        cwd: opts.cwd,
        env: opts.env ?? process.env,
      });
    } catch (err) {
      r.spawnError = err as NodeJS.ErrnoException;
      resolve(r);
      return;
    }
    const out: Buffer[] = [];
    let outLen = 0;
    let errText = '';
    child.stdout!.on('data', (b: Buffer) => {
      if (outLen < STDOUT_CAP) out.push(b);
      outLen += b.length;
    });
    child.stderr!.on('data', (b: Buffer) => {
      errText = (errText + b.toString('utf8')).slice(-STDERR_CAP);
    });
    let killTimer: NodeJS.Timeout | null = null;
    const stop = () => {
      if (killTimer) return;
      child.kill('SIGINT');
      killTimer = setTimeout(() => child.kill('SIGKILL'), opts.graceMs ?? 5000);
    };
    const timer = setTimeout(() => {
      r.timedOut = true;
      stop();
    }, timeoutMs);
    const onAbort = () => {
      r.cancelled = true;
      stop();
    };
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (err: NodeJS.ErrnoException) => {
      r.spawnError = err;
    });
    child.stdin!.on('error', () => {
      // claude may exit before reading stdin (bad flag, missing login); its output says why
    });
    child.stdin!.end(opts.excerpt.length > STDIN_CAP ? opts.excerpt.slice(0, STDIN_CAP) : opts.excerpt);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      opts.signal?.removeEventListener('abort', onAbort);
      r.stdout = Buffer.concat(out).toString('utf8');
      r.stderr = errText;
      r.code = code;
      r.signal = signal;
      resolve(r);
    });
  });
}

/** The result object: the whole stdout if it parses, else the last non-empty line that does. */
export function parseResultJson(stdout: string): Record<string, unknown> | null {
  const asObject = (s: string): Record<string, unknown> | null => {
    try {
      const v: unknown = JSON.parse(s);
      return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
    } catch {
      return null;
    }
  };
  const whole = stdout.trim();
  if (!whole) return null;
  const all = asObject(whole);
  if (all) return all;
  const lines = whole.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i]!.trim();
    if (!l) continue;
    const v = asObject(l);
    if (v) return v;
  }
  return null;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** Token totals: `modelUsage` covers every model used; `usage` only the main loop (fallback). */
export function tokenTotals(j: Record<string, unknown>): {
  input: number | null;
  output: number | null;
  model: string | null;
} {
  const mu = j.modelUsage;
  if (mu && typeof mu === 'object' && Object.keys(mu).length > 0) {
    let input = 0;
    let output = 0;
    for (const m of Object.values(mu as Record<string, Record<string, unknown>>)) {
      input +=
        (num(m?.inputTokens) ?? 0) + (num(m?.cacheReadInputTokens) ?? 0) + (num(m?.cacheCreationInputTokens) ?? 0);
      output += num(m?.outputTokens) ?? 0;
    }
    return { input, output, model: Object.keys(mu).join(',') };
  }
  const u = j.usage as Record<string, unknown> | undefined;
  if (!u || typeof u !== 'object') return { input: null, output: null, model: null };
  const input =
    (num(u.input_tokens) ?? 0) + (num(u.cache_read_input_tokens) ?? 0) + (num(u.cache_creation_input_tokens) ?? 0);
  return { input, output: num(u.output_tokens), model: null };
}

const LOGIN_RE =
  /\b(?:log ?in|logged in|\/login|auth(?:entication|orization)?|api[ _-]?key|x-api-key|oauth|credentials?|unauthori[sz]ed|401)\b/i;

const firstLine = (s: string, max = 300): string => {
  const l =
    s
      .split('\n')
      .find((x) => x.trim() !== '')
      ?.trim() ?? '';
  return l.length > max ? `${l.slice(0, max)}…` : l;
};

/** One clear line for a run that did not succeed. */
function explain(sp: Spawned, j: Record<string, unknown> | null, timeoutS: number, cfg: ClaudeConfig): string {
  if (sp.spawnError) {
    const c = sp.spawnError.code;
    if (c === 'ENOENT') return NOT_FOUND_MESSAGE;
    if (c === 'EACCES') return `Claude Code is not executable (${c}): check claude.command / HPCW_CLAUDE_CMD`;
    return `could not start Claude Code: ${firstLine(sp.spawnError.message)}`;
  }
  if (sp.cancelled) return 'diagnosis cancelled';
  if (sp.timedOut)
    return `Claude Code did not answer within ${timeoutS}s; stopped it (raise claude.timeoutS if needed)`;
  if (!j) {
    const said = firstLine(sp.stdout) || firstLine(sp.stderr);
    if (LOGIN_RE.test(`${sp.stdout}\n${sp.stderr}`)) return notLoggedIn(said);
    if (sp.code === 127 && !sp.stdout) return NOT_FOUND_MESSAGE;
    const how = sp.signal ? `killed by ${sp.signal}` : `exit ${sp.code}`;
    return said
      ? `Claude Code answered with something that is not JSON (${how}): ${said}`
      : `Claude Code produced no output (${how})`;
  }
  const errors = Array.isArray(j.errors) ? j.errors.filter((e): e is string => typeof e === 'string') : [];
  const detail = errors.length ? errors.map((e) => firstLine(e, 200)).join('; ') : firstLine(str(j.result) ?? '');
  if (
    LOGIN_RE.test(`${detail}\n${sp.stderr}`) &&
    j.subtype !== 'error_max_turns' &&
    j.subtype !== 'error_max_budget_usd'
  ) {
    return notLoggedIn(detail || firstLine(sp.stderr));
  }
  switch (j.subtype) {
    case 'error_max_turns':
      return `Claude stopped at the turn limit (claude.maxTurns=${maxTurns(cfg)})${detail ? `: ${detail}` : ''}`;
    case 'error_max_budget_usd':
      return `Claude stopped at the budget limit ($${positive(cfg.maxBudgetUsd, DEFAULT_MAX_BUDGET_USD)}, claude.maxBudgetUsd)${detail ? `: ${detail}` : ''}`;
    case 'error_during_execution':
      return `Claude failed during the run${detail ? `: ${detail}` : ''}`;
    default:
      if (j.type !== 'result') return `Claude Code printed JSON that is not a result (type ${String(j.type)})`;
      if (j.subtype === 'success') return `Claude reported an error${detail ? `: ${detail}` : ''}`;
      return `Claude reported an error (${String(j.subtype ?? 'unknown')})${detail ? `: ${detail}` : ''}`;
  }
}

function notLoggedIn(said: string): string {
  return `Claude Code is not logged in: run \`claude\` and /login, or set ANTHROPIC_API_KEY${said ? ` (claude said: ${said})` : ''}`;
}

/** Runs one diagnosis; see the module comment. Never throws. */
export async function runClaude(opts: RunClaudeOptions): Promise<ClaudeResult> {
  const timeoutS = positive(opts.config.timeoutS, DEFAULT_TIMEOUT_S);
  const total: ClaudeResult = {
    ok: false,
    text: null,
    costUsd: null,
    inputTokens: null,
    outputTokens: null,
    numTurns: null,
    sessionId: null,
    model: null,
    error: null,
    structured: null,
    retried: false,
  };
  try {
    if (opts.command.length === 0) return { ...total, error: NOT_FOUND_MESSAGE };
    const first = opts.skillInstalled === false && opts.skillFile ? opts.skillFile : undefined;
    let attempt = await once(opts, first, timeoutS, total);
    if (attempt === 'skill-not-loaded' && opts.skillFile && !first) {
      total.retried = true;
      attempt = await once(opts, opts.skillFile, timeoutS, total);
    }
    if (attempt === 'skill-not-loaded') {
      return {
        ...total,
        ok: false,
        error: 'Claude returned an empty answer (the monitor-slurm skill did not run); try `hpc-watch skill install`',
      };
    }
    return total;
  } catch (err) {
    return {
      ...total,
      ok: false,
      error: `Claude Code run failed: ${firstLine(err instanceof Error ? err.message : String(err))}`,
    };
  }
}

/** One spawn; adds its cost and tokens into `total`. */
async function once(
  opts: RunClaudeOptions,
  skillFile: string | undefined,
  timeoutS: number,
  total: ClaudeResult,
): Promise<'done' | 'skill-not-loaded'> {
  const argv = [...opts.command, ...claudeArgs(opts.jobId, opts.config, skillFile)];
  const sp = await spawnOnce(argv, opts, timeoutS * 1000);
  const j = sp.spawnError || sp.timedOut || sp.cancelled ? null : parseResultJson(sp.stdout);
  if (j) {
    const cost = num(j.total_cost_usd);
    const t = tokenTotals(j);
    if (cost !== null) total.costUsd = (total.costUsd ?? 0) + cost;
    if (t.input !== null) total.inputTokens = (total.inputTokens ?? 0) + t.input;
    if (t.output !== null) total.outputTokens = (total.outputTokens ?? 0) + t.output;
    total.numTurns = num(j.num_turns);
    total.sessionId = str(j.session_id);
    total.model = t.model ?? opts.config.model ?? DEFAULT_MODEL;
  }
  const success = !!j && j.type === 'result' && j.subtype === 'success' && j.is_error !== true;
  if (success) {
    const text = (str(j!.result) ?? '').trim();
    if (num(j!.num_turns) === 0 || text === '') return 'skill-not-loaded';
    total.ok = true;
    total.text = text;
    total.structured = parseStructured(j!.structured_output);
    total.error = null;
    return 'done';
  }
  total.ok = false;
  total.text = null;
  total.error = explain(sp, j, timeoutS, opts.config);
  return 'done';
}
