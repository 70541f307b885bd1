/**
 * The optional config file: `$XDG_CONFIG_HOME/hpc-watch/config.json` (or `--config FILE`).
 * Command-line flags win over it. Unknown keys are rejected so a typo is noticed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CliOptions, parseByteSize } from './cli-args.js';
import { configDir } from './paths.js';
import { UserError } from './errors.js';

export interface ClusterConfig {
  /** Name shown in the UI and used as the job key prefix. */
  name: string;
  /** An ~/.ssh/config alias or user@host[:port]; absent = this machine. */
  host?: string;
  /** `ssh2` (default): our own long-lived connection; `system-ssh`: ride the user's OpenSSH ControlMaster. */
  transport?: 'ssh2' | 'system-ssh';
  /** Slurm's own multi-cluster (`-M`) name(s) when one controller serves several clusters. */
  slurmClusters?: string;
}

export interface ClaudeConfig {
  /** argv of the agent CLI; default `["claude"]`. */
  command?: string[];
  model?: string;
  maxTurns?: number;
  maxBudgetUsd?: number;
  timeoutS?: number;
  /** Excerpt size budget in tokens (~4 chars each). */
  tokenBudget?: number;
}

export interface Config {
  clusters?: ClusterConfig[];
  interval?: number;
  tailBytes?: string | number;
  claude?: ClaudeConfig;
  autoDiagnose?: boolean;
}

const TOP_KEYS = new Set(['clusters', 'interval', 'tailBytes', 'claude', 'autoDiagnose']);

/** Reads the config; a missing default file is an empty config, a broken one a one-line error. */
export function loadConfig(explicit: string | null, env: NodeJS.ProcessEnv = process.env): Config {
  const path = explicit ?? join(configDir(env), 'config.json');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (!explicit && (err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new UserError(`config ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new UserError(`config ${path}: not valid JSON (${(err as Error).message.split('\n')[0]})`);
  }
  return validate(data, path);
}

function validate(data: unknown, path: string): Config {
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new UserError(`config ${path}: expected a JSON object`);
  for (const k of Object.keys(data)) {
    if (!TOP_KEYS.has(k)) throw new UserError(`config ${path}: unknown key "${k}" (known: ${[...TOP_KEYS].join(', ')})`);
  }
  const c = data as Config;
  if (c.clusters !== undefined) {
    if (!Array.isArray(c.clusters)) throw new UserError(`config ${path}: "clusters" must be a list`);
    for (const cl of c.clusters) {
      if (!cl || typeof cl.name !== 'string' || !/^[\w.-]{1,40}$/.test(cl.name)) {
        throw new UserError(`config ${path}: each cluster needs a "name" (letters, digits, . _ -)`);
      }
      if (cl.transport && cl.transport !== 'ssh2' && cl.transport !== 'system-ssh') {
        throw new UserError(`config ${path}: cluster ${cl.name}: transport must be "ssh2" or "system-ssh"`);
      }
    }
  }
  if (c.interval !== undefined && (typeof c.interval !== 'number' || c.interval < 2 || c.interval > 3600)) {
    throw new UserError(`config ${path}: "interval" must be a number of seconds from 2 to 3600`);
  }
  if (c.tailBytes !== undefined) {
    try {
      parseByteSize(String(c.tailBytes));
    } catch (err) {
      throw new UserError(`config ${path}: "tailBytes": ${(err as Error).message.replace(/^--tail-bytes: /, '')}`);
    }
  }
  if (c.claude?.command !== undefined && (!Array.isArray(c.claude.command) || c.claude.command.some((x) => typeof x !== 'string'))) {
    throw new UserError(`config ${path}: "claude.command" must be a list of strings (an argv)`);
  }
  return c;
}

/** Config values fill in what the command line did not say. */
export function applyConfig(opts: CliOptions, config: Config): CliOptions {
  const out = { ...opts };
  if (!opts.given.has('interval') && config.interval !== undefined) out.intervalS = config.interval;
  if (!opts.given.has('tail-bytes') && config.tailBytes !== undefined) out.tailBytes = parseByteSize(String(config.tailBytes));
  if (!opts.given.has('auto-diagnose') && config.autoDiagnose) out.autoDiagnose = true;
  return out;
}
