/** Which filesystem a path lives on, to decide between inotify and polling. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Filesystems whose writes come from other machines: inotify on the login node
 * never sees the compute node's appends there, so only polling `stat` works.
 */
const NETWORK_FS =
  /^(nfs\d?|lustre|gpfs|beegfs|cifs|smb3?|smbfs|ceph|glusterfs|9p|afs|panfs|wekafs|pvfs2|orangefs|fuse\..+)$/i;

let cachedMounts: string | null | undefined;

function mounts(): string | null {
  if (cachedMounts === undefined) {
    try {
      cachedMounts = readFileSync('/proc/mounts', 'utf8');
    } catch {
      cachedMounts = null;
    }
  }
  return cachedMounts;
}

/** `/proc/mounts` escapes spaces and friends as `\040`. */
function unescapeMount(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(Number.parseInt(oct, 8)));
}

/** The fstype of the mount holding `path` (longest mount-point prefix), or null when unknown. */
export function fsTypeOf(path: string, mountsText: string | null = mounts()): string | null {
  if (!mountsText) return null;
  const abs = resolve(path);
  let best: { point: string; type: string } | null = null;
  for (const line of mountsText.split('\n')) {
    const f = line.split(' ');
    if (f.length < 3) continue;
    const point = unescapeMount(f[1]!);
    const inside = point === '/' || abs === point || abs.startsWith(point.endsWith('/') ? point : `${point}/`);
    if (inside && (!best || point.length >= best.point.length)) best = { point, type: f[2]! };
  }
  return best?.type ?? null;
}

/** Whether `path` is on a network or parallel filesystem (NFS, Lustre, GPFS, BeeGFS, CIFS, sshfs...). */
export function isNetworkFs(path: string, mountsText?: string | null): boolean {
  const t = fsTypeOf(path, mountsText === undefined ? mounts() : mountsText);
  return t !== null && NETWORK_FS.test(t);
}
