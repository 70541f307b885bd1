import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseKeyValues, parseScontrolShowJob, scontrolShowJobArgs } from '../parsers/scontrol.js';
import { runs } from './helpers/prop.js';
import { fx, fxList, UTC } from './slurm-helpers.js';

const RUN = '/tmp/hpcw-cluster/jobs/hpcuser/run-1795873979';

describe('parseScontrolShowJob on the captured scontrol/*.txt', () => {
  const files = fxList(/^\d+\.txt$/, 'scontrol/');

  it('has the captured files', () => {
    expect(files.length).toBe(26);
  });

  it.each(files)('%s → one job whose raw id is the file name', (file) => {
    const jobs = parseScontrolShowJob(fx(file), UTC);
    expect(jobs).toHaveLength(1);
    const j = jobs[0]!;
    expect(j.raw_job_id).toBe(file.replace(/^scontrol\/|\.txt$/g, ''));
    expect(j.user).toBe('hpcuser');
    expect(j.account).toBe('ml');
    expect(j.work_dir).toBe(RUN);
    expect(j.stdout_pattern).toMatch(new RegExp(`^${RUN}/`));
  });

  it.each([
    [
      '103',
      {
        job_id: '83_7',
        array_job_id: '83',
        array_task_id: '7',
        state: 'FAILED',
        reason: 'NonZeroExitCode',
        exit_code: '2:0',
        stdout_pattern: `${RUN}/sweep-lr-83_7.out`,
      },
    ],
    ['83', { job_id: '83_9', raw_job_id: '83', array_task_id: '9', state: 'COMPLETED', reason: null }],
    ['82', { job_id: '82', state: 'TIMEOUT', reason: 'TimeLimit', exit_code: '0:15', elapsed_s: 84, time_limit_s: 60 }],
    ['87', { state: 'OUT_OF_MEMORY', reason: 'OutOfMemory', exit_code: '0:125', req_mem: '128M' }],
    ['84', { state: 'CANCELLED', exit_code: '0:15', elapsed_s: 5, time_limit_s: 1800 }],
    [
      '85',
      {
        name: 'split-logs',
        stdout_pattern: `${RUN}/logs/split-logs-85.out`,
        stderr_pattern: `${RUN}/logs/split-logs-85.err`,
      },
    ],
    ['86', { job_id: '86_2', raw_job_id: '86', stderr_pattern: `${RUN}/logs/split-array-86_2.err` }],
    ['89', { state: 'PENDING', reason: 'JobHeldUser', nodes: null, start_time: null, end_time: null }],
    ['91', { state: 'PENDING', reason: 'BeginTime', start_time: null, end_time: null }], // projected times dropped
    [
      '79',
      {
        partition: 'gpu',
        nodes: 'node01',
        num_nodes: 1,
        command: `${RUN}/train_tqdm.sbatch`,
        alloc_tres: 'cpu=1,mem=512M,node=1,billing=1,gres/gpu=1',
        submit_time: '2026-11-28T13:52:59+00:00',
        start_time: '2026-11-28T13:53:00+00:00',
        end_time: '2026-11-28T13:53:30+00:00',
      },
    ],
  ])('scontrol/%s.txt fields', (id, want) => {
    expect(parseScontrolShowJob(fx(`scontrol/${id}.txt`), UTC)[0]).toMatchObject(want);
  });

  it('reads all files concatenated as one multi-line answer', () => {
    const all = files.map((f) => fx(f)).join('');
    expect(parseScontrolShowJob(all, UTC)).toHaveLength(26);
  });
});

describe('Key=Value parsing with spaces and `=` in values', () => {
  const line = (name: string, dir: string, out: string, extra = '') =>
    `JobId=7 JobName=${name} UserId=al(1001) GroupId=al(1001) Account=ml JobState=RUNNING Reason=None ExitCode=0:0 RunTime=00:00:05 TimeLimit=UNLIMITED ` +
    `StartTime=2026-11-28T10:00:00 EndTime=Unknown Partition=debug NodeList=n[1-2] NumNodes=2 MinMemoryCPU=256M TRES=cpu=2,mem=512M,node=2 ` +
    `Command=${dir}/run me.sh WorkDir=${dir} StdErr=${out} StdIn=/dev/null StdOut=${out} Power=${extra}`;

  it.each([
    ['a b c', '/data/my dir', '/data/my dir/out file 7.log'],
    ['k=v x=y', '/data/lr=0.1 bs=32', '/data/lr=0.1 bs=32/o=1.out'],
    ['a|b c ✓', '/tmp/x', '/tmp/x/slurm-7.out'],
    ['train Partition=fake StdOut=fake', '/p', '/p/real.out'],
    ['JobId=9 Nodes=4 GRES=gpu', '/p', '/p/real.out'],
    ['???', '/p/Power= x', '/p/Power= x/o.out'],
  ])('name %j, dir %j', (name, dir, out) => {
    const [j] = parseScontrolShowJob(line(name, dir, out), UTC);
    expect(j).toMatchObject({
      job_id: '7',
      name,
      user: 'al',
      partition: 'debug',
      work_dir: dir,
      stdout_pattern: out,
      stderr_pattern: out,
      command: `${dir}/run me.sh`,
      time_limit_s: null,
      nodes: 'n[1-2]',
      num_nodes: 2,
      req_mem: '256M/cpu',
      alloc_tres: 'cpu=2,mem=512M,node=2',
      end_time: null,
    });
  });

  it('a key unknown to us still splits ordinary values, and empty values are kept', () => {
    const kv = parseKeyValues('JobId=1 NewKey=x y Reason=None Power= TresPerNode=gres:gpu:1');
    expect(kv.get('NewKey')).toBe('x y');
    expect(kv.get('Power')).toBe('');
    expect(kv.get('TresPerNode')).toBe('gres:gpu:1');
  });

  it('array parent, het component, truncated line, junk', () => {
    const parent = parseScontrolShowJob(
      'JobId=83 ArrayJobId=83 ArrayTaskId=2-9%2 ArrayTaskThrottle=2 JobName=sweep JobState=PENDING StdOut=/w/sweep-83_4294967294.out',
      UTC,
    )[0];
    expect(parent).toMatchObject({ job_id: '83_[2-9%2]', raw_job_id: '83', array_task_id: '[2-9%2]' });
    const het = parseScontrolShowJob(
      'JobId=12 HetJobId=11 HetJobOffset=1 JobName=h HetJobIdSet=11-12 JobState=PENDING',
      UTC,
    )[0];
    expect(het).toMatchObject({ job_id: '11+1', raw_job_id: '12', het_job_id: '11', het_offset: 1 });
    const cut = parseScontrolShowJob(`${line('n', '/d', '/d/o').slice(0, 120)}\n`, UTC);
    expect(cut).toHaveLength(1);
    expect(cut[0]?.work_dir).toBeNull();
    expect(parseScontrolShowJob('slurm_load_jobs error: Invalid job id specified\n\nNo jobs in the system')).toEqual(
      [],
    );
    expect(parseScontrolShowJob('JobId=abc JobName=x')).toEqual([]);
  });

  it('never throws on arbitrary input', () => {
    const alphabet = fc.constantFrom(
      'JobId=',
      'JobName=',
      ' ',
      '=',
      'StdOut=',
      'x',
      '1',
      '\n',
      'ArrayTaskId=',
      '(null)',
      'Unknown',
      '/',
    );
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 200 }), (parts) =>
        Array.isArray(parseScontrolShowJob(parts.join(''))),
      ),
      runs(1500),
    );
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => Array.isArray(parseScontrolShowJob(`JobId=1 ${s}`))));
  });
});

describe('scontrolShowJobArgs', () => {
  it('one-liner show job for an id', () => {
    expect(scontrolShowJobArgs('83_7')).toEqual(['scontrol', 'show', 'job', '-o', '83_7']);
    expect(scontrolShowJobArgs('1 2')).toEqual(['scontrol', 'show', 'job', '-o', '0']);
    expect(scontrolShowJobArgs('-d')).toEqual(['scontrol', 'show', 'job', '-o', '0']);
  });
});
