/**
 * For setups ssh2 cannot follow (ControlMaster, GSSAPI/Kerberos, host or user
 * certificates, ProxyCommand): every call runs the user's own `ssh -o BatchMode=yes`.
 * With ControlMaster/ControlPersist each call rides the already-open master connection.
 */
import { spawn } from 'node:child_process';
import { quoteArg, remoteCommand } from './shell-quote.js';
import { sshConfigFile } from './ssh-config.js';
import type { ExecOptions, ExecResult, FileStat, Transport } from './types.js';

/** Where and how to run the system ssh. */
export interface SystemSshOptions {
  cluster: string;
  destination: string;
  /** `-F` file; defaults to HPCW_SSH_CONFIG. */
  configFile?: string | null;
  /** The ssh binary (tests). */
  sshPath?: string;
  /** Per-call limit for stat/read (exec takes the caller's). */
  ioTimeoutMs?: number;
}

interface Raw {
  stdout: Buffer;
  stderr: string;
  code: number | null;
  signal: string | null;
  timedOut: boolean;
  spawnError: string | null;
  durationMs: number;
}

const MAX_OUTPUT = 64 * 1024 * 1024;

/** A Transport that shells out to OpenSSH; never through a local shell. */
export class SystemSshTransport implements Transport {
  readonly canWatch = false;
  readonly cluster: string;
  /** ssh processes started (the benchmark's "connections" for this transport). */
  readonly stats = { processes: 0 };
  private readonly configFile: string | null;

  constructor(private readonly opts: SystemSshOptions) {
    this.cluster = opts.cluster;
    this.configFile = opts.configFile === undefined ? sshConfigFile() : opts.configFile;
  }

  /** argv for one remote command: options, then `--` so the destination can never be read as an option. */
  sshArgv(remote: string): string[] {
    const argv = ['-o', 'BatchMode=yes', '-T'];
    if (this.configFile) argv.push('-F', this.configFile);
    argv.push('--', this.opts.destination, remote);
    return argv;
  }

  async exec(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    let remote: string;
    try {
      remote = remoteCommand(argv, opts);
    } catch (err) {
      return {
        stdout: '',
        stderr: (err as Error).message,
        code: null,
        signal: null,
        timedOut: false,
        notFound: false,
        durationMs: 0,
      };
    }
    const r = await this.run(remote, opts.timeoutMs, opts.input);
    return {
      stdout: r.stdout.toString('utf8'),
      stderr: r.spawnError ?? this.explain(r),
      // 255 is ssh's own failure (no connection); the command never ran.
      code: r.spawnError || r.code === 255 ? null : r.code,
      signal: r.signal,
      timedOut: r.timedOut,
      notFound: r.code === 127,
      durationMs: r.durationMs,
    };
  }

  async stat(path: string): Promise<FileStat | null> {
    // LC_ALL=C: %F is translated ("fichier régulier") under other locales.
    const r = await this.run(`LC_ALL=C stat -L -c '%s %Y %i %F' -- ${quoteArg(path)}`, this.opts.ioTimeoutMs ?? 30_000);
    if (r.code === 0) {
      const m = /^(\d+) (\d+) (\d+) (.+)$/.exec(r.stdout.toString('utf8').trim());
      if (!m) throw new Error(`${this.cluster}: stat ${path}: unexpected output`);
      const kind = m[4]!;
      return {
        size: Number(m[1]),
        mtimeMs: Number(m[2]) * 1000,
        ino: Number(m[3]),
        isFile: kind.startsWith('regular'),
        isDirectory: kind === 'directory',
      };
    }
    if (r.code === 1 && /no such file|not a directory/i.test(r.stderr)) return null;
    throw new Error(`${this.cluster}: stat ${path}: ${r.spawnError ?? this.explain(r)}`);
  }

  async readRange(path: string, start: number, length: number): Promise<Uint8Array> {
    if (length <= 0) return new Uint8Array(0);
    // tail seeks on a regular file, so a 10 GB log costs what its tail costs.
    const remote = `tail -c +${Math.floor(start) + 1} -- ${quoteArg(path)} | head -c ${Math.floor(length)}`;
    const r = await this.run(remote, this.opts.ioTimeoutMs ?? 60_000);
    if (r.code !== 0) throw new Error(`${this.cluster}: read ${path}: ${r.spawnError ?? this.explain(r)}`);
    return new Uint8Array(r.stdout.buffer, r.stdout.byteOffset, r.stdout.length);
  }

  async close(): Promise<void> {}

  private explain(r: Raw): string {
    const err = r.stderr.trim();
    if (r.code === 255 && !err) return `${this.cluster}: ssh ${this.opts.destination} failed (exit 255)`;
    return r.code === 255 ? `${this.cluster}: ${err.split('\n').at(-1)}` : r.stderr;
  }

  private run(remote: string, timeoutMs?: number, input?: string): Promise<Raw> {
    const started = Date.now();
    this.stats.processes++;
    return new Promise((resolve) => {
      const child = spawn(this.opts.sshPath ?? 'ssh', this.sshArgv(remote), {
        stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      });
      const out: Buffer[] = [];
      const errOut: Buffer[] = [];
      let outLen = 0;
      let timedOut = false;
      let spawnError: string | null = null;
      child.stdout?.on('data', (b: Buffer) => {
        if (outLen < MAX_OUTPUT) out.push(b);
        outLen += b.length;
      });
      child.stderr?.on('data', (b: Buffer) => {
        if (errOut.length < 1024) errOut.push(b);
      });
      child.on('error', (err: NodeJS.ErrnoException) => {
        spawnError =
          err.code === 'ENOENT'
            ? `${this.cluster}: the system ssh is not installed (transport "system-ssh")`
            : err.message;
      });
      if (input !== undefined && child.stdin) {
        child.stdin.on('error', () => {});
        child.stdin.end(input);
      }
      const timer =
        timeoutMs !== undefined
          ? setTimeout(() => {
              timedOut = true;
              child.kill('SIGTERM');
            }, timeoutMs)
          : null;
      child.on('close', (code, signal) => {
        if (timer) clearTimeout(timer);
        resolve({
          stdout: Buffer.concat(out),
          stderr: Buffer.concat(errOut).toString('utf8'),
          code,
          signal,
          timedOut,
          spawnError,
          durationMs: Date.now() - started,
        });
      });
    });
  }
}
