import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SLURM_CLIENT_ENV_DROP } from '../parsers/squeue.js';
import { SlurmClusterTransport, splitSlurmClusters } from '../src/transport/slurm-cluster.js';
import { SystemSshTransport } from '../src/transport/system-ssh.js';
import type { Transport } from '../src/transport/types.js';
import { tempFile } from './helpers/ssh-server.js';

/** A stand-in `ssh` that records its argv and runs the remote command with a local sh, as sshd would. */
function fakeSsh(): { path: string; log: string } {
  const log = tempFile('argv.log', '');
  const path = join(log, '..', 'ssh');
  writeFileSync(
    path,
    `#!/bin/sh\nprintf '%s\\n' "$@" > ${log}\nfor last; do :; done\ncase "$*" in *dead-host*) echo 'ssh: connect to host dead-host port 22: Connection refused' >&2; exit 255;; esac\nexec sh -c "$last"\n`,
  );
  chmodSync(path, 0o755);
  return { path, log };
}

describe('SystemSshTransport', () => {
  it('passes options, then --, then the destination, then one quoted command', async () => {
    const { path, log } = fakeSsh();
    const t = new SystemSshTransport({ cluster: 'c', destination: 'lumi', configFile: '/my cfg', sshPath: path });
    const odd = `a b'c$(touch /tmp/hpcw-sys-pwned);x`;
    const r = await t.exec(['printf', '%s|', odd, 'two'], {
      dropEnv: SLURM_CLIENT_ENV_DROP,
      env: { SLURM_TIME_FORMAT: 'standard' },
    });
    expect(r).toMatchObject({ code: 0, stdout: `${odd}|two|`, notFound: false });
    expect(existsSync('/tmp/hpcw-sys-pwned')).toBe(false);
    const argv = (await import('node:fs')).readFileSync(log, 'utf8').split('\n');
    expect(argv.slice(0, 8)).toEqual(['-o', 'BatchMode=yes', '-T', '-F', '/my cfg', '--', 'lumi', argv[7]]);
    expect(argv[7]).toMatch(/^env -u SQUEUE_ACCOUNT .* 'printf' '%s\|' /);
    expect(await t.exec(['no-such-program-hpcw'])).toMatchObject({ code: 127, notFound: true });
  });

  it('stat and readRange by offset with remote stat / tail | head', async () => {
    const { path } = fakeSsh();
    const t = new SystemSshTransport({ cluster: 'c', destination: 'lumi', configFile: null, sshPath: path });
    const file = tempFile(`log 'q' $(x);y.out`, 'abcdefghijklmnopqrstuvwxyz');
    expect(await t.stat(file)).toMatchObject({ size: 26, isFile: true, isDirectory: false });
    expect((await t.stat(file))!.ino).toBeGreaterThan(0);
    expect(await t.stat(join(file, '..', 'missing'))).toBeNull();
    expect(await t.stat(join(file, '..'))).toMatchObject({ isDirectory: true });
    expect(Buffer.from(await t.readRange(file, 3, 5)).toString()).toBe('defgh');
    expect(Buffer.from(await t.readRange(file, 20, 100)).toString()).toBe('uvwxyz');
    expect(t.stats.processes).toBe(6);
  });

  it("ssh's own failure (255) is a connection error, not an exit code", async () => {
    const { path } = fakeSsh();
    const t = new SystemSshTransport({ cluster: 'dead', destination: 'dead-host', configFile: null, sshPath: path });
    const r = await t.exec(['squeue']);
    expect(r.code).toBeNull();
    expect(r.stderr).toBe('dead: ssh: connect to host dead-host port 22: Connection refused');
    await expect(t.stat('/x')).rejects.toThrow(/Connection refused/);
  });
});

describe('Slurm multi-cluster (-M) views', () => {
  function recorder(): Transport & { seen: string[][] } {
    const seen: string[][] = [];
    return {
      seen,
      cluster: 'login',
      canWatch: false,
      exec: async (argv) => {
        seen.push([...argv]);
        return { stdout: '', stderr: '', code: 0, signal: null, timedOut: false, notFound: false, durationMs: 0 };
      },
      stat: async () => null,
      readRange: async () => new Uint8Array(),
      close: async () => {
        seen.push(['closed']);
      },
    };
  }

  it('adds --clusters to Slurm clients only, once, and shares one connection', async () => {
    const inner = recorder();
    const views = splitSlurmClusters('lumi', 'lumi-c, lumi-g', inner);
    expect(views.map((v) => v.cluster)).toEqual(['lumi:lumi-c', 'lumi:lumi-g']);
    await views[0]!.exec(['squeue', '--noheader']);
    await views[1]!.exec(['sacct', '-X']);
    await views[0]!.exec(['scontrol', 'show', 'job', '5']);
    await views[0]!.exec(['squeue', '--clusters=other']);
    await views[0]!.exec(['stat', '-c', '%s', '/x']);
    expect(inner.seen).toEqual([
      ['squeue', '--clusters=lumi-c', '--noheader'],
      ['sacct', '--clusters=lumi-g', '-X'],
      ['scontrol', '--clusters=lumi-c', 'show', 'job', '5'],
      ['squeue', '--clusters=other'],
      ['stat', '-c', '%s', '/x'],
    ]);
    await views[0]!.close();
    expect(inner.seen.at(-1)).not.toEqual(['closed']);
    await views[1]!.close();
    expect(inner.seen.at(-1)).toEqual(['closed']);
  });

  it('one Slurm cluster keeps the cluster name; none returns the transport itself; bad names refused', () => {
    const inner = recorder();
    expect(splitSlurmClusters('lumi', 'lumi-c', inner)[0]!.cluster).toBe('lumi');
    expect(splitSlurmClusters('lumi', undefined, inner)[0]).toBe(inner);
    expect(() => new SlurmClusterTransport('x', 'a;b', inner, { refs: 0 })).toThrow();
  });
});
