import type { Transport } from '../transport/types.js';

export const DEFAULT_TAIL_BYTES = 1024 * 1024;

export interface TailRead {
  bytes: Uint8Array;
  size: number;
  mtimeMs: number;
  /** True when the file is longer than what was read (the head was skipped). */
  skippedHead: boolean;
}

/** Reads only the last `maxBytes` of a file: a 10 GB log costs what a 1 MB one does. */
export async function readTail(
  transport: Transport,
  path: string,
  maxBytes = DEFAULT_TAIL_BYTES,
): Promise<TailRead | null> {
  const st = await transport.stat(path);
  if (!st) return null;
  if (st.isDirectory) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
  const start = Math.max(0, st.size - maxBytes);
  const bytes = st.size === 0 ? new Uint8Array(0) : await transport.readRange(path, start, st.size - start);
  return { bytes, size: st.size, mtimeMs: st.mtimeMs, skippedHead: start > 0 };
}
