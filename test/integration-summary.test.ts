/**
 * hpc-watch against the real SLURM cluster (test/cluster/up): the sample jobs,
 * `--summary --json` compared with sacct, log paths, failures, progress, --wait.
 * The controller-outage test lives in integration-outage.test.ts (it stops slurmctld).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { asUser, describeCluster, jobDir, runCli, SLURM_CONF, submit, until } from './helpers/cluster.js';

interface Job {
  job_id: string;
  name: string;
  state: string;
  reason: string | null;
  exit_code: string | null;
  stdout: string | null;
  stderr: string | null;
  array_job_id: string | null;
  array_task_id: string | null;
  progress: { current: number | null; total: number | null } | null;
  failure: { category: string; line: string } | null;
  will_timeout: boolean | null;
  not_found: boolean;
}

function summary(
  ids: string[],
  extra: string[] = [],
): { code: number | null; jobs: Job[]; doc: Record<string, unknown> } {
  const r = runCli(['--summary', '--json', ...extra, ...ids]);
  if (!r.stdout.trim()) throw new Error(`no output (exit ${r.code}): ${r.stderr}`);
  const doc = JSON.parse(r.stdout);
  return { code: r.code, jobs: doc.jobs as Job[], doc };
}

function squeueKnows(id: string): boolean {
  const out = execFileSync('squeue', ['-h', '-t', 'all', '-o', '%i'], {
    encoding: 'utf8',
    env: { ...process.env, SLURM_CONF },
  });
  return out.split('\n').some((l) => l.trim() === id);
}

function sacct(id: string): Record<string, string> {
  const out = execFileSync('sacct', ['-n', '-X', '-P', '-j', id, '-o', 'JobID,State,ExitCode'], {
    encoding: 'utf8',
    env: { ...process.env, SLURM_CONF },
  });
  const rows: Record<string, string> = {};
  for (const line of out.trim().split('\n')) {
    const [jid, state, exit] = line.split('|');
    if (jid) rows[jid] = `${state} ${exit}`;
  }
  return rows;
}

describeCluster('summary against the real cluster', () => {
  const ids: Record<string, string> = {};
  let dir = '';

  beforeAll(() => {
    dir = jobDir();
    ids.train = submit(dir, ['--export=ALL,EPOCHS=2,STEPS=40,STEP_SECONDS=0.3', 'train_tqdm.sbatch']);
    ids.crash = submit(dir, ['crash_runtime.sbatch']);
    ids.imp = submit(dir, ['crash_import.sbatch']);
    ids.array = submit(dir, ['array.sbatch']);
    ids.split = submit(dir, ['split_logs.sbatch']);
    ids.held = submit(dir, ['--job-name=wait-held', '--hold', 'pending.sbatch']);
    ids.nodir = submit(dir, ['--job-name=no-dir', '--output=missing-dir/%j.out', '--wrap', 'echo never written']);
    ids.timeout = submit(dir, ['timeout.sbatch']);
  });

  afterAll(() => {
    // Never leave the suite's jobs running on the shared cluster.
    const left = Object.values(ids).filter(Boolean);
    if (left.length) asUser('hpcuser', ['scancel', ...left]);
  });

  it('reports a running tqdm job with progress that increases', async () => {
    const first = await until(() => {
      const j = summary([ids.train!]).jobs[0];
      return j?.state === 'RUNNING' && j.progress?.current ? j : null;
    }, 30_000);
    expect(first.progress?.total).toBe(40);
    const later = await until(() => {
      const j = summary([ids.train!]).jobs[0];
      return j && (j.progress?.current ?? 0) > (first.progress?.current ?? 0) ? j : null;
    }, 20_000);
    expect(later.progress!.current).toBeGreaterThan(first.progress!.current!);
    expect(later.stdout).toBe(`${dir}/slurm-${ids.train}.out`);
  }, 60_000);

  it('matches sacct for finished jobs and names the root cause', async () => {
    const r = runCli(['--summary', '--json', '--wait', ids.crash!, ids.imp!], { timeoutMs: 90_000 });
    expect(r.code).toBe(1); // --wait: not every job COMPLETED
    const jobs = JSON.parse(r.stdout).jobs as Job[];
    const crash = jobs.find((j) => j.job_id === ids.crash)!;
    const imp = jobs.find((j) => j.job_id === ids.imp)!;
    expect(`${crash.state} ${crash.exit_code}`).toBe(sacct(ids.crash!)[ids.crash!]);
    expect(`${imp.state} ${imp.exit_code}`).toBe(sacct(ids.imp!)[ids.imp!]);
    expect(crash.failure?.category).toBe('oom_gpu');
    expect(crash.failure?.line).toMatch(/^RuntimeError: CUDA out of memory/);
    expect(imp.failure?.category).toBe('import_error');
    expect(imp.failure?.line).toContain("No module named 'flash_attn_not_installed'");
  }, 120_000);

  it('expands array log patterns and reports every task like sacct', async () => {
    const r = runCli(['--summary', '--json', '--wait', ids.array!], { timeoutMs: 120_000 });
    const jobs = (JSON.parse(r.stdout).jobs as Job[]).filter((j) => j.array_job_id === ids.array);
    expect(jobs).toHaveLength(10);
    const acct = sacct(ids.array!);
    for (const j of jobs) {
      expect(`${j.state} ${j.exit_code}`).toBe(acct[j.job_id]);
      expect(j.stdout).toBe(`${dir}/sweep-lr-${ids.array}_${j.array_task_id}.out`);
      expect(existsSync(j.stdout!)).toBe(true);
    }
    expect(jobs.find((j) => j.array_task_id === '7')?.state).toBe('FAILED');
    expect(r.code).toBe(1);
  }, 150_000);

  it('--wait on a throttled array waits for tasks that start one by one', async () => {
    ids.throttled = submit(dir, ['--array=0-3%1', '--job-name=throttled', '--wrap', 'sleep 2']);
    const r = runCli(['--summary', '--json', '--wait', ids.throttled], { timeoutMs: 120_000 });
    const jobs = (JSON.parse(r.stdout).jobs as Job[]).filter((j) => j.array_job_id === ids.throttled);
    expect(jobs.map((j) => `${j.array_task_id} ${j.state}`).sort()).toEqual([
      '0 COMPLETED',
      '1 COMPLETED',
      '2 COMPLETED',
      '3 COMPLETED',
    ]);
    expect(r.code).toBe(0);
  }, 130_000);

  it('keeps an odd name intact, also after accounting hands it back as ?', async () => {
    ids.odd = submit(dir, ['--job-name=a|b c ✓', '--wrap', 'echo hello from a weird name; sleep 8']);
    const queued = await until(() => summary([ids.odd!]).jobs.find((j) => j.state === 'RUNNING'), 20_000, 300);
    expect(queued.name).toBe('a|b c ✓');
    // Once purged from the controller only sacct knows the job, and it says 'a|b c ?'.
    const ended = await until(() => {
      const j = summary([ids.odd!]).jobs[0];
      return j?.state === 'COMPLETED' && !squeueKnows(ids.odd!) ? j : null;
    }, 60_000);
    expect(ended.name).toBe('a|b c ✓');
    expect(ended.stdout).toBe(`${dir}/slurm-${ids.odd}.out`);
  }, 90_000);

  it('shows the pending reason', () => {
    const held = summary([ids.held!]).jobs[0]!;
    expect(held.state).toBe('PENDING');
    expect(held.reason).toBe('JobHeldUser');
    expect(held.will_timeout).toBeNull();
    asUser('hpcuser', ['scancel', ids.held!]);
  });

  it('explains a job that failed because its --output directory is missing', async () => {
    const j = await until(() => {
      const x = summary([ids.nodir!]).jobs[0];
      return x && x.state !== 'PENDING' && x.state !== 'RUNNING' ? x : null;
    }, 30_000);
    expect(j.state).toBe('FAILED');
    expect(j.exit_code).toBe('0:53');
    expect(JSON.stringify(j)).toMatch(/output.*director(y|ies).*(does not|doesn't) exist|missing-dir/i);
  }, 40_000);

  it('--wait exits 0 when every job completed', () => {
    const r = runCli(['--summary', '--wait', ids.split!], { timeoutMs: 90_000 });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('COMPLETED');
  }, 100_000);

  it('reports an unknown job id as not found with exit 1', () => {
    const { code, jobs } = summary(['99999999']);
    expect(code).toBe(1);
    expect(jobs[0]).toMatchObject({ job_id: '99999999', not_found: true });
  });

  it('names the time limit as the root cause of a TIMEOUT', async () => {
    const r = runCli(['--summary', '--json', '--wait', ids.timeout!], { timeoutMs: 170_000 });
    const j = (JSON.parse(r.stdout).jobs as Job[])[0]!;
    expect(j.state).toBe('TIMEOUT');
    expect(j.failure?.category).toBe('timeout');
    expect(j.failure?.line).toMatch(/slurmstepd.*CANCELLED AT .* DUE TO TIME LIMIT/);
    expect(j.will_timeout).toBe(true);
  }, 180_000);
});
