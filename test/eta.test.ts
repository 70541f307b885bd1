import { describe, expect, it } from 'vitest';
import { checkTimeLimit, remainingSeconds, secondsPerUnit } from '../src/model/eta.js';
import { progress } from './helpers/fixtures.js';

const p = progress;

describe('secondsPerUnit', () => {
  it.each([
    [2, 'it/s', 0.5],
    [4.7, 's/it', 4.7],
    [444, 'ms/step', 0.444],
    [2.33, 'kimg/s', 1 / 2.33],
    [3, 's/step', 3],
    [0, 'it/s', null],
    [5, 'weird', null],
  ])('%s %s', (rate, unit, want) => {
    const got = secondsPerUnit({ rate, rate_unit: unit });
    if (want === null) expect(got).toBeNull();
    else expect(got).toBeCloseTo(want, 6);
  });
});

describe('remainingSeconds', () => {
  it('uses the printed ETA of the bar', () => {
    expect(remainingSeconds(p({ current: 10, total: 100, eta_s: 90 }))).toBe(90);
  });
  it('derives it from the rate when the ETA is missing', () => {
    expect(remainingSeconds(p({ current: 10, total: 100, rate: 2, rate_unit: 'it/s' }))).toBe(45);
  });
  it('adds the epochs still to come', () => {
    // epoch 3 of 10, 100 steps at 1 it/s: 50 s left in this one, 7 more epochs of 100 s
    expect(
      remainingSeconds(
        p({ current: 50, total: 100, rate: 1, rate_unit: 'it/s', eta_s: 50, epoch: 3, epoch_total: 10 }),
      ),
    ).toBe(750);
  });
  it('is null without any timing', () => {
    expect(remainingSeconds(p({ current: 5 }))).toBeNull();
    expect(remainingSeconds(null)).toBeNull();
  });
});

describe('checkTimeLimit', () => {
  const start = Date.parse('2026-11-28T10:00:00Z');
  it('warns when the run would end after the limit', () => {
    const r = checkTimeLimit({
      progress: p({ current: 100, total: 1000, eta_s: 3600 }),
      logMtimeMs: start + 1800_000,
      startTimeMs: start,
      timeLimitS: 3600,
    });
    expect(r.willTimeout).toBe(true);
    expect(r.overrunS).toBe(1800);
  });
  it('is quiet when the run fits', () => {
    const r = checkTimeLimit({
      progress: p({ eta_s: 60 }),
      logMtimeMs: start + 60_000,
      startTimeMs: start,
      timeLimitS: 3600,
    });
    expect(r.willTimeout).toBe(false);
  });
  it('anchors the ETA at the log write, not at now, so it does not drift', () => {
    const a = checkTimeLimit({ progress: p({ eta_s: 100 }), logMtimeMs: start, startTimeMs: start, timeLimitS: 3600 });
    expect(a.finishAt).toBe(start + 100_000);
  });
  it('is unknown for unlimited jobs or without an ETA', () => {
    expect(
      checkTimeLimit({ progress: p({ eta_s: 10 }), logMtimeMs: start, startTimeMs: start, timeLimitS: null })
        .willTimeout,
    ).toBeNull();
    expect(
      checkTimeLimit({ progress: null, logMtimeMs: start, startTimeMs: start, timeLimitS: 60 }).willTimeout,
    ).toBeNull();
  });
});
