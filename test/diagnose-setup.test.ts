import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addSessionHook, hpcWatchArgv, mcpAddCommand, shellLine, writeMcpJson } from '../src/diagnose/claude-setup.js';
import { cliPath } from './helpers/cluster.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hpcw-setup-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const read = (p: string) => JSON.parse(readFileSync(p, 'utf8'));

describe('wiring hpc-watch into Claude Code', () => {
  it('adds the MCP server to .mcp.json, keeping other servers, once', () => {
    const p = join(dir, '.mcp.json');
    writeFileSync(p, JSON.stringify({ mcpServers: { other: { command: 'x' } }, extra: 1 }));
    expect(writeMcpJson(p, ['hpc-watch'])).toBe(true);
    expect(read(p)).toEqual({
      mcpServers: { other: { command: 'x' }, 'hpc-watch': { command: 'hpc-watch', args: ['mcp'] } },
      extra: 1,
    });
    expect(writeMcpJson(p, ['hpc-watch'])).toBe(false);
    expect(writeMcpJson(p, ['/usr/bin/node', '/opt/hpc watch/cli.js'])).toBe(true);
    expect(read(p).mcpServers['hpc-watch']).toEqual({
      command: '/usr/bin/node',
      args: ['/opt/hpc watch/cli.js', 'mcp'],
    });
  });

  it('adds one SessionStart hook running the brief, keeping the user’s hooks and settings', () => {
    const p = join(dir, '.claude', 'settings.local.json');
    mkdirSync(join(dir, '.claude'));
    const mine = { hooks: [{ type: 'command', command: 'echo hi' }] };
    writeFileSync(p, JSON.stringify({ model: 'opus', hooks: { SessionStart: [mine], Stop: [] } }));
    expect(addSessionHook(p, ['hpc-watch'])).toBe(true);
    expect(read(p)).toEqual({
      model: 'opus',
      hooks: {
        SessionStart: [mine, { hooks: [{ type: 'command', command: 'hpc-watch --summary --brief', timeout: 30 }] }],
        Stop: [],
      },
    });
    expect(addSessionHook(p, ['/other/hpc-watch'])).toBe(false);
    expect(read(p).hooks.SessionStart).toHaveLength(2);
  });

  it('leaves a file that is not a JSON object alone, with one clear line', () => {
    const p = join(dir, '.mcp.json');
    writeFileSync(p, '{ broken');
    expect(() => writeMcpJson(p, ['hpc-watch'])).toThrow(
      `skill install: ${p} is not a JSON object; fix or move it, then run this again`,
    );
    expect(readFileSync(p, 'utf8')).toBe('{ broken');
  });

  it('names hpc-watch when it is on PATH, else node and this script; quotes only what needs it', () => {
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'hpc-watch'), '#!/bin/sh\n');
    expect(hpcWatchArgv({ PATH: join(dir, 'none') }, cliPath())).toEqual([process.execPath, cliPath()]);
    chmodSync(join(bin, 'hpc-watch'), 0o755);
    expect(hpcWatchArgv({ PATH: `${join(dir, 'none')}:${bin}` }, cliPath())).toEqual(['hpc-watch']);
    expect(shellLine(['/usr/bin/node', "/opt/it's here/cli.js", '--summary'])).toBe(
      "/usr/bin/node '/opt/it'\\''s here/cli.js' --summary",
    );
    expect(mcpAddCommand(['hpc-watch'], 'user')).toBe('claude mcp add --scope user hpc-watch -- hpc-watch mcp');
  });

  it('skill install --mcp --hook from the built CLI writes both, and says so', () => {
    const home = join(dir, 'home');
    mkdirSync(home);
    const r = spawnSync(process.execPath, [cliPath(), 'skill', 'install', '--mcp', '--hook'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, HOME: home, PATH: '/usr/bin:/bin' },
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`wrote the hpc-watch MCP server into ${join(dir, '.mcp.json')}`);
    expect(r.stdout).toContain(
      `added a SessionStart hook (--summary --brief) to ${join(dir, '.claude', 'settings.local.json')}`,
    );
    expect(r.stdout).not.toContain('Also for Claude Code');
    expect(read(join(dir, '.mcp.json')).mcpServers['hpc-watch'].args.at(-1)).toBe('mcp');
  }, 60_000);
});
