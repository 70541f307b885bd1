/**
 * The optional config file (`$XDG_CONFIG_HOME/hpc-watch/config.json` or `--config FILE`) and the
 * one place it is read: `resolveSettings` merges it with the command line (flags win) into plain
 * settings that cli.ts passes down. No other module loads the config or reads CliOptions for it.
 * Unknown keys are rejected so a typo is noticed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEFAULT_NOTIFY_EVENTS,
  EVENT_NAMES,
  type EventName,
  type NotifyRule,
  parseSink,
  type Sink,
} from '../parsers/notify-spec.js';
import { type CliOptions, parseByteSize, parseSince } from './cli-args.js';
import { UserError } from './errors.js';
import { configDir } from './paths.js';
import type { ClusterSpec } from './transport/types.js';

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
  /** Ask for the diagnosis as fields (`--json-schema`); false for a CLI without that flag. */
  structured?: boolean;
}

/** A sink in the config file: a spec like `--notify` takes, or one with the events it wants. */
export type NotifyConfig = string | { sink: string; events?: string[]; argv?: string[] };

export interface Config {
  clusters?: ClusterConfig[];
  interval?: number;
  tailBytes?: string | number;
  claude?: ClaudeConfig;
  autoDiagnose?: boolean;
  notify?: NotifyConfig[];
  /** A RUNNING job is stalled after `factor` × its usual gap between log writes, and at least `minMinutes`. */
  stall?: { minMinutes?: number; factor?: number };
}

const TOP_KEYS = new Set(['clusters', 'interval', 'tailBytes', 'claude', 'autoDiagnose', 'notify', 'stall']);

/** Reads the config; a missing default file is an empty config, a broken one a one-line error. */
export function loadConfig(explicit: string | null, env: NodeJS.ProcessEnv = process.env): Config {
  const path = explicit ?? join(configDir(env), 'config.json');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (!explicit && (err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new UserError(
      `config ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
    );
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
  if (!data || typeof data !== 'object' || Array.isArray(data))
    throw new UserError(`config ${path}: expected a JSON object`);
  for (const k of Object.keys(data)) {
    if (!TOP_KEYS.has(k))
      throw new UserError(`config ${path}: unknown key "${k}" (known: ${[...TOP_KEYS].join(', ')})`);
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
  if (c.notify !== undefined) {
    if (!Array.isArray(c.notify)) throw new UserError(`config ${path}: "notify" must be a list`);
    for (const n of c.notify) notifyRule(n, `config ${path}: notify`);
  }
  if (c.stall !== undefined) {
    const ok = (v: unknown) => v === undefined || (typeof v === 'number' && v > 0 && v < 1e6);
    if (!c.stall || typeof c.stall !== 'object' || !ok(c.stall.minMinutes) || !ok(c.stall.factor)) {
      throw new UserError(`config ${path}: "stall" must be {"minMinutes": N, "factor": N} with positive numbers`);
    }
  }
  if (
    c.claude?.command !== undefined &&
    (!Array.isArray(c.claude.command) || c.claude.command.some((x) => typeof x !== 'string'))
  ) {
    throw new UserError(`config ${path}: "claude.command" must be a list of strings (an argv)`);
  }
  return c;
}

/** Everything a mode needs to know, after the command line and the config file are merged. */
export interface Settings {
  /** Clusters to watch over SSH (or on this machine, `host: null`); empty = this machine only. */
  clusters: ClusterSpec[];
  demo: boolean;
  /** Exactly these jobs; null = the user's (or everyone's) queue plus recent history. */
  jobIds: string[] | null;
  allUsers: boolean;
  /** How far back finished jobs are listed (seconds). */
  sinceS: number;
  intervalS: number;
  tailBytes: number;
  pollLogs: boolean;
  acceptNewHostKey: boolean;
  claude: ClaudeConfig;
  autoDiagnose: boolean;
  /** Where events go besides the screen: `--notify` flags, else the config's `notify`. */
  notify: NotifyRule[];
  /** `--metrics ADDR`, or null. */
  metrics: string | null;
  /** When a RUNNING job counts as stalled (see Config.stall). */
  stall: { minMs: number; factor: number };
  /** Problems with the config that did not stop the run, one line each, for stderr. */
  warnings: string[];
}

/** A notify entry (a `--notify` value or a config object) as a rule; a bad one is a one-line error. */
export function notifyRule(n: unknown, where: string): NotifyRule {
  const spec = typeof n === 'string' ? n : n && typeof n === 'object' ? (n as { sink?: unknown }).sink : undefined;
  if (typeof spec !== 'string')
    throw new UserError(`${where}: each entry is a sink string or {"sink": …, "events": […]}`);
  const o = typeof n === 'object' ? (n as { events?: unknown; argv?: unknown }) : {};
  let sink = spec === 'cmd' && o.argv !== undefined ? ({ kind: 'cmd', argv: [] } as Sink) : parseSink(spec);
  if (typeof sink === 'string') throw new UserError(`${where}: ${sink}`);
  if (o.argv !== undefined) {
    if (
      !Array.isArray(o.argv) ||
      o.argv.length === 0 ||
      o.argv.some((a) => typeof a !== 'string' || a === '') ||
      sink.kind !== 'cmd'
    ) {
      throw new UserError(`${where}: "argv" is a non-empty list of strings, for "sink": "cmd"`);
    }
    sink = { kind: 'cmd', argv: o.argv as string[] };
  }
  let events: ReadonlySet<EventName> = new Set(DEFAULT_NOTIFY_EVENTS);
  if (o.events !== undefined) {
    const known = new Set<string>(EVENT_NAMES);
    if (!Array.isArray(o.events) || o.events.some((e) => typeof e !== 'string' || !known.has(e))) {
      throw new UserError(`${where}: "events" must list event names (${EVENT_NAMES.join(', ')})`);
    }
    events = new Set(o.events as EventName[]);
  }
  return { sink, events };
}

/** `--host` wins: each flag is a cluster named by its alias, taking settings from a matching config entry. */
export function clusterSpecs(hosts: readonly string[], configured: readonly ClusterConfig[]): ClusterSpec[] {
  const specs: ClusterSpec[] = [];
  const seen = new Set<string>();
  const add = (s: ClusterSpec) => {
    if (seen.has(s.name)) return;
    seen.add(s.name);
    specs.push(s);
  };
  if (hosts.length > 0) {
    for (const h of hosts) {
      const c = configured.find((x) => x.name === h) ?? configured.find((x) => x.host === h);
      add({
        name: c?.name ?? h,
        host: c ? (c.host ?? null) : h,
        transport: c?.transport ?? 'ssh2',
        slurmClusters: c?.slurmClusters,
      });
    }
  } else {
    for (const c of configured)
      add({ name: c.name, host: c.host ?? null, transport: c.transport ?? 'ssh2', slurmClusters: c.slurmClusters });
  }
  return specs;
}

/** Merges the command line with the config file (read here, once); flags win. */
export function resolveSettings(opts: CliOptions, env: NodeJS.ProcessEnv = process.env): Settings {
  const warnings: string[] = [];
  let config: Config;
  try {
    config = loadConfig(opts.config, env);
  } catch (err) {
    // With --host, a broken default config file must not stop an explicit host from working.
    if (opts.config || opts.hosts.length === 0 || !(err instanceof UserError)) throw err;
    warnings.push(`${err.message}; ignored, using --host only`);
    config = {};
  }
  const given = (flag: string) => opts.given.has(flag);
  return {
    clusters: clusterSpecs(opts.hosts, config.clusters ?? []),
    demo: opts.demo,
    jobIds:
      opts.positionals.length > 0 && opts.mode !== 'inspect' && opts.mode !== 'redact' ? [...opts.positionals] : null,
    allUsers: opts.allUsers,
    sinceS: parseSince(opts.since),
    intervalS: !given('interval') && config.interval !== undefined ? config.interval : opts.intervalS,
    tailBytes:
      !given('tail-bytes') && config.tailBytes !== undefined ? parseByteSize(String(config.tailBytes)) : opts.tailBytes,
    pollLogs: opts.pollLogs,
    acceptNewHostKey: opts.acceptNewHostKey,
    claude: config.claude ?? {},
    autoDiagnose: given('auto-diagnose') ? opts.autoDiagnose : (config.autoDiagnose ?? opts.autoDiagnose),
    notify:
      opts.notify.length > 0
        ? opts.notify.map((n) => notifyRule(n, '--notify'))
        : (config.notify ?? []).map((n) => notifyRule(n, 'config notify')),
    metrics: opts.metrics,
    stall: { minMs: (config.stall?.minMinutes ?? 10) * 60_000, factor: config.stall?.factor ?? 10 },
    warnings,
  };
}
