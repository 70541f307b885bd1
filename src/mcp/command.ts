/**
 * `hpc-watch mcp`: the MCP server over stdio, for Claude Code (`claude mcp add hpc-watch --
 * hpc-watch mcp`). One session — one connection per host — for the server's life, opened while
 * the server already answers the handshake; polls only
 * when a tool asks and the data is older than the poll interval, so an idle server costs the
 * controller nothing. stdout carries the protocol and nothing else; problems go to stderr.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { CliOptions } from '../cli-args.js';
import type { Settings } from '../config.js';
import { openSession, pollOnce, type Session } from '../session.js';
import { slurmRunner } from '../slurm/client.js';
import { JobDetails } from '../slurm/job-details.js';
import { createJobStore, type Store } from '../store.js';
import { lookupJob } from './lookup.js';
import { createMcpServer } from './server.js';
import type { McpDeps } from './tools.js';

declare const __HPCW_VERSION__: string | undefined;

/**
 * Tools' view of a session that may still be opening (the server answers `initialize` at once;
 * SSH connections can take seconds): refresh at most once per interval, one-off lookups, who
 * the user is on each cluster.
 */
export function sessionDeps(
  opening: Promise<Session>,
  store: Store,
  settings: Settings,
  env: NodeJS.ProcessEnv = process.env,
): McpDeps {
  let session: Session | null = null;
  void opening.then(
    (s) => {
      session = s;
    },
    () => {},
  );
  let lastPoll = Number.NEGATIVE_INFINITY;
  let polling: Promise<void> | null = null;
  const users = new Map<string, Promise<string | null>>();
  const details = new Map<string, JobDetails>();
  const transportOf = (name: string) => session!.clusters.find((c) => c.name === name)!.transport;
  return {
    store,
    get clusters() {
      return session?.clusters ?? [];
    },
    allUsers: settings.allUsers,
    sinceS: settings.sinceS,
    tailBytes: settings.tailBytes,
    claude: settings.claude,
    env,
    async refresh() {
      const s = await opening;
      if (!polling && Date.now() - lastPoll >= settings.intervalS * 1000) {
        polling = pollOnce(s).finally(() => {
          lastPoll = Date.now();
          polling = null;
        });
      }
      try {
        await polling;
      } catch (err) {
        // Every cluster failed: stale jobs (with each cluster's error) beat no answer at all.
        if (Object.keys(store.getState().jobs).length === 0) throw err;
      }
    },
    invalidate() {
      lastPoll = Number.NEGATIVE_INFINITY;
    },
    async details(key) {
      const e = store.getState().jobs[key];
      const c = e && session?.clusters.find((x) => x.name === e.cluster);
      if (!c) return;
      let d = details.get(c.name);
      if (!d) {
        d = new JobDetails(slurmRunner(c.transport, 15_000), store, () => c.poller.utcOffset());
        details.set(c.name, d);
      }
      await d.refresh(key);
    },
    lookup: (cluster, jobId) => lookupJob(cluster, transportOf(cluster), jobId, settings.tailBytes),
    loginUser(cluster) {
      let p = users.get(cluster);
      if (!p) {
        p = transportOf(cluster)
          .exec(['id', '-un'], { timeoutMs: 15_000 })
          .then((r) => (r.code === 0 && r.stdout.trim() ? r.stdout.trim() : null))
          .catch(() => null);
        // Only a known answer is kept: a dropped connection is asked again next time.
        void p.then((u) => {
          if (u === null) users.delete(cluster);
        });
        users.set(cluster, p);
      }
      return p;
    },
  };
}

/** Entry point for `hpc-watch mcp`; returns when the client closes stdin. */
export async function runMcp(_opts: CliOptions, settings: Settings): Promise<number> {
  // A stray rejection must not take the server (and every tool of the user's session) down.
  process.on('unhandledRejection', (err) => {
    process.stderr.write(`hpc-watch mcp: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}\n`);
  });
  const store = createJobStore();
  const opening = openSession(settings, { store, warn: (line) => process.stderr.write(`hpc-watch mcp: ${line}\n`) });
  const version = typeof __HPCW_VERSION__ === 'string' ? __HPCW_VERSION__ : '0.0.0-dev';
  const server = createMcpServer(sessionDeps(opening, store, settings), version);
  const closed = new Promise<void>((resolve) => {
    server.server.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
  });
  await server.connect(new StdioServerTransport());
  await closed;
  await server.close().catch(() => {});
  await opening.then(
    (s) => s.close(),
    () => {},
  );
  return 0;
}
