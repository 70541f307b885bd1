import { describe, expect, it } from 'vitest';
import { SLURM_CLIENT_ENV_DROP as SLURM_ENV_DROP } from '../parsers/squeue.js';
import type { Prompter } from '../src/transport/prompter.js';
import { cleanupAfterEach, client, fakePrompter, server, transport } from './helpers/ssh-fixture.js';
import { keyPair, startFakeSshd, tempFile } from './helpers/ssh-server.js';

const SQUEUE = '101\x1f101\x1fRUNNING\x1ftrain\x1f\n102\x1f102\x1fPENDING\x1fwait\x1f\n';

cleanupAfterEach();

describe('SshTransport against an in-process ssh2 server', () => {
  it('runs quoted commands with the env prefix; 127 is notFound', async () => {
    const s = await server({
      exec: (cmd) => (cmd.includes('nosuch') ? { code: 127, stderr: 'env: nosuch: No such file' } : { stdout: SQUEUE }),
    });
    const t = transport(s);
    const r = await t.exec(['squeue', '--name=a b', "x'y"], {
      dropEnv: SLURM_ENV_DROP,
      env: { SLURM_TIME_FORMAT: 'standard' },
    });
    expect(r).toMatchObject({ code: 0, stdout: SQUEUE, notFound: false, timedOut: false });
    expect(s.counters.execs[0]).toMatch(
      /^env -u SQUEUE_ACCOUNT .* 'SLURM_TIME_FORMAT=standard' 'squeue' '--name=a b' 'x'\\''y'$/,
    );
    expect(await t.exec(['nosuch'])).toMatchObject({ code: 127, notFound: true });
  });

  it('caps concurrent channels at 6 over ONE connection and queues the rest', async () => {
    const s = await server({ exec: () => ({ stdout: 'ok\n', delayMs: 40 }) });
    const t = transport(s);
    const results = await Promise.all(Array.from({ length: 12 }, () => t.exec(['true'])));
    expect(results.every((r) => r.code === 0 && r.stdout === 'ok\n')).toBe(true);
    expect(s.counters.maxRunning).toBeLessThanOrEqual(6);
    expect(s.counters.maxRunning).toBeGreaterThan(1);
    expect(t.stats).toMatchObject({ connections: 1, execs: 12, reconnects: 0 });
    expect(t.stats.peakChannels).toBe(6);
  });

  it('times out a channel and closes it', async () => {
    const s = await server({ exec: () => ({ stdout: 'late', delayMs: 2000 }) });
    const r = await transport(s).exec(['sleep', '9'], { timeoutMs: 50 });
    expect(r.timedOut).toBe(true);
    expect(r.durationMs).toBeLessThan(1500);
  });

  it('stats and reads by offset over one reused SFTP session', async () => {
    const data = Buffer.from(Array.from({ length: 5000 }, (_, i) => String.fromCharCode(97 + (i % 26))).join(''));
    const s = await server({ files: new Map([['/logs/a b.out', data]]) });
    const t = transport(s);
    expect(await t.stat('/logs/a b.out')).toMatchObject({
      size: 5000,
      isFile: true,
      isDirectory: false,
      mtimeMs: 1_700_000_000_000,
    });
    expect(await t.stat('/logs/missing')).toBeNull();
    const tail = await t.readRange('/logs/a b.out', 1234, 3766);
    expect(Buffer.from(tail).equals(data.subarray(1234))).toBe(true);
    expect((await t.readRange('/logs/a b.out', 4990, 100)).length).toBe(10);
    await t.readRange('/logs/a b.out', 0, 10);
    expect(s.counters.sftpSessions).toBe(1);
    expect(t.stats.sftpSessions).toBe(1);
  });

  it('2FA: publickey then keyboard-interactive with two prompts through the prompter', async () => {
    const kbd = {
      prompts: [
        { prompt: 'Password: ', echo: false },
        { prompt: 'Duo passcode: ', echo: true },
      ],
      answers: ['pw', '123456'],
    };
    const s = await server({ requireBoth: true, kbd, exec: () => ({ stdout: 'in\n' }) });
    const p = fakePrompter({ Password: 'pw', 'Duo passcode': '123456' });
    const t = transport(s, {}, { prompter: p });
    expect((await t.exec(['hostname'])).stdout).toBe('in\n');
    expect(p.asked.map((a) => [a.message, a.echo, a.cluster])).toEqual([
      ['Password: ', false, 'fake'],
      ['Duo passcode: ', true, 'fake'],
    ]);
    // the connection is kept: no second 2FA prompt
    await t.exec(['hostname']);
    expect(p.asked).toHaveLength(2);
  });

  it('a mistyped OTP is asked again (3 rounds, like OpenSSH); three wrong ones are an auth failure', async () => {
    const kbd = {
      prompts: [
        { prompt: 'Password: ', echo: false },
        { prompt: 'Duo passcode: ', echo: true },
      ],
      answers: ['pw', '123456'],
    };
    const s = await server({ requireBoth: true, kbd, exec: () => ({ stdout: 'in' }) });
    const codes = ['000000', '123456'];
    const retry = fakePrompter({ Password: 'pw' });
    const once: Prompter = { prompt: async (r) => (r.message.includes('Duo') ? codes.shift()! : retry.prompt(r)) };
    const ok = await transport(s, {}, { prompter: once }).exec(['true']);
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toBe('in');
    expect(codes).toEqual([]);

    const p = fakePrompter({ Password: 'pw', 'Duo passcode': '000000' });
    const r = await transport(s, {}, { prompter: p }).exec(['true']);
    expect(r.code).toBeNull();
    expect(p.asked.filter((a) => a.message.includes('Duo'))).toHaveLength(3);
    expect(r.stderr).toMatch(
      /fake: authentication failed for alice@127\.0\.0\.1:\d+ \(tried: .*id_ed25519, keyboard-interactive\)\./,
    );
  });

  it('keyboard-interactive without a terminal says so', async () => {
    const s = await server({
      authorizedKeys: [],
      kbd: { prompts: [{ prompt: 'Password: ', echo: false }], answers: ['x'] },
    });
    const r = await transport(s).exec(['true']);
    expect(r.stderr).toMatch(/authentication failed.*no terminal to ask in/);
  });

  it('asks for the passphrase of an encrypted key', async () => {
    const enc = keyPair('sesame');
    const s = await server({ authorizedKeys: [enc.public], exec: () => ({ stdout: 'ok' }) });
    const p = fakePrompter({ passphrase: 'sesame' });
    const t = transport(s, { identityFiles: [tempFile('id_enc', enc.private)] }, { prompter: p });
    expect((await t.exec(['true'])).stdout).toBe('ok');
    expect(p.asked[0]).toMatchObject({ echo: false });
    expect(p.asked[0]!.message).toMatch(/Enter passphrase for key '.*id_enc'/);
  });

  it('a wrong key is refused with the auth failure message', async () => {
    const s = await server();
    const other = tempFile('id_other', keyPair().private);
    const r = await transport(s, { identityFiles: [other] }).exec(['true']);
    expect(r.stderr).toMatch(
      /^fake: authentication failed for alice@127\.0\.0\.1:\d+ \(tried: .*id_other\)\. Check that `ssh fake` logs in/,
    );
  });

  it('reconnects after the server drops the connection; in-flight calls fail fast', async () => {
    const s = await server({
      exec: (cmd) => (cmd.includes('slow') ? { stdout: 'x', delayMs: 3000 } : { stdout: 'ok' }),
    });
    const t = transport(s);
    expect((await t.exec(['fast'])).stdout).toBe('ok');
    const inflight = t.exec(['slow']);
    await new Promise((r) => setTimeout(r, 100));
    s.dropAll();
    const r = await inflight;
    expect(r.code).toBeNull();
    expect(r.stderr).toMatch(/disconnected from fake, reconnecting/);
    expect(r.durationMs).toBeLessThan(2000);
    expect((await t.exec(['fast'])).stdout).toBe('ok');
    expect(t.stats).toMatchObject({ connections: 2, reconnects: 1 });
  });

  it('a dead host fails with connection refused, backs off, and recovers when it comes back', async () => {
    const hostKey = keyPair().private;
    const first = await startFakeSshd({ authorizedKeys: [client.public], hostKey });
    const port = first.port;
    const t = transport(first);
    await first.close();
    const r = await t.exec(['true']);
    expect(r.stderr).toMatch(/fake: cannot connect to 127\.0\.0\.1:\d+: connection refused \(ECONNREFUSED\)/);
    expect(t.error?.fatal).toBe(false);
    // within the backoff window the error stands without a new attempt
    expect((await t.exec(['true'])).stderr).toMatch(/connection refused/);
    expect(t.stats.connections).toBe(0);
    await server({ hostKey, port, exec: () => ({ stdout: 'back' }) });
    await new Promise((res) => setTimeout(res, 120));
    expect((await t.exec(['true'])).stdout).toBe('back');
    expect(t.error).toBeNull();
  });
});
