import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDependency } from '../parsers/dependency.js';
import { explainReason, reasonText } from '../parsers/pending-reason.js';
import type { SlurmJob } from '../parsers/slurm-types.js';
import { parseSqueue } from '../parsers/squeue.js';
import { parseSqueueStart, squeueStartArgs } from '../parsers/squeue-start.js';
import { runs } from './helpers/prop.js';
import { fx, UTC } from './slurm-helpers.js';

/** A captured `squeue -O 'JobID:|,…'` file: its header line names the fields. */
function captured(file: string): SlurmJob[] {
  const text = fx(`efficiency/${file}`);
  const header = text.split('\n')[0]!.split('|').filter(Boolean);
  const names: Record<string, string> = {
    ST: 'StateCompact',
    START_TIME: 'StartTime',
    ARRAY_JOB_ID: 'ArrayJobID',
    ARRAY_TASK_ID: 'ArrayTaskID',
  };
  const format = header.map((h) => `${names[h] ?? h}:|`).join(',');
  return parseSqueue(text, { format, offsetMinutes: UTC });
}

describe('dependency field (captured 22.05 squeue output)', () => {
  const dep = (file: string, id: string) => parseDependency(captured(file).find((j) => j.job_id === id)?.dependency);

  it('afterok on a held job; (null) when nothing is left', () => {
    expect(dep('squeue-deps-held.txt', '30')).toEqual({
      any: false,
      items: [{ type: 'afterok', job_id: '29', status: 'unfulfilled', delay_min: null }],
    });
    expect(dep('squeue-deps-held.txt', '29')).toBeNull();
  });

  it('any-of with a failed member, all-of, never satisfied', () => {
    expect(dep('squeue-deps-anyof-failed.txt', '36')).toEqual({
      any: true,
      items: [
        { type: 'afterok', job_id: '35', status: 'failed', delay_min: null },
        { type: 'afterany', job_id: '34', status: 'unfulfilled', delay_min: null },
      ],
    });
    expect(dep('squeue-deps-allof.txt', '39')?.items.map((i) => `${i.type}:${i.job_id}`)).toEqual([
      'afterany:37',
      'afterok:37',
    ]);
    expect(dep('squeue-deps-allof.txt', '39')?.any).toBe(false);
    const never = captured('squeue-deps-never.txt').find((j) => j.job_id === '38')!;
    expect(never.reason).toBe('DependencyNeverSatisfied');
    expect(parseDependency(never.dependency)?.items[0]).toMatchObject({ job_id: '37', status: 'failed' });
  });

  it('singleton, after with a delay, array tasks and whole arrays', () => {
    expect(dep('squeue-deps-singleton.txt', '41')?.items).toEqual([
      { type: 'singleton', job_id: null, status: 'unfulfilled', delay_min: null },
    ]);
    expect(dep('squeue-deps-singleton.txt', '42')?.items).toEqual([
      { type: 'after', job_id: '40', status: 'unfulfilled', delay_min: 1 },
    ]);
    expect(dep('squeue-deps-array-task.txt', '45')?.items[0]?.job_id).toBe('43_1');
    expect(dep('squeue-deps-array-corr.txt', '47_0')?.items[0]).toMatchObject({ type: 'aftercorr', job_id: '46_*' });
    expect(dep('squeue-deps-array-corr.txt', '48')?.items[0]).toMatchObject({ type: 'afterok', job_id: '46_*' });
  });

  it('the forms users type: several targets, a bare id, case', () => {
    expect(parseDependency('afterany:37:38')?.items.map((i) => [i.job_id, i.status])).toEqual([
      ['37', 'unknown'],
      ['38', 'unknown'],
    ]);
    expect(parseDependency('123,124')?.items.map((i) => i.type)).toEqual(['afterany', 'afterany']);
    expect(parseDependency('AfterOK:5(Fulfilled)')?.items[0]).toMatchObject({ type: 'afterok', status: 'fulfilled' });
    expect(parseDependency('afterok:5(unknown)')?.items[0]?.status).toBe('unknown');
  });

  it('junk is no dependency; nothing throws', () => {
    for (const s of ['', '(null)', 'afterfoo:1', 'afterok:', 'afterok:x', 'afterok:1(unfulfilled', null, undefined])
      expect(parseDependency(s)).toBeNull();
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        expect(() => parseDependency(s)).not.toThrow();
      }),
      runs(300),
    );
  });
});

describe('pending reasons in words', () => {
  it.each([
    ['Priority', /higher priority/, false],
    ['Resources', /busy/, false],
    ['Dependency', /depends on/, false],
    ['DependencyNeverSatisfied', /can never be met/, true],
    ['JobHeldUser', /Held by its owner/, true],
    ['JobHeldAdmin', /administrator/, true],
    ['BeginTime', /--begin/, false],
    ['QOSMaxJobsPerUserLimit', /per user/, false],
    ['AssocGrpGRES', /account's running jobs together/, false],
    ['QOSGrpGRES', /QOS together/, false],
    ['QOSMaxGRESPerJob', /per job/, true],
    ['AssocGrpCPUMinutesLimit', /used up its allocation/, true],
    ['AssocGrpCPURunMinutesLimit', /resource-minutes/, false],
    ['QOSMaxWallDurationPerJobLimit', /time limit/, true],
    ['MaxGRESPerAccount', /per account/, false],
    ['ReqNodeNotAvail', /down, drained or reserved/, false],
    ['PartitionTimeLimit', /partition's maximum/, true],
    ['JobArrayTaskLimit', /%N/, false],
  ])('%s', (code, words, stuck) => {
    const r = explainReason(code)!;
    expect(r.code).toBe(code);
    expect(r.text).toMatch(words);
    expect(r.stuck).toBe(stuck);
  });

  it('free text keeps the code and the detail; array reasons take the first code', () => {
    expect(explainReason('ReqNodeNotAvail, UnavailableNodes:node[03-05]')).toMatchObject({
      code: 'ReqNodeNotAvail',
      detail: 'UnavailableNodes:node[03-05]',
    });
    expect(explainReason('Priority,JobArrayTaskLimit')).toMatchObject({
      code: 'Priority',
      detail: 'JobArrayTaskLimit',
    });
    expect(explainReason('launch failed requeued held')).toMatchObject({ stuck: true });
    expect(reasonText('ReqNodeNotAvail, UnavailableNodes:node03')).toMatch(
      /maintenance\) \(UnavailableNodes:node03\)\. What helps:/,
    );
  });

  it('unknown codes fall back to a generic line that names them', () => {
    expect(explainReason('FancyNewReason2027')).toMatchObject({ code: 'FancyNewReason2027', stuck: false });
    expect(reasonText('FancyNewReason2027')).toMatch(/"FancyNewReason2027" \(not one hpc-watch knows\)/);
    expect(explainReason(null)).toBeNull();
    expect(explainReason('')).toBeNull();
  });

  it('what helps names the job', () => {
    expect(reasonText('JobHeldUser', '29')).toBe(
      'Held by its owner (sbatch --hold, scontrol hold, or requeued held). What helps: scontrol release 29.',
    );
    expect(reasonText('JobArrayTaskLimit', '83_[2-9%2]')).toContain('jobid=ARRAYID');
    fc.assert(
      fc.property(fc.string({ maxLength: 100 }), fc.string({ maxLength: 20 }), (s, id) => {
        expect(() => reasonText(s, id)).not.toThrow();
      }),
      runs(300),
    );
  });
});

describe('squeue --start (on demand)', () => {
  it('argv for one job; the earliest start in the output, N/A as none', () => {
    expect(squeueStartArgs('51')).toEqual(['squeue', '--start', '--noheader', '--jobs=51', '--format=%i|%S|']);
    expect(squeueStartArgs('83_[2-9%2]')).toBeNull();
    // captured: a --begin job and a held one
    expect(parseSqueueStart(fx('efficiency/squeue-start-ours.txt'), UTC)).toBe('2026-12-02T01:39:52+00:00');
    expect(parseSqueueStart('105|N/A|\n', UTC)).toBeNull();
    expect(parseSqueueStart('', UTC)).toBeNull();
    // the default --start layout (what -O would get) is not mistaken for ours
    expect(parseSqueueStart(fx('efficiency/squeue-start-default.txt'), UTC)).toBeNull();
  });
});
