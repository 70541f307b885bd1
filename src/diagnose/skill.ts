/**
 * `hpc-watch skill install [--project|--user] [--force]`, plus the helpers the runner needs: where
 * Claude Code would find the skill, and the skill text as a file for `--append-system-prompt-file`.
 * The text is bundled (skill-text.ts, generated from skill/monitor-slurm/SKILL.md).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CliOptions } from '../cli-args.js';
import { cacheDir } from '../paths.js';
import { UserError } from '../errors.js';
import { SKILL_MD } from './skill-text.js';

const REL_PATH = join('.claude', 'skills', 'monitor-slurm', 'SKILL.md');

/** Where the skill goes for a scope: `<cwd>/.claude/…` or `~/.claude/…`. */
export function skillPath(scope: 'project' | 'user', cwd = process.cwd(), env: NodeJS.ProcessEnv = process.env): string {
  return join(scope === 'user' ? env.HOME || homedir() : cwd, REL_PATH);
}

/** Whether Claude Code started in `cwd` would find a monitor-slurm skill (project or personal). */
export function skillInstalled(cwd = process.cwd(), env: NodeJS.ProcessEnv = process.env): boolean {
  return existsSync(skillPath('project', cwd, env)) || existsSync(skillPath('user', cwd, env));
}

/** The skill body without frontmatter, as a system prompt (the prompt itself carries the job id). */
export function skillSystemPrompt(): string {
  const body = SKILL_MD.replace(/^---\n[\s\S]*?\n---\n/, '');
  return body.replace(/^Arguments: \$ARGUMENTS\n\n?/m, '');
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
    throw new UserError(`skill install: cannot write ${path}: ${e.code === 'EACCES' ? 'permission denied' : (e.code ?? e.message)}`);
  }
  return { status: 'written', path };
}

/** `hpc-watch skill install`: 0 written or already up to date, 1 an edited file is in the way. */
export async function runSkillInstall(opts: CliOptions): Promise<number> {
  const r = installSkill(skillPath(opts.skillScope), opts.force);
  if (r.status === 'written') process.stdout.write(`wrote ${r.path}\n`);
  else if (r.status === 'up-to-date') process.stdout.write(`already up to date: ${r.path}\n`);
  else {
    process.stderr.write(`hpc-watch: ${r.path} exists and differs from the bundled skill (edited?); use --force to overwrite it\n`);
    return 1;
  }
  return 0;
}
