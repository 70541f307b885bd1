import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findSkill, installSkill, skillIsStale, skillPath, skillSystemPrompt } from '../src/diagnose/skill.js';
import { SKILL_MD } from '../src/diagnose/skill-text.js';
import { cliPath } from './helpers/cluster.js';

const ROOT = resolve(import.meta.dirname, '..');
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hpcw-skill-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the monitor-slurm skill text', () => {
  it('is bundled identical to skill/monitor-slurm/SKILL.md (else run node scripts/gen-skill-text.mjs)', () => {
    expect(SKILL_MD).toBe(readFileSync(join(ROOT, 'skill/monitor-slurm/SKILL.md'), 'utf8'));
  });

  it('has valid frontmatter and stays short', () => {
    const m = /^---\n([\s\S]*?)\n---\n/.exec(SKILL_MD);
    expect(m).not.toBeNull();
    const fm = Object.fromEntries(
      m![1]!.split('\n').map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]),
    );
    expect(fm.name).toBe('monitor-slurm');
    expect(fm.description!.length).toBeGreaterThan(40);
    expect(fm.description!.length).toBeLessThanOrEqual(1024);
    expect(fm['argument-hint']).toBe('"[jobid]"');
    expect(fm['allowed-tools']).toContain('Bash(hpc-watch *)');
    expect(fm['allowed-tools']).toContain('Bash(sacct *)');
    expect(SKILL_MD.split('\n').length).toBeLessThan(80);
    for (const s of [
      'hpc-watch --summary --json',
      'hpc-watch inspect --json',
      'sacct',
      '### JOB',
      '### TRACEBACK',
      'REDACTED',
      '200 words',
    ]) {
      expect(SKILL_MD).toContain(s);
    }
  });

  it('has a system-prompt form without frontmatter or placeholders', () => {
    const p = skillSystemPrompt();
    expect(p.startsWith('---')).toBe(false);
    expect(p).not.toContain('$ARGUMENTS');
    expect(p).not.toContain('$0');
    expect(p).toContain('### TRACEBACK');
  });

  it('names only the job id ($0), never all arguments: the stdin bundle must not be expanded twice', () => {
    expect(SKILL_MD).toContain('Job id: $0\n');
    expect(SKILL_MD).not.toContain('$ARGUMENTS');
  });
});

describe('findSkill: where Claude Code would load monitor-slurm from', () => {
  const put = (p: string) => {
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, 'x');
  };

  it('finds a project skill in cwd or any parent, the personal one, and the legacy commands form', () => {
    const home = join(dir, 'home');
    const cwd = join(dir, 'a', 'b', 'c');
    mkdirSync(cwd, { recursive: true });
    const env = { HOME: home };
    expect(findSkill(cwd, env)).toBeNull();
    put(join(home, '.claude/commands/monitor-slurm.md'));
    expect(findSkill(cwd, env)).toBe(join(home, '.claude/commands/monitor-slurm.md'));
    put(join(home, '.claude/skills/monitor-slurm/SKILL.md'));
    expect(findSkill(cwd, env)).toBe(join(home, '.claude/skills/monitor-slurm/SKILL.md'));
    put(join(dir, 'a', '.claude/skills/monitor-slurm/SKILL.md'));
    expect(findSkill(cwd, env)).toBe(join(dir, 'a', '.claude/skills/monitor-slurm/SKILL.md'));
    put(join(cwd, '.claude/commands/monitor-slurm.md'));
    expect(findSkill(cwd, env)).toBe(join(cwd, '.claude/commands/monitor-slurm.md'));
  });

  it('follows CLAUDE_CONFIG_DIR for the personal skill', () => {
    const cfg = join(dir, 'cfg');
    put(join(cfg, 'skills/monitor-slurm/SKILL.md'));
    expect(findSkill(join(dir), { HOME: join(dir, 'nohome'), CLAUDE_CONFIG_DIR: cfg })).toBe(
      join(cfg, 'skills/monitor-slurm/SKILL.md'),
    );
    expect(skillPath('user', '/x', { CLAUDE_CONFIG_DIR: cfg })).toBe(join(cfg, 'skills/monitor-slurm/SKILL.md'));
  });

  it('calls an installed older skill stale only when it still expands $ARGUMENTS', () => {
    const p = join(dir, 'SKILL.md');
    writeFileSync(p, SKILL_MD.replace('Job id: $0', 'Arguments: $ARGUMENTS'));
    expect(skillIsStale(p)).toBe(true);
    writeFileSync(p, SKILL_MD);
    expect(skillIsStale(p)).toBe(false);
    writeFileSync(p, '# my own skill\nJob: $0\n');
    expect(skillIsStale(p)).toBe(false);
    expect(skillIsStale(join(dir, 'missing'))).toBe(false);
  });
});

describe('skill install', () => {
  it('writes, then reports up to date, then refuses to overwrite an edited copy without --force', () => {
    const p = skillPath('project', dir, {});
    expect(p).toBe(join(dir, '.claude/skills/monitor-slurm/SKILL.md'));
    expect(installSkill(p, false)).toEqual({ status: 'written', path: p });
    expect(readFileSync(p, 'utf8')).toBe(SKILL_MD);
    expect(installSkill(p, false).status).toBe('up-to-date');
    writeFileSync(p, `${SKILL_MD}\n# my notes\n`);
    expect(installSkill(p, false).status).toBe('differs');
    expect(readFileSync(p, 'utf8')).toContain('my notes');
    expect(installSkill(p, true).status).toBe('written');
    expect(readFileSync(p, 'utf8')).toBe(SKILL_MD);
  });

  it('puts the user skill under $HOME/.claude/skills', () => {
    expect(skillPath('user', '/somewhere', { HOME: dir })).toBe(join(dir, '.claude/skills/monitor-slurm/SKILL.md'));
  });

  it('works from the built CLI (project and user scope, exit codes)', () => {
    // Built by `npm test` first (or here when missing); rebuilding would race other test files.
    const cli = cliPath();
    const home = join(dir, 'home');
    const proj = join(dir, 'proj');
    mkdirSync(home);
    mkdirSync(proj);
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [cli, 'skill', 'install', ...args], {
        cwd: proj,
        encoding: 'utf8',
        env: { ...process.env, HOME: home },
      });
    let r = run();
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe(`wrote ${join(proj, '.claude/skills/monitor-slurm/SKILL.md')}`);
    // What else to wire up, as commands to paste.
    expect(r.stdout).toMatch(/\n {2}MCP tools .*: {2}claude mcp add hpc-watch -- .* mcp\n/);
    expect(r.stdout).toMatch(/SessionStart hook\): {2}.* skill install --hook\n$/);
    r = run('--project');
    expect(r.stdout).toMatch(/^already up to date: /);
    r = run('--user');
    expect(r.stdout.split('\n')[0]).toBe(`wrote ${join(home, '.claude/skills/monitor-slurm/SKILL.md')}`);
    writeFileSync(join(home, '.claude/skills/monitor-slurm/SKILL.md'), 'edited');
    r = run('--user');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/differs from the bundled skill .*--force/);
    expect(run('--user', '--force').status).toBe(0);
  }, 60_000);
});
