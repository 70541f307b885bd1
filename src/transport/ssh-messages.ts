/**
 * The one-line messages users see when an SSH connection is refused. One line each:
 * the slurm layer keeps only the last line of an error, and the store shows one.
 */
import { fingerprint, type HostKeyCheck, hostEntryName, keyType } from './known-hosts.js';
import { type SshHostConfig, sshCommandFor } from './ssh-config.js';

/** Why a connection failed; `fatal` ones (host key, auth) are not retried automatically. */
export class SshConnectError extends Error {
  constructor(
    message: string,
    readonly kind: 'host-key' | 'auth' | 'network' | 'config' | 'disconnected',
    readonly fatal: boolean,
  ) {
    super(message);
    this.name = 'SshConnectError';
  }
}

type HostCfg = Pick<
  SshHostConfig,
  'alias' | 'configFile' | 'hostname' | 'port' | 'hostKeyAlias' | 'userKnownHostsFiles'
>;

function lookupName(cfg: HostCfg): string {
  return cfg.hostKeyAlias ?? hostEntryName(cfg.hostname, cfg.port);
}

/** The message for a host key that is not `ok`; names the file/line and the offered fingerprint. */
export function hostKeyMessage(check: Exclude<HostKeyCheck, { status: 'ok' }>, cfg: HostCfg, key: Buffer): string {
  const who = `${cfg.alias} (${lookupName(cfg)})`;
  const offered = `${keyType(key)} ${fingerprint(key)}`;
  switch (check.status) {
    case 'mismatch':
      return (
        `REFUSED: the host key of ${who} has CHANGED: it offered ${offered}, but ${check.file}:${check.line} lists a different ${check.knownType} key. ` +
        'Someone could be intercepting the connection, or the server was reinstalled; ask your admins, and only if the change is expected remove the old key with ' +
        `ssh-keygen -R '${lookupName(cfg)}' -f ${check.file}`
      );
    case 'revoked':
      return `REFUSED: the host key of ${who} (${offered}) is marked @revoked in ${check.file}:${check.line}`;
    case 'unknown': {
      if (check.certAuthority) {
        return (
          `cannot verify ${who}: it is trusted through a host certificate (@cert-authority in ${check.certAuthority.file}:${check.certAuthority.line}), ` +
          `which the built-in ssh2 transport cannot check; set "transport": "system-ssh" for this cluster in the config file (it uses your own ssh), ` +
          `or add its plain key (${offered}) to known_hosts by running ${sshCommandFor(cfg)} with StrictHostKeyChecking=accept-new`
        );
      }
      const other = check.otherTypes.length ? ` (known_hosts has only ${check.otherTypes.join(', ')} keys for it)` : '';
      const file = cfg.userKnownHostsFiles[0] ?? '~/.ssh/known_hosts';
      return (
        `REFUSED: unknown host key for ${who}: ${offered}${other}. ` +
        `Run \`${sshCommandFor(cfg)}\` once in a terminal to check the fingerprint and accept it (it is saved to ${file}), ` +
        'or pass --accept-new-host-key to trust it on first use'
      );
    }
  }
}

const NET: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'no route to host',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed (DNS)',
  ECONNRESET: 'connection reset by peer',
};

/** A network-level failure in words (`connection refused`), keeping the errno code for searches. */
export function networkMessage(alias: string, where: string, err: NodeJS.ErrnoException): string {
  const code = err.code ?? '';
  const what = NET[code] ? `${NET[code]} (${code})` : err.message;
  return `${alias}: cannot connect to ${where}: ${what}`;
}

/** Authentication failed: what was tried and how to check it by hand. */
export function authMessage(
  cfg: Pick<SshHostConfig, 'alias' | 'configFile' | 'user' | 'hostname' | 'port'>,
  tried: string[],
  notes: string[],
): string {
  const how = tried.length ? [...new Set(tried)].join(', ') : 'no usable method (no agent, no identity file)';
  const extra = notes.length ? ` ${notes.join('; ')}.` : '';
  return (
    `${cfg.alias}: authentication failed for ${cfg.user}@${cfg.hostname}:${cfg.port} (tried: ${how}).${extra} ` +
    `Check that \`${sshCommandFor(cfg)}\` logs in; for ControlMaster, GSSAPI/Kerberos or certificates use "transport": "system-ssh"`
  );
}
