/**
 * Turns `--host` flags and the config file's clusters into transports, connects them
 * all in parallel (prompting for passphrases/2FA before the TUI starts), and never
 * lets one unreachable cluster hold up or fail the others.
 */
import type { CliOptions } from '../cli-args.js';
import { type ClusterConfig, loadConfig } from '../config.js';
import { LocalTransport } from './local.js';
import { type Prompter, sessionPrompter, type SwitchablePrompter, terminalPrompter } from './prompter.js';
import { splitSlurmClusters } from './slurm-cluster.js';
import { SshTransport } from './ssh.js';
import { SystemSshTransport } from './system-ssh.js';
import { type Transport } from './types.js';
import { UserError } from '../errors.js';

/** One cluster to watch, after merging `--host` with the config file. */
export interface ClusterSpec {
  name: string;
  host: string | null;
  transport: 'ssh2' | 'system-ssh';
  slurmClusters?: string;
}

/** `--host` wins: each flag is a cluster named by its alias, taking settings from a matching config entry. */
export function clusterSpecs(hosts: readonly string[], configured: readonly ClusterConfig[]): ClusterSpec[] {
  const specs: ClusterSpec[] = [];
  const seen = new Set<string>();
  const add = (s: ClusterSpec) => {
    if (seen.has(s.name)) return;
    seen.add(s.name);
    specs.push(s);
  };
  if (hosts.length > 0) {
    for (const h of hosts) {
      const c = configured.find((x) => x.name === h) ?? configured.find((x) => x.host === h);
      add({ name: c?.name ?? h, host: c ? (c.host ?? null) : h, transport: c?.transport ?? 'ssh2', slurmClusters: c?.slurmClusters });
    }
  } else {
    for (const c of configured) add({ name: c.name, host: c.host ?? null, transport: c.transport ?? 'ssh2', slurmClusters: c.slurmClusters });
  }
  return specs;
}

/** Test seams: prompting, and where fatal connection errors are printed (default: stderr, TUI only). */
export interface OpenDeps {
  /** Answers prompts while connecting (default: the terminal, when there is one). */
  prompter?: Prompter;
  /** What connections use for prompts, now and on reconnects (default: `sessionPrompter`). */
  switch?: SwitchablePrompter;
  warn?: (line: string) => void;
  /** How long startup waits for connections before letting the pollers find out (ms). */
  connectWaitMs?: number;
}

/** Opens every cluster's transport; failed ones are returned too, failing each call with their error. */
export async function openSshTransports(opts: CliOptions, deps: OpenDeps = {}): Promise<Transport[]> {
  const configured = opts.hosts.length > 0 && !opts.config ? safeConfig(opts) : loadConfig(opts.config).clusters ?? [];
  const specs = clusterSpecs(opts.hosts, configured);
  if (specs.length === 0) throw new UserError('no cluster to watch: give --host HOST or list clusters in the config file');
  // The terminal answers prompts only until the TUI owns it; afterwards only a prompt the TUI sets can.
  const prompter = deps.switch ?? sessionPrompter;
  prompter.set(deps.prompter ?? terminalPrompter());
  // Headless modes report cluster errors in their output; the TUI also gets the full line on stderr.
  const warn = deps.warn ?? (opts.mode === 'tui' ? (line: string) => process.stderr.write(`hpc-watch: ${line}\n`) : null);
  const out: Transport[] = [];
  const ssh: SshTransport[] = [];
  for (const s of specs) {
    let t: Transport;
    if (!s.host) t = new LocalTransport(s.name, { pollLogs: opts.pollLogs });
    else if (s.transport === 'system-ssh') t = new SystemSshTransport({ cluster: s.name, destination: s.host });
    else {
      const st = new SshTransport({ cluster: s.name, destination: s.host, prompter, acceptNewHostKey: opts.acceptNewHostKey });
      ssh.push(st);
      t = st;
    }
    out.push(...splitSlurmClusters(s.name, s.slurmClusters, t));
  }
  // In parallel, and bounded: a blackholed host must not delay the healthy ones' first poll.
  const settled = Promise.all(
    ssh.map((t) =>
      t.connect().catch(() => {
        const err = t.error;
        if (err?.fatal && warn) warn(err.message);
      }),
    ),
  );
  let done = false;
  void settled.then(() => {
    done = true;
  });
  const deadline = Date.now() + (deps.connectWaitMs ?? 20_000);
  // Never hand the terminal over while someone is typing a passphrase or a 2FA code.
  while (!done && (Date.now() < deadline || prompter.active > 0)) {
    await Promise.race([settled, new Promise((r) => setTimeout(r, 100))]);
  }
  prompter.set(null);
  return out;
}

/** With `--host`, a broken default config file must not stop an explicit host from working. */
function safeConfig(opts: CliOptions): ClusterConfig[] {
  try {
    return loadConfig(opts.config).clusters ?? [];
  } catch {
    return [];
  }
}
