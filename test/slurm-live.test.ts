// Outputs captured from the live 22.05 cluster with our own argv (scripts/capture-slurm-fixtures.sh).
import { describe, expect, it } from 'vitest';
import { describeExit } from '../parsers/exit-code.js';
import { resolveLogPaths } from '../parsers/log-path.js';
import { mergeSacctRows, parseSacct } from '../parsers/sacct.js';
import { parseScontrolShowJob } from '../parsers/scontrol.js';
import { parseSdiagUserRpcCounts } from '../parsers/sdiag.js';
import type { SlurmJob } from '../parsers/slurm-types.js';
import { parseSqueue } from '../parsers/squeue.js';
import { fx, UTC } from './slurm-helpers.js';

const DIR = /^job dir: (.*)$/m.exec(fx('live-README.txt'))?.[1] ?? '';
const FILES = new Set(
  fx('live-files.txt')
    .split('\n')
    .filter(Boolean)
    .map((f) => `${DIR}/${f.replace(/^\.\//, '')}`),
);
const ids = Object.fromEntries(
  `${fx('live-submitted.txt')}\n${fx('live-extra.txt')}`
    .split('\n')
    .map((l) => /^([a-z_]+)=(\d+)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => [m[1], m[2]]),
) as Record<string, string>;
const LONG = `${'n'.repeat(90)}-long-name-${'x'.repeat(99)}`;
// The field lists these files were captured with (live-README.txt records the argv); ours have grown since.
const README = fx('live-README.txt');
const SQUEUE_FORMAT_THEN = (/--Format=([^' ]+)/.exec(README)?.[1] ?? '').replaceAll('\\037', '\x1f');
const SACCT_FIELDS_THEN = (/--format=(\S+)/.exec(README)?.[1] ?? '').split('\\,');
const squeueThen = (f: string) => parseSqueue(fx(f), { format: SQUEUE_FORMAT_THEN, offsetMinutes: UTC });
const nonEmpty = (f: string) =>
  fx(f)
    .split('\n')
    .filter((l) => l.trim() !== '').length;
// The last match: snapshots are concatenated oldest first, so this is the latest state.
const find = (jobs: SlurmJob[], pred: (j: SlurmJob) => boolean, what: string): SlurmJob => {
  const j = jobs.findLast(pred);
  if (!j) throw new Error(`no ${what}`);
  return j;
};
const raw = (jobs: SlurmJob[], id: string | undefined) => find(jobs, (j) => j.raw_job_id === id, `raw ${id}`);

describe('live squeue (our -O format, \\x1f separated)', () => {
  const snaps = ['live-squeue-t4.txt', 'live-squeue-t20.txt', 'live-squeue-end.txt'];
  const all = snaps.flatMap(squeueThen);

  it.each(snaps)('%s: every line is a job', (f) => {
    expect(squeueThen(f)).toHaveLength(nonEmpty(f));
  });

  it('names come back intact and untruncated', () => {
    expect(raw(all, ids.pipe_name).name).toBe('a|b c ✓');
    expect(raw(all, ids.long_name).name).toBe(LONG);
    expect(LONG).toHaveLength(200);
    expect(raw(all, ids.kv_name)).toMatchObject({
      name: 'k=v x=y',
      work_dir: `${DIR}/dir with space`,
      stdout_pattern: `${DIR}/dir with space/out file %j.log`,
    });
  });

  it('states, reasons, exit codes, array parent, het components', () => {
    expect(raw(all, ids.no_dir)).toMatchObject({ state: 'FAILED', reason: 'JobLaunchFailure', exit_code: '0:53' });
    expect(raw(all, ids.oom)).toMatchObject({ state: 'OUT_OF_MEMORY', reason: 'OutOfMemory', exit_code: '0:125' });
    expect(raw(all, ids.crash_import)).toMatchObject({ state: 'FAILED', exit_code: '1:0' });
    const end = squeueThen('live-squeue-end.txt');
    expect(raw(end, ids.timeout)).toMatchObject({
      state: 'TIMEOUT',
      reason: 'TimeLimit',
      exit_code: '0:15',
      time_limit_s: 60,
    });
    const parent = find(all, (j) => j.job_id === `${ids.array}_[2-9%2]`, 'array parent');
    expect(parent).toMatchObject({
      state: 'PENDING',
      reason: 'JobArrayTaskLimit',
      array_task_id: '[2-9%2]',
      raw_job_id: ids.array,
      start_time: null,
    });
    expect(find(all, (j) => j.job_id === `${ids.array}_7`, 'task 7')).toMatchObject({
      state: 'FAILED',
      exit_code: '2:0',
      array_job_id: ids.array,
    });
    const het = all.filter((j) => j.het_job_id === ids.het);
    expect([...new Set(het.map((j) => j.job_id))].sort()).toEqual([`${ids.het}+0`, `${ids.het}+1`]);
    expect(find(het, (j) => j.het_offset === 1, 'het+1').raw_job_id).toBe(String(Number(ids.het) + 1));
    expect(het.every((j) => j.reason === 'JobHeldUser')).toBe(true);
  });

  it('resolved log paths are files the jobs really wrote', () => {
    let checked = 0;
    for (const j of all) {
      const ran = j.start_time !== null && j.state !== 'RUNNING' && j.state !== 'PENDING';
      if (!ran || j.raw_job_id === ids.no_dir) continue;
      const p = resolveLogPaths(j);
      expect(FILES.has(p.stdout ?? ''), `${j.job_id} ${j.name} → ${p.stdout}`).toBe(true);
      expect(FILES.has(p.stderr ?? ''), `${j.job_id} ${j.name} → ${p.stderr}`).toBe(true);
      checked++;
    }
    expect(checked).toBeGreaterThan(20);
    expect(resolveLogPaths(raw(all, ids.escaped)).stdout).toBe(`${DIR}/one-%j.out`);
    expect(resolveLogPaths(raw(all, ids.patterns)).stdout).toBe(
      `${DIR}/pat-${ids.patterns}-batch-0-0-hpcuser-patterns-00${ids.patterns}-4294967294-${ids.patterns}-%.out`,
    );
    expect(resolveLogPaths(find(all, (j) => j.job_id === `${ids.array}_[2-9%2]`, 'parent'))).toEqual({
      stdout: null,
      stderr: null,
    });
    expect(resolveLogPaths(find(all, (j) => j.job_id === `${ids.het}+1`, 'het+1'))).toEqual({
      stdout: null,
      stderr: null,
    });
  });
});

describe('live scontrol show job -o', () => {
  const jobs = parseScontrolShowJob(fx('live-scontrol.txt'), UTC);

  it('one job per line, odd names and spaced paths intact', () => {
    expect(jobs).toHaveLength(nonEmpty('live-scontrol.txt'));
    expect(raw(jobs, ids.pipe_name).name).toBe('a|b c ✓');
    expect(raw(jobs, ids.long_name).name).toBe(LONG);
    expect(raw(jobs, ids.kv_name)).toMatchObject({
      name: 'k=v x=y',
      stdout_pattern: `${DIR}/dir with space/out file ${ids.kv_name}.log`,
      command: null,
    });
    expect(raw(jobs, ids.no_dir)).toMatchObject({ state: 'FAILED', exit_code: '0:53', reason: 'JobLaunchFailure' });
    expect(raw(jobs, ids.timeout)).toMatchObject({ state: 'TIMEOUT', exit_code: '0:15' });
  });

  it('finishes what 22.05 scontrol leaves unexpanded (%J %s %n %t %4j %3a %%)', () => {
    let checked = 0;
    for (const j of jobs) {
      if (j.start_time === null || j.raw_job_id === ids.no_dir || j.raw_job_id === ids.escaped) continue;
      expect(FILES.has(resolveLogPaths(j).stdout ?? ''), `${j.job_id} → ${resolveLogPaths(j).stdout}`).toBe(true);
      checked++;
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('known limit: scontrol expands %j even in a backslash-escaped pattern, so prefer the squeue pattern', () => {
    const esc = raw(jobs, ids.escaped);
    expect(esc.stdout_pattern).toBe(`${DIR}/one\\-${ids.escaped}.out`);
    expect(FILES.has(resolveLogPaths(esc).stdout ?? '')).toBe(false);
  });
});

describe('live sacct (steps included, \\x1f separated)', () => {
  const rows = parseSacct(fx('live-sacct.txt'), { fields: SACCT_FIELDS_THEN });
  const jobs = mergeSacctRows(rows, UTC);

  it('every line is a row; steps fold into jobs', () => {
    expect(rows).toHaveLength(nonEmpty('live-sacct.txt'));
    expect(jobs.length).toBe(rows.filter((r) => !r.jobid?.includes('.')).length);
    expect(jobs.every((j) => j.work_dir?.startsWith(DIR))).toBe(true);
  });

  it('states, exit codes, MaxRSS, names as the DB keeps them', () => {
    expect(raw(jobs, ids.pipe_name).name).toBe('a|b c ?'); // non-ASCII comes back as `?`
    expect(raw(jobs, ids.long_name).name).toBe(LONG);
    expect(raw(jobs, ids.cancel)).toMatchObject({ state: 'CANCELLED', state_detail: 'by 1001' });
    expect(raw(jobs, ids.pend_held)).toMatchObject({
      state: 'CANCELLED',
      state_detail: 'by 0',
      reason: 'JobHeldUser',
      nodes: null,
      start_time: null,
    });
    expect(raw(jobs, ids.timeout)).toMatchObject({ state: 'TIMEOUT', exit_code: '0:0' });
    expect(raw(jobs, ids.oom)).toMatchObject({ state: 'OUT_OF_MEMORY', exit_code: '0:125' });
    expect(raw(jobs, ids.oom).max_rss).toMatch(/^\d+K$/);
    expect(raw(jobs, ids.steps).max_rss).toMatch(/^\d+K$/);
    expect(find(jobs, (j) => j.job_id === `${ids.array}_7`, 'task 7')).toMatchObject({
      state: 'FAILED',
      exit_code: '2:0',
    });
    expect(jobs.filter((j) => j.het_job_id === ids.het).map((j) => j.het_offset)).toEqual([0, 1]);
  });

  it('the missing --output directory is explained', () => {
    const j = raw(jobs, ids.no_dir);
    const logMissing = !FILES.has(resolveLogPaths({ ...j, stdout_pattern: 'no-such-dir/x-%j.out' }).stdout ?? '');
    expect(describeExit(j, { logMissing })).toMatch(/output directory does not exist/);
  });
});

describe('live sdiag', () => {
  it('has per-user RPC counts', () => {
    const counts = parseSdiagUserRpcCounts(fx('live-sdiag.txt'));
    expect(counts.get('hpcuser') ?? 0).toBeGreaterThan(0);
    expect(counts.get('root') ?? 0).toBeGreaterThan(0);
  });
});
