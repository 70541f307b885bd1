import { execFileSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import ssh2 from 'ssh2';
import { describe, expect, it } from 'vitest';
import {
  appendKnownHost,
  checkHostKey,
  fingerprint,
  hostFieldMatches,
  keyType,
  knownKeyTypes,
} from '../src/transport/known-hosts.js';
import { hostKeyMessage } from '../src/transport/ssh-messages.js';
import { keyPair, tempFile } from './helpers/ssh-server.js';

function blob(pub: string): Buffer {
  return Buffer.from(pub.trim().split(/\s+/)[1]!, 'base64');
}
function hashed(name: string): string {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

const A = keyPair().public;
const B = keyPair().public;
const line = (hosts: string, pub: string) => `${hosts} ${pub.trim().split(/\s+/).slice(0, 2).join(' ')}`;

describe('known_hosts', () => {
  it('fingerprint equals ssh-keygen -lf', () => {
    const f = tempFile('k.pub', `${A}\n`);
    const want = execFileSync('ssh-keygen', ['-lf', f], { encoding: 'utf8' }).split(' ')[1];
    expect(fingerprint(blob(A))).toBe(want);
    expect(keyType(blob(A))).toBe('ssh-ed25519');
  });

  it('matches plain, [host]:port, comma lists, wildcards and negation', () => {
    expect(hostFieldMatches('login.lumi,10.0.0.1', 'login.lumi')).toBe(true);
    expect(hostFieldMatches('[127.0.0.1]:2222', '[127.0.0.1]:2222')).toBe(true);
    expect(hostFieldMatches('127.0.0.1', '[127.0.0.1]:2222')).toBe(false);
    expect(hostFieldMatches('*.lumi', 'uan01.lumi')).toBe(true);
    expect(hostFieldMatches('*.lumi,!bad.lumi', 'bad.lumi')).toBe(false);
    expect(hostFieldMatches('uan0?.lumi', 'uan01.lumi')).toBe(true);
  });

  it('hashed |1| entries match by HMAC-SHA1 (including ones ssh-keygen -H wrote)', () => {
    const f = tempFile('kh', `${line(hashed('[127.0.0.1]:2222'), A)}\n`);
    expect(checkHostKey([f], '127.0.0.1', 2222, blob(A))).toMatchObject({ status: 'ok', line: 1 });
    const g = tempFile('kh2', `${line('lumi.example', A)}\n`);
    execFileSync('ssh-keygen', ['-H', '-f', g], { stdio: 'ignore' });
    expect(readFileSync(g, 'utf8')).toMatch(/^\|1\|/);
    expect(checkHostKey([g], 'lumi.example', 22, blob(A)).status).toBe('ok');
  });

  it('ok / mismatch / unknown / revoked', () => {
    const f = tempFile(
      'kh',
      [
        line('# comment', A),
        '',
        line('[h]:2222', A),
        line('other', B),
        `@revoked * ${B.split(' ').slice(0, 2).join(' ')}`,
      ].join('\n'),
    );
    expect(checkHostKey([f], 'h', 2222, blob(A))).toMatchObject({ status: 'ok', line: 3 });
    expect(checkHostKey([f], 'h', 2222, blob(keyPair().public))).toMatchObject({
      status: 'mismatch',
      file: f,
      line: 3,
    });
    expect(checkHostKey([f], 'nobody', 22, blob(A))).toMatchObject({ status: 'unknown' });
    // @revoked wins even though "other" lists the same key
    expect(checkHostKey([f], 'other', 22, blob(B))).toMatchObject({ status: 'revoked', line: 5 });
  });

  it('a different key type is unknown, not a mismatch (as in OpenSSH), and is preferred for negotiation', () => {
    const rsa = ssh2.utils.generateKeyPairSync('rsa', { bits: 1024 }).public;
    const f = tempFile('kh', `${line('h', rsa)}\n`);
    expect(checkHostKey([f], 'h', 22, blob(A))).toMatchObject({ status: 'unknown', otherTypes: ['ssh-rsa'] });
    expect(knownKeyTypes([f], 'h', 22)).toEqual(['ssh-rsa']);
  });

  it('@cert-authority lines are reported so the message can point to system-ssh', () => {
    const f = tempFile('kh', `@cert-authority *.lumi ${B.split(' ').slice(0, 2).join(' ')}\n`);
    const c = checkHostKey([f], 'uan01.lumi', 22, blob(A));
    expect(c).toMatchObject({ status: 'unknown', certAuthority: { file: f, line: 1 } });
    const msg = hostKeyMessage(
      c as never,
      {
        alias: 'lumi',
        configFile: null,
        hostname: 'uan01.lumi',
        port: 22,
        hostKeyAlias: null,
        userKnownHostsFiles: [f],
      },
      blob(A),
    );
    expect(msg).toContain('system-ssh');
    expect(msg).toContain(`${f}:1`);
  });

  it('accept-new appends a hashed or plain entry that then checks ok', () => {
    const f = tempFile('kh', 'no-newline-at-end ssh-ed25519 AAAA');
    appendKnownHost(f, '127.0.0.1', 2222, blob(A), true);
    appendKnownHost(f, 'plain.host', 22, blob(B), false);
    const text = readFileSync(f, 'utf8').split('\n');
    expect(text[1]).toMatch(/^\|1\|[^|]+\|[^ ]+ ssh-ed25519 /);
    expect(text[2]).toMatch(/^plain\.host ssh-ed25519 /);
    expect(checkHostKey([f], '127.0.0.1', 2222, blob(A)).status).toBe('ok');
    expect(checkHostKey([f], 'plain.host', 22, blob(B)).status).toBe('ok');
    // and OpenSSH agrees
    expect(execFileSync('ssh-keygen', ['-F', '[127.0.0.1]:2222', '-f', f], { encoding: 'utf8' })).toContain(
      'ssh-ed25519',
    );
  });

  it('messages name the file, line, fingerprint and the exact ssh command', () => {
    const cfg = {
      alias: 'hpcw-test',
      configFile: '/tmp/my cfg',
      hostname: '127.0.0.1',
      port: 2222,
      hostKeyAlias: null,
      userKnownHostsFiles: ['/k'],
    };
    const mm = hostKeyMessage({ status: 'mismatch', file: '/k', line: 7, knownType: 'ssh-ed25519' }, cfg, blob(A));
    expect(mm).toContain('/k:7');
    expect(mm).toContain(fingerprint(blob(A)));
    expect(mm).toContain("ssh-keygen -R '[127.0.0.1]:2222' -f /k");
    const un = hostKeyMessage({ status: 'unknown', otherTypes: [], certAuthority: null }, cfg, blob(A));
    expect(un).toContain("`ssh -F '/tmp/my cfg' hpcw-test`");
    expect(un).toContain('--accept-new-host-key');
    expect(un).not.toContain('\n');
    writeFileSync(tempFile('x', ''), '');
  });
});
