/**
 * Turns cluster specs into transports, connects them all in parallel (prompting for
 * passphrases/2FA before the TUI starts), and never lets one unreachable cluster hold up or
 * fail the others.
 */
import { UserError } from '../errors.js';
import { LocalTransport } from './local.js';
import { type Prompter, type SwitchablePrompter, sessionPrompter, terminalPrompter } from './prompter.js';
import { splitSlurmClusters } from './slurm-cluster.js';
import { SshTransport } from './ssh.js';
import { SystemSshTransport } from './system-ssh.js';
import type { ClusterSpec, Transport } from './types.js';

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

const ANSWERED_GRACE_MS = 3000;

/** How transports are opened: settings from the command line, shared by every cluster. */
export interface OpenOptions {
  pollLogs: boolean;
  acceptNewHostKey: boolean;
  /** Where fatal connection errors are printed (the TUI: stderr, before Ink owns it); null = nowhere. */
  warn: ((line: string) => void) | null;
}

/** Opens every cluster's transport; failed ones are returned too, failing each call with their error. */
export async function openSshTransports(
  specs: readonly ClusterSpec[],
  opts: OpenOptions,
  deps: OpenDeps = {},
): Promise<Transport[]> {
  if (specs.length === 0)
    throw new UserError('no cluster to watch: give --host HOST or list clusters in the config file');
  // The terminal answers prompts only until the TUI owns it; afterwards only a prompt the TUI sets can.
  const prompter = deps.switch ?? sessionPrompter;
  prompter.set(deps.prompter ?? terminalPrompter());
  const warn = deps.warn ?? opts.warn;
  const out: Transport[] = [];
  const ssh: SshTransport[] = [];
  for (const s of specs) {
    let t: Transport;
    if (!s.host) t = new LocalTransport(s.name, { pollLogs: opts.pollLogs });
    else if (s.transport === 'system-ssh') t = new SystemSshTransport({ cluster: s.name, destination: s.host });
    else {
      const st = new SshTransport({
        cluster: s.name,
        destination: s.host,
        prompter,
        acceptNewHostKey: opts.acceptNewHostKey,
      });
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
  let deadline = Date.now() + (deps.connectWaitMs ?? 20_000);
  // Never hand the terminal over while someone is typing a passphrase or a 2FA code; once they
  // answered, the handshake finishes in a moment: wait for that too rather than start unconnected.
  while (!done && (Date.now() < deadline || prompter.active > 0)) {
    if (prompter.active > 0) deadline = Math.max(deadline, Date.now() + ANSWERED_GRACE_MS);
    await Promise.race([settled, new Promise((r) => setTimeout(r, 100))]);
  }
  prompter.set(null);
  return out;
}
