/** XDG locations, so cache and config go where the user's other tools put theirs. */
import { homedir } from 'node:os';
import { join } from 'node:path';

/** `$XDG_CACHE_HOME/hpc-watch` (default `~/.cache/hpc-watch`). */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache'), 'hpc-watch');
}

/** `$XDG_CONFIG_HOME/hpc-watch` (default `~/.config/hpc-watch`). */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config'), 'hpc-watch');
}

/** `$XDG_STATE_HOME/hpc-watch` (default `~/.local/state/hpc-watch`): what a watcher remembers across restarts. */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state'), 'hpc-watch');
}
