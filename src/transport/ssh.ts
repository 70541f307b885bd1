/**
 * One long-lived ssh2 connection per host, many exec channels over it and one SFTP
 * session for log tails by byte offset. On 2FA clusters every new connection would
 * prompt again, so the connection is kept (keepalive) and rebuilt only when it drops.
 */
import type { ClientChannel, SFTPWrapper } from 'ssh2';
import { noPrompter, type Prompter } from './prompter.js';
import { Semaphore } from './semaphore.js';
import { remoteCommand } from './shell-quote.js';
import { resolveSshHost, type SshHostConfig } from './ssh-config.js';
import { type Chain, type ConnectDeps, connectChain } from './ssh-connect.js';
import { SshConnectError } from './ssh-messages.js';
import { sftpReadRange, sftpStat } from './ssh-sftp.js';
import type { ExecOptions, ExecResult, FileStat, Transport } from './types.js';

/** How an SshTransport finds, reaches and authenticates to its host. */
export interface SshTransportOptions {
  cluster: string;
  /** `~/.ssh/config` alias or `user@host[:port]`. */
  destination: string;
  prompter?: Prompter;
  acceptNewHostKey?: boolean;
  /** Injectable for tests; defaults to `ssh -G` / the fallback parser. */
  resolve?: (dest: string) => Promise<SshHostConfig>;
  /** ≤6 channels: OpenSSH MaxSessions=10 by default, the SFTP session holds one, and other tools may share. */
  maxChannels?: number;
  /** Reconnect backoff after failed attempts (the first reconnect after a drop is immediate). */
  backoffMs?: { initial: number; max: number };
  connectTimeoutMs?: number;
  handshakeTimeoutMs?: number;
  keepaliveIntervalMs?: number;
}

/** Counters for the benchmark and tests. */
export interface SshStats {
  connections: number;
  channels: number;
  execs: number;
  sftpSessions: number;
  /** stat/read requests over SFTP (no channel each). */
  sftpOps: number;
  reconnects: number;
  peakChannels: number;
}

interface Live extends Chain {
  sftp: Promise<SFTPWrapper> | null;
  dropped: boolean;
}

const MAX_OUTPUT = 64 * 1024 * 1024;

/** The Transport over ssh2; failures come back as ExecResults / errors that name the host. */
export class SshTransport implements Transport {
  readonly canWatch = false;
  readonly cluster: string;
  private live: Live | null = null;
  private connecting: Promise<Live> | null = null;
  private lastError: SshConnectError | null = null;
  private failures = 0;
  private nextAttemptAt = 0;
  private everConnected = false;
  private closed = false;
  private readonly sem: Semaphore;
  private readonly pending = new Set<(err: Error) => void>();
  private readonly counters = { connections: 0, channels: 0, execs: 0, sftpSessions: 0, sftpOps: 0, reconnects: 0 };
  private ssh2: typeof import('ssh2') | null = null;
  private readonly abort = new AbortController();

  constructor(private readonly opts: SshTransportOptions) {
    this.cluster = opts.cluster;
    this.sem = new Semaphore(opts.maxChannels ?? 6);
  }

  get stats(): SshStats {
    return { ...this.counters, peakChannels: this.sem.peak };
  }

  /** Whether a live connection is up now (for the cluster's "disconnected" badge). */
  get connected(): boolean {
    return this.live !== null;
  }

  /** The connection error that is currently blocking calls, if any. */
  get error(): SshConnectError | null {
    return this.live ? null : this.lastError;
  }

  /** Connects now (used to connect every cluster in parallel, and to prompt, before the TUI starts). */
  async connect(): Promise<void> {
    await this.ensure();
  }

  async exec(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const started = Date.now();
    let cmd: string;
    try {
      cmd = remoteCommand(argv, opts);
    } catch (err) {
      return result(started, { stderr: (err as Error).message });
    }
    let live: Live;
    try {
      live = await this.ensure();
      await this.sem.acquire();
    } catch (err) {
      return result(started, { stderr: (err as Error).message });
    }
    try {
      if (live.dropped) return result(started, { stderr: this.dropMessage() });
      return await this.runChannel(live, cmd, opts, started);
    } finally {
      this.sem.release();
    }
  }

  async stat(path: string): Promise<FileStat | null> {
    this.counters.sftpOps++;
    return sftpStat(await this.sftp(), path, this.cluster, (r) => this.track(r));
  }

  async readRange(path: string, start: number, length: number): Promise<Uint8Array> {
    this.counters.sftpOps++;
    return sftpReadRange(await this.sftp(), path, start, length, this.cluster, (r) => this.track(r));
  }

  async close(): Promise<void> {
    this.closed = true;
    // A connection attempt to a blackholed host would otherwise keep the process alive for its timeout.
    this.abort.abort();
    const live = this.live;
    this.live = null;
    if (live) this.drop(live, new Error(`${this.cluster}: closed`));
  }

  private dropMessage(): string {
    return this.lastError?.message ?? `${this.cluster}: disconnected, reconnecting`;
  }

  /** Registers a rejecter failed by a drop; returns its unregister. */
  private track(reject: (err: Error) => void): () => void {
    this.pending.add(reject);
    return () => this.pending.delete(reject);
  }

  private async ensure(): Promise<Live> {
    if (this.closed) throw new Error(`${this.cluster}: transport closed`);
    if (this.live) return this.live;
    if (this.connecting) return this.connecting;
    const err = this.lastError;
    if (err?.fatal) throw err;
    const wait = this.nextAttemptAt - Date.now();
    // Within the backoff window the last error stands; the poller shows it and backs off too.
    if (err && wait > 0) throw err;
    this.connecting = this.open().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async open(): Promise<Live> {
    try {
      this.ssh2 ??= await loadSsh2();
      const resolve = this.opts.resolve ?? ((d: string) => resolveSshHost(d));
      const cfg = await resolve(this.opts.destination);
      const deps: ConnectDeps = {
        ssh2: this.ssh2,
        cluster: this.cluster,
        prompter: this.opts.prompter ?? noPrompter,
        acceptNewHostKey: this.opts.acceptNewHostKey ?? false,
        resolve,
        connectTimeoutMs: this.opts.connectTimeoutMs,
        handshakeTimeoutMs: this.opts.handshakeTimeoutMs,
        keepaliveIntervalMs: this.opts.keepaliveIntervalMs,
        onConnection: () => this.counters.connections++,
        signal: this.abort.signal,
      };
      const chain = await connectChain(cfg, deps);
      const live: Live = { ...chain, sftp: null, dropped: false };
      if (this.everConnected) this.counters.reconnects++;
      this.everConnected = true;
      this.failures = 0;
      this.lastError = null;
      for (const c of [chain.client, ...chain.hops]) {
        c.on('close', () =>
          this.drop(
            live,
            new SshConnectError(`${this.cluster}: disconnected from ${cfg.alias}, reconnecting`, 'disconnected', false),
          ),
        );
        c.on('error', () => {}); // 'close' follows; an unhandled 'error' would crash the process
      }
      if (this.closed) {
        this.drop(live, new Error(`${this.cluster}: closed`));
        throw new Error(`${this.cluster}: transport closed`);
      }
      this.live = live;
      return live;
    } catch (e) {
      const err =
        e instanceof SshConnectError
          ? e
          : new SshConnectError(`${this.cluster}: ${(e as Error).message}`, 'config', false);
      this.failures++;
      const b = this.opts.backoffMs ?? { initial: 1000, max: 60_000 };
      this.nextAttemptAt = Date.now() + Math.min(b.max, b.initial * 2 ** (this.failures - 1));
      this.lastError = err;
      throw err;
    }
  }

  /** Forgets a connection: in-flight and queued calls fail now, the next call reconnects. */
  private drop(live: Live, err: Error): void {
    if (live.dropped) return;
    live.dropped = true;
    if (this.live === live) this.live = null;
    if (err instanceof SshConnectError) {
      this.lastError = err;
      this.nextAttemptAt = 0;
    }
    for (const reject of [...this.pending]) reject(err);
    this.pending.clear();
    this.sem.rejectWaiting(err);
    for (const c of [live.client, ...live.hops]) c.end();
  }

  private async sftp(): Promise<SFTPWrapper> {
    const live = await this.ensure();
    if (!live.sftp) {
      live.sftp = new Promise<SFTPWrapper>((resolve, reject) => {
        const done = this.track(reject);
        const onSftp = (err: Error | undefined, sftp: SFTPWrapper) => {
          done();
          if (err) {
            live.sftp = null;
            return reject(new Error(`${this.cluster}: cannot start SFTP: ${err.message}`));
          }
          this.counters.sftpSessions++;
          this.counters.channels++;
          sftp.on('close', () => {
            if (live.sftp) live.sftp = null;
          });
          // Without a listener, a fatal SFTP protocol error would crash the process.
          sftp.on('error', () => {
            if (live.sftp) live.sftp = null;
          });
          resolve(sftp);
        };
        try {
          live.client.sftp(onSftp);
        } catch (err) {
          done();
          live.sftp = null;
          reject(new Error(`${this.cluster}: cannot start SFTP: ${(err as Error).message}`));
        }
      });
    }
    return live.sftp;
  }

  private runChannel(live: Live, cmd: string, opts: ExecOptions, started: number): Promise<ExecResult> {
    return new Promise((resolve) => {
      let finished = false;
      const finish = (r: Partial<ExecResult>) => {
        if (finished) return;
        finished = true;
        untrack();
        if (timer) clearTimeout(timer);
        resolve(result(started, r));
      };
      const untrack = this.track((err) => finish({ stderr: err.message }));
      let timer: NodeJS.Timeout | null = null;
      const onChannel = (err: Error | undefined, stream: ClientChannel) => {
        if (err) return finish({ stderr: `${this.cluster}: cannot open an SSH channel: ${err.message}` });
        this.counters.channels++;
        this.counters.execs++;
        const out: Buffer[] = [];
        const errOut: Buffer[] = [];
        let outLen = 0;
        let code: number | null = null;
        let signal: string | null = null;
        let timedOut = false;
        stream.on('data', (b: Buffer) => {
          if (outLen < MAX_OUTPUT) out.push(b);
          outLen += b.length;
        });
        stream.stderr.on('data', (b: Buffer) => {
          if (errOut.length < 1024) errOut.push(b);
        });
        stream.on('exit', (c: number | null, sig?: string) => {
          code = typeof c === 'number' ? c : null;
          signal = sig ? (sig.startsWith('SIG') ? sig : `SIG${sig}`) : null;
        });
        const collect = () =>
          finish({
            stdout: Buffer.concat(out).toString('utf8'),
            stderr: Buffer.concat(errOut).toString('utf8'),
            code,
            signal,
            timedOut,
            notFound: code === 127,
          });
        stream.on('close', collect);
        if (opts.timeoutMs !== undefined) {
          timer = setTimeout(() => {
            timedOut = true;
            // OpenSSH ≥7.9 honours signal requests; closing the channel hangs up the rest.
            try {
              stream.signal('TERM');
            } catch {}
            stream.close();
            // A server too busy to confirm the close must not hold the caller.
            timer = setTimeout(collect, 5000);
          }, opts.timeoutMs);
        }
        stream.end(opts.input ?? undefined);
      };
      // exec throws synchronously ("Not connected") when the socket died before 'close' fired.
      try {
        live.client.exec(cmd, onChannel);
      } catch (err) {
        finish({ stderr: `${this.cluster}: cannot open an SSH channel: ${(err as Error).message}` });
      }
    });
  }
}

/** ssh2 is CommonJS and external to the bundle: under Node's ESM loader its API is on `default`. */
async function loadSsh2(): Promise<typeof import('ssh2')> {
  const mod = (await import('ssh2')) as typeof import('ssh2') & { default?: typeof import('ssh2') };
  return mod.default ?? mod;
}

function result(started: number, r: Partial<ExecResult>): ExecResult {
  return {
    stdout: r.stdout ?? '',
    stderr: r.stderr ?? '',
    code: r.code ?? null,
    signal: r.signal ?? null,
    timedOut: r.timedOut ?? false,
    notFound: r.notFound ?? false,
    durationMs: Date.now() - started,
  };
}
