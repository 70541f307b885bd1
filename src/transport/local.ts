import { spawn } from 'node:child_process';
import { stat as fsStat, open } from 'node:fs/promises';
import type { ExecOptions, ExecResult, FileStat, Transport } from './types.js';

const MAX_OUTPUT = 64 * 1024 * 1024;

/** Runs argv without a shell so nothing in a job name or path is ever interpreted. */
export function runLocal(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    const [cmd, ...args] = argv;
    if (!cmd) {
      resolve(result('', 'empty command', null, null, false, true, started));
      return;
    }
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(cmd, args, {
        stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
        env: buildEnv(opts),
        signal: opts.signal,
      });
    } catch (err) {
      resolve(result('', String(err), null, null, false, true, started));
      return;
    }
    const out: Buffer[] = [];
    const errOut: Buffer[] = [];
    let outLen = 0;
    let timedOut = false;
    let notFound = false;
    child.stdout?.on('data', (b: Buffer) => {
      if (outLen < MAX_OUTPUT) out.push(b);
      outLen += b.length;
    });
    child.stderr?.on('data', (b: Buffer) => {
      if (errOut.length < 1024) errOut.push(b);
    });
    const timer =
      opts.timeoutMs !== undefined
        ? setTimeout(() => {
            timedOut = true;
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 2000).unref();
          }, opts.timeoutMs)
        : null;
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (err.name === 'AbortError') return;
      if (err.code === 'ENOENT') notFound = true;
      errOut.push(Buffer.from(err.message));
    });
    if (opts.input !== undefined && child.stdin) {
      child.stdin.on('error', () => {});
      child.stdin.end(opts.input);
    }
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve(
        result(
          Buffer.concat(out).toString('utf8'),
          Buffer.concat(errOut).toString('utf8'),
          code,
          signal,
          timedOut,
          notFound,
          started,
        ),
      );
    });
  });
}

function buildEnv(opts: ExecOptions): NodeJS.ProcessEnv {
  if (!opts.env && !opts.dropEnv) return process.env;
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (opts.dropEnv) for (const k of Object.keys(env)) if (opts.dropEnv.test(k)) delete env[k];
  return { ...env, ...opts.env };
}

function result(
  stdout: string,
  stderr: string,
  code: number | null,
  signal: string | null,
  timedOut: boolean,
  notFound: boolean,
  started: number,
): ExecResult {
  return { stdout, stderr, code, signal, timedOut, notFound, durationMs: Date.now() - started };
}

/** stat that maps "does not exist" to null and keeps other errors. */
export async function statLocal(path: string): Promise<FileStat | null> {
  try {
    const s = await fsStat(path);
    return { size: s.size, mtimeMs: s.mtimeMs, isFile: s.isFile(), isDirectory: s.isDirectory(), ino: s.ino };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw err;
  }
}

/** Reads a byte range with positioned reads, so a 10 GB log costs what its tail costs. */
export async function readRangeLocal(path: string, start: number, length: number): Promise<Uint8Array> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(Math.max(0, length));
    let got = 0;
    while (got < length) {
      const { bytesRead } = await fh.read(buf, got, length - got, start + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return buf.subarray(0, got);
  } finally {
    await fh.close();
  }
}

/** The login node itself: SLURM commands on PATH, logs on the (often network) filesystem. */
export class LocalTransport implements Transport {
  readonly canWatch: boolean;
  // Quitting must not wait for a command stuck on an unreachable controller (squeue retries for a minute).
  private readonly closing = new AbortController();
  constructor(
    readonly cluster = 'local',
    private readonly opts: { pollLogs?: boolean; env?: Record<string, string> } = {},
  ) {
    this.canWatch = !opts.pollLogs;
  }
  exec(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const signal = opts.signal ? AbortSignal.any([opts.signal, this.closing.signal]) : this.closing.signal;
    return runLocal(argv, { ...opts, env: { ...this.opts.env, ...opts.env }, signal });
  }
  stat(path: string): Promise<FileStat | null> {
    return statLocal(path);
  }
  readRange(path: string, start: number, length: number): Promise<Uint8Array> {
    return readRangeLocal(path, start, length);
  }
  async close(): Promise<void> {
    this.closing.abort();
  }
}
