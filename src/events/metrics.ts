/**
 * `/metrics` in the Prometheus text format, so a lab plugs hpc-watch into the Prometheus/Grafana
 * it already runs. Written by hand: the format is a few lines of text, and a registry library
 * would still need our own bookkeeping to drop the series of jobs that ended (label counts must
 * stay bounded on a cluster that runs thousands of jobs a week).
 */
import { createServer, type Server } from 'node:http';
import { isEnded } from '../../parsers/job-state.js';
import { UserError } from '../errors.js';
import { secondsPerUnit } from '../model/eta.js';
import { runPercent } from '../model/progress.js';
import type { JobEntry, State } from '../store.js';
import type { JobEvent } from './types.js';

// Common states get a 0/1 series each; anything else is `other`.
const STATES = [
  'PENDING',
  'RUNNING',
  'COMPLETING',
  'COMPLETED',
  'FAILED',
  'CANCELLED',
  'TIMEOUT',
  'OUT_OF_MEMORY',
  'NODE_FAIL',
  'PREEMPTED',
  'other',
];
/** Ended jobs stay visible this long, then their series go. */
export const ENDED_SERIES_MS = 15 * 60_000;

const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const labels = (l: Record<string, string>) =>
  `{${Object.entries(l)
    .map(([k, v]) => `${k}="${esc(v)}"`)
    .join(',')}}`;

/** Counts events as they come (counters live as long as the process). */
export class EventCounters {
  readonly events = new Map<string, number>();
  readonly failures = new Map<string, number>();

  /** Counts one event. */
  add(ev: JobEvent): void {
    this.events.set(ev.event, (this.events.get(ev.event) ?? 0) + 1);
    if (ev.event === 'job_failed') {
      const cat = ev.failure?.category ?? 'unknown';
      this.failures.set(cat, (this.failures.get(cat) ?? 0) + 1);
    }
  }
}

function jobLabels(e: JobEntry): Record<string, string> {
  return { cluster: e.cluster, user: e.job.user ?? '', job_id: e.job.job_id, job_name: e.job.name };
}

/** The whole exposition for a snapshot of the store. */
export function renderMetrics(state: State, counters: EventCounters, now: number): string {
  const jobs = Object.values(state.jobs).filter((e) => {
    if (e.notFound) return false;
    if (!isEnded(e.job.state)) return true;
    const end = e.job.end_time ? Date.parse(e.job.end_time) : Number.NaN;
    return Number.isFinite(end) && now - end < ENDED_SERIES_MS;
  });
  const out: string[] = [];
  const family = (name: string, type: 'gauge' | 'counter', help: string, rows: string[]) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...rows);
  };
  const gauge = (name: string, help: string, value: (e: JobEntry) => [number, Record<string, string>?] | null) => {
    const rows: string[] = [];
    for (const e of jobs) {
      const v = value(e);
      if (v && Number.isFinite(v[0])) rows.push(`${name}${labels({ ...jobLabels(e), ...v[1] })} ${v[0]}`);
    }
    family(name, 'gauge', help, rows);
  };
  gauge(
    'hpcwatch_job_progress_ratio',
    'Progress of the whole run from the job log (all epochs when it names them), 0 to 1.',
    (e) => {
      const pct = runPercent(e.analysis?.progress);
      return pct === null ? null : [pct / 100];
    },
  );
  gauge('hpcwatch_job_eta_seconds', 'Seconds until the estimated end of the run.', (e) =>
    e.job.state === 'RUNNING' && e.finishAt !== null ? [Math.max(0, Math.round((e.finishAt - now) / 1000))] : null,
  );
  gauge('hpcwatch_job_throughput', 'Units of work per second, as the log reports them.', (e) => {
    const p = e.analysis?.progress;
    const spu = p ? secondsPerUnit(p) : null;
    return e.job.state === 'RUNNING' && p && spu ? [Number((1 / spu).toPrecision(6)), { unit: p.unit ?? 'it' }] : null;
  });
  gauge('hpcwatch_job_timelimit_risk', '1 when the run will not finish before its time limit.', (e) =>
    e.job.state === 'RUNNING' && e.willTimeout !== null ? [e.willTimeout ? 1 : 0] : null,
  );
  const stateRows: string[] = [];
  for (const e of jobs) {
    const current = STATES.includes(e.job.state) ? e.job.state : 'other';
    for (const s of STATES)
      stateRows.push(`hpcwatch_job_state${labels({ ...jobLabels(e), state: s })} ${s === current ? 1 : 0}`);
  }
  family('hpcwatch_job_state', 'gauge', 'The job state: 1 for the current one.', stateRows);
  family(
    'hpcwatch_events_total',
    'counter',
    'Events since hpc-watch started.',
    [...counters.events].map(([ev, n]) => `hpcwatch_events_total${labels({ event: ev })} ${n}`),
  );
  family(
    'hpcwatch_job_failures_total',
    'counter',
    'Failed jobs since hpc-watch started, by failure category.',
    [...counters.failures].map(([cat, n]) => `hpcwatch_job_failures_total${labels({ category: cat })} ${n}`),
  );
  return `${out.join('\n')}\n`;
}

/** `9100`, `:9100`, `127.0.0.1:9100`, `[::1]:9100`, `0.0.0.0:9100`; loopback unless a host is given. */
export function parseListenAddress(addr: string): { host: string; port: number } {
  const m = /^(?:(?:\[([0-9a-fA-F:]+)\]|([\w.-]+)):|:)?(\d{1,5})$/.exec(addr.trim());
  const port = m ? Number(m[3]) : Number.NaN;
  // Port 0 asks the system for a free one (tests, and `events --metrics 127.0.0.1:0` prints it).
  if (!m || !(port >= 0 && port < 65536))
    throw new UserError(`--metrics: expected PORT or HOST:PORT, got ${JSON.stringify(addr)}`);
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port };
}

/** Serves `/metrics` (and nothing else) until closed. */
export function serveMetrics(addr: string, render: () => string): Promise<Server> {
  const { host, port } = parseListenAddress(addr);
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found: try /metrics\n');
      return;
    }
    let body: string;
    try {
      body = render();
    } catch (err) {
      res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`${(err as Error).message}\n`);
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' }).end(body);
  });
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(new UserError(`--metrics ${addr}: ${err.code === 'EADDRINUSE' ? 'address in use' : err.message}`)),
    );
    server.listen(port, host, () => resolve(server));
  });
}
