/** `hpc-watch diagnose` through the built CLI, against the built-in demo cluster and the claude stand-in. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STUB_DIR, stubCalls } from './diagnose-helpers.js';
import { cliPath } from './helpers/cluster.js';

let dir: string;
let rec: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hpcw-dcli-'));
  rec = join(dir, 'calls');
  mkdirSync(join(dir, 'home'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[], extra: Record<string, string> = {}) {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${STUB_DIR}:${process.env.PATH}`,
    CLAUDE_STUB_DIR: rec,
    CLAUDE_STUB_MODE: 'success',
    XDG_CACHE_HOME: join(dir, 'cache'),
    XDG_CONFIG_HOME: join(dir, 'config'),
    HOME: join(dir, 'home'),
    HPCW_CLAUDE_CMD: '',
    ...extra,
  };
  const r = spawnSync(process.execPath, [cliPath(), ...args], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('hpc-watch diagnose (demo cluster)', () => {
  it('diagnoses a failed job, prints JSON, then answers from the cache, and again with --force', () => {
    let r = cli(['diagnose', '4104', '--demo', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({
      job_id: '4104',
      cached: false,
      ok: true,
      cost_usd: 0.0123,
      input_tokens: 1234,
      output_tokens: 456,
      error: null,
      redactions: 0,
    });
    expect(j.text).toContain('**Class:** GPU OOM');
    expect(j.excerpt_tokens).toBeGreaterThan(20);
    const [call] = stubCalls(rec);
    expect(call!.stdin).toContain("ModuleNotFoundError: No module named 'flash_attn'");
    expect(call!.stdin).toContain('id=4104 name=eval-llm state=FAILED exit=1:0');
    // No skill where claude looks (cwd and HOME are fresh): plain prompt, skill text as system prompt.
    expect(call!.argv.slice(0, 2)).toEqual(['-p', 'Diagnose SLURM job 4104 from the failure bundle below.']);
    expect(call!.appendText).toContain('### TRACEBACK');

    r = cli(['diagnose', '4104', '--demo', '--json']);
    expect(JSON.parse(r.stdout)).toMatchObject({ cached: true, ok: true, text: j.text });
    expect(stubCalls(rec)).toHaveLength(1);

    r = cli(['diagnose', '4104', '--demo', '--force']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\*\*Class:\*\* GPU OOM[\s\S]*\n\ncost \$0\.0123 · 1234 in \/ 456 out tokens\n$/);
    expect(stubCalls(rec)).toHaveLength(2);
  });

  it('prints exactly the bytes it would send with --dry-run, and sends nothing', () => {
    const r = cli(['diagnose', '4104', '--demo', '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^### JOB\nid=4104 /);
    expect(r.stdout).toContain('### TRACEBACK');
    expect(r.stderr).toMatch(
      /^hpc-watch: dry run for job 4104: \d+ tokens \(budget 6000\), 0 secrets redacted; nothing sent\n$/,
    );
    expect(stubCalls(rec)).toHaveLength(0);
    cli(['diagnose', '4104', '--demo']);
    // The demo writes its logs to a fresh temp dir per run.
    const norm = (t: string) => t.replace(/hpc-watch-demo-\w+/g, 'hpc-watch-demo-X');
    expect(norm(stubCalls(rec)[0]!.stdin)).toBe(norm(r.stdout));
  });

  it('refuses politely: a job that has not failed, an unknown job', () => {
    let r = cli(['diagnose', '4103', '--demo']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^hpc-watch: job 4103 is (PENDING and has not run yet|still RUNNING); nothing to diagnose/,
    );
    r = cli(['diagnose', '999999', '--demo', '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({
      job_id: '999999',
      ok: false,
      error: 'job 999999 not found (neither squeue nor sacct know it)',
    });
    expect(stubCalls(rec)).toHaveLength(0);
  });

  it('turns claude problems into one line and exit 1', () => {
    let r = cli(['diagnose', '4104', '--demo'], { PATH: join(dir, 'no-bin') });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('hpc-watch: Claude Code not found: install it or set claude.command / HPCW_CLAUDE_CMD\n');
    r = cli(['diagnose', '4104', '--demo'], {
      HPCW_CLAUDE_CMD: join(STUB_DIR, 'claude'),
      CLAUDE_STUB_MODE: 'invalid-json',
      PATH: process.env.PATH ?? '',
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^hpc-watch: Claude Code answered with something that is not JSON/);
    r = cli(['diagnose', '4104', '--demo', '--json'], { CLAUDE_STUB_MODE: 'max-turns' });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: expect.stringMatching(/turn limit/) });
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('gives usage errors exit 2', () => {
    expect(cli(['diagnose']).code).toBe(2);
    const r = cli(['diagnose', 'x;rm']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^hpc-watch: not a job id/);
  });
});
