/**
 * TUI cost in a real terminal (tmux) against the real cluster: CPU and RSS idle with
 * 200 jobs, then while following a log that grows at 2 MB/s of tqdm updates for 30 s.
 * Aim: < 15% of one core, RSS < 150 MB and flat. Needs root, tmux and test/cluster/up.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { asUser, cliCopyForUsers, clusterProblem, jobDir, SLURM_CONF, submit } from '../test/helpers/cluster.js';

const USER = 'hpcuser2';
const CLK = 100; // USER_HZ
const sleep = (s: number) => new Promise((r) => setTimeout(r, s * 1000));

function procStats(pid: number): { cpuS: number; rssMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuS = (Number(f[11]) + Number(f[12])) / CLK;
  const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return { cpuS, rssMb: rss ? Number(rss[1]) / 1024 : Number.NaN };
}

/** The node process inside a tmux pane (the pane runs runuser → env → node). */
function nodePid(session: string): number {
  const panePid = Number(
    execFileSync('tmux', ['display-message', '-p', '-t', session, '#{pane_pid}'], { encoding: 'utf8' }).trim(),
  );
  const all = execFileSync('ps', ['-eo', 'pid=,ppid=,comm='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/));
  const kids = (p: string): string[][] => all.filter((r) => r[1] === p);
  const queue = [String(panePid)];
  while (queue.length) {
    const p = queue.shift()!;
    for (const k of kids(p)) {
      if (k[2] === 'node') return Number(k[0]);
      queue.push(k[0]!);
    }
  }
  throw new Error(`no node process under tmux pane ${panePid}`);
}

async function measure(label: string, pid: number, seconds: number): Promise<void> {
  const a = procStats(pid);
  const rss: number[] = [a.rssMb];
  for (let i = 0; i < seconds / 5; i++) {
    await sleep(5);
    rss.push(procStats(pid).rssMb);
  }
  const b = procStats(pid);
  const cpu = (100 * (b.cpuS - a.cpuS)) / seconds;
  console.log(
    `${label}: CPU ${cpu.toFixed(1)}% of one core over ${seconds}s; RSS ${rss.map((x) => x.toFixed(0)).join(' → ')} MB`,
  );
}

async function startTui(name: string, args: string[]): Promise<number> {
  const cli = cliCopyForUsers();
  execFileSync('tmux', [
    'new-session',
    '-d',
    '-s',
    name,
    '-x',
    '120',
    '-y',
    '40',
    'runuser',
    '-u',
    USER,
    '--',
    'env',
    '-i',
    'PATH=/usr/bin:/bin',
    'TERM=xterm-256color',
    `SLURM_CONF=${SLURM_CONF}`,
    `HOME=/home/${USER}`,
    process.execPath,
    cli,
    ...args,
  ]);
  for (let i = 0; ; i++) {
    try {
      return nodePid(name);
    } catch (err) {
      if (i > 50) throw err;
      await sleep(0.1);
    }
  }
}

/** Prints the TUI figures, or a skip line without the cluster/tmux. */
export async function benchTui(): Promise<void> {
  const problem = clusterProblem() ?? (spawnSync('tmux', ['-V']).status === 0 ? null : 'tmux not installed');
  if (problem) {
    console.log(`TUI bench skipped: ${problem}`);
    return;
  }
  const dir = jobDir(USER);
  const ids: string[] = [];
  for (let i = 0; i < 200; i++) ids.push(submit(dir, ['--hold', `--job-name=bench-${i}`, 'pending.sbatch'], USER));
  const writer = [
    'import sys, time',
    't0 = time.time(); n = 0',
    'while time.time() - t0 < 60:',
    '    chunk = "".join("\\rtrain:  %2d%%|#####     | %d/10000000 [01:02<03:04, 2048.00it/s, loss=0.1234]" % (n // 100000 % 100, n + k) for k in range(2500))',
    '    sys.stderr.write(chunk); sys.stderr.flush(); n += 2500',
    '    time.sleep(0.1)',
  ].join('\n');
  try {
    const idle = await startTui('hpcw-bench-idle', ['--interval', '10']);
    await sleep(15);
    await measure('TUI idle, 200 jobs in the table', idle, 30);
    spawnSync('tmux', ['kill-session', '-t', 'hpcw-bench-idle']);

    const w = submit(dir, ['--job-name=bench-writer', '--wrap', `/usr/bin/python3 -c '${writer}'`], USER);
    ids.push(w);
    await sleep(3);
    const follow = await startTui('hpcw-bench-follow', [w]);
    await sleep(5);
    const size0 = Number(execFileSync('stat', ['-c', '%s', resolve(dir, `slurm-${w}.out`)], { encoding: 'utf8' }));
    await measure('TUI following a log growing by tqdm updates', follow, 30);
    const size1 = Number(execFileSync('stat', ['-c', '%s', resolve(dir, `slurm-${w}.out`)], { encoding: 'utf8' }));
    console.log(`  (the log grew ${((size1 - size0) / 1024 / 1024 / 30).toFixed(2)} MB/s meanwhile)`);
    spawnSync('tmux', ['kill-session', '-t', 'hpcw-bench-follow']);
  } finally {
    spawnSync('tmux', ['kill-session', '-t', 'hpcw-bench-idle']);
    spawnSync('tmux', ['kill-session', '-t', 'hpcw-bench-follow']);
    asUser(USER, ['scancel', ...ids]);
  }
}

if (resolve(process.argv[1] ?? '') === resolve(import.meta.filename)) await benchTui();
