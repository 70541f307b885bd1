/** Log reads over one SFTP session: stat for size polling, positioned reads for the tail. */
import type { SFTPWrapper } from 'ssh2';
import type { FileStat } from './types.js';

const SFTP_NO_SUCH_FILE = 2;

/** Registers a rejecter that a dropped connection calls; returns its unregister. */
export type Track = (reject: (err: Error) => void) => () => void;

/** null when the path does not exist; SFTP v3 has no inode, so `ino` is null. */
export function sftpStat(sftp: SFTPWrapper, path: string, cluster: string, track: Track): Promise<FileStat | null> {
  return new Promise((resolve, reject) => {
    const done = track(reject);
    sftp.stat(path, (err, st) => {
      done();
      if (err) {
        if ((err as { code?: number }).code === SFTP_NO_SUCH_FILE) resolve(null);
        else reject(new Error(`${cluster}: stat ${path}: ${err.message}`));
        return;
      }
      const type = st.mode & 0o170000;
      resolve({
        size: st.size,
        mtimeMs: st.mtime * 1000,
        isFile: type === 0o100000,
        isDirectory: type === 0o040000,
        ino: null,
      });
    });
  });
}

/** Reads `length` bytes at `start`, looping over short reads; fewer bytes only at end of file. */
export async function sftpReadRange(
  sftp: SFTPWrapper,
  path: string,
  start: number,
  length: number,
  cluster: string,
  track: Track,
): Promise<Uint8Array> {
  const call = <T>(fn: (cb: (err: Error | null | undefined, v: T) => void) => void): Promise<T> =>
    new Promise((resolve, reject) => {
      const done = track(reject);
      fn((err, v) => {
        done();
        if (err) reject(new Error(`${cluster}: read ${path}: ${err.message}`));
        else resolve(v);
      });
    });
  const handle = await call<Buffer>((cb) => sftp.open(path, 'r', cb));
  try {
    const buf = Buffer.allocUnsafe(Math.max(0, length));
    let got = 0;
    while (got < length) {
      const n = await call<number>((cb) =>
        sftp.read(handle, buf, got, length - got, start + got, (e, bytes) => cb(e, bytes)),
      );
      if (n === 0) break;
      got += n;
    }
    return buf.subarray(0, got);
  } finally {
    await call<void>((cb) => sftp.close(handle, (e) => cb(e, undefined))).catch(() => {});
  }
}
