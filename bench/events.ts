/**
 * `hpc-watch events` against the real cluster: the latency from a job's end (sacct End) to the
 * webhook POST, and CPU and RSS while watching 200 jobs for 60 s. Controller RPCs are in rpc.ts.
 * Needs root and test/cluster/up; prints a skip line otherwise.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { asUser, cliCopyForUsers, clusterProblem, jobDir, SLURM_CONF, STATE, submit } from '../test/helpers/cluster.js';
import { startReceiver } from '../test/helpers/receiver.js';

const USER = 'hpcuser2';
const CLK = 100; // USER_HZ
const sleep = (s: number) => new Promise((r) => setTimeout(r, s * 1000));

function procStats(pid: number): { cpuS: number; rssMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return { cpuS: (Number(f[11]) + Number(f[12])) / CLK, rssMb: rss ? Number(rss[1]) / 1024 : Number.NaN };
}

function startEvents(args: string[]): ChildProcess {
  const home = mkdtempSync(join(STATE, 'bench-events-'));
  execFileSync('chown', [`${USER}:`, home]);
  const [uid, gid] = ['-u', '-g'].map((f) => Number(execFileSync('id', [f, USER], { encoding: 'utf8' })));
  const env = { HOME: home, PATH: '/usr/bin:/bin', SLURM_CONF, XDG_STATE_HOME: home, XDG_CACHE_HOME: home };
  return spawn(process.execPath, [cliCopyForUsers(), 'events', ...args], { env, uid, gid, cwd: home, stdio: 'ignore' });
}

function sacctEnd(id: string): number | null {
  const out = execFileSync('sacct', ['-n', '-X', '-P', '-j', id, '-o', 'End'], {
    encoding: 'utf8',
    env: { ...process.env, SLURM_CONF },
  }).trim();
  const t = Date.parse(out);
  return Number.isFinite(t) ? t : null;
}

/** Prints the figures. */
export async function benchEvents(): Promise<void> {
  const problem = clusterProblem();
  if (problem) {
    console.log(`events bench skipped: ${problem}`);
    return;
  }
  const dir = jobDir(USER);
  const quick = join(dir, 'quick.sbatch');
  writeFileSync(quick, '#!/bin/bash\n#SBATCH --job-name=bench-quick\n#SBATCH --mem=50M\nsleep 3\necho done\n');
  chmodSync(quick, 0o755);
  execFileSync('chown', [`${USER}:`, quick]);

  // Latency: five jobs end one after another while `events` watches with its default interval.
  const rx = await startReceiver();
  const p = startEvents(['--notify', `${rx.url}/hook`]);
  const ids: string[] = [];
  try {
    await sleep(3);
    const lat: number[] = [];
    for (let i = 0; i < 5; i++) {
      const id = submit(dir, [quick], USER);
      ids.push(id);
      const t0 = Date.now();
      let hook: { at: number } | undefined;
      while (!hook && Date.now() - t0 < 120_000) {
        await sleep(0.5);
        hook = rx.requests.find(
          (r) => JSON.parse(r.body).job_id === id && JSON.parse(r.body).event === 'job_completed',
        );
      }
      const end = sacctEnd(id);
      if (hook && end !== null) lat.push((hook.at - end) / 1000);
    }
    lat.sort((a, b) => a - b);
    console.log(
      `job end (sacct End, 1 s resolution) → webhook POST, default 10 s interval: median ${lat[Math.floor(lat.length / 2)]?.toFixed(1)} s, max ${lat.at(-1)?.toFixed(1)} s over ${lat.length} jobs`,
    );
  } finally {
    p.kill('SIGTERM');
    await rx.close();
  }

  // Cost: 200 held jobs watched for 60 s.
  for (let i = 0; i < 200; i++) ids.push(submit(dir, ['--hold', `--job-name=bench-ev-${i}`, 'pending.sbatch'], USER));
  const w = startEvents(['--metrics', '127.0.0.1:0']);
  try {
    await sleep(15);
    const a = procStats(w.pid!);
    const rss = [a.rssMb];
    for (let i = 0; i < 12; i++) {
      await sleep(5);
      rss.push(procStats(w.pid!).rssMb);
    }
    const b = procStats(w.pid!);
    console.log(
      `events watching 200 jobs for 60 s: CPU ${((100 * (b.cpuS - a.cpuS)) / 60).toFixed(1)}% of one core; RSS ${rss.map((x) => x.toFixed(0)).join(' → ')} MB`,
    );
  } finally {
    w.kill('SIGTERM');
    asUser(USER, ['scancel', ...ids]);
  }
}

if (resolve(process.argv[1] ?? '') === resolve(import.meta.filename)) await benchEvents();
