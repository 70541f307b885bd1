import { describe, expect, it } from 'vitest';
import { isEnded, isFailure, isQueued, isRunning, JOB_STATES, toJobState } from '../parsers/job-state.js';
import { parseJobId, splitState } from '../parsers/slurm-fields.js';

describe('job-state vocabulary', () => {
  it('every state is queued, running or ended — never two; only UNKNOWN is none', () => {
    for (const s of JOB_STATES) {
      const n = [isQueued(s), isRunning(s), isEnded(s)].filter(Boolean).length;
      expect([s, n]).toEqual([s, s === 'UNKNOWN' ? 0 : 1]);
    }
  });

  it.each([
    ['PENDING', 'queued'],
    ['REQUEUE_HOLD', 'queued'],
    ['CONFIGURING', 'running'],
    ['COMPLETING', 'running'],
    ['SUSPENDED', 'running'],
    ['COMPLETED', 'ended'],
    ['OUT_OF_MEMORY', 'ended'],
    ['SPECIAL_EXIT', 'ended'],
  ] as const)('%s is %s', (state, kind) => {
    expect({ queued: isQueued(state), running: isRunning(state), ended: isEnded(state) }[kind]).toBe(true);
  });

  it('a failure is every end but COMPLETED', () => {
    expect(JOB_STATES.filter(isFailure)).toEqual(JOB_STATES.filter((s) => isEnded(s) && s !== 'COMPLETED'));
    expect(isFailure('COMPLETED')).toBe(false);
    expect(isFailure('CANCELLED')).toBe(true);
  });

  it('reads any case; a state newer than this code is UNKNOWN and keeps its name as detail', () => {
    expect(toJobState('running')).toBe('RUNNING');
    expect(splitState('CANCELLED by 1001')).toEqual({ state: 'CANCELLED', detail: 'by 1001' });
    expect(splitState('EXPEDITING')).toEqual({ state: 'UNKNOWN', detail: 'EXPEDITING' });
    expect(splitState('UNKNOWN')).toEqual({ state: 'UNKNOWN', detail: null });
  });
});

describe('parseJobId', () => {
  it.each(['1', '123456', '83_7', '83_[2-9%2]', '123+1'])('accepts %s', (id) => expect(parseJobId(id)).toBe(id));
  it.each(['', 'abc', '1 2', '$(id)', '12;ls', '-1', '1_', "1'", 42, null])('rejects %j', (id) =>
    expect(parseJobId(id)).toBeNull(),
  );
});
