import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  mergeSacctRows,
  parseSacct,
  SACCT_FIELDS,
  SACCT_SEP,
  sacctArgs,
  sacctRejectedField,
} from '../parsers/sacct.js';
import type { SlurmJob } from '../parsers/slurm-types.js';
import { runs } from './helpers/prop.js';
import { fx, UTC } from './slurm-helpers.js';

const HEADER = fx('sacct-header.txt').trim().split('|');
// ../shared/slurm/capture's field list for sacct-wide.psv
const WIDE =
  'JobID,JobIDRaw,JobName,State,ExitCode,DerivedExitCode,Reason,Submit,Start,End,Elapsed,ElapsedRaw,Timelimit,TimelimitRaw,NodeList,NCPUS,ReqMem,ReqTRES,AllocTRES,MaxRSS,AveRSS,TotalCPU,Partition,Account,User,WorkDir'.split(
    ',',
  );
const RUN = '/tmp/hpcw-cluster/jobs/hpcuser/run-1795873979';

const jobsOf = (file: string, fields: string[]): SlurmJob[] =>
  mergeSacctRows(parseSacct(fx(file), { fields, delimiter: '|' }), UTC);
const byId = (jobs: SlurmJob[], id: string): SlurmJob => {
  const j = jobs.find((x) => x.job_id === id);
  if (!j) throw new Error(`no job ${id}`);
  return j;
};

describe('parseSacct + mergeSacctRows on the captured reference outputs', () => {
  it.each([
    ['sacct-all.psv', HEADER, 74, 26],
    ['sacct-X.psv', HEADER, 26, 26],
    ['sacct-wide.psv', WIDE, 74, 26],
  ])('%s: every row parses, one job per job/array task', (file, fields, rows, jobs) => {
    expect(parseSacct(fx(file), { fields, delimiter: '|' })).toHaveLength(rows);
    expect(jobsOf(file, fields)).toHaveLength(jobs);
  });

  it('folds steps: max MaxRSS, job-row exit code, CANCELLED by 1001', () => {
    const jobs = jobsOf('sacct-all.psv', HEADER);
    expect(byId(jobs, '82')).toMatchObject({
      state: 'TIMEOUT',
      exit_code: '0:0',
      max_rss: '7616K',
      elapsed_s: 84,
      time_limit_s: 60,
    });
    expect(byId(jobs, '84')).toMatchObject({
      state: 'CANCELLED',
      state_detail: 'by 1001',
      exit_code: '0:0',
      max_rss: '7624K',
    });
    expect(byId(jobs, '87')).toMatchObject({
      state: 'OUT_OF_MEMORY',
      exit_code: '0:125',
      max_rss: '69084K',
      req_mem: '128M',
    });
    expect(byId(jobs, '88')).toMatchObject({
      state: 'COMPLETED',
      max_rss: '7608K',
      alloc_tres: 'billing=2,cpu=2,mem=400M,node=1',
    });
    expect(byId(jobs, '80')).toMatchObject({ state: 'FAILED', exit_code: '1:0' });
    expect(byId(jobs, '83_7')).toMatchObject({
      state: 'FAILED',
      exit_code: '2:0',
      array_job_id: '83',
      array_task_id: '7',
      max_rss: '7948K',
    });
    expect(byId(jobs, '89')).toMatchObject({
      state: 'CANCELLED',
      state_detail: 'by 1001',
      nodes: null,
      start_time: null,
      end_time: '2026-11-28T13:54:30+00:00',
      alloc_tres: null,
      max_rss: null,
    });
    expect(byId(jobs, '79')).toMatchObject({
      start_time: '2026-11-28T13:53:00+00:00',
      end_time: '2026-11-28T13:53:30+00:00',
      nodes: 'node01',
    });
  });

  it('-X output has no steps, so no MaxRSS', () => {
    expect(jobsOf('sacct-X.psv', HEADER).every((j) => j.max_rss === null)).toBe(true);
  });

  it('wide: raw ids of array tasks, reasons, work dir, user, account', () => {
    const jobs = jobsOf('sacct-wide.psv', WIDE);
    expect(byId(jobs, '83_0')).toMatchObject({
      raw_job_id: '94',
      user: 'hpcuser',
      account: 'ml',
      partition: 'debug',
      work_dir: RUN,
    });
    expect(byId(jobs, '89')).toMatchObject({
      reason: 'JobHeldUser',
      derived_exit_code: '0:0',
      submit_time: '2026-11-28T13:52:59+00:00',
    });
    expect(byId(jobs, '92')).toMatchObject({ reason: 'PartitionTimeLimit', time_limit_s: 7200 });
    expect(byId(jobs, '79')).toMatchObject({ reason: null, elapsed_s: 30, partition: 'gpu' });
  });
});

describe('hand-made sacct rows in our own format', () => {
  const line = (over: Record<string, string>): string => {
    const base: Record<string, string> = {
      JobID: '123',
      JobIDRaw: '123',
      User: 'alice',
      Account: 'ml',
      Partition: 'gpu',
      State: 'COMPLETED',
      ExitCode: '0:0',
      DerivedExitCode: '0:0',
      Reason: 'None',
      Submit: '2026-11-28T10:00:00',
      Start: '2026-11-28T10:00:01',
      End: '2026-11-28T10:05:01',
      Elapsed: '00:05:00',
      ElapsedRaw: '300',
      Timelimit: 'UNLIMITED',
      NNodes: '2',
      NodeList: 'node[01-02]',
      ReqMem: '4G',
      AllocTRES: 'cpu=2,mem=4G,node=2',
      MaxRSS: '',
      WorkDir: '/home/alice/run',
      JobName: 'train',
      ...over,
    };
    return SACCT_FIELDS.map((f) => base[f] ?? '').join(SACCT_SEP);
  };
  const merge = (...ls: string[]): SlurmJob[] => mergeSacctRows(parseSacct(ls.join('\n')), UTC);

  it('steps of a het job and numbered steps fold into their component', () => {
    const jobs = merge(
      line({ JobID: '123+0', JobIDRaw: '123', State: 'FAILED', ExitCode: '1:0' }),
      line({ JobID: '123+0.batch', JobIDRaw: '123.batch', MaxRSS: '1.50G', JobName: 'batch' }),
      line({ JobID: '123+0.0', JobIDRaw: '123.0', MaxRSS: '900M', JobName: 'python' }),
      line({ JobID: '123+1', JobIDRaw: '124' }),
      line({ JobID: '123+1.0', JobIDRaw: '124.0', MaxRSS: '2048K' }),
    );
    expect(jobs.map((j) => [j.job_id, j.raw_job_id, j.het_job_id, j.het_offset, j.max_rss, j.exit_code])).toEqual([
      ['123+0', '123', '123', 0, '1.50G', '1:0'],
      ['123+1', '124', '123', 1, '2048K', '0:0'],
    ]);
  });

  it('names with the separator, `|`, `=`, spaces and `?` survive', () => {
    for (const name of ['a|b c ?', 'k=v x=y', `odd${SACCT_SEP}name`, ' spaced ', 'x'.repeat(200)]) {
      expect(merge(line({ JobName: name }))[0]?.name).toBe(name);
    }
  });

  it('pending array parent, running job, Partition_Limit, None assigned, `by 0`', () => {
    const [parent, running, cancelled] = merge(
      line({
        JobID: '83_[2-9%2]',
        JobIDRaw: '83',
        State: 'PENDING',
        Start: 'Unknown',
        End: 'Unknown',
        NodeList: 'None assigned',
        Timelimit: 'Partition_Limit',
        ElapsedRaw: '0',
        AllocTRES: '',
      }),
      line({ JobID: '90', JobIDRaw: '90', State: 'RUNNING', End: 'Unknown', Reason: 'Dependency' }),
      line({
        JobID: '91',
        JobIDRaw: '91',
        State: 'CANCELLED by 0',
        Start: 'None',
        NodeList: 'None assigned',
        ElapsedRaw: '0',
      }),
    );
    expect(parent).toMatchObject({
      array_job_id: '83',
      array_task_id: '[2-9%2]',
      raw_job_id: '83',
      nodes: null,
      start_time: null,
      time_limit_s: null,
      alloc_tres: null,
    });
    expect(running).toMatchObject({ state: 'RUNNING', end_time: null, reason: 'Dependency', time_limit_s: null });
    expect(cancelled).toMatchObject({ state: 'CANCELLED', state_detail: 'by 0', start_time: null });
  });

  it('falls back to the .batch exit code and Elapsed when the job row lacks them', () => {
    const [j] = merge(
      line({ ExitCode: '', ElapsedRaw: '', Elapsed: '1-00:00:01' }),
      line({ JobID: '123.batch', ExitCode: '0:15' }),
    );
    expect(j).toMatchObject({ exit_code: '0:15', elapsed_s: 86401 });
  });

  it('drops orphan steps, headers, blank, short and cut lines; accepts --parsable trailing separators', () => {
    const good = line({});
    const jobs = merge('JobID\u001fJobIDRaw', '', line({ JobID: '7.batch' }), good.slice(0, 30), `${good}${SACCT_SEP}`);
    expect(jobs.map((j) => j.job_id)).toEqual(['123']);
    expect(parseSacct('')).toEqual([]);
    expect(parseSacct(null as unknown as string)).toEqual([]);
  });

  it('never throws on arbitrary input', () => {
    const alphabet = fc.constantFrom(
      SACCT_SEP,
      '|',
      '\n',
      '.',
      'batch',
      '_',
      '+',
      '1',
      '2',
      '[',
      ']',
      'K',
      'G',
      ':',
      ' by ',
      'None',
    );
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 400 }), (parts) => {
        const text = parts.join('');
        return (
          Array.isArray(mergeSacctRows(parseSacct(text))) && Array.isArray(mergeSacctRows(parseSacct(line({}) + text)))
        );
      }),
      runs(1500),
    );
  });
});

describe('sacctArgs', () => {
  it('parsable2 with a control-char delimiter, steps included, explicit fields', () => {
    const a = sacctArgs({ jobIds: ['79', '83_7', 'x y'] });
    expect(a.slice(0, 5)).toEqual([
      'sacct',
      '--parsable2',
      '--noheader',
      `--delimiter=${SACCT_SEP}`,
      `--format=${SACCT_FIELDS.join(',')}`,
    ]);
    expect(a).toContain('--jobs=79,83_7');
    expect(a).not.toContain('-X');
    expect(a.some((x) => x.startsWith('--starttime'))).toBe(false);
  });

  it('user/all users, since (sacct syntax or ISO), clusters, custom fields', () => {
    expect(sacctArgs({ user: 'bob', since: 'now-1days' })).toEqual(
      expect.arrayContaining(['--user=bob', '--starttime=now-1days']),
    );
    expect(sacctArgs({ allUsers: true, user: 'bob' })).toContain('--allusers');
    expect(sacctArgs({ allUsers: true, user: 'bob' }).some((x) => x.startsWith('--user'))).toBe(false);
    expect(sacctArgs({ since: '2026-11-28T13:00:00' })).toContain('--starttime=2026-11-28T13:00:00');
    const iso = sacctArgs({ since: '2026-11-28T13:00:00Z' }).find((x) => x.startsWith('--starttime='));
    expect(iso).toMatch(/^--starttime=2026-11-2\dT\d{2}:00:00$/);
    expect(sacctArgs({ since: 'now; rm -rf /' }).some((x) => x.startsWith('--starttime'))).toBe(false);
    expect(sacctArgs({ clusters: 'a,b' })).toContain('--clusters=a,b');
    expect(sacctArgs({ fields: ['JobID', 'JobName'] })).toContain('--format=JobID,JobName');
  });

  it('names the field a sacct rejected', () => {
    expect(sacctRejectedField('sacct: error: Invalid field requested: "WorkDir"\n')).toBe('WorkDir');
    expect(sacctRejectedField('')).toBeNull();
  });
});

describe("slurmdbd's stand-in row: a short job's end recorded before its start", () => {
  // The field list these two captures were made with (22.05, our argv of the day).
  const CAPTURED =
    'JobID,JobIDRaw,User,Account,Partition,State,ExitCode,DerivedExitCode,Reason,Submit,Start,End,Elapsed,ElapsedRaw,Timelimit,NNodes,NodeList,ReqMem,AllocTRES,MaxRSS,WorkDir,TotalCPU,TRESUsageInTot,AdminComment,JobName'.split(
      ',',
    );
  const job = (file: string) =>
    byId(mergeSacctRows(parseSacct(fx(file), { fields: CAPTURED, delimiter: SACCT_SEP }), UTC), '833');

  it('keeps the end (state, exit code, times) and leaves what the stand-in does not know unknown', () => {
    const j = job('sacct-dbd-standin.psv');
    expect(j).toMatchObject({
      state: 'FAILED',
      exit_code: '1:0',
      elapsed_s: 1,
      name: '',
      partition: null,
      time_limit_s: null,
      req_mem: null,
      work_dir: null,
    });
    expect(j.accountingIncomplete).toBe(true);
  });

  it('reads the same job seconds later as complete', () => {
    const j = job('sacct-dbd-complete.psv');
    expect(j).toMatchObject({
      state: 'FAILED',
      name: 'leaky-train',
      partition: 'debug',
      time_limit_s: 600,
      req_mem: '256M',
    });
    expect(j.accountingIncomplete).toBeUndefined();
  });
});
