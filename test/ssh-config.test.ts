import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandTokens, resolveSshHost, splitDestination } from '../src/transport/ssh-config.js';
import { parseSshConfig, patternListMatch } from '../src/transport/ssh-config-parse.js';
import { tempFile } from './helpers/ssh-server.js';

function fixture() {
  const main = tempFile('config', '');
  const dir = join(main, '..');
  mkdirSync(join(dir, 'conf.d'));
  writeFileSync(
    join(dir, 'conf.d', '10-lumi.conf'),
    'Host lumi\n  HostName lumi.csc.fi\n  User first\n  IdentityFile ~/.ssh/id_%r_%h\n',
  );
  writeFileSync(join(dir, 'id_test'), 'x');
  writeFileSync(
    main,
    [
      `Include ${dir}/conf.d/*.conf`,
      'Host jump',
      '  HostName gw.example  ',
      '  Port=2200',
      'Host *.cluster !bad.cluster',
      '  User wild',
      '  ProxyJump jump',
      `  IdentityFile ${dir}/id_test`,
      '  ServerAliveInterval 20',
      'Host lumi',
      '  User second',
      'Match host lumi.csc.fi',
      '  Port 2022',
      'Match exec "false"',
      '  Port 1',
      'Host *',
      '  User fallback',
      '  UserKnownHostsFile ~/kh_one %d/kh2',
      '  StrictHostKeyChecking accept-new',
      '',
    ].join('\n'),
  );
  return { main, dir };
}

describe('ssh config', () => {
  it('splits destinations and refuses option-looking hosts', () => {
    expect(splitDestination('lumi')).toEqual({ user: null, host: 'lumi', port: null });
    expect(splitDestination('me@host.x:2222')).toEqual({ user: 'me', host: 'host.x', port: 2222 });
    expect(splitDestination('ssh://me@[::1]:22')).toEqual({ user: 'me', host: '::1', port: 22 });
    expect(() => splitDestination('-oProxyCommand=x')).toThrow();
    expect(() => splitDestination('a b')).toThrow();
  });

  it('patterns: *, ?, ! and first match', () => {
    expect(patternListMatch(['*.cluster', '!bad.cluster'], 'a.cluster')).toBe(true);
    expect(patternListMatch(['*.cluster', '!bad.cluster'], 'bad.cluster')).toBe(false);
    expect(patternListMatch(['uan0?'], 'uan01')).toBe(true);
  });

  it('fallback parser: Include globs, first value wins, Match host, unknown Match skipped', () => {
    const { main } = fixture();
    const raw = parseSshConfig('lumi', { configFile: main, localUser: 'me', home: '/home/me' });
    expect(raw.get('hostname')).toEqual(['lumi.csc.fi']);
    expect(raw.get('user')).toEqual(['first']);
    expect(raw.get('port')).toEqual(['2022']);
    const w = parseSshConfig('x.cluster', { configFile: main, localUser: 'me', home: '/home/me' });
    expect(w.get('user')).toEqual(['wild']);
    expect(w.get('proxyjump')).toEqual(['jump']);
    expect(parseSshConfig('bad.cluster', { configFile: main, localUser: 'me' }).get('user')).toEqual(['fallback']);
  });

  it('tokens and ~', () => {
    const t = { h: 'lumi.csc.fi', p: '22', r: 'me', n: 'lumi' };
    expect(expandTokens('~/.ssh/id_%r@%h:%p %n %%', t, '/home/me')).toBe('/home/me/.ssh/id_me@lumi.csc.fi:22 lumi %');
  });

  it('ssh -G and the fallback parser agree on what matters', async () => {
    const { main, dir } = fixture();
    const viaSsh = await resolveSshHost('x.cluster', { configFile: main });
    expect(viaSsh.source).toBe('ssh -G');
    expect(viaSsh).toMatchObject({
      hostname: 'x.cluster',
      user: 'wild',
      port: 22,
      proxyJump: 'jump',
      serverAliveInterval: 20,
      strictHostKeyChecking: 'accept-new',
    });
    expect(viaSsh.identityFiles).toEqual([join(dir, 'id_test')]);
    const lumi = await resolveSshHost('other@lumi:2200', { configFile: main });
    expect(lumi).toMatchObject({ hostname: 'lumi.csc.fi', user: 'other', port: 2200, alias: 'other@lumi:2200' });
    const saved = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      const viaParser = await resolveSshHost('x.cluster', { configFile: main });
      expect(viaParser.source).toBe('parser');
      for (const k of [
        'hostname',
        'user',
        'port',
        'proxyJump',
        'serverAliveInterval',
        'identityFiles',
        'strictHostKeyChecking',
        'userKnownHostsFiles',
      ] as const) {
        expect(viaParser[k]).toEqual(viaSsh[k]);
      }
      expect(viaParser.userKnownHostsFiles[0]).toMatch(/kh_one$/);
    } finally {
      process.env.PATH = saved;
    }
  });

  it('a broken config is a one-line error', async () => {
    const bad = tempFile('config', 'Host x\n  NoSuchOption yes\n');
    await expect(resolveSshHost('x', { configFile: bad })).rejects.toThrow(
      /ssh config for x: .*NoSuchOption|Bad configuration/i,
    );
  });
});
