/**
 * Controller load, measured with sdiag's per-user RPC counts on the real cluster:
 * hpc-watch watching 40 pending jobs and 1 running job, against `squeue` every 2 s.
 * Needs root and test/cluster/up; prints a skip line otherwise.
 */
import { execFileSync, spawn } from 'node:child_process';
import { resolve } from 'node:path';
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

async function measure(label: string, start: () => () => void, baseline = 0): Promise<number> {
  const stop = start();
  await sleep(WARMUP_S);
  const a = rpcCount();
  await sleep(WINDOW_S);
  const b = rpcCount();
  stop();
  const perMin = ((b - a) * 60) / WINDOW_S;
  const own = baseline ? `; ${(perMin - baseline).toFixed(0)} above the baseline` : '';
  console.log(`${label}: ${perMin.toFixed(0)} controller RPCs/min${own} (sdiag, user ${USER}, after ${WARMUP_S}s warm-up)`);
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
    await measure('hpc-watch --wait on those 41 jobs (default interval)', () => {
      const p = spawn(
        'runuser',
        ['-u', USER, '--', 'env', '-i', 'PATH=/usr/bin:/bin', `SLURM_CONF=${SLURM_CONF}`, `HOME=/home/${USER}`, process.execPath, cli, '--summary', '--wait', '--json', ...ids],
        { stdio: 'ignore' },
      );
      return () => p.kill('SIGINT');
    }, base);
    await measure('hpc-watch events on the same user (default interval)', () => {
      const p = spawn(
        'runuser',
        ['-u', USER, '--', 'env', '-i', 'PATH=/usr/bin:/bin', `SLURM_CONF=${SLURM_CONF}`, `HOME=/home/${USER}`, `XDG_STATE_HOME=/tmp/hpcw-bench-state-${USER}`, process.execPath, cli, 'events'],
        { stdio: 'ignore' },
      );
      return () => p.kill('SIGINT');
    }, base);
    await measure('naive `squeue --me` every 2 s', () => {
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
    }, base);
  } finally {
    asUser(USER, ['scancel', ...ids]);
  }
}

if (resolve(process.argv[1] ?? '') === resolve(import.meta.filename)) await benchRpc();
