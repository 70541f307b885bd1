import { describe, expect, it } from 'vitest';
import { parseByteSize, parseCli, parseSince, validateJobId } from '../src/cli-args.js';
import { UserError } from '../src/errors.js';

describe('parseCli', () => {
  it.each([
    [[], 'tui', []],
    [['123'], 'tui', ['123']],
    [['--summary'], 'summary', []],
    [['--summary', '1', '2_3'], 'summary', ['1', '2_3']],
    [['--wait', '5'], 'summary', ['5']],
    [['inspect', 'a.out', 'b.err'], 'inspect', ['a.out', 'b.err']],
    [['diagnose', '77'], 'diagnose', ['77']],
    [['skill', 'install'], 'skill', ['install']],
    [['mcp'], 'mcp', []],
    [['--brief'], 'summary', []],
    [['--summary', '--brief'], 'summary', []],
    [['-V'], 'version', []],
    [['--help', 'inspect', 'x'], 'help', ['x']],
  ])('%j → %s', (argv, mode, pos) => {
    const o = parseCli(argv);
    expect(o.mode).toBe(mode);
    expect(o.positionals).toEqual(pos);
  });

  it('defaults are gentle on the controller', () => {
    const o = parseCli([]);
    expect(o.intervalS).toBe(10);
    expect(o.since).toBe('1d');
    expect(o.tailBytes).toBe(1024 * 1024);
  });

  it.each([
    [['--interval', '1'], /at least 2 seconds/],
    [['--interval', 'abc'], /not a number/],
    [['--since', 'yesterday'], /--since/],
    [['--bogus'], /Unknown option/],
    [['inspect'], /at least one log file/],
    [['diagnose'], /exactly one job id/],
    [['1', '2'], /one job id/],
    [['--summary', '12;rm -rf /'], /not a job id/],
    [['skill', 'remove'], /skill install/],
    [['mcp', '123'], /mcp: takes no arguments/],
    [['--summary', '--brief', '--wait'], /--brief and --wait/],
    [['--tail-bytes', '10'], /at least 1K/],
  ])('%j is a one-line usage error', (argv, msg) => {
    let err: unknown;
    try {
      parseCli(argv);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(msg);
    expect((err as Error).message).not.toContain('\n');
  });
});

describe('validateJobId', () => {
  it.each(['1', '123456', '83_7', '83_[2-9%2]', '123+1'])('accepts %s', (id) => expect(validateJobId(id)).toBe(id));
  it.each(['', 'abc', '1 2', '$(id)', '12;ls', '-1', '1_', "1'"])('rejects %j', (id) =>
    expect(() => validateJobId(id)).toThrow(UserError),
  );
});

describe('sizes and durations', () => {
  it.each([
    ['4096', 4096],
    ['512K', 512 * 1024],
    ['1M', 1024 ** 2],
    ['1.5m', 1.5 * 1024 ** 2],
    ['2MiB', 2 * 1024 ** 2],
  ])('parseByteSize(%s)', (s, n) => expect(parseByteSize(s)).toBe(n));
  it.each([
    ['30m', 1800],
    ['6h', 21600],
    ['1d', 86400],
    ['2w', 1209600],
  ])('parseSince(%s)', (s, n) => expect(parseSince(s)).toBe(n));
});
