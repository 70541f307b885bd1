/** What every transport (local, ssh2, system ssh) offers the layers above it. */

export interface ExecOptions {
  timeoutMs?: number;
  /** Extra environment for the command (local only; ssh sends none). */
  env?: Record<string, string>;
  /** Environment variables to remove first (e.g. the user's SQUEUE_FORMAT). */
  dropEnv?: RegExp;
  /** Written to the command's stdin, then closed. */
  input?: string;
  /** Kills the command (SIGTERM) when aborted; it then resolves with `signal` set. */
  signal?: AbortSignal;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  /** Exit code, or null when killed by a signal or never started. */
  code: number | null;
  signal: string | null;
  timedOut: boolean;
  /** The program does not exist (ENOENT locally, 127 remotely). */
  notFound: boolean;
  durationMs: number;
}

export interface FileStat {
  size: number;
  mtimeMs: number;
  isFile: boolean;
  isDirectory: boolean;
  /** Inode where the transport knows it: a change means the file was replaced. */
  ino: number | null;
}

export interface Transport {
  /** Cluster name this transport talks to (`local` for the login node itself). */
  readonly cluster: string;
  /** Whether file changes can be pushed (inotify); otherwise callers poll `stat`. */
  readonly canWatch: boolean;
  /** For remote transports: whether the connection is up right now. */
  readonly connected?: boolean;
  exec(argv: readonly string[], opts?: ExecOptions): Promise<ExecResult>;
  /** null when the path does not exist; throws only for other errors (permission...). */
  stat(path: string): Promise<FileStat | null>;
  /** Reads up to `length` bytes at byte offset `start`. */
  readRange(path: string, start: number, length: number): Promise<Uint8Array>;
  /** Calls onChange when the file (or its directory entry) changes; returns an unsubscribe. */
  watch?(path: string, onChange: () => void): () => void;
  close(): Promise<void>;
}

/** One cluster to watch, as resolved from `--host` and the config file. */
export interface ClusterSpec {
  name: string;
  /** An ~/.ssh/config alias or user@host[:port]; null = this machine. */
  host: string | null;
  /** `ssh2`: our own long-lived connection; `system-ssh`: the user's OpenSSH (ControlMaster). */
  transport: 'ssh2' | 'system-ssh';
  /** Slurm's own multi-cluster (`-M`) name(s) when one controller serves several clusters. */
  slurmClusters?: string;
}
