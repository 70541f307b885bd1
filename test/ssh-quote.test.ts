import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SLURM_CLIENT_ENV_DROP as SLURM_ENV_DROP } from '../parsers/squeue.js';
import { quoteArg, quoteArgv, remoteCommand } from '../src/transport/shell-quote.js';
import { runs } from './helpers/prop.js';

/** Runs `printf '%s\0' <args>` through a real POSIX sh and splits the output on NUL. */
function roundTrip(args: string[]): string[] {
  const r = spawnSync('sh', ['-c', `printf '%s\\0' ${args.map(quoteArg).join(' ')}`], { encoding: 'buffer' });
  expect(r.status).toBe(0);
  const parts = r.stdout.toString('utf8').split('\0');
  parts.pop();
  return parts;
}

const nasty = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom(
    "a b'c$(id);x",
    '`touch /tmp/pwned`',
    '$(touch /tmp/pwned)',
    "'",
    "''",
    '\\',
    '\n',
    '"$HOME"',
    '-rf',
    '*',
    '~',
    '!',
    '#',
    '\t;|&<>',
  ),
);

describe('shell quoting', () => {
  it('round-trips arbitrary strings through a real sh exactly', () => {
    fc.assert(
      fc.property(
        fc.array(
          nasty.filter((s) => !s.includes('\0')),
          { minLength: 1, maxLength: 6 },
        ),
        (args) => {
          expect(roundTrip(args)).toEqual(args);
        },
      ),
      runs(200),
    );
  });

  it('never runs anything embedded in an argument', () => {
    const marker = `/tmp/hpcw-pwned-${process.pid}`;
    roundTrip([`$(touch ${marker})`, `\`touch ${marker}\``, `; touch ${marker}`, `' ; touch ${marker} ; '`]);
    expect(existsSync(marker)).toBe(false);
  });

  it('refuses NUL, which no shell can carry', () => {
    expect(() => quoteArg('a\0b')).toThrow(/NUL/);
  });

  it('builds env -u … for the slurm layer and quotes the argv', () => {
    const cmd = remoteCommand(['squeue', '--name=a b'], {
      dropEnv: SLURM_ENV_DROP,
      env: { SLURM_TIME_FORMAT: 'standard' },
    });
    expect(cmd).toMatch(/^env -u SQUEUE_ACCOUNT .*-u SACCT_FORMAT .*-u SLURM_CLUSTERS /);
    expect(cmd).not.toContain('-u SLURM_TIME_FORMAT');
    expect(cmd.endsWith(`'SLURM_TIME_FORMAT=standard' 'squeue' '--name=a b'`)).toBe(true);
    expect(remoteCommand(['squeue'])).toBe(`'squeue'`);
    expect(() => quoteArgv([])).toThrow();
  });

  it('the env prefix really clears the user variables in sh', () => {
    const cmd = remoteCommand(['sh', '-c', `echo "\${SQUEUE_FORMAT-unset} $SLURM_TIME_FORMAT"`], {
      dropEnv: SLURM_ENV_DROP,
      env: { SLURM_TIME_FORMAT: 'standard' },
    });
    const r = spawnSync('sh', ['-c', cmd], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, SQUEUE_FORMAT: '%i', SLURM_TIME_FORMAT: 'relative' },
    });
    expect(r.stdout.trim()).toBe('unset standard');
  });
});
