/**
 * Controller load, measured with sdiag's per-user RPC counts on the real cluster:
 * hpc-watch watching 40 pending jobs and 1 running job, against `squeue` every 2 s; and the
 * TUI on its table, then with the running job's view open (on-demand sstat).
 * Needs root and test/cluster/up (and tmux for the TUI rows); prints a skip line otherwise.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseSdiagUserRpcCounts } from '../parsers/sdiag.js';
import { asUser, cliCopyForUsers, clusterProblem, jobDir, SLURM_CONF, submit } from '../test/helpers/cluster.js';

const USER = 'hpcuser2';
const WINDOW_S = 60;
const WARMUP_S = 30;

function rpcCount(): number {
  const text = execFileSync('sdiag', [], { encoding: 'utf8', env: { ...process.env, SLURM_CONF } });
  return parseSdiagUserRpcCounts(text).get(USER) ?? 0;
}

const sleep = (s: number) => new Promise((r) => setTimeout(r, s * 1000));

/**
 * hpc-watch as the user, started by Node itself with the user's uid (no runuser in between, which
 * left `events` running after its SIGINT and so counted it in the next rows); returns the stop.
 */
function watchAs(cli: string, args: string[], env: Record<string, string> = {}): () => void {
  const [uid, gid] = ['-u', '-g'].map((f) => Number(execFileSync('id', [f, USER], { encoding: 'utf8' })));
  const p = spawn(process.execPath, [cli, ...args], {
    uid,
    gid,
    env: { PATH: '/usr/bin:/bin', SLURM_CONF, HOME: `/home/${USER}`, ...env },
    cwd: '/tmp',
    stdio: 'ignore',
  });
  return () => p.kill('SIGTERM');
}

async function measure(label: string, start: () => () => void, baseline = 0): Promise<number> {
  const stop = start();
  await sleep(WARMUP_S);
  const a = rpcCount();
  await sleep(WINDOW_S);
  const b = rpcCount();
  stop();
  const perMin = ((b - a) * 60) / WINDOW_S;
  const own = baseline ? `; ${(perMin - baseline).toFixed(0)} above the baseline` : '';
  console.log(
    `${label}: ${perMin.toFixed(0)} controller RPCs/min${own} (sdiag, user ${USER}, after ${WARMUP_S}s warm-up)`,
  );
  return perMin;
}

/** Prints RPCs per minute for hpc-watch and for a naive `squeue` loop. */
export async function benchRpc(): Promise<void> {
  const problem = clusterProblem();
  if (problem) {
    console.log(`controller RPC bench skipped: ${problem}`);
    return;
  }
  const dir = jobDir(USER);
  const ids: string[] = [];
  for (let i = 0; i < 40; i++) ids.push(submit(dir, ['--hold', '--job-name=bench-held', 'pending.sbatch'], USER));
  ids.push(submit(dir, ['--export=ALL,EPOCHS=100,STEPS=40', 'train_tqdm.sbatch'], USER));
  const cli = cliCopyForUsers();
  try {
    // The running job itself costs the user RPCs (accounting, prolog); measure it alone first.
    const base = await measure('baseline: 40 pending + 1 running job, nobody watching', () => () => {});
    await measure(
      'hpc-watch --wait on those 41 jobs (default interval)',
      () => watchAs(cli, ['--summary', '--wait', '--json', ...ids]),
      base,
    );
    await measure(
      'hpc-watch events on the same user (default interval)',
      () => watchAs(cli, ['events'], { XDG_STATE_HOME: `/tmp/hpcw-bench-state-${USER}` }),
      base,
    );
    await measureTui(base, cli, ids.at(-1)!);
    await measure(
      'naive `squeue --me` every 2 s',
      () => {
        let on = true;
        void (async () => {
          while (on) {
            asUser(USER, ['squeue', '--me', '-h']);
            await sleep(2);
          }
        })();
        return () => {
          on = false;
        };
      },
      base,
    );
  } finally {
    asUser(USER, ['scancel', ...ids]);
  }
}

/**
 * The TUI in tmux as the user: first on the table, then on the running job's view, where it asks
 * sstat on demand. A PATH shim counts the sstat runs; sdiag counts what reaches the controller.
 */
async function measureTui(base: number, cli: string, runningId: string): Promise<void> {
  if (spawnSync('tmux', ['-V']).status !== 0) {
    console.log('TUI rows skipped: no tmux');
    return;
  }
  const shim = mkdtempSync(join(tmpdir(), 'hpcw-sstat-shim-'));
  const log = join(shim, 'calls.log');
  writeFileSync(log, '');
  writeFileSync(join(shim, 'sstat'), `#!/bin/sh\necho x >> ${log}\nexec /usr/bin/sstat "$@"\n`);
  chmodSync(shim, 0o755);
  chmodSync(join(shim, 'sstat'), 0o755);
  chmodSync(log, 0o666);
  const tui = (label: string, args: string[]) =>
    measure(
      label,
      () => {
        const name = `hpcw-bench-${process.pid}-${args.length}`;
        const env = [
          'env',
          '-i',
          `PATH=${shim}:/usr/bin:/bin`,
          `SLURM_CONF=${SLURM_CONF}`,
          `HOME=/home/${USER}`,
          'TERM=xterm-256color',
        ];
        execFileSync('tmux', [
          'new-session',
          '-d',
          '-s',
          name,
          '-x',
          '140',
          '-y',
          '40',
          'runuser',
          '-u',
          USER,
          '--',
          ...env,
          process.execPath,
          cli,
          ...args,
        ]);
        return () => spawnSync('tmux', ['kill-session', '-t', name]);
      },
      base,
    );
  try {
    await tui('hpc-watch TUI on the job table (41 jobs, default interval)', []);
    writeFileSync(log, '');
    const started = Date.now();
    await tui(`hpc-watch TUI with the running job ${runningId} in view`, [runningId]);
    const calls = readFileSync(log, 'utf8').split('\n').filter(Boolean).length;
    console.log(
      `  sstat: ${((calls * 60_000) / (Date.now() - started)).toFixed(1)} calls/min while the job view is open (${calls} in ${Math.round((Date.now() - started) / 1000)} s)`,
    );
  } finally {
    rmSync(shim, { recursive: true, force: true });
  }
}

if (resolve(process.argv[1] ?? '') === resolve(import.meta.filename)) await benchRpc();
