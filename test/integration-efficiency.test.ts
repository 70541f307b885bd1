/**
 * Efficiency, pending reasons and dependencies against the real SLURM cluster: a job that keeps
 * one of its two CPUs busy and holds about half its memory, compared with seff's formula
 * computed here from a separate sacct call; a held job and one that depends on it; sstat on a
 * running job through the on-demand layer.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type SlurmRunner, slurmRunner } from '../src/slurm/client.js';
import { JobDetails } from '../src/slurm/job-details.js';
import { createJobStore, jobKey } from '../src/store.js';
import { LocalTransport } from '../src/transport/local.js';
import { asUser, describeCluster, jobDir, runCli, SLURM_CONF, submit, until } from './helpers/cluster.js';
import { entry } from './helpers/fixtures.js';

interface Job {
  job_id: string;
  state: string;
  reason: string | null;
  efficiency: Record<string, number | null> | null;
  pending: {
    reason_text: string | null;
    est_start: string | null;
    dependencies: { type: string; job_id: string | null; state: string | null; status: string }[];
  } | null;
}

function summary(ids: string[]): Job[] {
  const r = runCli(['--summary', '--json', ...ids]);
  if (!r.stdout.trim()) throw new Error(`no output (exit ${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout).jobs as Job[];
}

/** `[D-]HH:MM:SS`, `MM:SS.mmm`, `HH:MM:SS` — sacct's TotalCPU forms. */
function cpuSeconds(s: string): number {
  const [d, rest] = s.includes('-') ? s.split('-') : ['0', s];
  const parts = rest!.split(':').map(Number);
  const [h, m, sec] = parts.length === 3 ? parts : [0, parts[0]!, parts[1]!];
  return Number(d) * 86400 + h! * 3600 + m! * 60 + sec!;
}

/**
 * seff's CPU and memory efficiency from plain `sacct --noconvert` (memory in bytes, allocations in
 * MB): every step's TotalCPU over ElapsedRaw × AllocTRES cpu; the largest step's TRESUsageInTot mem
 * over AllocTRES mem. Written here independently of the code under test.
 */
function seffFromSacct(id: string): { cpu: number; mem: number } {
  const out = execFileSync(
    'sacct',
    ['-j', id, '-n', '-P', '--noconvert', '-o', 'JobID,ElapsedRaw,TotalCPU,AllocTRES,TRESUsageInTot'],
    {
      encoding: 'utf8',
      env: { ...process.env, SLURM_CONF },
    },
  );
  const rows = out
    .trim()
    .split('\n')
    .map((l) => l.split('|'));
  const job = rows.find((r) => r[0] === id)!;
  const steps = rows.filter((r) => r[0]!.startsWith(`${id}.`));
  const tres = (s: string, k: string) =>
    new Map(s.split(',').map((kv) => kv.split('=') as [string, string])).get(k) ?? '';
  const cpus = Number(tres(job[3]!, 'cpu'));
  const allocMem = Number(tres(job[3]!, 'mem').replace(/M$/, '')) * 1024 * 1024;
  const cpuUsed = steps.reduce((a, s) => a + cpuSeconds(s[2]!), 0);
  const memUsed = Math.max(...steps.map((s) => Number(tres(s[4]!, 'mem') || 0)));
  return { cpu: cpuUsed / (Number(job[1]) * cpus), mem: memUsed / allocMem };
}

// One of two CPUs busy for 40 s while 256 MiB (of 512M) are resident: filled bytes, not zero pages.
const BURN =
  'python3 -c "import time; a = b\\"x\\" * (256 << 20); t = time.time()\nwhile time.time() - t < 40: pass\nprint(len(a))"';

describeCluster('efficiency and queue insight against the real cluster', () => {
  const ids: Record<string, string> = {};

  beforeAll(() => {
    const dir = jobDir();
    ids.burn = submit(dir, [
      '--job-name=eff-burn',
      '--cpus-per-task=2',
      '--mem=512M',
      '--time=00:03:00',
      `--output=${dir}/burn-%j.out`,
      '--wrap',
      BURN,
    ]);
    ids.held = submit(dir, ['--job-name=eff-held', '--hold', 'pending.sbatch']);
    ids.dep = submit(dir, ['--job-name=eff-dep', `--dependency=afterok:${ids.held}`, 'pending.sbatch']);
  });

  afterAll(() => {
    const left = Object.values(ids).filter(Boolean);
    if (left.length) asUser('hpcuser', ['scancel', ...left]);
  });

  it('a held job and one that depends on it: reasons in words, the dependency with the held job’s state', async () => {
    const [held, dep] = await until(() => {
      const jobs = summary([ids.held!, ids.dep!]);
      const h = jobs.find((j) => j.job_id === ids.held);
      const d = jobs.find((j) => j.job_id === ids.dep);
      return h?.reason === 'JobHeldUser' && d?.reason === 'Dependency' ? [h, d] : null;
    }, 30_000);
    expect(held!.pending?.reason_text).toMatch(/^Held by its owner/);
    expect(held!.pending?.reason_text).toContain(`scontrol release ${ids.held}`);
    expect(held!.pending?.est_start).toBeNull(); // squeue --start says N/A for a held job
    expect(dep!.pending?.reason_text).toMatch(/depends on/);
    expect(dep!.pending?.dependencies).toEqual([
      { type: 'afterok', job_id: ids.held, state: 'PENDING', status: 'unfulfilled' },
    ]);
    const text = runCli(['--summary', ids.held!, ids.dep!], { env: { COLUMNS: '100' } }).stdout;
    expect(text).toContain(`scontrol release ${ids.held}`);
    expect(text).toContain(`waits for afterok ${ids.held} (PENDING)`);
  }, 60_000);

  it('sstat on the running job, on demand and rate-limited', async () => {
    await until(() => summary([ids.burn!])[0]?.state === 'RUNNING', 60_000);
    const store = createJobStore();
    const key = jobKey('local', ids.burn!);
    store.setState({
      jobs: { [key]: entry(Date.now(), { job_id: ids.burn!, raw_job_id: ids.burn!, state: 'RUNNING' }) },
    });
    const calls: string[] = [];
    const real = slurmRunner(new LocalTransport('local'));
    const counting: SlurmRunner = {
      run(argv, t) {
        calls.push(argv[0]!);
        return real.run(argv, t);
      },
    };
    const details = new JobDetails(counting, store);
    // Let the step allocate and the cgroup be sampled (every second on this cluster) once.
    await new Promise((r) => setTimeout(r, 5000));
    await details.refresh(key);
    const usage = store.getState().live[key]?.usage;
    if (!usage) throw new Error(`no usage: ${JSON.stringify(store.getState().live[key])}`);
    expect(usage.mem_used_bytes).toBeGreaterThan(200 * 1024 * 1024);
    expect(usage.steps).toBe(2); // extern and batch: without --allsteps sstat lists neither
    expect(usage.cpu_used_s).toBeGreaterThanOrEqual(0);
    const before = calls.length;
    await details.refresh(key);
    expect(calls.length).toBe(before); // within the interval since the last call: nothing is run
  }, 90_000);

  it('--summary --json efficiency equals seff’s formula on the same sacct data (within 0.05)', async () => {
    const job = await until(
      () => {
        const j = summary([ids.burn!])[0];
        return j?.state === 'COMPLETED' && j.efficiency?.cpu != null && j.efficiency.mem != null ? j : null;
      },
      120_000,
      2000,
    );
    const seff = seffFromSacct(ids.burn!);
    expect(Math.abs(job.efficiency!.cpu! - seff.cpu)).toBeLessThan(0.05);
    expect(Math.abs(job.efficiency!.mem! - seff.mem)).toBeLessThan(0.05);
    // what the job was built to do: at most one of two CPUs, about half its memory
    expect(seff.cpu).toBeGreaterThan(0.05);
    expect(seff.cpu).toBeLessThan(0.6);
    expect(seff.mem).toBeGreaterThan(0.35);
    expect(seff.mem).toBeLessThan(0.75);
    expect(job.efficiency).toMatchObject({
      cpus: 2,
      gpus: 0,
      gpu_util: null,
      gpu_mem: null,
      mem_alloc_bytes: 512 * 1024 * 1024,
    });
  }, 150_000);
});
