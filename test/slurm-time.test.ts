import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration, parseTimestamp } from '../parsers/slurm-time.js';
import { runs } from './helpers/prop.js';

describe('parseDuration', () => {
  it.each([
    ['1-02:03:04', 93784],
    ['02:03:04', 7384],
    ['2:03:04', 7384],
    ['5:00', 300],
    ['0:00', 0],
    ['00:01:24', 84],
    ['1-00:00:00', 86400],
    ['2-12', 2 * 86400 + 12 * 3600],
    ['2-12:30', 2 * 86400 + 12 * 3600 + 1800],
    ['30:00', 1800],
    [' 10:00 ', 600],
  ])('%s → %d s', (s, n) => {
    expect(parseDuration(s)).toBe(n);
  });

  it('reads sacct TotalCPU MM:SS.mmm', () => {
    expect(parseDuration('00:00.105')).toBeCloseTo(0.105, 6);
    expect(parseDuration('01:02.5')).toBeCloseTo(62.5, 6);
  });

  it.each([
    'UNLIMITED',
    'INVALID',
    'N/A',
    'Unknown',
    'None',
    'Partition_Limit',
    'NOT_SET',
    '',
    '   ',
    '30',
    '-1:00',
    '1:2:3:4',
    'abc',
    '1-',
    ':00',
    '5:00 extra',
  ])('%j → null', (s) => {
    expect(parseDuration(s)).toBeNull();
  });

  it('returns null for non-strings', () => {
    expect(parseDuration(null)).toBeNull();
    expect(parseDuration(undefined)).toBeNull();
    expect(parseDuration(42 as unknown as string)).toBeNull();
  });
});

describe('formatDuration', () => {
  it.each([
    [93784, '1-02:03:04'],
    [7384, '2:03:04'],
    [184, '3:04'],
    [0, '0:00'],
    [59.9, '0:59'],
    [86400, '1-00:00:00'],
  ])('%d → %s', (n, s) => {
    expect(formatDuration(n)).toBe(s);
  });

  it('is empty for negative and non-finite input', () => {
    expect(formatDuration(-1)).toBe('');
    expect(formatDuration(Number.NaN)).toBe('');
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe('');
    expect(formatDuration(null)).toBe('');
  });

  it('round-trips through parseDuration', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 400 * 86400 }), (n) => parseDuration(formatDuration(n)) === n),
      runs(2000),
    );
  });
});

describe('parseTimestamp', () => {
  it('adds the given offset to SLURM local time', () => {
    expect(parseTimestamp('2026-11-28T13:53:00', undefined, 0)).toBe('2026-11-28T13:53:00+00:00');
    expect(parseTimestamp('2026-11-28T13:53:00', undefined, 60)).toBe('2026-11-28T13:53:00+01:00');
    expect(parseTimestamp('2026-07-01T08:00:00', undefined, -330)).toBe('2026-07-01T08:00:00-05:30');
  });

  it("uses this process's zone at that date when no offset is given", () => {
    const iso = parseTimestamp('2026-11-28T13:53:00');
    expect(iso).toMatch(/^2026-11-28T13:53:00[+-]\d{2}:\d{2}$/);
    const local = new Date(2026, 10, 28, 13, 53, 0);
    expect(new Date(iso ?? '').getTime()).toBe(local.getTime());
  });

  it.each([
    'Unknown',
    'None',
    'N/A',
    '',
    '  ',
    '(null)',
    'garbage',
    '2026-13-01T00:00:00',
    '2026-02-30T00:00:00',
    '2026-11-28T24:00:00',
  ])('%j → null', (s) => {
    expect(parseTimestamp(s, undefined, 0)).toBeNull();
  });

  it('keeps an explicit zone and normalises it', () => {
    expect(parseTimestamp('2026-11-28T13:53:00Z')).toBe('2026-11-28T13:53:00+00:00');
    expect(parseTimestamp('2026-11-28T13:53:00+0130')).toBe('2026-11-28T13:53:00+01:30');
  });

  it('reads epoch seconds (squeue --json) and a bare relative-format time of day', () => {
    expect(parseTimestamp('1795873980', undefined, 0)).toBe('2026-11-28T13:53:00+00:00');
    const now = new Date(Date.UTC(2026, 10, 28, 20, 0, 0));
    expect(parseTimestamp('13:53:00', now, 0)).toBe('2026-11-28T13:53:00+00:00');
    expect(parseTimestamp('Tomorr 12:34', now, 0)).toBeNull();
  });

  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 40 }),
        fc.option(fc.integer({ min: -900, max: 900 }), { nil: undefined }),
        (s, off) => {
          const r = parseTimestamp(s, new Date(), off);
          return r === null || /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/.test(r);
        },
      ),
      runs(2000),
    );
    fc.assert(fc.property(fc.string({ maxLength: 40 }), (s) => parseDuration(s) === null || parseDuration(s)! >= 0));
  });
});
