/**
 * OSC desktop notifications through a real tmux: `hpc-watch events --demo --notify osc:9` runs in
 * a pane of a tmux with `allow-passthrough on`; a client is attached through `script`, which
 * records what tmux sends to the outer terminal — where the user's desktop notification comes from.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cliPath, until } from './helpers/cluster.js';

const hasTools = spawnSync('tmux', ['-V']).status === 0 && spawnSync('script', ['--version']).status === 0;
const socket = `hpcw-osc-${process.pid}`;
const tmux = (...args: string[]) =>
  execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
let dir: string | null = null;

afterEach(() => {
  spawnSync('tmux', ['-L', socket, 'kill-server']);
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

const describeTools = hasTools || process.env.CI === 'true' ? describe : describe.skip;
if (!hasTools) console.warn('\n*** SKIPPING the tmux notification test: tmux or script not installed ***\n');

describeTools('OSC notifications through tmux', () => {
  it('arrive at the outer terminal unwrapped, as OSC 9 with the event', async () => {
    dir = mkdtempSync(join(tmpdir(), 'hpcw-osc-'));
    const out = join(dir, 'outer.bin');
    tmux('new-session', '-d', '-s', 'w', '-x', '100', '-y', '20', 'sleep 600');
    tmux('set', '-g', 'allow-passthrough', 'on');
    const client = spawn('script', ['-q', '-f', '-c', `tmux -L ${socket} attach -t w`, out], {
      stdio: ['ignore', 'ignore', 'ignore'],
      env: { ...process.env, TERM: 'xterm-256color' },
    });
    try {
      await until(() => existsSync(out) && tmux('list-clients').trim() !== '', 10_000, 100);
      tmux(
        'respawn-pane',
        '-k',
        '-t',
        'w',
        `env TERM=xterm-256color XDG_STATE_HOME=${dir} ${process.execPath} ${cliPath()} events --demo --notify osc:9`,
      );
      const seen = await until(
        () => {
          const text = readFileSync(out, 'latin1');
          return /\x1b\]9;hpc-watch: demo \d+ started: job \d+ \([^)]+\) started/.test(text) ? text : null;
        },
        40_000,
        250,
      );
      // tmux unwrapped the passthrough: the outer terminal sees the plain sequence, never the wrapper.
      expect(seen).not.toContain('\x1bPtmux;');
      expect(seen).toMatch(/\x1b\]9;hpc-watch: demo \d+ [a-z ]+: job \d+ [^\x07\x1b]*\x07/);
    } finally {
      client.kill();
    }
  });
});
