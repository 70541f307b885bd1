// Where scripts/install-claude.mjs puts the pinned Claude Code binary; the tests look there too.
import { homedir } from 'node:os';
import { join } from 'node:path';

/** `$HPCW_CLAUDE_CACHE` (default `$XDG_CACHE_HOME/hpc-watch-dev/claude-code`)/<version>, and the binary in it. */
export function claudeBinPath(version, env = process.env) {
  const base =
    env.HPCW_CLAUDE_CACHE ||
    join(env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache'), 'hpc-watch-dev', 'claude-code');
  const prefix = join(base, version);
  const pkg = `@anthropic-ai/claude-code-${process.platform}-${process.arch}`;
  return { prefix, pkg, bin: join(prefix, 'node_modules', pkg, 'claude') };
}
