import { describe, expect, it } from 'vitest';
import { fmtCount, fmtDuration, fmtRate, fmtShortDuration, progressPercent } from '../src/format.js';

describe('format', () => {
  it.each([
    [0, '0:00'],
    [59, '0:59'],
    [3725, '1:02:05'],
    [90061, '1-01:01:01'],
    [null, '-'],
  ])('fmtDuration(%s)', (s, want) => expect(fmtDuration(s)).toBe(want));
  it.each([
    [45, '45s'],
    [600, '10m'],
    [5400, '1h30m'],
    [90000, '1d1h'],
  ])('fmtShortDuration(%s)', (s, want) => expect(fmtShortDuration(s)).toBe(want));
  it.each([
    [12345, '12.3k'],
    [1_280_000, '1.28M'],
    [42, '42'],
    [2.5, '2.5'],
  ])('fmtCount(%s)', (n, want) => expect(fmtCount(n)).toBe(want));
  it('rates keep their printed unit', () => {
    expect(fmtRate({ rate: 4.7, rate_unit: 's/it' })).toBe('4.7 s/it');
    expect(fmtRate({ rate: null, rate_unit: 'it/s' })).toBe('-');
  });
  it('percent needs a total', () => {
    const base = {
      unit: 'it',
      rate: null,
      rate_unit: null,
      eta_s: null,
      elapsed_s: null,
      epoch: null,
      epoch_total: null,
    };
    expect(progressPercent({ ...base, current: 25, total: 100 })).toBe(25);
    expect(progressPercent({ ...base, current: 25, total: null })).toBeNull();
  });
});
