import type { FileStat, Transport } from '../transport/types.js';

export interface FollowState {
  status: 'waiting' | 'ok' | 'error';
  size: number;
  mtimeMs: number | null;
  error: string | null;
  /** The last `windowBytes` of the file; memory stays bounded however big the log grows. */
  window: Uint8Array;
}

/**
 * Follows one log by byte offset: reads only new bytes, keeps a bounded window,
 * and starts over on truncation (a requeued job rewrites its log) or when the
 * file is replaced (rotation). A file that does not exist yet is "waiting".
 */
export class LogFollower {
  private offset = 0;
  private ino: number | null = null;
  private state: FollowState = { status: 'waiting', size: 0, mtimeMs: null, error: null, window: new Uint8Array(0) };

  constructor(
    private readonly transport: Transport,
    readonly path: string,
    private readonly windowBytes: number,
  ) {}

  get snapshot(): FollowState {
    return this.state;
  }

  /** Reads what changed since the last call; true when the window changed. */
  async poll(): Promise<boolean> {
    let st: FileStat | null;
    try {
      st = await this.transport.stat(this.path);
    } catch (err) {
      return this.set({ ...this.state, status: 'error', error: errText(err) });
    }
    if (!st) {
      // Keep what we had: a rotated log's new file may simply not exist yet.
      return this.set({ ...this.state, status: 'waiting', error: null });
    }
    if (st.isDirectory) return this.set({ ...this.state, status: 'error', error: 'is a directory' });
    const replaced = this.ino !== null && st.ino !== null && st.ino !== this.ino;
    if (replaced || st.size < this.offset) {
      this.offset = 0;
      this.state = { ...this.state, window: new Uint8Array(0) };
    }
    this.ino = st.ino;
    if (st.size === this.offset) {
      if (this.state.status === 'ok' && this.state.mtimeMs === st.mtimeMs) return false;
      return this.set({ ...this.state, status: 'ok', size: st.size, mtimeMs: st.mtimeMs, error: null });
    }
    let window = this.state.window;
    let from = this.offset;
    if (st.size - from > this.windowBytes) {
      from = st.size - this.windowBytes;
      window = new Uint8Array(0);
    }
    // Re-read a few bytes we already have: if they differ, the file was truncated and grew
    // past our offset between two polls (same inode, or SFTP, which has no inode).
    const overlap = from === this.offset ? Math.min(OVERLAP, window.length, from) : 0;
    let fresh: Uint8Array;
    try {
      fresh = await this.transport.readRange(this.path, from - overlap, st.size - from + overlap);
    } catch (err) {
      return this.set({ ...this.state, status: 'error', error: errText(err) });
    }
    if (overlap > 0) {
      if (!sameBytes(fresh.subarray(0, overlap), window.subarray(window.length - overlap))) {
        this.offset = 0;
        this.state = { ...this.state, window: new Uint8Array(0) };
        return this.poll();
      }
      fresh = fresh.subarray(overlap);
    }
    this.offset = from + fresh.length;
    return this.set({
      status: 'ok',
      size: this.offset,
      mtimeMs: st.mtimeMs,
      error: null,
      window: appendBounded(window, fresh, this.windowBytes),
    });
  }

  private set(next: FollowState): boolean {
    const changed =
      next.status !== this.state.status ||
      next.window !== this.state.window ||
      next.error !== this.state.error ||
      next.mtimeMs !== this.state.mtimeMs;
    this.state = next;
    return changed;
  }
}

const OVERLAP = 32;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Concatenates and keeps only the last `max` bytes. */
export function appendBounded(a: Uint8Array, b: Uint8Array, max: number): Uint8Array {
  if (b.length >= max) return b.slice(b.length - max);
  const keep = Math.min(a.length, max - b.length);
  const out = new Uint8Array(keep + b.length);
  out.set(a.subarray(a.length - keep), 0);
  out.set(b, keep);
  return out;
}

function errText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'EACCES') return 'permission denied';
  return (e?.message ?? String(err)).split('\n')[0]!;
}
