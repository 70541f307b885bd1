import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  defaultOutputPattern,
  expandOutputPattern,
  firstHost,
  type PatternContext,
  resolveLogPaths,
} from '../parsers/log-path.js';
import { parseScontrolShowJob } from '../parsers/scontrol.js';
import { blankJob } from '../parsers/slurm-fields.js';
import type { SlurmJob } from '../parsers/slurm-types.js';
import { parseSqueue } from '../parsers/squeue.js';
import { runs } from './helpers/prop.js';
import { fx, fxList, UTC } from './slurm-helpers.js';

const RUN = '/tmp/hpcw-cluster/jobs/hpcuser/run-1795873979';
const TASK: PatternContext = {
  jobId: '103',
  arrayJobId: '83',
  arrayTaskId: '7',
  user: 'hpcuser',
  jobName: 'sweep-lr',
  nodeName: 'node01',
};
const PLAIN: PatternContext = {
  jobId: '15',
  arrayJobId: null,
  arrayTaskId: null,
  user: 'hpcuser',
  jobName: 'pat',
  nodeName: 'vm',
};

describe('expandOutputPattern', () => {
  it.each([
    ['slurm-%j.out', TASK, 'slurm-103.out'],
    ['%x-%A_%a.out', TASK, 'sweep-lr-83_7.out'],
    ['%4a|%3A|%b', TASK, '0007|083|7'],
    ['%%j-%%%j', TASK, '%j-%103'],
    ['%J %s %n %t %u %N', TASK, '103 batch 0 0 hpcuser node01'],
    ['%J.%s', { ...TASK, stepId: '2' }, '103.2.2'],
    ['%q %z %', TASK, '%q %z %'],
    ['%12j', TASK, '0000000103'],
    // the real file 22.05 wrote for --output='pat-%J-%s-%N-%n-%t-%u-%x-%4j-%b-%a-%A-%%-%q.out' (except %b, see below)
    [
      'pat-%J-%s-%N-%n-%t-%u-%x-%4j-%a-%A-%%-%q.out',
      PLAIN,
      'pat-15-batch-vm-0-0-hpcuser-pat-0015-4294967294-15-%-%q.out',
    ],
    ['one\\-%j.out', TASK, 'one-%j.out'],
    ['two\\\\-%j.out', TASK, 'two\\-%j.out'],
    ['a\\%j-%j.out', TASK, 'a%j-%j.out'],
    ['/abs/plain.out', TASK, '/abs/plain.out'],
    ['', TASK, ''],
  ])('%j → %j', (pattern, ctx, want) => {
    expect(expandOutputPattern(pattern, ctx)).toBe(want);
  });

  it('returns null, never a half-expanded path, when a symbol needs an unknown value', () => {
    expect(expandOutputPattern('%x-%A_%a.out', { ...TASK, arrayTaskId: null })).toBeNull();
    expect(expandOutputPattern('%x-%A_%a.out', { ...TASK, arrayTaskId: '[2-9%2]' })).toBeNull();
    expect(expandOutputPattern('slurm-%j.out', { ...TASK, jobId: null })).toBeNull();
    expect(expandOutputPattern('%N.out', { ...TASK, nodeName: null })).toBeNull();
    expect(expandOutputPattern('%u.out', { ...TASK, user: null })).toBeNull();
    expect(expandOutputPattern('x.out', { ...TASK, jobId: null })).toBe('x.out');
  });

  it('defaults', () => {
    expect(defaultOutputPattern(false)).toBe('slurm-%j.out');
    expect(defaultOutputPattern(true)).toBe('slurm-%A_%a.out');
  });

  it('never throws; literal text passes through; with every value known it always expands', () => {
    const alphabet = fc.constantFrom(
      '%',
      'j',
      'A',
      'a',
      'x',
      'u',
      '1',
      '4',
      '\\',
      '/',
      '-',
      '.',
      'q',
      'b',
      'N',
      's',
      't',
      'n',
      'J',
    );
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 60 }), (parts) => {
        const p = parts.join('');
        const r = expandOutputPattern(p, TASK);
        if (r === null) return false;
        return p.includes('%') || p.includes('\\') || r === p;
      }),
      runs(1500),
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (p) => {
        const r = expandOutputPattern(p, { ...TASK, arrayTaskId: null, jobId: null });
        return r === null || typeof r === 'string';
      }),
    );
  });
});

describe('firstHost', () => {
  it.each([
    ['node01', 'node01'],
    ['node[01-04,07]', 'node01'],
    ['gpu[3,5],cpu1', 'gpu3'],
    ['a[1-2]-b[3-4]', 'a1-b3'],
    [null, null],
    ['', null],
  ])('%j → %j', (nodes, want) => {
    expect(firstHost(nodes)).toBe(want);
  });
});

describe('resolveLogPaths', () => {
  const job = (over: Partial<SlurmJob>): SlurmJob => ({
    ...blankJob('1'),
    raw_job_id: '1',
    user: 'u',
    name: 'n',
    work_dir: '/w',
    ...over,
  });

  it('relative patterns against work_dir, stderr defaults to stdout, default patterns', () => {
    expect(resolveLogPaths(job({ stdout_pattern: 'logs/%x-%j.out' }))).toEqual({
      stdout: '/w/logs/n-1.out',
      stderr: '/w/logs/n-1.out',
    });
    expect(resolveLogPaths(job({ stdout_pattern: 'o.out', stderr_pattern: '/abs/e-%j.err' }))).toEqual({
      stdout: '/w/o.out',
      stderr: '/abs/e-1.err',
    });
    expect(resolveLogPaths(job({}))).toEqual({ stdout: '/w/slurm-1.out', stderr: '/w/slurm-1.out' });
    const task = job({ job_id: '83_7', raw_job_id: '103', array_job_id: '83', array_task_id: '7' });
    expect(resolveLogPaths(task).stdout).toBe('/w/slurm-83_7.out');
    expect(resolveLogPaths(job({ work_dir: null, stdout_pattern: 'o.out' }))).toEqual({ stdout: null, stderr: null });
  });

  it('pending array parent, het component >0, unknown values → null', () => {
    const parent = job({ job_id: '83_[2-9%2]', raw_job_id: '83', array_job_id: '83', array_task_id: '[2-9%2]' });
    expect(resolveLogPaths(parent)).toEqual({ stdout: null, stderr: null });
    expect(resolveLogPaths({ ...parent, stdout_pattern: '/w/sweep-83_4294967294.out' }).stdout).toBeNull();
    expect(resolveLogPaths({ ...parent, stdout_pattern: '/w/all-tasks.out' }).stdout).toBe('/w/all-tasks.out');
    expect(resolveLogPaths(job({ job_id: '5+1', het_job_id: '5', het_offset: 1 }))).toEqual({
      stdout: null,
      stderr: null,
    });
    expect(resolveLogPaths(job({ job_id: '5+0', raw_job_id: null, het_job_id: '5', het_offset: 0 })).stdout).toBe(
      '/w/slurm-5.out',
    );
    expect(resolveLogPaths(job({ stdout_pattern: '%N.out' })).stdout).toBeNull();
    expect(resolveLogPaths(job({ stdout_pattern: '%N.out', nodes: 'node[03-04]' })).stdout).toBe('/w/node03.out');
  });

  // Real log file names ../shared/slurm/capture copied from the run directory.
  const CAPTURED_LOGS = new Set([
    ...['79', '80', '81', '82', '84', '87', '88', '90', '93'].map((j) => `slurm-${j}.out`),
    ...Array.from({ length: 10 }, (_, i) => `sweep-lr-83_${i}.out`),
    ...[0, 1, 2].flatMap((i) => [`logs/split-array-86_${i}.err`, `logs/split-array-86_${i}.out`]),
    'logs/split-logs-85.out',
    'logs/split-logs-85.err',
  ]);
  const rel = (p: string | null) => (p ?? '').replace(`${RUN}/`, '');

  it('squeue -O patterns resolve to the log files the jobs really wrote', () => {
    const jobs = parseSqueue(fx('squeue-me-Format-t4.txt'), {
      format:
        'JobID:|,ArrayJobID:|,ArrayTaskID:|,Name:|,State:|,Reason:|,TimeUsed:|,TimeLimit:|,SubmitTime:|,StartTime:|,WorkDir:|,STDOUT:|,STDERR:',
      offsetMinutes: UTC,
    });
    const seen = new Map(jobs.map((j) => [j.job_id, resolveLogPaths({ ...j, user: 'hpcuser' })]));
    expect(seen.get('83_[2-9%2]')).toEqual({ stdout: null, stderr: null });
    expect(rel(seen.get('83_0')?.stdout ?? null)).toBe('sweep-lr-83_0.out');
    expect(rel(seen.get('86_1')?.stderr ?? null)).toBe('logs/split-array-86_1.err');
    expect(rel(seen.get('85')?.stdout ?? null)).toBe('logs/split-logs-85.out');
    for (const [id, p] of seen) {
      if (id === '83_[2-9%2]' || ['89', '91', '92'].includes(id)) continue; // never ran, no file
      expect(CAPTURED_LOGS.has(rel(p.stdout)), `${id} → ${p.stdout}`).toBe(true);
    }
  });

  it('scontrol paths (already expanded) pass through for every finished captured job', () => {
    for (const f of fxList(/^\d+\.txt$/, 'scontrol/')) {
      const [j] = parseScontrolShowJob(fx(f), UTC);
      if (!j || j.state === 'PENDING' || j.state === 'CANCELLED') continue;
      const p = resolveLogPaths(j);
      expect(CAPTURED_LOGS.has(rel(p.stdout)), `${f} → ${p.stdout}`).toBe(true);
      expect(CAPTURED_LOGS.has(rel(p.stderr)), `${f} → ${p.stderr}`).toBe(true);
    }
  });
});
