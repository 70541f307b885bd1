/** Where scripts/install-claude.mjs puts the pinned Claude Code binary. */
export function claudeBinPath(version: string, env?: NodeJS.ProcessEnv): { prefix: string; pkg: string; bin: string };
