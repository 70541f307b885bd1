/**
 * The real SLURM cluster from test/cluster/up. Integration tests run against it;
 * without it they are skipped loudly, and under CI=true a skip is a failure.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'vitest';

export const STATE = process.env.HPCW_CLUSTER_DIR || '/tmp/hpcw-cluster';
export const SLURM_CONF = process.env.SLURM_CONF || join(STATE, 'etc/slurm.conf');
export const JOBS_DIR = resolve(import.meta.dirname, '../cluster/jobs');
export const ROOT = resolve(import.meta.dirname, '../..');

let cached: string | null | undefined;

/** null when the cluster answers, else why not. */
export function clusterProblem(): string | null {
  if (cached === undefined) cached = probeCluster();
  return cached;
}

function probeCluster(): string | null {
  if (process.getuid?.() !== 0) return 'integration tests submit jobs as hpcuser and must run as root';
  const r = spawnSync('squeue', ['-h', '-o', '%i'], {
    timeout: 10_000,
    env: { ...process.env, SLURM_CONF },
    encoding: 'utf8',
  });
  if (r.error) return `squeue not runnable (${(r.error as NodeJS.ErrnoException).code}); start it with test/cluster/up`;
  if (r.status !== 0) return `squeue failed: ${r.stderr.trim().split('\n')[0]}; start it with test/cluster/up`;
  return null;
}

/** describe() that needs the cluster: skipped with a loud warning locally, failing under CI. */
export function describeCluster(name: string, fn: () => void): void {
  const problem = clusterProblem();
  if (!problem) {
    describe(name, fn);
    return;
  }
  if (process.env.CI === 'true' || process.env.CI === '1') {
    describe(name, () => {
      it('needs the real SLURM cluster (CI=true: a skip is a failure)', () => {
        throw new Error(`integration cluster unavailable: ${problem}`);
      });
    });
    return;
  }
  console.warn(`\n*** SKIPPING integration suite "${name}": ${problem} ***\n`);
  describe.skip(name, fn);
}

/** Runs a SLURM client as a test user with a clean, login-like environment. */
export function asUser(user: string, argv: string[], cwd?: string): string {
  return execFileSync(
    'runuser',
    [
      '-u',
      user,
      '--',
      'env',
      '-i',
      `HOME=/home/${user}`,
      `USER=${user}`,
      `LOGNAME=${user}`,
      'PATH=/usr/local/bin:/usr/bin:/bin',
      'LANG=C.UTF-8',
      `SLURM_CONF=${SLURM_CONF}`,
      ...argv,
    ],
    { cwd, encoding: 'utf8', timeout: 30_000 },
  );
}

/** A fresh job directory (with logs/) owned by the user, holding the sample scripts. */
export function jobDir(user = 'hpcuser'): string {
  const dir = join(STATE, 'jobs', user, `it-${Date.now()}-${process.pid}`);
  mkdirSync(join(dir, 'logs'), { recursive: true });
  for (const f of readdirSync(JOBS_DIR)) if (f.endsWith('.sbatch')) cpSync(join(JOBS_DIR, f), join(dir, f));
  execFileSync('chown', ['-R', `${user}:`, dir]);
  return dir;
}

/** sbatch as the user; returns the job id. */
export function submit(dir: string, args: string[], user = 'hpcuser'): string {
  const out = asUser(user, ['sbatch', '--parsable', ...args], dir).trim();
  return out.split(';')[0]!;
}

/** Absolute path of the built CLI (builds it once if missing). */
export function cliPath(): string {
  const p = join(ROOT, 'dist/cli.js');
  if (!existsSync(p)) execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
  return p;
}

let userCli: string | null = null;

/** A world-readable copy of dist/ so the CLI can run as a test user (the checkout may be private). */
export function cliCopyForUsers(): string {
  if (userCli) return userCli;
  cliPath();
  const dir = join(STATE, `hpcw-dist-${process.pid}`);
  cpSync(join(ROOT, 'dist'), dir, { recursive: true });
  chmodSync(dir, 0o755);
  execFileSync('chmod', ['-R', 'a+rX', dir]);
  userCli = join(dir, 'cli.js');
  return userCli;
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * spawnSync kills the child at 1 MiB of output by default; `--summary --json --all-users` on a
 * cluster the whole suite has been submitting to passes that (a truncated document, code null).
 */
const MAX_OUTPUT = 256 * 1024 * 1024;

/** Runs the built CLI (as root, or as a user with a clean environment). */
export function runCli(
  args: string[],
  opts: { user?: string; env?: Record<string, string>; timeoutMs?: number } = {},
): CliRun {
  const timeout = opts.timeoutMs ?? 60_000;
  const r = opts.user
    ? spawnSync(
        'runuser',
        [
          '-u',
          opts.user,
          '--',
          'env',
          '-i',
          `HOME=/home/${opts.user}`,
          `USER=${opts.user}`,
          'PATH=/usr/local/bin:/usr/bin:/bin',
          'LANG=C.UTF-8',
          `SLURM_CONF=${SLURM_CONF}`,
          `XDG_CACHE_HOME=/tmp/hpcw-it-cache-${opts.user}`,
          process.execPath,
          cliCopyForUsers(),
          ...args,
        ],
        { encoding: 'utf8', timeout, maxBuffer: MAX_OUTPUT },
      )
    : spawnSync(process.execPath, [cliPath(), ...args], {
        encoding: 'utf8',
        timeout,
        maxBuffer: MAX_OUTPUT,
        env: { ...process.env, SLURM_CONF, XDG_CACHE_HOME: join(STATE, 'it-cache'), ...opts.env },
      });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** Polls `fn` until it returns a truthy value or the time runs out. */
export async function until<T>(
  fn: () => T | null | undefined | false | Promise<T | null | undefined | false>,
  timeoutMs: number,
  stepMs = 1000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
