/**
 * Slurm's own multi-cluster: one controller (one login node, one connection) serves
 * several clusters, selected with `--clusters`. Each gets its own Transport view —
 * and so its own poller and job keys, since job ids repeat across clusters — that
 * adds `--clusters=NAME` to Slurm client commands and shares the underlying connection.
 */
import type { ExecOptions, ExecResult, FileStat, Transport } from './types.js';

const SLURM_CLIENTS = new Set(['squeue', 'sacct', 'scontrol', 'sinfo', 'sstat', 'sprio', 'sshare', 'scancel']);
const NAME = /^[\w.-]{1,64}$/;

/** A view of `inner` bound to one Slurm cluster; close() closes inner when the last view closes. */
export class SlurmClusterTransport implements Transport {
  readonly canWatch: boolean;

  constructor(
    readonly cluster: string,
    private readonly slurmCluster: string,
    private readonly inner: Transport,
    private readonly shared: { refs: number },
  ) {
    if (!NAME.test(slurmCluster)) throw new Error(`not a Slurm cluster name: ${JSON.stringify(slurmCluster)}`);
    this.canWatch = inner.canWatch;
    shared.refs++;
  }

  /** Inserts `--clusters=NAME` right after the program unless the caller already chose clusters. */
  withCluster(argv: readonly string[]): string[] {
    const prog = argv[0]?.split('/').at(-1) ?? '';
    if (!SLURM_CLIENTS.has(prog) || argv.some((a) => a === '-M' || a.startsWith('--clusters') || /^-M./.test(a)))
      return [...argv];
    return [argv[0]!, `--clusters=${this.slurmCluster}`, ...argv.slice(1)];
  }

  exec(argv: readonly string[], opts?: ExecOptions): Promise<ExecResult> {
    return this.inner.exec(this.withCluster(argv), opts);
  }

  stat(path: string): Promise<FileStat | null> {
    return this.inner.stat(path);
  }

  readRange(path: string, start: number, length: number): Promise<Uint8Array> {
    return this.inner.readRange(path, start, length);
  }

  async close(): Promise<void> {
    if (--this.shared.refs === 0) await this.inner.close();
  }
}

/** Views for `slurmClusters` ("a,b"): named `NAME` for one Slurm cluster, `NAME:a`, `NAME:b` for several. */
export function splitSlurmClusters(name: string, slurmClusters: string | undefined, inner: Transport): Transport[] {
  const list = (slurmClusters ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (list.length === 0) return [inner];
  const shared = { refs: 0 };
  return list.map((sc) => new SlurmClusterTransport(list.length === 1 ? name : `${name}:${sc}`, sc, inner, shared));
}
