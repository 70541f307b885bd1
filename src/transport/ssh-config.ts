/**
 * Resolves a host the way OpenSSH would: `ssh -G` evaluates Include, Match and
 * tokens exactly where OpenSSH is installed; a small parser stands in where it is not.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { homedir, hostname as localHostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { parseSshConfig, type RawSshConfig } from './ssh-config-parse.js';

/** What hpc-watch needs to know about one host from the user's ssh config. */
export interface SshHostConfig {
  /** The name the user typed (`lumi`, `me@host:2222`). */
  alias: string;
  hostname: string;
  user: string;
  port: number;
  /** Existing identity files, tokens and `~` expanded. */
  identityFiles: string[];
  identitiesOnly: boolean;
  /** Agent socket (IdentityAgent, else SSH_AUTH_SOCK); null when none. */
  identityAgent: string | null;
  /** Raw ProxyJump value (`a,b` or `user@host:port`); null when direct. */
  proxyJump: string | null;
  proxyCommand: string | null;
  serverAliveInterval: number;
  serverAliveCountMax: number;
  connectTimeout: number | null;
  userKnownHostsFiles: string[];
  globalKnownHostsFiles: string[];
  strictHostKeyChecking: 'yes' | 'no' | 'ask' | 'accept-new';
  hashKnownHosts: boolean;
  hostKeyAlias: string | null;
  batchMode: boolean;
  kbdInteractive: boolean;
  passwordAuth: boolean;
  pubkeyAuth: boolean;
  /** Set when the host uses OpenSSH features ssh2 cannot follow (reported, never silently ignored). */
  certificateFiles: string[];
  controlMaster: boolean;
  /** The `-F` file in effect (HPCW_SSH_CONFIG), for messages that show an `ssh` command to run. */
  configFile: string | null;
  source: 'ssh -G' | 'parser';
}

/** The ssh config file to pass as `-F`: HPCW_SSH_CONFIG when set, else OpenSSH's defaults. */
export function sshConfigFile(env: NodeJS.ProcessEnv = process.env): string | null {
  return env.HPCW_SSH_CONFIG || null;
}

/** `user@host:port`, `ssh://user@host:port` or a plain alias. */
export function splitDestination(dest: string): { user: string | null; host: string; port: number | null } {
  const m = /^(?:ssh:\/\/)?(?:([^@\s/]+)@)?(\[[^\]\s]+\]|[^@:\s/[\]]+)(?::(\d{1,5}))?\/?$/.exec(dest);
  if (!m)
    throw new UserError(
      `not an ssh host: ${JSON.stringify(dest).slice(0, 80)} (expected an ~/.ssh/config alias or user@host[:port])`,
    );
  const host = m[2]!.replace(/^\[(.*)\]$/, '$1');
  if (host.startsWith('-')) throw new UserError(`not an ssh host: ${JSON.stringify(dest)}`);
  return { user: m[1] ?? null, host, port: m[3] ? Number(m[3]) : null };
}

function runSshG(args: string[]): Promise<{ out: string; err: string; missing: boolean; code: number | null }> {
  return new Promise((resolve) => {
    execFile('ssh', args, { timeout: 10_000, encoding: 'utf8', env: process.env }, (error, stdout, stderr) => {
      const e = error as (NodeJS.ErrnoException & { code?: unknown }) | null;
      resolve({
        out: stdout ?? '',
        err: stderr ?? '',
        missing: e?.code === 'ENOENT',
        code: e ? (typeof e.code === 'number' ? e.code : 1) : 0,
      });
    });
  });
}

/** Resolves one destination; `ssh -G` first, the fallback parser when `ssh` is not installed. */
export async function resolveSshHost(
  dest: string,
  opts: { configFile?: string | null; env?: NodeJS.ProcessEnv } = {},
): Promise<SshHostConfig> {
  const env = opts.env ?? process.env;
  const configFile = opts.configFile === undefined ? sshConfigFile(env) : opts.configFile;
  const d = splitDestination(dest);
  const args = ['-G'];
  if (configFile) args.push('-F', configFile);
  if (d.user) args.push('-l', d.user);
  if (d.port) args.push('-p', String(d.port));
  args.push('--', d.host);
  const r = await runSshG(args);
  let raw: RawSshConfig;
  let source: SshHostConfig['source'] = 'ssh -G';
  if (r.missing) {
    source = 'parser';
    raw = parseSshConfig(d.host, { configFile, localUser: localUser() });
  } else if (r.code !== 0) {
    const why =
      r.err
        .trim()
        .split('\n')
        .filter((l) => !/pseudo-terminal/i.test(l))
        .at(-1) ?? `exit ${r.code}`;
    throw new UserError(`ssh config for ${dest}: ${why}`);
  } else {
    raw = parseSshG(r.out);
  }
  if (d.user) raw.set('user', [d.user]);
  if (d.port) raw.set('port', [String(d.port)]);
  return normalise(dest, d.host, raw, { configFile, source, env });
}

/** `ssh -G` prints `keyword value` lines; repeated keywords (identityfile) accumulate. */
export function parseSshG(text: string): RawSshConfig {
  const out: RawSshConfig = new Map();
  for (const line of text.split('\n')) {
    const m = /^(\S+)\s+(.*)$/.exec(line.trim());
    if (!m) continue;
    const k = m[1]!.toLowerCase();
    out.set(k, [...(out.get(k) ?? []), m[2]!]);
  }
  return out;
}

function localUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'user';
  }
}

interface Tokens {
  h: string;
  p: string;
  r: string;
  n: string;
}

/** `%h %p %r %u %n %d %l %L %i %C %%` and a leading `~`, as ssh_config(5) defines them. */
export function expandTokens(value: string, t: Tokens, home = homedir()): string {
  const l = localHostname();
  const map: Record<string, string> = {
    '%': '%',
    h: t.h,
    p: t.p,
    r: t.r,
    n: t.n,
    u: localUser(),
    d: home,
    l,
    L: l.split('.')[0]!,
    i: String(process.getuid?.() ?? 0),
    C: createHash('sha1').update(`${l}${t.h}${t.p}${t.r}`).digest('hex'),
  };
  const v = value.replace(/%(.)/g, (all, c: string) => map[c] ?? all);
  return v === '~' ? home : v.startsWith('~/') ? join(home, v.slice(2)) : v;
}

function normalise(
  alias: string,
  host: string,
  raw: RawSshConfig,
  o: { configFile: string | null; source: SshHostConfig['source']; env: NodeJS.ProcessEnv },
): SshHostConfig {
  const one = (k: string): string | undefined => raw.get(k)?.[0];
  const yes = (k: string, dflt: boolean): boolean => {
    const v = one(k)?.toLowerCase();
    return v === undefined ? dflt : v === 'yes' || v === 'true';
  };
  const hostnameRaw = one('hostname') ?? host;
  const hostname = hostnameRaw.replace(/%h/g, host).replace(/%%/g, '%');
  const port = Number(one('port') ?? 22) || 22;
  const user = one('user') ?? localUser();
  const t: Tokens = { h: hostname, p: String(port), r: user, n: alias };
  const files = (k: string, dflt: string[]): string[] => {
    const vals = raw.get(k);
    const list = vals ? vals.flatMap((v) => v.split(/\s+/)) : dflt;
    return list.filter((f) => f && f.toLowerCase() !== 'none').map((f) => expandTokens(f, t));
  };
  const defaultIds = ['id_rsa', 'id_ecdsa', 'id_ecdsa_sk', 'id_ed25519', 'id_ed25519_sk', 'id_dsa'].map(
    (f) => `~/.ssh/${f}`,
  );
  const strict = (one('stricthostkeychecking') ?? 'ask').toLowerCase();
  const agentRaw = one('identityagent');
  const agent =
    agentRaw === undefined || agentRaw === 'SSH_AUTH_SOCK'
      ? (o.env.SSH_AUTH_SOCK ?? null)
      : agentRaw.toLowerCase() === 'none'
        ? null
        : expandTokens(
            agentRaw.replace(/^\$(\w+)$/, (_, n: string) => o.env[n] ?? ''),
            t,
          ) || null;
  const proxyJump = one('proxyjump');
  const proxyCommand = one('proxycommand');
  const timeout = one('connecttimeout');
  return {
    alias,
    hostname,
    user,
    port,
    identityFiles: files('identityfile', defaultIds).filter((f) => existsSync(f)),
    identitiesOnly: yes('identitiesonly', false),
    identityAgent: agent,
    proxyJump: proxyJump && proxyJump.toLowerCase() !== 'none' ? proxyJump : null,
    proxyCommand: proxyCommand && proxyCommand.toLowerCase() !== 'none' ? proxyCommand : null,
    serverAliveInterval: Number(one('serveraliveinterval') ?? 0) || 0,
    serverAliveCountMax: Number(one('serveralivecountmax') ?? 3) || 3,
    connectTimeout: timeout && /^\d+$/.test(timeout) ? Number(timeout) : null,
    userKnownHostsFiles: files('userknownhostsfile', ['~/.ssh/known_hosts', '~/.ssh/known_hosts2']),
    globalKnownHostsFiles: files('globalknownhostsfile', ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2']),
    strictHostKeyChecking:
      strict === 'yes' || strict === 'true'
        ? 'yes'
        : strict === 'no' || strict === 'off' || strict === 'false'
          ? 'no'
          : strict === 'accept-new'
            ? 'accept-new'
            : 'ask',
    hashKnownHosts: yes('hashknownhosts', false),
    hostKeyAlias: one('hostkeyalias') ?? null,
    batchMode: yes('batchmode', false),
    kbdInteractive: yes('kbdinteractiveauthentication', true),
    passwordAuth: yes('passwordauthentication', true),
    pubkeyAuth: yes('pubkeyauthentication', true),
    certificateFiles: files('certificatefile', []).filter((f) => existsSync(f)),
    controlMaster: !['no', 'false', undefined].includes(one('controlmaster')?.toLowerCase()),
    configFile: o.configFile,
    source: o.source,
  };
}

/** The command a user runs once to check a host by hand (`ssh -F cfg alias` when -F is in effect). */
export function sshCommandFor(cfg: Pick<SshHostConfig, 'alias' | 'configFile'>): string {
  const q = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`);
  return cfg.configFile ? `ssh -F ${q(cfg.configFile)} ${q(cfg.alias)}` : `ssh ${q(cfg.alias)}`;
}
