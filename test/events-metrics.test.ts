/** /metrics: the exposition parses as Prometheus text, carries progress, and forgets jobs that ended long ago. */
import type { Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { toEvent } from '../src/events/event-json.js';
import { EventCounters, parseListenAddress, renderMetrics, serveMetrics } from '../src/events/metrics.js';
import { allJobs, analysis, entry, progress, storeWith } from './helpers/fixtures.js';
import { parsePrometheus } from './helpers/prometheus.js';

const NOW = Date.parse('2026-11-26T12:00:00Z');
let server: Server | null = null;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = null;
});

describe('metrics exposition', () => {
  it('per-job gauges and event counters, in valid text format', () => {
    const store = storeWith(allJobs(NOW), NOW);
    const counters = new EventCounters();
    const e = store.getState().jobs['local/2005']!;
    counters.add(toEvent('job_failed', e, { now: NOW, at: NOW, late: false }));
    counters.add(toEvent('job_completed', store.getState().jobs['local/2004']!, { now: NOW, at: NOW, late: false }));
    const { samples, types } = parsePrometheus(renderMetrics(store.getState(), counters, NOW));
    const one = (name: string, job: string) => samples.find((s) => s.name === name && s.labels.job_id === job);
    // Epoch 3 of 10 at 45%: the whole run is 24.5% done.
    expect(one('hpcwatch_job_progress_ratio', '2001')).toMatchObject({
      value: 0.245,
      labels: { cluster: 'local', user: 'alice', job_name: 'train-llama-7b' },
    });
    expect(one('hpcwatch_job_eta_seconds', '2001')?.value).toBe(2400);
    expect(one('hpcwatch_job_throughput', '2001')).toMatchObject({ value: 2.5, labels: { unit: 'it' } });
    expect(one('hpcwatch_job_timelimit_risk', '2002')?.value).toBe(1);
    const states = samples.filter((s) => s.name === 'hpcwatch_job_state' && s.labels.job_id === '2001');
    expect(states.filter((s) => s.value === 1).map((s) => s.labels.state)).toEqual(['RUNNING']);
    expect(samples.find((s) => s.name === 'hpcwatch_events_total' && s.labels.event === 'job_failed')?.value).toBe(1);
    expect(samples.find((s) => s.name === 'hpcwatch_job_failures_total')).toMatchObject({
      labels: { category: 'oom_gpu' },
      value: 1,
    });
    expect(types).toMatchObject({ hpcwatch_job_progress_ratio: 'gauge', hpcwatch_events_total: 'counter' });
  });

  it('label values are escaped; jobs that ended more than 15 minutes ago are dropped', () => {
    const jobs = [
      entry(
        NOW,
        { job_id: '1', name: 'evil "name"\\with\nnewline' },
        { analysis: analysis({ progress: progress({ current: 1, total: 4 }) }) },
      ),
      entry(NOW, { job_id: '2', state: 'COMPLETED', end_time: new Date(NOW - 5 * 60_000).toISOString() }),
      entry(NOW, { job_id: '3', state: 'FAILED', end_time: new Date(NOW - 60 * 60_000).toISOString() }),
    ];
    const { samples } = parsePrometheus(renderMetrics(storeWith(jobs, NOW).getState(), new EventCounters(), NOW));
    expect(samples.find((s) => s.labels.job_id === '1')?.labels.job_name).toBe('evil "name"\\with\nnewline');
    const ids = new Set(samples.map((s) => s.labels.job_id));
    expect(ids.has('2')).toBe(true);
    expect(ids.has('3')).toBe(false);
  });
});

describe('the /metrics server', () => {
  it('binds to loopback by default and answers a plain GET', async () => {
    expect(parseListenAddress('9100')).toEqual({ host: '127.0.0.1', port: 9100 });
    expect(parseListenAddress('0.0.0.0:9100')).toEqual({ host: '0.0.0.0', port: 9100 });
    expect(parseListenAddress('[::1]:9100')).toEqual({ host: '::1', port: 9100 });
    expect(() => parseListenAddress('x:y')).toThrow(/--metrics/);
    const store = storeWith(allJobs(NOW), NOW);
    server = await serveMetrics('127.0.0.1:0', () => renderMetrics(store.getState(), new EventCounters(), NOW));
    const a = server.address();
    const port = typeof a === 'object' && a ? a.port : 0;
    const r = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(parsePrometheus(await r.text()).samples.length).toBeGreaterThan(50);
    expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(404);
  });

  it('an address in use is a one-line error', async () => {
    server = await serveMetrics('127.0.0.1:0', () => '');
    const a = server.address();
    const port = typeof a === 'object' && a ? a.port : 0;
    await expect(serveMetrics(`127.0.0.1:${port}`, () => '')).rejects.toThrow(
      `--metrics 127.0.0.1:${port}: address in use`,
    );
  });
});
