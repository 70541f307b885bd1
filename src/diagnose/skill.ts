/**
 * `hpc-watch skill install [--project|--user] [--force] [--mcp] [--hook]`, plus the helpers the runner needs: where
 * Claude Code would find the skill, and the skill text as a file for `--append-system-prompt-file`.
 * The text is bundled (skill-text.ts, generated from skill/monitor-slurm/SKILL.md).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { CliOptions } from '../cli-args.js';
import { UserError } from '../errors.js';
import { cacheDir } from '../paths.js';
import { addSessionHook, BRIEF_ARGS, hpcWatchArgv, mcpAddCommand, shellLine, writeMcpJson } from './claude-setup.js';
import { SKILL_MD } from './skill-text.js';

const SKILL_REL = join('skills', 'monitor-slurm', 'SKILL.md');
const COMMAND_REL = join('commands', 'monitor-slurm.md');

/** Claude Code's personal directory: `$CLAUDE_CONFIG_DIR`, else `~/.claude`. */
export function claudeHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.CLAUDE_CONFIG_DIR || join(env.HOME || homedir(), '.claude');
}

/** Where the skill goes for a scope: `<cwd>/.claude/…` or `~/.claude/…`. */
export function skillPath(
  scope: 'project' | 'user',
  cwd = process.cwd(),
  env: NodeJS.ProcessEnv = process.env,
): string {
  return scope === 'user' ? join(claudeHome(env), SKILL_REL) : join(cwd, '.claude', SKILL_REL);
}

/**
 * The monitor-slurm skill Claude Code started in `cwd` would load, or null: a project skill in
 * `cwd` or any parent, the personal one, or the legacy `commands/` form of either. Checked before
 * spawning because Claude Code 2.1.2xx+ no longer stops at an unknown slash command: it calls the
 * model anyway, which would pay for a diagnosis of nothing.
 */
export function findSkill(cwd = process.cwd(), env: NodeJS.ProcessEnv = process.env): string | null {
  const candidates: string[] = [];
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    candidates.push(join(dir, '.claude', SKILL_REL), join(dir, '.claude', COMMAND_REL));
    if (dirname(dir) === dir) break;
  }
  candidates.push(join(claudeHome(env), SKILL_REL), join(claudeHome(env), COMMAND_REL));
  return candidates.find((p) => existsSync(p)) ?? null;
}

/** Whether an installed skill is an older bundled one that still expands `$ARGUMENTS` (the bundle twice). */
export function skillIsStale(path: string): boolean {
  try {
    const text = readFileSync(path, 'utf8');
    return text !== SKILL_MD && text.includes('Arguments: $ARGUMENTS');
  } catch {
    return false;
  }
}

/** The skill body without frontmatter, as a system prompt (the prompt itself carries the job id). */
export function skillSystemPrompt(): string {
  const body = SKILL_MD.replace(/^---\n[\s\S]*?\n---\n/, '');
  return body.replace(/^Job id: \$0\n\n?/m, '');
}

/** Writes the system-prompt form of the skill under the cache dir (once) and returns its path. */
export function skillPromptFile(env: NodeJS.ProcessEnv = process.env): string | null {
  const file = join(cacheDir(env), 'monitor-slurm.system-prompt.md');
  const text = skillSystemPrompt();
  try {
    if (existsSync(file) && readFileSync(file, 'utf8') === text) return file;
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, text);
    renameSync(tmp, file);
    return file;
  } catch {
    return null;
  }
}

/** Outcome of an install, for the CLI and tests. */
export type InstallResult = { status: 'written' | 'up-to-date' | 'differs'; path: string };

/** Writes SKILL.md unless an edited copy is there (then only with force). */
export function installSkill(path: string, force: boolean): InstallResult {
  let existing: string | null = null;
  try {
    existing = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw new UserError(`skill install: cannot read ${path}: ${code ?? (err as Error).message}`);
  }
  if (existing === SKILL_MD) return { status: 'up-to-date', path };
  if (existing !== null && !force) return { status: 'differs', path };
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, SKILL_MD);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new UserError(
      `skill install: cannot write ${path}: ${e.code === 'EACCES' ? 'permission denied' : (e.code ?? e.message)}`,
    );
  }
  return { status: 'written', path };
}

/** `hpc-watch skill install`: 0 written or already up to date, 1 an edited file is in the way. */
export async function runSkillInstall(
  opts: CliOptions,
  cwd = process.cwd(),
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const r = installSkill(skillPath(opts.skillScope, cwd, env), opts.force);
  if (r.status === 'written') out(`wrote ${r.path}`);
  else if (r.status === 'up-to-date') out(`already up to date: ${r.path}`);
  else {
    process.stderr.write(
      `hpc-watch: ${r.path} exists and differs from the bundled skill (edited?); use --force to overwrite it\n`,
    );
    return 1;
  }
  const argv = hpcWatchArgv(env);
  const user = opts.skillScope === 'user';
  if (opts.writeMcp && user) out(`MCP server, for every project: run  ${mcpAddCommand(argv, 'user')}`);
  else if (opts.writeMcp) {
    const path = join(cwd, '.mcp.json');
    out(
      writeMcpJson(path, argv)
        ? `wrote the hpc-watch MCP server into ${path}`
        : `already in ${path}: the hpc-watch MCP server`,
    );
  }
  if (opts.writeHook) {
    // Project scope: the personal settings.local.json, so teammates without hpc-watch are not affected.
    const path = user ? join(claudeHome(env), 'settings.json') : join(cwd, '.claude', 'settings.local.json');
    out(
      addSessionHook(path, argv)
        ? `added a SessionStart hook (${BRIEF_ARGS.join(' ')}) to ${path}`
        : `already in ${path}: the SessionStart hook`,
    );
  }
  const again = shellLine([...argv, 'skill', 'install', ...(user ? ['--user'] : [])]);
  if (!opts.writeMcp || !opts.writeHook) out('Also for Claude Code:');
  if (!opts.writeMcp) {
    out(`  MCP tools (list_jobs, get_job, tail_log, diagnosis_bundle, …):  ${mcpAddCommand(argv, opts.skillScope)}`);
    if (!user) out(`    or, for everyone on this project (.mcp.json):  ${again} --mcp`);
  }
  if (!opts.writeHook) out(`  your jobs at the start of every session (SessionStart hook):  ${again} --hook`);
  return 0;
}
