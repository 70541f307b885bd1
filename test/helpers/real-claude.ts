/**
 * The real Claude Code CLI for tests: the pinned binary that scripts/install-claude.mjs puts in a
 * cache (CI runs it in .ci/run and exports HPCW_TEST_CLAUDE), run offline against the Messages-API
 * stand-in. Missing binary: the suite is skipped loudly, and under CI=true that is a failure.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'vitest';
import { claudeBinPath } from '../../scripts/claude-path.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
export const CLAUDE_VERSION: string = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).config
  .claudeCodeVersion;

/** The binary, or null when it is not installed. */
export function realClaudeBin(): string | null {
  const bin: string = process.env.HPCW_TEST_CLAUDE || claudeBinPath(CLAUDE_VERSION).bin;
  try {
    accessSync(bin, constants.X_OK);
    return bin;
  } catch {
    return null;
  }
}

/** describe() that needs the real CLI. */
export function describeRealClaude(name: string, fn: (bin: string) => void): void {
  const bin = realClaudeBin();
  if (bin) {
    describe(name, () => fn(bin));
    return;
  }
  const why = `the real claude CLI ${CLAUDE_VERSION} is not installed: run node scripts/install-claude.mjs`;
  if (process.env.CI === 'true' || process.env.CI === '1') {
    describe(name, () => {
      it('needs the real claude CLI (CI=true: a skip is a failure)', () => {
        throw new Error(why);
      });
    });
    return;
  }
  console.warn(`\n*** SKIPPING "${name}": ${why} ***\n`);
  describe.skip(name, () => fn(''));
}

/**
 * The environment for an offline run: a throw-away HOME, the stand-in as API, no telemetry, no
 * retries (the CLI retries API errors with backoff for minutes). Nothing else leaks in.
 */
export function claudeEnv(
  standinUrl: string,
  home: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    TMPDIR: home,
    ANTHROPIC_BASE_URL: standinUrl,
    ANTHROPIC_API_KEY: 'dummy',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_TELEMETRY: '1',
    CLAUDE_CODE_MAX_RETRIES: '0',
    ...extra,
  };
}

/** Occurrences of `needle` in `hay`. */
export const count = (hay: string, needle: string): number => hay.split(needle).length - 1;

/**
 * Runs a program without blocking the event loop (spawnSync would starve the in-process
 * stand-in that the program is talking to). Killed with SIGKILL after `timeoutMs`.
 */
export function runAsync(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env: Record<string, string>; timeoutMs?: number; input?: string },
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString('utf8');
    });
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString('utf8');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      done({ status, stdout, stderr });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
  });
}
