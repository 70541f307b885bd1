/**
 * `hpc-watch events` against the real cluster, run as the user who owns the jobs: a failing, a
 * completing, a running and a stalling job; a local HTTP receiver for the webhook; /metrics with a
 * plain GET; a stop and restart (no repeats; a failure that happened meanwhile told once, late).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cliCopyForUsers, describeCluster, jobDir, SLURM_CONF, STATE, submit, until } from './helpers/cluster.js';
import { parsePrometheus } from './helpers/prometheus.js';
import { type Receiver, startReceiver } from './helpers/receiver.js';

const USER = 'hpcuser';
const INTERVAL = 2;
const SECRET = `hf_${'Zq9'.repeat(12)}`;

interface Ev {
  event: string;
  job_id: string;
  at: string;
  late: boolean;
  failure: { category: string; line: string } | null;
  message: string;
  state: string;
}

let dir: string;
let home: string;
let receiver: Receiver;
let proc: ChildProcess | null = null;
let stdout = '';
let stderr = '';
const submitted: string[] = [];

const script = (name: string, body: string) => {
  const p = join(dir, name);
  writeFileSync(
    p,
    `#!/bin/bash\n#SBATCH --job-name=${name.replace('.sbatch', '')}\n#SBATCH --mem=100M\n#SBATCH --time=00:05:00\n${body}\n`,
  );
  chmodSync(p, 0o755);
  execFileSync('chown', [`${USER}:`, p]);
  return p;
};

/** Starts `hpc-watch events` as the user, with a clean login-like environment. */
function startEvents(): void {
  stdout = '';
  stderr = '';
  const env = {
    HOME: home,
    USER,
    PATH: '/usr/local/bin:/usr/bin:/bin',
    LANG: 'C.UTF-8',
    SLURM_CONF,
    XDG_STATE_HOME: `${home}/state`,
    XDG_CACHE_HOME: `${home}/cache`,
    XDG_CONFIG_HOME: `${home}/config`,
  };
  const args = [
    'events',
    '--json',
    '--interval',
    String(INTERVAL),
    '--notify',
    `${receiver.url}/hook`,
    '--metrics',
    '127.0.0.1:0',
  ];
  // Node itself switches to the user (no runuser in between), so SIGTERM reaches hpc-watch as it would from systemd.
  const [uid, gid] = ['-u', '-g'].map((f) => Number(execFileSync('id', [f, USER], { encoding: 'utf8' })));
  proc = spawn(process.execPath, [cliCopyForUsers(), ...args], {
    env,
    uid,
    gid,
    cwd: home,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout!.on('data', (b: Buffer) => (stdout += b.toString()));
  proc.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
}

async function stopEvents(): Promise<number | null> {
  const p = proc;
  if (!p) return null;
  proc = null;
  const done = new Promise<number | null>((r) => p.once('close', (code) => r(code)));
  p.kill('SIGTERM');
  return done;
}

const printed = (): Ev[] =>
  stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Ev);
const posted = (): Ev[] => receiver.requests.filter((r) => r.path === '/hook').map((r) => JSON.parse(r.body) as Ev);
const of = (evs: Ev[], id: string, event: string) => evs.filter((e) => e.job_id === id && e.event === event);
const metricsUrl = () => /metrics on (http:\/\/\S+)/.exec(stderr)?.[1] ?? null;

describeCluster('hpc-watch events (real cluster)', () => {
  beforeAll(async () => {
    dir = jobDir(USER);
    home = mkdtempSync(join(STATE, 'events-home-'));
    mkdirSync(join(home, 'config', 'hpc-watch'), { recursive: true });
    // Quick stall thresholds for the test: silence of 3 x the job's pace, and at least 6 s.
    writeFileSync(
      join(home, 'config', 'hpc-watch', 'config.json'),
      JSON.stringify({ stall: { minMinutes: 0.1, factor: 3 } }),
    );
    execFileSync('chown', ['-R', `${USER}:`, home]);
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await stopEvents();
    await receiver.close();
    if (submitted.length) execFileSync('scancel', submitted, { env: { ...process.env, SLURM_CONF } });
  });

  it('one job_failed (right category, redacted line) and one job_completed per end; a stall; metrics; no repeats after a restart; a failure missed while stopped told once, late', async () => {
    startEvents();
    await until(() => metricsUrl(), 30_000, 200);
    const sub = (name: string, body: string) => {
      const id = submit(dir, [script(name, body)], USER);
      submitted.push(id);
      return id;
    };
    const fail = sub(
      'fail.sbatch',
      `echo "loading data"\nsleep 4\npython3 -c "raise ValueError('bad batch: token=${SECRET}')"`,
    );
    const ok = sub('ok.sbatch', 'for i in 1 2 3; do echo "step $i/3 loss=0.5"; sleep 1; done');
    const run = sub(
      'run.sbatch',
      'for i in $(seq 1 600); do echo "step $i/600 | loss 0.5 | 2.0 it/s"; sleep 0.5; done',
    );
    const stall = sub(
      'stall.sbatch',
      'for i in $(seq 1 24); do echo "step $i/1000 | loss 0.5"; sleep 0.5; done\nsleep 240',
    );

    // Every end is told once, over stdout and the webhook alike, within two (effective) poll intervals.
    await until(() => of(posted(), fail, 'job_failed').length && of(posted(), ok, 'job_completed').length, 90_000, 500);
    const failed = of(posted(), fail, 'job_failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.failure!.category).toBe('python_exception');
    expect(failed[0]!.failure!.line).toBe('ValueError: bad batch: token=[REDACTED:huggingface]');
    expect(of(posted(), ok, 'job_completed')).toHaveLength(1);
    expect(JSON.stringify(receiver.requests)).not.toContain(SECRET);
    expect(stdout).not.toContain(SECRET);
    expect(of(printed(), fail, 'job_failed')).toHaveLength(1);
    for (const id of [fail, ok]) {
      const hook = receiver.requests.find((r) => r.path === '/hook' && JSON.parse(r.body).job_id === id)!;
      const endedAt = Date.parse(JSON.parse(hook.body).at);
      // The poller stretches an unchanged queue's interval up to 3x; SLURM's End has 1 s resolution.
      expect(hook.at - endedAt).toBeLessThanOrEqual(2 * 3 * INTERVAL * 1000 + 1000);
    }

    // The stalled job: progress, then silence.
    await until(() => of(posted(), stall, 'job_stalled').length, 90_000, 500);
    expect(of(posted(), stall, 'job_stalled')[0]!.message).toMatch(/has written nothing for \d+s while RUNNING/);

    // /metrics parses and carries the running job's progress.
    const text = await (await fetch(metricsUrl()!)).text();
    const { samples } = parsePrometheus(text);
    const prog = samples.find((s) => s.name === 'hpcwatch_job_progress_ratio' && s.labels.job_id === run);
    expect(prog?.value).toBeGreaterThan(0);
    expect(prog?.labels.user).toBe(USER);
    expect(
      samples.find((s) => s.name === 'hpcwatch_events_total' && s.labels.event === 'job_failed')?.value,
    ).toBeGreaterThanOrEqual(1);

    // Stop; a job fails while nothing watches; restart.
    const late = sub(
      'late.sbatch',
      'echo "warming up"\nsleep 6\necho "Traceback (most recent call last):"\necho "RuntimeError: the data loader died"\nexit 1',
    );
    await until(() => of(printed(), late, 'job_started').length, 60_000, 500);
    expect(await stopEvents()).toBe(0);
    await until(
      () =>
        /FAILED/.test(
          execFileSync('sacct', ['-n', '-X', '-P', '-j', late, '-o', 'State'], {
            encoding: 'utf8',
            env: { ...process.env, SLURM_CONF },
          }),
        ),
      60_000,
      1000,
    );
    const before = receiver.requests.length;
    startEvents();
    await until(() => of(posted(), late, 'job_failed').length, 60_000, 500);
    // Two more polls: nothing told before the restart comes again.
    await new Promise((r) => setTimeout(r, 3 * INTERVAL * 1000));
    const after = posted().slice(0);
    const again = receiver.requests.slice(before).map((r) => JSON.parse(r.body) as Ev);
    expect(again.filter((e) => e.job_id === late && e.event === 'job_failed')).toHaveLength(1);
    expect(again.find((e) => e.job_id === late)!.late).toBe(true);
    expect(
      again.filter((e) => [fail, ok].includes(e.job_id) && ['job_failed', 'job_completed'].includes(e.event)),
    ).toEqual([]);
    expect(of(after, late, 'job_failed')[0]!.failure?.line).toBe('RuntimeError: the data loader died');
    // Started jobs were told as they started, once each.
    expect(of(posted(), run, 'job_started').length + of(again, run, 'job_started').length).toBe(1);
  });
});
