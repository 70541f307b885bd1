/**
 * Start-up, each figure as a ratio to a baseline measured in the same run:
 * - the TUI's first frame with the user's jobs vs `squeue --me` showing the same job, both in a
 *   real tmux pane against the real cluster (aim ≤ 2.5×); `--demo`'s first frame likewise;
 * - `--summary --json` vs the raw squeue + sacct it issues (aim ≤ +150 ms);
 * - a global install from the packed tarball vs a global install of ssh2 alone (aim ≤ 15 MB);
 * - `hpc-watch --version` vs `node -e 0`.
 * The cluster parts need root, tmux and test/cluster/up; the rest runs anywhere.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SACCT_FIELDS, sacctArgs } from '../parsers/sacct.js';
import { squeueArgs } from '../parsers/squeue.js';
import {
  asUser,
  cliCopyForUsers,
  cliPath,
  clusterProblem,
  jobDir,
  ROOT,
  SLURM_CONF,
  submit,
} from '../test/helpers/cluster.js';

const USER = 'hpcuser2';
const RUNS = 5;
const SESSION = 'hpcw-bench-start';
const userEnv = [
  'env',
  '-i',
  `HOME=/home/${USER}`,
  `USER=${USER}`,
  'PATH=/usr/bin:/bin',
  'TERM=xterm-256color',
  'LANG=C.UTF-8',
  `SLURM_CONF=${SLURM_CONF}`,
];
const asUserArgv = (argv: string[]) => ['runuser', '-u', USER, '--', ...userEnv, ...argv];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${x.toFixed(0)} ms`;
const sleep = (t: number) => new Promise((r) => setTimeout(r, t));

/** Wall time of a command that exits. */
function timed(argv: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`${argv.join(' ')}: exit ${r.status}: ${r.stderr.trim().split('\n').pop()}`);
  return performance.now() - t0;
}

const tmux = (...args: string[]) => execFileSync('tmux', args, { encoding: 'utf8' });

/**
 * Time from respawning the pane with `argv` until `text` is on screen. The tmux server stays up
 * between runs so neither side pays for starting it; screen polling costs both sides the same.
 */
async function toScreen(argv: string[], text: string): Promise<number> {
  tmux('respawn-pane', '-k', '-t', SESSION, 'sleep 600');
  tmux('clear-history', '-t', SESSION);
  await sleep(100);
  const t0 = performance.now();
  tmux('respawn-pane', '-k', '-t', SESSION, ...argv);
  for (;;) {
    if (tmux('capture-pane', '-p', '-t', SESSION).includes(text)) return performance.now() - t0;
    if (performance.now() - t0 > 20_000) throw new Error(`"${text}" not on screen after 20 s of ${argv.join(' ')}`);
    await sleep(5);
  }
}

async function firstFrames(job: string): Promise<void> {
  const cli = cliCopyForUsers();
  tmux('new-session', '-d', '-s', SESSION, '-x', '100', '-y', '30', 'sleep 600');
  tmux('set-option', '-t', SESSION, 'remain-on-exit', 'on');
  try {
    const raw: number[] = [];
    const ours: number[] = [];
    const demo: number[] = [];
    // Interleaved, so a busy moment on the box lands on both sides.
    for (let i = 0; i < RUNS; i++) {
      raw.push(await toScreen(asUserArgv(['squeue', '--me']), job));
      ours.push(await toScreen(asUserArgv([process.execPath, cli]), job));
      demo.push(await toScreen(asUserArgv([process.execPath, cli, '--demo']), 'pretrain'));
    }
    const r = median(raw);
    console.log(
      `first frame with the user's jobs: ${ms(median(ours))} vs squeue --me ${ms(r)} → ${(median(ours) / r).toFixed(2)}× (aim ≤ 2.5×; median of ${RUNS}, tmux 100×30)`,
    );
    console.log(`--demo first frame: ${ms(median(demo))} → ${(median(demo) / r).toFixed(2)}× squeue --me`);
  } finally {
    spawnSync('tmux', ['kill-session', '-t', SESSION]);
  }
}

function summary(): void {
  const cli = cliCopyForUsers();
  const squeue = squeueArgs({ user: 'me', allStates: true });
  const sacct = sacctArgs({ allUsers: false, since: 'now-86400seconds', fields: SACCT_FIELDS });
  const raw: number[] = [];
  const ours: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    raw.push(timed(asUserArgv(squeue)) + timed(asUserArgv(sacct)));
    ours.push(timed(asUserArgv([process.execPath, cli, '--summary', '--json'])));
  }
  const extra = median(ours) - median(raw);
  console.log(
    `--summary --json: ${ms(median(ours))} vs raw squeue + sacct ${ms(median(raw))} → +${ms(extra)} (aim ≤ +150 ms), ${(median(ours) / median(raw)).toFixed(2)}×`,
  );
}

function duMb(dir: string): number {
  return Number(execFileSync('du', ['-sk', dir], { encoding: 'utf8' }).split('\t')[0]) / 1024;
}

function installSize(): void {
  const tmp = mkdtempSync(join(tmpdir(), 'hpcw-bench-install-'));
  try {
    const packed = JSON.parse(
      execFileSync('npm', ['pack', '--json', '--pack-destination', tmp], {
        cwd: ROOT,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }),
    );
    const tarball = join(tmp, packed[0].filename);
    const quiet = ['--no-audit', '--no-fund', '--loglevel=error'];
    execFileSync('npm', ['install', '-g', '--prefix', join(tmp, 'ours'), tarball, ...quiet], { stdio: 'ignore' });
    const ssh2 = JSON.parse(execFileSync('npm', ['pkg', 'get', 'dependencies.ssh2'], { cwd: ROOT, encoding: 'utf8' }));
    execFileSync('npm', ['install', '-g', '--prefix', join(tmp, 'base'), `ssh2@${ssh2}`, ...quiet], {
      stdio: 'ignore',
    });
    const version = execFileSync(join(tmp, 'ours/bin/hpc-watch'), ['--version'], { encoding: 'utf8' }).trim();
    const ours = duMb(join(tmp, 'ours'));
    const base = duMb(join(tmp, 'base'));
    console.log(
      `global install from the tarball: ${ours.toFixed(1)} MB vs ssh2 alone ${base.toFixed(1)} MB → ${(ours / base).toFixed(2)}× (aim ≤ 15 MB); tarball ${(packed[0].size / 1024).toFixed(0)} KB, ${packed[0].entryCount} files; installed --version says ${version}`,
    );
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function version(): void {
  const cli = cliPath();
  const node: number[] = [];
  const ours: number[] = [];
  for (let i = 0; i < RUNS * 2; i++) {
    node.push(timed([process.execPath, '-e', '0']));
    ours.push(timed([process.execPath, cli, '--version']));
  }
  console.log(
    `--version: ${ms(median(ours))} vs node -e 0 ${ms(median(node))} → ${(median(ours) / median(node)).toFixed(2)}×`,
  );
}

export async function benchStartup(): Promise<void> {
  version();
  installSize();
  const problem = clusterProblem() ?? (spawnSync('tmux', ['-V']).status === 0 ? null : 'tmux not installed');
  if (problem) {
    console.log(`first frame and --summary skipped: ${problem}`);
    return;
  }
  const dir = jobDir(USER);
  const ids = [0, 1, 2].map((i) => submit(dir, ['--hold', `--job-name=start-${i}`, 'pending.sbatch'], USER));
  try {
    summary();
    await firstFrames(ids[0]!);
  } finally {
    asUser(USER, ['scancel', ...ids]);
  }
}

if (resolve(process.argv[1] ?? '') === resolve(import.meta.filename)) await benchStartup();
