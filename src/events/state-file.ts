/**
 * What an event watcher told, kept under $XDG_STATE_HOME so a restart neither repeats old events
 * nor misses what happened while it was down. One file per kind of watcher and set of clusters:
 * the TUI and a `hpc-watch events` daemon each keep their own.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { JOB_STATES, type JobState } from '../../parsers/job-state.js';
import { stateDir } from '../paths.js';
import type { JobMemory } from './derive.js';

const MAX_JOBS = 5000;
const KNOWN = new Set<string>(JOB_STATES);

/** The file for a watcher (`events`, `tui`) over some clusters and job selection. */
export function stateFilePath(watcher: string, scope: string, env: NodeJS.ProcessEnv = process.env): string {
  const id = createHash('sha256').update(scope).digest('hex').slice(0, 12);
  return join(stateDir(env), `events-${watcher}-${id}.json`);
}

/** The remembered jobs; a missing or broken file is an empty memory (the first run says nothing of the past). */
export function loadMemory(path: string): Record<string, JobMemory> {
  try {
    const data = JSON.parse(readFileSync(path, 'utf8')) as { jobs?: Record<string, Partial<JobMemory>> };
    const out: Record<string, JobMemory> = {};
    for (const [k, m] of Object.entries(data.jobs ?? {})) {
      if (!m || typeof m.state !== 'string' || !KNOWN.has(m.state) || typeof m.seenAt !== 'number') continue;
      out[k] = {
        state: m.state as JobState,
        reason: typeof m.reason === 'string' ? m.reason : null,
        risk: m.risk === true,
        stalled: m.stalled === true,
        seenAt: m.seenAt,
      };
    }
    return out;
  } catch {
    return {};
  }
}

/** Writes atomically (tmp + rename), newest jobs first, bounded; an unwritable home only costs the memory. */
export function saveMemory(path: string, jobs: Record<string, JobMemory>): void {
  const kept = Object.entries(jobs)
    .sort((a, b) => b[1].seenAt - a[1].seenAt)
    .slice(0, MAX_JOBS);
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ version: 1, jobs: Object.fromEntries(kept) }));
    renameSync(tmp, path);
  } catch {
    // read-only home: keep going without memory
  }
}
