/**
 * Opens one authenticated ssh2 connection, through ProxyJump hops when configured:
 * each hop is its own connection, verified against known_hosts under its own name,
 * and the next one rides a `forwardOut` channel of the previous.
 */
import { connect as netConnect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Client } from 'ssh2';
import { appendKnownHost, checkHostKey, hostEntryName, knownKeyTypes } from './known-hosts.js';
import { noPrompter, type Prompter } from './prompter.js';
import { type AuthTrace, makeAuthHandler } from './ssh-auth.js';
import type { SshHostConfig } from './ssh-config.js';
import { authMessage, hostKeyMessage, networkMessage, SshConnectError } from './ssh-messages.js';

type Ssh2 = typeof import('ssh2');

/** What connecting needs besides the host's config. */
export interface ConnectDeps {
  ssh2: Ssh2;
  cluster: string;
  prompter: Prompter;
  acceptNewHostKey: boolean;
  /** Resolves a jump host name through the ssh config. */
  resolve: (dest: string) => Promise<SshHostConfig>;
  connectTimeoutMs?: number;
  /** Key exchange + authentication, not counting the time a human spends answering prompts. */
  handshakeTimeoutMs?: number;
  keepaliveIntervalMs?: number;
  /** Called once per TCP/SSH connection opened (for stats). */
  onConnection?: () => void;
  /** Aborts a connection attempt in progress (the transport was closed). */
  signal?: AbortSignal;
}

/** The target connection plus the hops it rides on (closed together). */
export interface Chain {
  client: Client;
  hops: Client[];
}

const MAX_HOPS = 8;

/** Connects to `cfg` (and its ProxyJump chain); rejects with SshConnectError. */
export async function connectChain(cfg: SshHostConfig, deps: ConnectDeps, depth = 0): Promise<Chain> {
  if (depth > MAX_HOPS)
    throw new SshConnectError(`${cfg.alias}: ProxyJump chain longer than ${MAX_HOPS} hops (a loop?)`, 'config', true);
  if (cfg.proxyCommand && !cfg.proxyJump) {
    throw new SshConnectError(
      `${cfg.alias}: ProxyCommand is not supported by the built-in ssh2 transport; set "transport": "system-ssh" for this cluster`,
      'config',
      true,
    );
  }
  if (!cfg.proxyJump) return { client: await connectOne(cfg, null, deps), hops: [] };
  const jumps = cfg.proxyJump
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  // The first hop is resolved with its own config (its own ProxyJump included), as OpenSSH does.
  let prev = await connectChain(await deps.resolve(jumps[0]!), deps, depth + 1);
  try {
    for (const j of jumps.slice(1)) {
      const hop = { ...(await deps.resolve(j)), proxyJump: null };
      const client = await connectOne(hop, await forward(prev.client, hop, cfg.alias), deps);
      prev = { client, hops: [...prev.hops, prev.client] };
    }
    const client = await connectOne(cfg, await forward(prev.client, cfg, cfg.alias), deps);
    return { client, hops: [...prev.hops, prev.client] };
  } catch (err) {
    for (const c of [...prev.hops, prev.client]) c.end();
    throw err;
  }
}

function forward(via: Client, to: SshHostConfig, alias: string): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    via.forwardOut('127.0.0.1', 0, to.hostname, to.port, (err, stream) => {
      if (err)
        reject(
          new SshConnectError(
            `${alias}: the jump host cannot reach ${to.hostname}:${to.port}: ${err.message}`,
            'network',
            false,
          ),
        );
      else resolve(stream);
    });
  });
}

function tcp(cfg: SshHostConfig, timeoutMs: number, signal?: AbortSignal): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const sock = netConnect({ host: cfg.hostname, port: cfg.port });
    const onAbort = () => {
      clearTimeout(timer);
      sock.destroy();
      reject(new SshConnectError(`${cfg.alias}: connection attempt cancelled`, 'network', false));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    sock.once('close', () => signal?.removeEventListener('abort', onAbort));
    const timer = setTimeout(() => {
      sock.destroy();
      reject(
        new SshConnectError(
          networkMessage(cfg.alias, `${cfg.hostname}:${cfg.port}`, {
            code: 'ETIMEDOUT',
            message: 'timed out',
            name: 'Error',
          }),
          'network',
          false,
        ),
      );
    }, timeoutMs);
    sock.once('connect', () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      sock.setNoDelay(true);
      resolve(sock);
    });
    sock.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new SshConnectError(networkMessage(cfg.alias, `${cfg.hostname}:${cfg.port}`, err), 'network', false));
    });
  });
}

/** ssh2 names for a known_hosts key type: RSA keys sign with rsa-sha2-* today. */
function algorithmsFor(type: string): string[] {
  return type === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [type];
}

async function connectOne(cfg: SshHostConfig, via: Duplex | null, deps: ConnectDeps): Promise<Client> {
  const { ssh2 } = deps;
  const sock =
    via ??
    (await tcp(cfg, deps.connectTimeoutMs ?? (cfg.connectTimeout ? cfg.connectTimeout * 1000 : 15_000), deps.signal));
  deps.onConnection?.();
  const client = new ssh2.Client();
  const knownFiles = [...cfg.userKnownHostsFiles, ...cfg.globalKnownHostsFiles];
  const lookupHost = cfg.hostKeyAlias ?? cfg.hostname;
  const lookupPort = cfg.hostKeyAlias ? 22 : cfg.port;
  let hostKeyError: string | null = null;
  const trace: AuthTrace = { tried: [], notes: [] };
  const prompter = cfg.batchMode ? noPrompter : deps.prompter;
  if (cfg.batchMode) trace.notes.push('BatchMode is on in the ssh config, so nothing was asked');

  // Our own handshake timer: ssh2's readyTimeout would also run while a human types a 2FA code.
  const limit = deps.handshakeTimeoutMs ?? 30_000;
  let timer: NodeJS.Timeout | null = null;
  let timedOut = false;
  const arm = () => {
    timer = setTimeout(() => {
      timedOut = true;
      client.end();
      sock.destroy();
    }, limit);
  };
  const pauser = {
    pause: () => {
      if (timer) clearTimeout(timer);
      timer = null;
    },
    resume: () => {
      if (!timer) arm();
    },
  };
  const known = knownKeyTypes(knownFiles, lookupHost, lookupPort);
  const defaults: string[] = [
    'ssh-ed25519',
    'ecdsa-sha2-nistp256',
    'ecdsa-sha2-nistp384',
    'ecdsa-sha2-nistp521',
    'rsa-sha2-512',
    'rsa-sha2-256',
  ];
  const preferred = [...new Set([...known.flatMap(algorithmsFor), ...defaults])];

  return new Promise<Client>((resolve, reject) => {
    let settled = false;
    const fail = (err: SshConnectError) => {
      if (settled) return;
      settled = true;
      pauser.pause();
      client.end();
      reject(err);
    };
    client.once('ready', () => {
      if (settled) return;
      settled = true;
      settle();
      pauser.pause();
      resolve(client);
    });
    client.on('error', (err: Error & { level?: string; code?: string }) => {
      if (hostKeyError) return fail(new SshConnectError(hostKeyError, 'host-key', true));
      if (err.level === 'client-authentication')
        return fail(new SshConnectError(authMessage(cfg, trace.tried, trace.notes), 'auth', true));
      if (err.level === 'client-socket' || err.code)
        return fail(
          new SshConnectError(networkMessage(cfg.alias, `${cfg.hostname}:${cfg.port}`, err), 'network', false),
        );
      fail(
        new SshConnectError(
          `${cfg.alias}: ssh handshake with ${cfg.hostname}:${cfg.port} failed: ${err.message}`,
          'network',
          false,
        ),
      );
    });
    client.once('close', () => {
      if (timedOut)
        fail(
          new SshConnectError(
            `${cfg.alias}: no SSH handshake from ${cfg.hostname}:${cfg.port} within ${limit / 1000}s`,
            'network',
            false,
          ),
        );
      else if (hostKeyError) fail(new SshConnectError(hostKeyError, 'host-key', true));
      else
        fail(
          new SshConnectError(
            `${cfg.alias}: ${cfg.hostname}:${cfg.port} closed the connection during login`,
            'network',
            false,
          ),
        );
    });
    const onAbort = () => {
      client.end();
      sock.destroy();
    };
    deps.signal?.addEventListener('abort', onAbort, { once: true });
    const settle = () => deps.signal?.removeEventListener('abort', onAbort);
    client.once('close', settle);
    arm();
    client.connect({
      sock,
      username: cfg.user,
      readyTimeout: 0,
      keepaliveInterval: deps.keepaliveIntervalMs ?? keepaliveMs(cfg),
      keepaliveCountMax: cfg.serverAliveCountMax || 3,
      algorithms: { serverHostKey: preferred as never },
      hostVerifier: (key: Buffer) => {
        const check = checkHostKey(knownFiles, lookupHost, lookupPort, key);
        if (check.status === 'ok') return true;
        const acceptNew =
          deps.acceptNewHostKey || cfg.strictHostKeyChecking === 'accept-new' || cfg.strictHostKeyChecking === 'no';
        if (check.status === 'unknown' && acceptNew && !check.certAuthority) {
          const file = cfg.userKnownHostsFiles[0];
          if (file) {
            try {
              appendKnownHost(file, lookupHost, lookupPort, key, cfg.hashKnownHosts);
              process.stderr.write(`hpc-watch: added ${hostEntryName(lookupHost, lookupPort)} to ${file}\n`);
            } catch (err) {
              hostKeyError = `${cfg.alias}: cannot save the new host key to ${file}: ${(err as Error).message}`;
              return false;
            }
          }
          return true;
        }
        hostKeyError = hostKeyMessage(check as Exclude<typeof check, { status: 'ok' }>, cfg, key);
        return false;
      },
      authHandler: makeAuthHandler(ssh2, cfg, deps.cluster, prompter, trace, pauser),
    });
  });
}

/**
 * ServerAliveInterval, capped at 30 s: Debian's default of 300 s under BatchMode would notice a
 * dead link only after 15 minutes; 15 s when unset, so idle-connection reapers on login nodes do not bite.
 */
export function keepaliveMs(cfg: Pick<SshHostConfig, 'serverAliveInterval'>): number {
  return (cfg.serverAliveInterval > 0 ? Math.min(cfg.serverAliveInterval, 30) : 15) * 1000;
}
