/** Wires transports, pollers and log services into one store, for the TUI and headless modes alike. */
import type { Settings } from './config.js';
import { UserError } from './errors.js';
import { SlurmError, slurmRunner } from './slurm/client.js';
import { loginUid } from './slurm/identity.js';
import { PathCache } from './slurm/path-cache.js';
import { Poller } from './slurm/poller.js';
import { createJobStore, type Store } from './store.js';
import { LogService } from './tail/log-service.js';
import { LocalTransport } from './transport/local.js';
import type { Transport } from './transport/types.js';

export interface ClusterHandle {
  name: string;
  transport: Transport;
  poller: Poller;
  logs: LogService;
  /** The uid hpc-watch runs as there (null until known): tells the user's own scancel from another's. */
  uid: () => number | null;
}

export interface Session {
  store: Store;
  clusters: ClusterHandle[];
  close(): Promise<void>;
}

/** What a session needs beyond the settings. */
export interface SessionOptions {
  /** Fatal connection errors, printed before a full-screen view takes the terminal; null = nowhere. */
  warn?: ((line: string) => void) | null;
  store?: Store;
  /** Logs of jobs that ended before we looked, read per tick (default all at once; see PollerConfig). */
  historyLogsPerTick?: number;
  /** See PollerConfig.logsAfter. */
  logsAfter?: Promise<unknown>;
}

/** Builds the session the settings ask for: demo, SSH hosts, or the local login node. */
export async function openSession(settings: Settings, o: SessionOptions = {}): Promise<Session> {
  const store = o.store ?? createJobStore();
  const transports: Transport[] = [];
  if (settings.demo) {
    const { DemoTransport } = await import('./demo/transport.js');
    transports.push(await DemoTransport.start());
  } else if (settings.clusters.length > 0) {
    const { openSshTransports } = await import('./transport/ssh-open.js');
    const open = { pollLogs: settings.pollLogs, acceptNewHostKey: settings.acceptNewHostKey, warn: o.warn ?? null };
    transports.push(...(await openSshTransports(settings.clusters, open)));
  } else {
    transports.push(new LocalTransport('local', { pollLogs: settings.pollLogs }));
  }
  const pathCache = new PathCache(settings.demo ? null : undefined);
  const clusters = transports.map((transport) => {
    const logs = new LogService(store, transport, settings.tailBytes);
    const poller = new Poller({
      cluster: transport.cluster,
      runner: slurmRunner(transport),
      store,
      logs,
      pathCache,
      jobIds: settings.jobIds,
      allUsers: settings.allUsers,
      sinceS: settings.sinceS,
      intervalS: settings.demo ? Math.min(settings.intervalS, 2) : settings.intervalS,
      connected: () => transport.connected ?? true,
      remoteOffset: transport instanceof LocalTransport || settings.demo ? undefined : () => remoteUtcOffset(transport),
      historyUser: transport instanceof LocalTransport ? localUid() : undefined,
      historyLogsPerTick: o.historyLogsPerTick,
      logsAfter: o.logsAfter,
    });
    const local = transport instanceof LocalTransport;
    return { name: transport.cluster, transport, poller, logs, uid: loginUid(transport, local && !settings.demo) };
  });
  return {
    store,
    clusters,
    async close() {
      for (const c of clusters) c.poller.stop();
      pathCache.save();
      await Promise.all(clusters.map((c) => c.transport.close()));
    },
  };
}

/**
 * One poll of every cluster at once. A cluster that fails is shown as failed in the store;
 * only when every cluster failed does this throw (one line), so one bad cluster never
 * fails a headless run for the others.
 */
export async function pollOnce(session: Session): Promise<void> {
  const results = await Promise.allSettled(session.clusters.map((c) => c.poller.tick()));
  const errors = results.flatMap((r, i) =>
    r.status === 'rejected' ? [{ name: session.clusters[i]!.name, err: r.reason }] : [],
  );
  if (errors.length === 0 || errors.length < results.length) return;
  const first = errors[0]!;
  if (!(first.err instanceof SlurmError)) throw first.err;
  throw new UserError(errors.map((e) => withCluster(e.name, (e.err as Error).message)).join('; '));
}

/** `cluster: message`, unless the message (often a transport error) names its cluster already. */
export function withCluster(name: string, message: string | null): string {
  const m = message ?? 'unknown error';
  return m.startsWith(`${name}:`) ? m : `${name}: ${m}`;
}

/** `date +%z` on the cluster, in minutes east of UTC; null when it cannot be read. */
export async function remoteUtcOffset(transport: Transport): Promise<number | null> {
  const r = await transport.exec(['date', '+%z'], { timeoutMs: 10_000 });
  const m = /^([+-])(\d\d)(\d\d)$/.exec(r.stdout.trim());
  if (r.code !== 0 || !m) return null;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

/** The local uid for sacct's --user, when the platform has one. */
function localUid(): string | undefined {
  const uid = process.getuid?.();
  return uid === undefined ? undefined : String(uid);
}
