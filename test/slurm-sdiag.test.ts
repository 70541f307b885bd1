import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSdiagUserRpcCounts } from '../parsers/sdiag.js';
import { fx } from './slurm-helpers.js';

describe('parseSdiagUserRpcCounts', () => {
  it.each([
    ['sdiag-end.txt', { hpcuser: 767, root: 195, hpcuser2: 75 }],
    // the file starts and ends with capture's own notes around the sdiag output
    ['sdiag-rpc-check.txt', { hpcuser2: 60, root: 10 }],
  ])('%s', (file, want) => {
    expect(Object.fromEntries(parseSdiagUserRpcCounts(fx(file)))).toEqual(want);
  });

  it('ignores the per-message-type section and anything after the user section', () => {
    const text = [
      'Remote Procedure Call statistics by message type',
      '\tREQUEST_JOB_INFO                        ( 2003) count:86     ave_time:325    total_time:28014',
      '',
      'Remote Procedure Call statistics by user',
      '\tuser.with-dots  (   12345) count:5      ave_time:1 total_time:5',
      '\troot            (       0) count:195    ave_time:433    total_time:84471',
      '',
      'Pending RPC statistics',
      '\tfake            (       1) count:9',
    ].join('\r\n');
    expect(Object.fromEntries(parseSdiagUserRpcCounts(text))).toEqual({ 'user.with-dots': 5, root: 195 });
  });

  it('empty or unrelated text gives an empty map and never throws', () => {
    expect(parseSdiagUserRpcCounts('').size).toBe(0);
    expect(parseSdiagUserRpcCounts(null as unknown as string).size).toBe(0);
    fc.assert(
      fc.property(
        fc.string({ maxLength: 400 }),
        (s) => parseSdiagUserRpcCounts(`Remote Procedure Call statistics by user\n${s}`) instanceof Map,
      ),
    );
  });
});
