/**
 * SSH cost of watching 50 remote jobs: connections, channels and SFTP sessions
 * opened per minute through ONE SshTransport driven by the real poller (plus the
 * TUI's 1 s log refresh for running jobs). Aim: 1 connection, no per-poll reconnects.
 * Needs root and test/cluster/up (its sshd on 127.0.0.1:2222); prints a skip line otherwise.
 * `HPCW_BENCH_SSH_S` sets the measuring window (default 60 s).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { slurmRunner } from '../src/slurm/client.js';
import { PathCache } from '../src/slurm/path-cache.js';
import { Poller } from '../src/slurm/poller.js';
import { createJobStore } from '../src/store.js';
import { LogService } from '../src/tail/log-service.js';
import { SshTransport } from '../src/transport/ssh.js';
import { asUser, clusterProblem, jobDir, STATE, submit } from '../test/helpers/cluster.js';

const USER = 'hpcuser';
const HELD = 47;
const RUNNING = 3;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Prints connections/channels per minute for one SshTransport watching 50 jobs. */
export async function benchSsh(): Promise<void> {
  const problem = clusterProblem();
  const config = process.env.HPCW_SSH_CONFIG || join(STATE, 'ssh/config');
  if (problem || !existsSync(config)) {
    console.log(`ssh bench skipped: ${problem ?? `no ssh config at ${config}`}`);
    return;
  }
  process.env.HPCW_SSH_CONFIG = config;
  const windowS = Number(process.env.HPCW_BENCH_SSH_S) || 60;
  const dir = jobDir(USER);
  const ids: string[] = [];
  for (let i = 0; i < HELD; i++) ids.push(submit(dir, ['--hold', '--job-name=bench-ssh-held', 'pending.sbatch'], USER));
  for (let i = 0; i < RUNNING; i++) {
    ids.push(
      submit(
        dir,
        [
          '--job-name=bench-ssh-run',
          '--time=00:05:00',
          '--mem=64M',
          '--wrap',
          'i=0; while :; do i=$((i+1)); echo "step $i/100000 loss=0.5"; sleep 0.5; done',
        ],
        USER,
      ),
    );
  }
  const transport = new SshTransport({ cluster: 'hpcw-test', destination: 'hpcw-test' });
  const store = createJobStore();
  const logs = new LogService(store, transport, 1024 * 1024);
  const poller = new Poller({
    cluster: 'hpcw-test',
    runner: slurmRunner(transport),
    store,
    logs,
    pathCache: new PathCache(null),
    jobIds: ids,
    allUsers: false,
    sinceS: 86400,
    intervalS: 2,
  });
  let polls = 0;
  let logTimer: NodeJS.Timeout | null = null;
  try {
    await poller.tick();
    const base = transport.stats;
    const t0 = Date.now();
    poller.start(() => polls++);
    logTimer = setInterval(() => {
      for (const key of poller.runningKeys()) void logs.refresh(key);
    }, 1000);
    await sleep(windowS * 1000);
    const s = transport.stats;
    const min = (Date.now() - t0) / 60_000;
    const per = (n: number) => (n / min).toFixed(1);
    const jobs = Object.keys(store.getState().jobs).length;
    const status = store.getState().clusters['hpcw-test'];
    console.log(
      `watching ${jobs} remote jobs (${HELD} held, ${RUNNING} running, logs over SFTP) for ${windowS}s, poll interval 2s:`,
    );
    console.log(
      `  connections opened: ${s.connections} in total, ${per(s.connections - base.connections)}/min after the first poll (reconnects: ${s.reconnects})`,
    );
    console.log(
      `  exec channels:      ${per(s.execs - base.execs)}/min (${polls} polls → ${((s.execs - base.execs) / Math.max(1, polls)).toFixed(2)} per poll)`,
    );
    console.log(
      `  SFTP sessions:      ${s.sftpSessions} in total, reused by ${per(s.sftpOps - base.sftpOps)} stat/read requests/min`,
    );
    console.log(`  peak concurrent channels: ${s.peakChannels} (cap 6)`);
    console.log(`  cluster status: ok=${status?.ok} error=${status?.error ?? 'none'}`);
  } finally {
    if (logTimer) clearInterval(logTimer);
    poller.stop();
    await transport.close();
    asUser(USER, ['scancel', ...ids]);
  }
}

if (resolve(process.argv[1] ?? '') === resolve(import.meta.filename)) await benchSsh();
