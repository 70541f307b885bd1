import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCli } from '../src/cli-args.js';
import { clusterSpecs, resolveSettings } from '../src/config.js';
import { LocalTransport } from '../src/transport/local.js';
import { switchablePrompter } from '../src/transport/prompter.js';
import type { SshTransport } from '../src/transport/ssh.js';
import { type OpenDeps, openSshTransports } from '../src/transport/ssh-open.js';
import { SystemSshTransport } from '../src/transport/system-ssh.js';
import type { Transport } from '../src/transport/types.js';
import { type FakeSshd, keyPair, startFakeSshd, tempFile } from './helpers/ssh-server.js';

const client = keyPair();
const keyFile = tempFile('id_ed25519', client.private);
let opened: Transport[] = [];
let fake: FakeSshd | null = null;
const savedEnv = process.env.HPCW_SSH_CONFIG;
afterEach(async () => {
  await Promise.all(opened.map((t) => t.close()));
  opened = [];
  await fake?.close();
  fake = null;
  if (savedEnv === undefined) delete process.env.HPCW_SSH_CONFIG;
  else process.env.HPCW_SSH_CONFIG = savedEnv;
});

async function setup(knownHosts: (s: FakeSshd) => string) {
  fake = await startFakeSshd({ authorizedKeys: [client.public], exec: () => ({ stdout: 'hello\n' }) });
  const kh = tempFile('known_hosts', knownHosts(fake));
  const cfg = tempFile(
    'config',
    [
      'Host fake fake2',
      '  HostName 127.0.0.1',
      `  Port ${fake.port}`,
      '  User alice',
      `  IdentityFile ${keyFile}`,
      '  IdentitiesOnly yes',
      `  UserKnownHostsFile ${kh}`,
      'Host dead',
      '  HostName 127.0.0.1',
      '  Port 1',
      'Host blackhole',
      '  HostName 10.255.255.1',
      '  ConnectTimeout 30',
      '',
    ].join('\n'),
  );
  process.env.HPCW_SSH_CONFIG = cfg;
  return { kh, cfg };
}

/** As a mode opens them: the command line resolved into cluster specs and settings first. */
function open(argv: string[], deps: OpenDeps): Promise<Transport[]> {
  const s = resolveSettings(parseCli(argv));
  return openSshTransports(
    s.clusters,
    { pollLogs: s.pollLogs, acceptNewHostKey: s.acceptNewHostKey, warn: null },
    deps,
  );
}

describe('openSshTransports', () => {
  it('clusterSpecs: --host wins and borrows settings from a matching config entry', () => {
    const conf = [
      { name: 'lumi', host: 'lumi.csc.fi', transport: 'system-ssh' as const, slurmClusters: 'lumi-c' },
      { name: 'here' },
    ];
    expect(clusterSpecs(['lumi', 'olivia', 'lumi'], conf)).toEqual([
      { name: 'lumi', host: 'lumi.csc.fi', transport: 'system-ssh', slurmClusters: 'lumi-c' },
      { name: 'olivia', host: 'olivia', transport: 'ssh2', slurmClusters: undefined },
    ]);
    expect(clusterSpecs([], conf).map((c) => [c.name, c.host, c.transport])).toEqual([
      ['lumi', 'lumi.csc.fi', 'system-ssh'],
      ['here', null, 'ssh2'],
    ]);
  });

  it('connects every host in parallel; a dead one does not block the live one and fails its calls', async () => {
    await setup((s) => `[127.0.0.1]:${s.port} ${s.hostKeyLine}\n`);
    const warned: string[] = [];
    const started = Date.now();
    opened = await open(['--summary', '--host', 'fake', '--host', 'dead', '--host', 'blackhole'], {
      warn: (l) => warned.push(l),
      connectWaitMs: 1500,
    });
    // The blackholed host's handshake would hang far longer: startup waited connectWaitMs, not for it.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(opened.map((t) => t.cluster)).toEqual(['fake', 'dead', 'blackhole']);
    expect((await opened[0]!.exec(['echo'])).stdout).toBe('hello\n');
    expect((opened[0] as SshTransport).stats.connections).toBe(1);
    expect((await opened[1]!.exec(['echo'])).stderr).toMatch(
      /^dead: cannot connect to 127\.0\.0\.1:1: connection refused/,
    );
    expect(warned).toEqual([]); // network errors are the poller's to show; only fatal ones are printed
  });

  it('a host key problem is fatal for that cluster only, and its message is printed verbatim', async () => {
    await setup(() => '');
    const warned: string[] = [];
    opened = await open(['--summary', '--host', 'fake'], { warn: (l) => warned.push(l) });
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatch(
      /^REFUSED: unknown host key for fake \(\[127\.0\.0\.1\]:\d+\): ssh-ed25519 SHA256:\S+\. Run `ssh -F \S+ fake` once/,
    );
    expect((await opened[0]!.exec(['echo'])).stderr).toBe(warned[0]);
  });

  it('--accept-new-host-key trusts and saves an unknown key', async () => {
    const { kh } = await setup(() => '');
    opened = await open(['--summary', '--accept-new-host-key', '--host', 'fake'], { warn: () => {} });
    expect((await opened[0]!.exec(['echo'])).stdout).toBe('hello\n');
    expect((await import('node:fs')).readFileSync(kh, 'utf8')).toMatch(/^\[127\.0\.0\.1\]:\d+ ssh-ed25519 /);
  });

  it('waits for a slow 2FA answer past connectWaitMs, then stops prompting (the TUI owns the terminal)', async () => {
    const kbd = { prompts: [{ prompt: 'Duo passcode: ', echo: true }], answers: ['123456'] };
    fake = await startFakeSshd({
      authorizedKeys: [client.public],
      requireBoth: true,
      kbd,
      exec: () => ({ stdout: 'hi' }),
    });
    const kh = tempFile('known_hosts', `[127.0.0.1]:${fake.port} ${fake.hostKeyLine}\n`);
    process.env.HPCW_SSH_CONFIG = tempFile(
      'config',
      `Host slow\n  HostName 127.0.0.1\n  Port ${fake.port}\n  IdentityFile ${keyFile}\n  UserKnownHostsFile ${kh}\n`,
    );
    const sw = switchablePrompter();
    let asked = 0;
    const slowHuman = {
      prompt: async () => {
        asked++;
        await new Promise((r) => setTimeout(r, 700));
        return '123456';
      },
    };
    const t0 = Date.now();
    opened = await open(['--summary', '--host', 'slow'], {
      prompter: slowHuman,
      switch: sw,
      connectWaitMs: 300,
      warn: () => {},
    });
    expect(Date.now() - t0).toBeGreaterThan(700);
    expect(asked).toBe(1);
    expect((opened[0] as SshTransport).connected).toBe(true);
    expect(await sw.prompt({ cluster: 'slow', message: 'x', echo: false })).toBeNull();
  });

  it('clusters from the config file: ssh2, system-ssh, local and Slurm -M views', async () => {
    await setup((s) => `[127.0.0.1]:${s.port} ${s.hostKeyLine}\n`);
    const conf = tempFile('config.json', '');
    writeFileSync(
      conf,
      JSON.stringify({
        clusters: [
          { name: 'a', host: 'fake', slurmClusters: 'c1,c2' },
          { name: 'b', host: 'fake2', transport: 'system-ssh' },
          { name: 'here' },
        ],
      }),
    );
    opened = await open(['--summary', '--config', conf], { warn: () => {} });
    expect(opened.map((t) => t.cluster)).toEqual(['a:c1', 'a:c2', 'b', 'here']);
    expect(opened[2]).toBeInstanceOf(SystemSshTransport);
    expect(opened[3]).toBeInstanceOf(LocalTransport);
    await opened[0]!.exec(['squeue']);
    expect(fake!.counters.execs.at(-1)).toBe(`'squeue' '--clusters=c1'`);
    expect(fake!.counters.connections).toBe(1);
  });
});
