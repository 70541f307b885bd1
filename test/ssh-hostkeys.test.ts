import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { appendKnownHost, fingerprint } from '../src/transport/known-hosts.js';
import { SshTransport } from '../src/transport/ssh.js';
import { cleanupAfterEach, keep, keyFile, server, transport } from './helpers/ssh-fixture.js';
import { hostConfig, keyPair, tempFile } from './helpers/ssh-server.js';

cleanupAfterEach();

describe('SshTransport host keys and ProxyJump (in-process ssh2 server)', () => {
  it('unknown host key: refused with the ssh command to run, unless accept-new', async () => {
    const s = await server({ exec: () => ({ stdout: 'ok' }) });
    const kh = tempFile('known_hosts', '');
    const r = await transport(s, { userKnownHostsFiles: [kh], configFile: '/cfg' }).exec(['true']);
    expect(r.stderr).toContain(
      `REFUSED: unknown host key for fake ([127.0.0.1]:${s.port}): ssh-ed25519 ${fingerprint(s.hostKeyBlob)}`,
    );
    expect(r.stderr).toContain('Run `ssh -F /cfg fake` once');
    expect(readFileSync(kh, 'utf8')).toBe('');
    // fatal: not retried behind the user's back
    expect((await transport(s, { userKnownHostsFiles: [kh] }).exec(['true'])).stderr).toContain('REFUSED');

    const t = transport(s, { userKnownHostsFiles: [kh], hashKnownHosts: true }, { acceptNewHostKey: true });
    expect((await t.exec(['true'])).stdout).toBe('ok');
    expect(readFileSync(kh, 'utf8')).toMatch(/^\|1\|\S+ ssh-ed25519 \S+\n$/);
    expect((await transport(s, { userKnownHostsFiles: [kh] }).exec(['true'])).stdout).toBe('ok');
  });

  it('changed host key: refused naming file, line and offered fingerprint', async () => {
    const s = await server();
    const kh = tempFile(
      'known_hosts',
      `# first\n[127.0.0.1]:${s.port} ${keyPair().public.split(' ').slice(0, 2).join(' ')}\n`,
    );
    const r = await transport(s, { userKnownHostsFiles: [kh] }, { acceptNewHostKey: true }).exec(['true']);
    expect(r.stderr).toContain(
      `REFUSED: the host key of fake ([127.0.0.1]:${s.port}) has CHANGED: it offered ssh-ed25519 ${fingerprint(s.hostKeyBlob)}, but ${kh}:2`,
    );
  });

  it('revoked and hashed entries', async () => {
    const s = await server({ exec: () => ({ stdout: 'ok' }) });
    const kh = tempFile('known_hosts', `[127.0.0.1]:${s.port} ${s.hostKeyLine}\n@revoked * ${s.hostKeyLine}\n`);
    expect((await transport(s, { userKnownHostsFiles: [kh] }).exec(['true'])).stderr).toMatch(
      /is marked @revoked in .*known_hosts:2/,
    );
    const hashed = tempFile('known_hosts', '');
    appendKnownHost(hashed, '127.0.0.1', s.port, s.hostKeyBlob, true);
    expect((await transport(s, { userKnownHostsFiles: [hashed] }).exec(['true'])).stdout).toBe('ok');
  });

  it('ProxyJump: through a jump host, each hop verified', async () => {
    const target = await server({ exec: () => ({ stdout: 'via jump' }) });
    const jump = await server();
    const kh = tempFile(
      'known_hosts',
      `[127.0.0.1]:${target.port} ${target.hostKeyLine}\n[127.0.0.1]:${jump.port} ${jump.hostKeyLine}\n`,
    );
    const jumpCfg = hostConfig(jump.port, { alias: 'jump', identityFiles: [keyFile], userKnownHostsFiles: [kh] });
    const cfg = hostConfig(target.port, { identityFiles: [keyFile], userKnownHostsFiles: [kh], proxyJump: 'jump' });
    const t = new SshTransport({
      cluster: 'fake',
      destination: 'fake',
      resolve: async (d) => (d === 'jump' ? jumpCfg : cfg),
    });
    keep(t);
    expect((await t.exec(['true'])).stdout).toBe('via jump');
    expect(t.stats.connections).toBe(2);
    expect(jump.counters.execs).toEqual([]);

    writeFileSync(kh, `[127.0.0.1]:${target.port} ${target.hostKeyLine}\n`);
    const t2 = new SshTransport({
      cluster: 'fake',
      destination: 'fake',
      resolve: async (d) => (d === 'jump' ? jumpCfg : cfg),
    });
    keep(t2);
    expect((await t2.exec(['true'])).stderr).toContain(`unknown host key for jump ([127.0.0.1]:${jump.port})`);
  });
});
