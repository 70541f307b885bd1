/**
 * Remembers each job's resolved log paths and queued name. `squeue` leaves array
 * patterns unexpanded and `sacct --expand-patterns` only exists from 24.05, so a
 * job that left the queue would otherwise lose its logs.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from '../paths.js';

export interface CachedJob {
  stdout: string | null;
  stderr: string | null;
  name: string | null;
  workDir: string | null;
  savedAt: number;
}

const MAX_ENTRIES = 5000;
const MAX_AGE_MS = 30 * 86400 * 1000;

/** A small JSON file; a broken or unwritable cache only costs the memory of old paths. */
export class PathCache {
  private data: Record<string, CachedJob> = {};
  private dirty = false;

  constructor(private readonly file: string | null = join(cacheDir(), 'jobs.json')) {
    if (!file) return;
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8'));
      if (parsed && typeof parsed === 'object') this.data = parsed as Record<string, CachedJob>;
    } catch {
      // missing or corrupt: start empty
    }
  }

  get(key: string): CachedJob | undefined {
    return this.data[key];
  }

  /** Stores what is known; fields that are null keep their earlier value. */
  put(key: string, entry: Omit<CachedJob, 'savedAt'>, now = Date.now()): void {
    const old = this.data[key];
    const next: CachedJob = {
      stdout: entry.stdout ?? old?.stdout ?? null,
      stderr: entry.stderr ?? old?.stderr ?? null,
      name: entry.name ?? old?.name ?? null,
      workDir: entry.workDir ?? old?.workDir ?? null,
      savedAt: now,
    };
    if (old && old.stdout === next.stdout && old.stderr === next.stderr && old.name === next.name) return;
    this.data[key] = next;
    this.dirty = true;
  }

  /** Writes atomically (tmp + rename), dropping entries older than 30 days. */
  save(now = Date.now()): void {
    if (!this.file || !this.dirty) return;
    const entries = Object.entries(this.data)
      .filter(([, v]) => now - v.savedAt < MAX_AGE_MS)
      .sort((a, b) => b[1].savedAt - a[1].savedAt)
      .slice(0, MAX_ENTRIES);
    this.data = Object.fromEntries(entries);
    try {
      mkdirSync(join(this.file, '..'), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(this.data));
      renameSync(tmp, this.file);
      this.dirty = false;
    } catch {
      // read-only home: keep going without persistence
    }
  }
}
