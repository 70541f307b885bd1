/** Event derivation as table tests over sequences of snapshots: one event per transition, never twice. */
import { describe, expect, it } from 'vitest';
import { type DeriveOptions, EventDeriver } from '../src/events/derive.js';
import type { JobEvent } from '../src/events/types.js';
import type { JobEntry, State } from '../src/store.js';
import { analysis, entry, logInfo, progress } from './helpers/fixtures.js';

const T0 = Date.parse('2026-11-26T12:00:00Z');
const MIN = 60_000;
const opts: DeriveOptions = { stallFactor: 10, stallMinMs: 10 * MIN, selfUid: () => 1001 };
const iso = (ms: number) => new Date(ms).toISOString();

const snap = (...jobs: JobEntry[]): State => ({
  jobs: Object.fromEntries(jobs.map((j) => [j.key, j])),
  clusters: {},
  diagnoses: {},
  live: {},
});
const names = (evs: JobEvent[]) => evs.map((e) => `${e.job_id}:${e.event}`);

/** Feeds snapshots at times; returns the events of each step. */
function run(
  steps: [number, State][],
  o: Partial<DeriveOptions> = {},
  d = new EventDeriver({ ...opts, ...o }),
): string[][] {
  return steps.map(([t, s]) => names(d.update(s, t)));
}

const pending = (id: string, over: Partial<JobEntry['job']> = {}) =>
  entry(T0, { job_id: id, state: 'PENDING', reason: 'Priority', nodes: null, ...over });
const running = (id: string, over: Partial<JobEntry['job']> = {}, e: Partial<JobEntry> = {}) =>
  entry(T0, { job_id: id, start_time: iso(T0), ...over }, { stdout: logInfo(`/l/${id}.out`, []), ...e });
const ended = (
  id: string,
  state: JobEntry['job']['state'],
  over: Partial<JobEntry['job']> = {},
  e: Partial<JobEntry> = {},
) =>
  entry(
    T0,
    { job_id: id, state, start_time: iso(T0), end_time: iso(T0 + 5 * MIN), ...over },
    { stdout: logInfo(`/l/${id}.out`, []), logsFinal: true, ...e },
  );

describe('job lifecycle', () => {
  it('started once, completed once; nothing while nothing changes', () => {
    expect(
      run([
        [T0, snap(pending('1'))],
        [T0 + MIN, snap(running('1'))],
        [T0 + 2 * MIN, snap(running('1'))],
        [T0 + 5 * MIN, snap(ended('1', 'COMPLETED'))],
        [T0 + 6 * MIN, snap(ended('1', 'COMPLETED'))],
      ]),
    ).toEqual([[], ['1:job_started'], [], ['1:job_completed'], []]);
  });

  it('a failure waits until the logs were read after the end, then names its root-cause line', () => {
    const d = new EventDeriver(opts);
    d.update(snap(running('2')), T0);
    const fail = {
      failure: {
        category: 'oom_gpu' as const,
        line: 'torch.OutOfMemoryError: CUDA out of memory',
        exception: 'OutOfMemoryError',
      },
    };
    expect(d.update(snap(ended('2', 'FAILED', { exit_code: '1:0' }, { logsFinal: false })), T0 + MIN)).toEqual([]);
    const [ev] = d.update(
      snap(ended('2', 'FAILED', { exit_code: '1:0' }, { analysis: analysis(fail) })),
      T0 + MIN + 1000,
    );
    expect(ev).toMatchObject({
      event: 'job_failed',
      failure: { category: 'oom_gpu', line: fail.failure.line },
      late: false,
    });
    expect(ev!.message).toMatch(/^job 2 \(job-2\) FAILED after 1h: oom_gpu: torch\.OutOfMemoryError/);
  });

  it("an end known only from slurmdbd's stand-in (no work dir, so no log yet) waits for the full record", () => {
    const d = new EventDeriver(opts);
    d.update(snap(running('4')), T0);
    expect(
      d.update(snap(ended('4', 'FAILED', { name: '', accountingIncomplete: true }, { stdout: null })), T0 + MIN),
    ).toEqual([]);
    const [ev] = d.update(snap(ended('4', 'FAILED', { name: 'train' })), T0 + MIN + 10_000);
    expect(ev).toMatchObject({ event: 'job_failed', name: 'train' });
  });

  it("an end seen first in squeue's record (no log paths yet) waits for the poll to bring the logs", () => {
    const d = new EventDeriver(opts);
    d.update(snap(running('5')), T0);
    expect(
      d.update(snap(ended('5', 'FAILED', {}, { stdout: null, logsFinal: false, source: 'squeue' })), T0 + MIN),
    ).toEqual([]);
    const fail = {
      failure: {
        category: 'python_exception' as const,
        line: 'RuntimeError: the data loader died',
        exception: 'RuntimeError',
      },
    };
    const [ev] = d.update(
      snap(ended('5', 'FAILED', {}, { source: 'sacct', analysis: analysis(fail) })),
      T0 + MIN + 500,
    );
    expect(ev).toMatchObject({ event: 'job_failed', failure: { line: 'RuntimeError: the data loader died' } });
  });

  it('an end whose logs are never re-read is told after a while anyway', () => {
    expect(
      run([
        [T0, snap(running('3'))],
        [T0 + MIN, snap(ended('3', 'FAILED', {}, { logsFinal: false }))],
        [T0 + 2 * MIN, snap(ended('3', 'FAILED', {}, { logsFinal: false }))],
        [T0 + 4 * MIN, snap(ended('3', 'FAILED', {}, { logsFinal: false }))],
      ]),
    ).toEqual([[], [], [], ['3:job_failed']]);
  });

  it("the user's own scancel is job_cancelled; someone else's is job_failed", () => {
    expect(
      run([
        [T0, snap(running('4'), running('5'))],
        [
          T0 + MIN,
          snap(ended('4', 'CANCELLED', { state_detail: 'by 1001' }), ended('5', 'CANCELLED', { state_detail: 'by 0' })),
        ],
      ]),
    ).toEqual([[], ['4:job_cancelled', '5:job_failed']]);
  });

  it('TIMEOUT, OUT_OF_MEMORY, NODE_FAIL and PREEMPTED are failures', () => {
    const states = ['TIMEOUT', 'OUT_OF_MEMORY', 'NODE_FAIL', 'PREEMPTED'] as const;
    const first = snap(...states.map((_, i) => running(`1${i}`)));
    const second = snap(...states.map((s, i) => ended(`1${i}`, s)));
    expect(
      run([
        [T0, first],
        [T0 + MIN, second],
      ])[1],
    ).toEqual(['10:job_failed', '11:job_failed', '12:job_failed', '13:job_failed']);
  });

  it('a job seen first when already finished, or already running, is not news', () => {
    expect(
      run([
        [T0, snap(ended('6', 'FAILED'), running('7'), pending('8'))],
        [T0 + MIN, snap(ended('6', 'FAILED'), running('7'), pending('8'))],
      ]),
    ).toEqual([[], []]);
  });

  it('a job submitted while we watch is news even when first seen running or already ended', () => {
    const submitted = { submit_time: iso(T0 + 30_000) };
    expect(
      run([
        [T0, snap()],
        [
          T0 + MIN,
          snap(
            running('90', submitted),
            ended('91', 'COMPLETED', submitted),
            running('92', { submit_time: iso(T0 - MIN) }),
          ),
        ],
      ]),
    ).toEqual([[], ['90:job_started', '91:job_started', '91:job_completed']]);
  });

  it('a job that started and ended between two polls: started and ended', () => {
    expect(
      run([
        [T0, snap(pending('9'))],
        [T0 + MIN, snap(ended('9', 'COMPLETED'))],
      ]),
    ).toEqual([[], ['9:job_started', '9:job_completed']]);
  });

  it('requeued: back to pending, then started again', () => {
    expect(
      run([
        [T0, snap(running('20'))],
        [T0 + MIN, snap(pending('20', { reason: 'BeginTime' }))],
        [T0 + 2 * MIN, snap(running('20'))],
        [T0 + 3 * MIN, snap(ended('21', 'NODE_FAIL'), running('20'))],
      ]),
    ).toEqual([[], ['20:job_requeued'], ['20:job_started'], []]);
  });

  it('pending reason changes, e.g. Priority to Resources or a hold', () => {
    expect(
      run([
        [T0, snap(pending('30'))],
        [T0 + MIN, snap(pending('30', { reason: 'Resources' }))],
        [T0 + 2 * MIN, snap(pending('30', { reason: 'Resources' }))],
        [T0 + 3 * MIN, snap(pending('30', { reason: 'JobHeldUser' }))],
      ]),
    ).toEqual([[], ['30:job_pending_reason_changed'], [], ['30:job_pending_reason_changed']]);
  });
});

describe('array tasks', () => {
  const task = (t: string, state: JobEntry['job']['state']) =>
    state === 'PENDING'
      ? pending(`40_${t}`, { array_job_id: '40', array_task_id: t })
      : state === 'RUNNING'
        ? running(`40_${t}`, { array_job_id: '40', array_task_id: t })
        : ended(`40_${t}`, state, { array_job_id: '40', array_task_id: t });

  it('tasks that leave the pending record start; one that ends at once starts and ends', () => {
    expect(
      run([
        [T0, snap(task('1', 'RUNNING'), task('[2-4]', 'PENDING'))],
        [T0 + MIN, snap(task('1', 'RUNNING'), task('2', 'RUNNING'), task('[3-4]', 'PENDING'))],
        [T0 + 2 * MIN, snap(task('1', 'COMPLETED'), task('2', 'RUNNING'), task('3', 'FAILED'), task('4', 'PENDING'))],
      ]),
    ).toEqual([[], ['40_2:job_started'], ['40_1:job_completed', '40_3:job_started', '40_3:job_failed']]);
  });
});

describe('time-limit risk', () => {
  const at = (willTimeout: boolean | null, overrunS: number | null) =>
    snap(running('50', { time_limit_s: 3600 }, { willTimeout, overrunS, finishAt: T0 + 2 * 3600_000 }));

  it('once, and again only after it cleared; ETA jitter around the limit does not flap', () => {
    expect(
      run([
        [T0, at(false, -600)],
        [T0 + MIN, at(true, 1800)],
        [T0 + 2 * MIN, at(true, 1700)],
        [T0 + 3 * MIN, at(false, -10)],
        [T0 + 4 * MIN, at(true, 30)],
        [T0 + 5 * MIN, at(false, -900)],
        [T0 + 6 * MIN, at(true, 900)],
      ]),
    ).toEqual([[], ['50:job_timeout_risk'], [], [], [], [], ['50:job_timeout_risk']]);
  });
});

describe('stalls', () => {
  const at = (size: number, current: number) =>
    snap(
      running(
        '60',
        {},
        {
          stdout: logInfo('/l/60.out', [], { size }),
          analysis: analysis({ progress: progress({ current, total: 1000 }) }),
        },
      ),
    );

  it('silence far longer than the job’s own pace, once; growth clears it', () => {
    const steps: [number, State][] = [
      [T0, at(100, 1)],
      [T0 + 0.5 * MIN, at(200, 2)],
      [T0 + 1 * MIN, at(300, 3)],
      [T0 + 1.5 * MIN, at(400, 4)],
      // silent from 1.5 min: pace 30 s → 10× = 5 min, but at least 10 min
      [T0 + 9 * MIN, at(400, 4)],
      [T0 + 11.6 * MIN, at(400, 4)],
      [T0 + 13 * MIN, at(400, 4)],
      [T0 + 14 * MIN, at(500, 5)],
      [T0 + 25 * MIN, at(500, 5)],
    ];
    expect(run(steps)).toEqual([[], [], [], [], [], ['60:job_stalled'], [], [], ['60:job_stalled']]);
  });

  it('thresholds are options, so a test or a fast pipeline can use seconds', () => {
    const steps: [number, State][] = [
      [T0, at(1, 1)],
      [T0 + 1000, at(2, 2)],
      [T0 + 2000, at(3, 3)],
      [T0 + 14_000, at(3, 3)],
    ];
    expect(run(steps, { stallMinMs: 5000, stallFactor: 3 })).toEqual([[], [], [], ['60:job_stalled']]);
  });

  it('a job whose pace is not known yet (no two gaps) is never called stalled', () => {
    expect(
      run([
        [T0, at(1, 1)],
        [T0 + 60 * MIN, at(1, 1)],
        [T0 + 120 * MIN, at(2, 1)],
        [T0 + 600 * MIN, at(2, 1)],
      ]),
    ).toEqual([[], [], [], []]);
  });
});

describe('restarts and clocks', () => {
  it('nothing is told twice after a restart; an end missed while down is told once, late', () => {
    const a = new EventDeriver(opts);
    a.update(snap(running('70'), running('71')), T0);
    expect(names(a.update(snap(ended('70', 'COMPLETED'), running('71')), T0 + 10 * MIN))).toEqual(['70:job_completed']);
    const memory = JSON.parse(JSON.stringify(a.remember()));
    // Down for an hour; 71 failed meanwhile.
    const restart = T0 + 70 * MIN;
    const b = new EventDeriver(opts, memory);
    const evs = b.update(
      snap(ended('70', 'COMPLETED'), ended('71', 'FAILED', { end_time: iso(T0 + 30 * MIN) })),
      restart,
    );
    expect(names(evs)).toEqual(['71:job_failed']);
    expect(evs[0]!.late).toBe(true);
    expect(evs[0]!.at).toMatch(/^2026-11-26T/);
    expect(b.update(snap(ended('70', 'COMPLETED'), ended('71', 'FAILED')), restart + MIN)).toEqual([]);
  });

  it('after a restart, only what changed while away is late', () => {
    const a = new EventDeriver(opts);
    a.update(snap(running('72'), running('73')), T0);
    const b = new EventDeriver(opts, JSON.parse(JSON.stringify(a.remember())));
    const first = b.update(snap(ended('72', 'COMPLETED'), running('73')), T0 + MIN);
    const next = b.update(snap(ended('72', 'COMPLETED'), ended('73', 'COMPLETED')), T0 + 2 * MIN);
    expect(first.map((e) => [e.job_id, e.late])).toEqual([['72', true]]);
    expect(next.map((e) => [e.job_id, e.late])).toEqual([['73', false]]);
  });

  it('a fresh end is never late, whatever the cluster clock says; `at` is the cluster’s end time', () => {
    const d = new EventDeriver(opts);
    d.update(snap(running('80')), T0);
    const end = T0 + 7 * MIN; // the cluster's clock runs 5 minutes ahead of ours
    const [ev] = d.update(snap(ended('80', 'COMPLETED', { end_time: iso(end) })), T0 + 2 * MIN);
    expect(ev).toMatchObject({ event: 'job_completed', late: false });
    expect(Date.parse(ev!.at)).toBe(end);
  });
});
