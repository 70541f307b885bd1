/**
 * sshd hands the command string to the user's login shell, so every argv element is
 * POSIX single-quoted: inside '…' nothing is special, and a `'` is written as '\''.
 */
import type { ExecOptions } from './types.js';

/** One argument for a POSIX shell; NUL cannot be carried by any shell, so it is refused. */
export function quoteArg(arg: string): string {
  if (arg.includes('\0')) throw new Error('argument contains a NUL byte and cannot be passed to a remote shell');
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** A whole argv as one shell command line; each element quoted, none spliced raw. */
export function quoteArgv(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error('empty command');
  return argv.map(quoteArg).join(' ');
}

/**
 * Variables a login shell's rc files may set that change Slurm output. The remote
 * environment cannot be listed from here, so `dropEnv` is applied to this list.
 */
export const KNOWN_CLIENT_ENV = [
  'SQUEUE_ACCOUNT',
  'SQUEUE_ALL',
  'SQUEUE_ARRAY',
  'SQUEUE_ARRAY_UNIQUE',
  'SQUEUE_CLUSTERS',
  'SQUEUE_FEDERATION',
  'SQUEUE_FORMAT',
  'SQUEUE_FORMAT2',
  'SQUEUE_LICENSES',
  'SQUEUE_LOCAL',
  'SQUEUE_NAMES',
  'SQUEUE_PARTITION',
  'SQUEUE_PRIORITY',
  'SQUEUE_QOS',
  'SQUEUE_SIBLING',
  'SQUEUE_SORT',
  'SQUEUE_STATES',
  'SQUEUE_USERS',
  'SACCT_FEDERATION',
  'SACCT_FORMAT',
  'SACCT_LOCAL',
  'SCONTROL_ALL',
  'SCONTROL_FEDERATION',
  'SCONTROL_FUTURE',
  'SCONTROL_LOCAL',
  'SCONTROL_SIBLING',
  'SINFO_FORMAT',
  'SINFO_PARTITION',
  'SINFO_SORT',
  'SLURM_BITSTR_LEN',
  'SLURM_CLUSTERS',
  'SLURM_DEBUG_FLAGS',
  'SLURM_TIME_FORMAT',
] as const;

/**
 * The string sent to sshd: `env -u … NAME=value <argv>` when the caller asks for a
 * different environment (sshd's AcceptEnv would silently drop `setenv` requests).
 */
export function remoteCommand(argv: readonly string[], opts: Pick<ExecOptions, 'env' | 'dropEnv'> = {}): string {
  const cmd = quoteArgv(argv);
  const env = Object.entries(opts.env ?? {});
  if (!opts.dropEnv && env.length === 0) return cmd;
  // `env` would take a program name containing '=' for one more assignment.
  if (argv[0]!.includes('=')) throw new Error(`cannot run a program named ${JSON.stringify(argv[0])} through env`);
  const parts = ['env'];
  const drop = opts.dropEnv;
  if (drop)
    for (const name of KNOWN_CLIENT_ENV) if (drop.test(name) && !(name in (opts.env ?? {}))) parts.push('-u', name);
  for (const [k, v] of env) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new Error(`bad environment variable name: ${JSON.stringify(k)}`);
    parts.push(quoteArg(`${k}=${v}`));
  }
  return `${parts.join(' ')} ${cmd}`;
}
