import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SlurmJob } from '../parsers/slurm-types.js';
import {
  FIELD_SEP,
  parseSqueue,
  SLURM_CLIENT_ENV_DROP,
  SQUEUE_FIELDS,
  SQUEUE_FORMAT,
  squeueArgs,
} from '../parsers/squeue.js';
import { runs } from './helpers/prop.js';
import { fx, UTC } from './slurm-helpers.js';

// The formats ../shared/slurm/capture used for each captured file.
const PIPE = '%i|%j|%T|%M|%l|%L|%D|%R|%P|%S|%V';
const FMT2 = '%A|%F|%K|%i|%j|%u|%a|%t|%T|%r|%M|%l|%C|%m|%b|%N|%Z|%o';
const LONG =
  'JobID:|,ArrayJobID:|,ArrayTaskID:|,Name:|,State:|,Reason:|,TimeUsed:|,TimeLimit:|,SubmitTime:|,StartTime:|,WorkDir:|,STDOUT:|,STDERR:';
const DEFAULT = '%.18i %.9P %.8j %.8u %.2t %.10M %.6D %R';
const START = '%.18i %.9P %.8j %.8u %.2t %.19S %.6D %20Y %R';
const RUN = '/tmp/hpcw-cluster/jobs/hpcuser/run-1795873979';

const CAPTURED: [string, string, number][] = [
  ['squeue-me-pipe-t4.txt', PIPE, 17],
  ['squeue-me-pipe-t20.txt', PIPE, 7],
  ['squeue-me-pipe-end.txt', PIPE, 3],
  ['squeue-me-all-pipe-t4.txt', PIPE, 22],
  ['squeue-me-all-pipe-t20.txt', PIPE, 19],
  ['squeue-me-r-fmt2-t4.txt', FMT2, 24],
  ['squeue-me-r-fmt2-t20.txt', FMT2, 7],
  ['squeue-me-Format-t4.txt', LONG, 17],
  ['squeue-me-Format-t20.txt', LONG, 7],
  ['squeue-me-default-t4.txt', DEFAULT, 17],
  ['squeue-me-default-t20.txt', DEFAULT, 7],
  ['squeue-me-default-end.txt', DEFAULT, 3],
  ['squeue-me-start-t4.txt', START, 9],
  ['squeue-me-start-t20.txt', START, 5],
];

const byId = (jobs: SlurmJob[], id: string): SlurmJob => {
  const j = jobs.find((x) => x.job_id === id);
  if (!j) throw new Error(`no job ${id} in ${jobs.map((x) => x.job_id).join(' ')}`);
  return j;
};

describe('parseSqueue on the captured reference outputs', () => {
  it.each(CAPTURED)('%s parses every job line', (file, format, count) => {
    const jobs = parseSqueue(fx(file), { format, offsetMinutes: UTC });
    expect(jobs).toHaveLength(count);
    for (const j of jobs) {
      expect(j.job_id).toMatch(/^\d+(_(\d+|\[[^\]]+\])|\+\d+)?$/);
      expect(j.state).toMatch(/^[A-Z_]+$/);
    }
  });

  it('pipe-t4: pending array parent, array task, reasons, nodes, times', () => {
    const jobs = parseSqueue(fx('squeue-me-pipe-t4.txt'), { format: PIPE, offsetMinutes: UTC });
    const parent = byId(jobs, '83_[2-9%2]');
    expect(parent).toMatchObject({
      array_job_id: '83',
      array_task_id: '[2-9%2]',
      state: 'PENDING',
      reason: 'JobArrayTaskLimit',
      nodes: null,
    });
    expect(parent.start_time).toBeNull();
    expect(byId(jobs, '86_2')).toMatchObject({ array_job_id: '86', array_task_id: '2', reason: 'Resources' });
    expect(byId(jobs, '83_0')).toMatchObject({
      state: 'RUNNING',
      nodes: 'node01',
      reason: null,
      elapsed_s: 2,
      time_limit_s: 300,
    });
    expect(byId(jobs, '87')).toMatchObject({ reason: 'Priority', start_time: null }); // squeue's expected start is dropped
    expect(byId(jobs, '92')).toMatchObject({ reason: 'PartitionTimeLimit', time_limit_s: 7200 });
    expect(byId(jobs, '89').reason).toBe('JobHeldUser');
    expect(byId(jobs, '79')).toMatchObject({
      name: 'train-resnet50',
      partition: 'gpu',
      raw_job_id: '79',
      start_time: '2026-11-28T13:53:00+00:00',
      submit_time: '2026-11-28T13:52:59+00:00',
      end_time: null,
    });
  });

  it('all-pipe: finished states, failure reasons, jobs cancelled while pending', () => {
    const t4 = parseSqueue(fx('squeue-me-all-pipe-t4.txt'), { format: PIPE, offsetMinutes: UTC });
    expect(byId(t4, '81')).toMatchObject({ state: 'FAILED', reason: 'NonZeroExitCode', nodes: null });
    // %R shows the reason instead of the nodes, so the start of a failed job is kept
    expect(byId(t4, '81').start_time).toBe('2026-11-28T13:53:00+00:00');
    expect(byId(t4, '67')).toMatchObject({ state: 'CANCELLED', name: 'wait-begin', nodes: null, reason: null });
    const t20 = parseSqueue(fx('squeue-me-all-pipe-t20.txt'), { format: PIPE, offsetMinutes: UTC });
    expect(byId(t20, '87')).toMatchObject({ state: 'OUT_OF_MEMORY', reason: 'OutOfMemory' });
    expect(byId(t20, '83_7')).toMatchObject({ state: 'FAILED', reason: 'NonZeroExitCode', array_task_id: '7' });
    expect(byId(t20, '84')).toMatchObject({ state: 'CANCELLED', nodes: 'node01', elapsed_s: 5 });
  });

  it('-r fmt2: one line per pending task, raw ids, user, account, command', () => {
    const jobs = parseSqueue(fx('squeue-me-r-fmt2-t4.txt'), { format: FMT2, offsetMinutes: UTC });
    expect(jobs.filter((j) => j.array_job_id === '83').map((j) => j.array_task_id)).toEqual([
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
      '8',
      '9',
      '0',
      '1',
    ]);
    expect(byId(jobs, '83_0')).toMatchObject({
      raw_job_id: '94',
      user: 'hpcuser',
      account: 'ml',
      state: 'RUNNING',
      reason: null,
      req_mem: '256M',
    });
    expect(byId(jobs, '79')).toMatchObject({ work_dir: RUN, command: `${RUN}/train_tqdm.sbatch`, nodes: 'node01' });
    expect(byId(jobs, '93')).toMatchObject({ state: 'PENDING', reason: 'Priority', nodes: null });
  });

  it('-O Format: raw ids become display ids, StdOut/StdErr patterns kept raw', () => {
    const jobs = parseSqueue(fx('squeue-me-Format-t4.txt'), { format: LONG, offsetMinutes: UTC });
    expect(byId(jobs, '83_[2-9%2]')).toMatchObject({ raw_job_id: '83', stdout_pattern: `${RUN}/%x-%A_%a.out` });
    expect(byId(jobs, '83_0')).toMatchObject({ raw_job_id: '94', array_job_id: '83', array_task_id: '0' });
    expect(byId(jobs, '86_1')).toMatchObject({ raw_job_id: '97', stderr_pattern: `${RUN}/logs/%x-%A_%a.err` });
    expect(byId(jobs, '85')).toMatchObject({
      stdout_pattern: `${RUN}/logs/%x-%j.out`,
      stderr_pattern: `${RUN}/logs/%x-%j.err`,
    });
    expect(byId(jobs, '87')).toMatchObject({ stdout_pattern: `${RUN}/slurm-87.out`, work_dir: RUN });
  });

  it('default and --start human formats: header skipped, compact states expanded, names as truncated', () => {
    const jobs = parseSqueue(fx('squeue-me-default-t4.txt'), { format: DEFAULT, offsetMinutes: UTC });
    expect(byId(jobs, '79')).toMatchObject({
      state: 'RUNNING',
      name: 'train-re',
      partition: 'gpu',
      user: 'hpcuser',
      num_nodes: 1,
    });
    expect(byId(jobs, '83_[2-9%2]')).toMatchObject({ state: 'PENDING', reason: 'JobArrayTaskLimit' });
    const start = parseSqueue(fx('squeue-me-start-t20.txt'), { format: START, offsetMinutes: UTC });
    expect(byId(start, '93')).toMatchObject({ state: 'PENDING', reason: 'Resources', start_time: null });
  });
});

describe('parseSqueue on hand-made lines in our own format', () => {
  const row = (over: Partial<Record<(typeof SQUEUE_FIELDS)[number], string>>): string => {
    const base: Record<string, string> = {
      JobArrayID: '123',
      JobID: '123',
      ArrayJobID: '123',
      ArrayTaskID: 'N/A',
      HetJobID: 'N/A',
      HetJobOffset: 'N/A',
      UserName: 'alice',
      Account: 'ml',
      Partition: 'gpu',
      State: 'RUNNING',
      Reason: 'None',
      TimeUsed: '1-02:03:04',
      TimeLimit: 'UNLIMITED',
      NumNodes: '4',
      NodeList: 'node[01-04]',
      SubmitTime: '2026-11-28T10:00:00',
      StartTime: '2026-11-28T10:00:05',
      EndTime: 'Unknown',
      exit_code: '0',
      DerivedEC: '0',
      MinMemory: '4G',
      'tres-alloc': 'cpu=4,mem=4G,node=4',
      WorkDir: '/home/alice/run',
      STDOUT: '/home/alice/run/slurm-123.out',
      STDERR: '/home/alice/run/slurm-123.out',
      Command: '/home/alice/run/job.sh',
      Dependency: '(null)',
      Name: 'train',
      ...over,
    };
    return `${SQUEUE_FIELDS.map((f) => `${base[f]}${FIELD_SEP}`).join('')}`;
  };
  const one = (over: Parameters<typeof row>[0]): SlurmJob => {
    const jobs = parseSqueue(`${row(over)}\n`, { offsetMinutes: UTC });
    expect(jobs).toHaveLength(1);
    return jobs[0]!;
  };

  it('reads every field', () => {
    expect(one({})).toEqual({
      job_id: '123',
      raw_job_id: '123',
      array_job_id: null,
      array_task_id: null,
      het_job_id: null,
      het_offset: null,
      name: 'train',
      user: 'alice',
      account: 'ml',
      partition: 'gpu',
      state: 'RUNNING',
      state_detail: null,
      reason: null,
      nodes: 'node[01-04]',
      num_nodes: 4,
      submit_time: '2026-11-28T10:00:00+00:00',
      start_time: '2026-11-28T10:00:05+00:00',
      end_time: null,
      elapsed_s: 93784,
      time_limit_s: null,
      exit_code: null,
      derived_exit_code: null,
      work_dir: '/home/alice/run',
      stdout_pattern: '/home/alice/run/slurm-123.out',
      stderr_pattern: '/home/alice/run/slurm-123.out',
      command: '/home/alice/run/job.sh',
      req_mem: '4G',
      alloc_tres: 'cpu=4,mem=4G,node=4',
      max_rss: null,
      efficiency: null,
      dependency: null,
    });
    expect(one({ State: 'PENDING', Dependency: 'afterok:35(failed)?afterany:34(unfulfilled)' }).dependency).toBe(
      'afterok:35(failed)?afterany:34(unfulfilled)',
    );
  });

  it.each([['a|b c ✓'], ['x'.repeat(200)], ['k=v x=y'], ['???'], ['None'], [`with${FIELD_SEP}separator`]])(
    'keeps the name %j intact',
    (name) => {
      expect(one({ Name: name }).name).toBe(name);
    },
  );

  it('het jobs, exit codes of finished jobs, INVALID time, (null) fields', () => {
    expect(one({ JobArrayID: '123+1', JobID: '124', HetJobID: '123', HetJobOffset: '1' })).toMatchObject({
      job_id: '123+1',
      raw_job_id: '124',
      het_job_id: '123',
      het_offset: 1,
    });
    expect(one({ State: 'FAILED', exit_code: '768', EndTime: '2026-11-28T11:00:00' })).toMatchObject({
      exit_code: '3:0',
      end_time: '2026-11-28T11:00:00+00:00',
    });
    expect(one({ State: 'CANCELLED', exit_code: '9' }).exit_code).toBe('0:9');
    expect(one({ State: 'FAILED', exit_code: '4021', Reason: 'JobLaunchFailure' })).toMatchObject({
      exit_code: '0:53',
      reason: 'JobLaunchFailure',
    });
    expect(one({ TimeUsed: 'INVALID', NodeList: '(null)', Command: '(null)' })).toMatchObject({
      elapsed_s: null,
      nodes: null,
      command: null,
    });
  });

  it("repairs squeue's wrong default StdOut for array tasks", () => {
    const task = one({
      JobArrayID: '83_0',
      JobID: '94',
      ArrayJobID: '83',
      ArrayTaskID: '0',
      STDOUT: '/w/slurm-94.out',
      STDERR: '/w/slurm-94.out',
      WorkDir: '/w',
    });
    expect(task.stdout_pattern).toBe('/w/slurm-%A_%a.out');
    const parent = one({
      JobArrayID: '83_[2-9%2]',
      JobID: '83',
      ArrayJobID: '83',
      ArrayTaskID: '2-9%2',
      STDOUT: '/w/slurm-83.out',
      WorkDir: '/w',
      State: 'PENDING',
    });
    expect(parent).toMatchObject({ array_task_id: '[2-9%2]', stdout_pattern: '/w/slurm-%A_%a.out' });
  });

  it('skips short, truncated, blank and banner lines and never throws', () => {
    const good = row({});
    const text = [
      '',
      'CLUSTER: hpcw',
      good,
      'garbage',
      good.slice(0, -1),
      good.slice(0, 40),
      '   ',
      good.slice(0, -5),
    ].join('\n');
    expect(parseSqueue(text)).toHaveLength(1);
    expect(parseSqueue(`${good}\r\n${good}`)).toHaveLength(2);
    expect(parseSqueue('')).toEqual([]);
    expect(parseSqueue(undefined as unknown as string)).toEqual([]);
    expect(parseSqueue('x', { format: 'Name,State' })).toEqual([]); // fixed 20-column output cannot be split
  });

  it('never throws on arbitrary text or formats', () => {
    const alphabet = fc.constantFrom(
      FIELD_SEP,
      '|',
      '\n',
      ' ',
      '(',
      ')',
      '_',
      '[',
      ']',
      '%',
      '1',
      '2',
      'N/A',
      'None',
      ':',
      '-',
      'a',
    );
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 300 }),
        fc.option(fc.string({ maxLength: 30 }), { nil: undefined }),
        (parts, format) => {
          const text = parts.join('');
          expect(Array.isArray(parseSqueue(text))).toBe(true);
          expect(Array.isArray(parseSqueue(text, { format }))).toBe(true);
          expect(Array.isArray(parseSqueue(row({}).repeat(2) + text))).toBe(true);
        },
      ),
      runs(1500),
    );
    fc.assert(fc.property(fc.string({ maxLength: 500 }), (s) => Array.isArray(parseSqueue(s))));
  });
});

describe('squeueArgs', () => {
  it('builds one explicit-format call, no shell, no header', () => {
    expect(squeueArgs({ allStates: true })).toEqual([
      'squeue',
      '--noheader',
      '--all',
      `--Format=${SQUEUE_FORMAT}`,
      '--me',
      '--states=all',
    ]);
    expect(SQUEUE_FORMAT.split(',').every((f) => f.endsWith(`:${FIELD_SEP}`))).toBe(true);
  });

  it('user filter, job ids, clusters', () => {
    const a = squeueArgs({ user: null, allStates: false, jobIds: ['83_7', '90', 'bad id', '1,2'], clusters: 'hpcw' });
    expect(a).not.toContain('--me');
    expect(a.some((x) => x.startsWith('--user'))).toBe(false);
    expect(a).toContain('--jobs=83_7,90');
    expect(a).toContain('--clusters=hpcw');
    expect(a).not.toContain('--states=all');
    expect(squeueArgs({ user: 'bob', allStates: false })).toContain('--user=bob');
  });

  it('names the environment the runner must drop', () => {
    for (const v of [
      'SQUEUE_FORMAT',
      'SQUEUE_FORMAT2',
      'SQUEUE_SORT',
      'SQUEUE_ARRAY',
      'SQUEUE_USERS',
      'SACCT_FORMAT',
      'SLURM_TIME_FORMAT',
      'SLURM_CLUSTERS',
    ]) {
      expect(SLURM_CLIENT_ENV_DROP.test(v)).toBe(true);
    }
    expect(SLURM_CLIENT_ENV_DROP.test('SLURM_CONF')).toBe(false);
  });
});
