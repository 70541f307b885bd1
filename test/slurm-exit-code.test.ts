import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeExit } from '../parsers/exit-code.js';
import { toJobState } from '../parsers/job-state.js';
import { blankJob } from '../parsers/slurm-fields.js';
import type { SlurmJob } from '../parsers/slurm-types.js';

const job = (state: string, exit_code: string | null, state_detail: string | null = null): SlurmJob => ({
  ...blankJob('1'),
  state: toJobState(state),
  exit_code,
  state_detail,
});

describe('describeExit', () => {
  it.each([
    [job('FAILED', '1:0'), 'exit 1'],
    [job('FAILED', '2:0'), 'exit 2'],
    [job('FAILED', '137:0'), 'exit 137 (128+9: signal 9 (SIGKILL))'],
    [job('FAILED', '0:9'), 'killed by signal 9 (SIGKILL)'],
    [job('FAILED', '0:15'), 'killed by signal 15 (SIGTERM)'],
    [job('FAILED', '0:11'), 'killed by signal 11 (SIGSEGV)'],
    [job('OUT_OF_MEMORY', '0:125'), 'out of memory (killed by the OOM handler)'],
    [job('FAILED', '0:125'), 'out of memory (killed by the OOM handler)'],
    [job('TIMEOUT', '0:0'), 'time limit reached'],
    [job('CANCELLED', '0:0', 'by 1001'), 'cancelled by 1001'],
    [job('CANCELLED', '0:15'), 'cancelled'],
    [job('NODE_FAIL', '0:0'), 'node failure'],
    [job('COMPLETED', '0:0'), null],
    [job('RUNNING', null), null],
    [job('FAILED', null), null],
    [job('FAILED', 'garbage'), null],
  ])('%#: %j', (j, want) => {
    expect(describeExit(j)).toBe(want);
  });

  it('0:53 on a FAILED job is the missing --output directory', () => {
    expect(describeExit(job('FAILED', '0:53'), { logMissing: true })).toBe(
      'output directory does not exist (could not open the --output/--error file)',
    );
    expect(describeExit(job('FAILED', '0:53'))).toMatch(/output directory does not exist/);
    expect(describeExit(job('FAILED', '0:53'), { logMissing: false })).toMatch(/could not open/);
  });

  it('never throws', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 20 }),
        fc.option(fc.string({ maxLength: 12 }), { nil: null }),
        (state, code) => {
          const r = describeExit(job(state, code));
          return r === null || r.length < 100;
        },
      ),
    );
  });
});
