/**
 * The rest of `hpc-watch skill install`: how Claude Code reaches hpc-watch besides the skill.
 * `--mcp` puts the MCP server into the project's `.mcp.json` (user scope: Claude's own
 * ~/.claude.json is not ours to edit, so the `claude mcp add` line is printed instead); `--hook`
 * adds a SessionStart hook that runs `--summary --brief`, so every session starts knowing the
 * jobs. Existing files are merged, never replaced; a file that is not JSON is left alone.
 */
import { accessSync, constants, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { UserError } from '../errors.js';
import { quoteArg } from '../transport/shell-quote.js';

export const BRIEF_ARGS = ['--summary', '--brief'] as const;
/** Seconds Claude Code gives the hook; a cluster behind a slow SSH login needs a few. */
const HOOK_TIMEOUT_S = 30;

/** How to start this hpc-watch: `hpc-watch` when that is on PATH, else node and this script. */
export function hpcWatchArgv(env: NodeJS.ProcessEnv = process.env, script = process.argv[1]): string[] {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, 'hpc-watch'), constants.X_OK);
      return ['hpc-watch'];
    } catch {
      // not in this directory
    }
  }
  return script ? [process.execPath, realpathSync(script)] : ['hpc-watch'];
}

/** A command line for a POSIX shell, quoting only the words that need it. */
export function shellLine(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w./:@+=-]+$/.test(a) ? a : quoteArg(a))).join(' ');
}

/** The `claude mcp add` line for a scope. */
export function mcpAddCommand(argv: readonly string[], scope: 'project' | 'user'): string {
  return `claude mcp add${scope === 'user' ? ' --scope user' : ''} hpc-watch -- ${shellLine([...argv, 'mcp'])}`;
}

function readJson(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new UserError(
      `skill install: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  try {
    const v: unknown = JSON.parse(text);
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new UserError(`skill install: ${path} is not a JSON object; fix or move it, then run this again`);
}

function writeJson(path: string, value: unknown): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
  } catch (err) {
    throw new UserError(
      `skill install: cannot write ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
}

const obj = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/** Adds (or updates) `mcpServers["hpc-watch"]` in a `.mcp.json`; false when it was already so. */
export function writeMcpJson(path: string, argv: readonly string[]): boolean {
  const doc = readJson(path);
  const servers = obj(doc.mcpServers);
  const entry = { command: argv[0]!, args: [...argv.slice(1), 'mcp'] };
  if (JSON.stringify(servers['hpc-watch']) === JSON.stringify(entry)) return false;
  writeJson(path, { ...doc, mcpServers: { ...servers, 'hpc-watch': entry } });
  return true;
}

/** Adds the SessionStart hook to a Claude Code settings file; false when one running the brief is there. */
export function addSessionHook(path: string, argv: readonly string[]): boolean {
  const doc = readJson(path);
  const hooks = obj(doc.hooks);
  const groups = Array.isArray(hooks.SessionStart) ? (hooks.SessionStart as unknown[]) : [];
  const present = JSON.stringify(groups).includes(BRIEF_ARGS.join(' '));
  if (present) return false;
  const group = { hooks: [{ type: 'command', command: shellLine([...argv, ...BRIEF_ARGS]), timeout: HOOK_TIMEOUT_S }] };
  writeJson(path, { ...doc, hooks: { ...hooks, SessionStart: [...groups, group] } });
  return true;
}
