import { parseArgs } from 'node:util';
import { parseJobId } from '../parsers/slurm-fields.js';
import { UserError } from './errors.js';

/** Everything the command line can say, already validated. */
export interface CliOptions {
  mode: 'tui' | 'summary' | 'inspect' | 'diagnose' | 'skill' | 'redact' | 'events' | 'mcp' | 'help' | 'version';
  /** Job ids for the TUI/summary/diagnose, files for inspect and redact, `install` for skill. */
  positionals: string[];
  json: boolean;
  wait: boolean;
  allUsers: boolean;
  since: string;
  demo: boolean;
  hosts: string[];
  intervalS: number;
  pollLogs: boolean;
  tailBytes: number;
  config: string | null;
  dryRun: boolean;
  force: boolean;
  autoDiagnose: boolean;
  skillScope: 'project' | 'user';
  /** skill install: also write the MCP server into `.mcp.json` / add the SessionStart hook. */
  writeMcp: boolean;
  writeHook: boolean;
  /** --summary: a few lines for a Claude Code session start (running, pending, new failures). */
  brief: boolean;
  acceptNewHostKey: boolean;
  /** `--notify SINK` values, as given (checked when settings are resolved). */
  notify: string[];
  /** `--metrics ADDR`: serve Prometheus metrics there. */
  metrics: string | null;
  /** Flags given on the command line (long names): these win over the config file. */
  given: Set<string>;
}

export const HELP = `hpc-watch — watch SLURM jobs: progress, throughput, ETA, time-limit warnings, root causes.

Usage
  hpc-watch [JOBID]                 live view of your jobs (or of one job)
  hpc-watch --summary [JOBID...]    one snapshot, then exit (add --json for scripts)
  hpc-watch --summary --wait JOBID  block until the jobs end; exit 0 if all COMPLETED
  hpc-watch --summary --brief       a few lines: running jobs, failures since the last --brief
  hpc-watch inspect FILE...         parse logs: framework, progress, metrics, failure
  hpc-watch diagnose JOBID          ask Claude Code's monitor-slurm skill why a job failed
  hpc-watch skill install           write .claude/skills/monitor-slurm/SKILL.md; --mcp, --hook wire up more
  hpc-watch redact [FILE...]        print files (or stdin) with secrets replaced by [REDACTED:kind]
  hpc-watch events [JOBID...]       watch and print each event (start, end, failure, stall…) as it happens
  hpc-watch mcp                     MCP server over stdio for Claude Code (claude mcp add hpc-watch -- hpc-watch mcp)

Options
  --json               machine-readable output (summary, inspect, diagnose)
  --all-users          every user's jobs, not only yours
  --since DUR          finished jobs to include (default 1d; e.g. 6h, 2d, 30m)
  --interval SEC       poll interval, at least 2 (default 10)
  --host HOST          watch a cluster over SSH (repeatable; a ~/.ssh/config alias)
  --poll-logs          poll log files instead of inotify (network filesystems)
  --tail-bytes N       how much of each log's end to read (default 1M; K/M suffixes)
  --demo               a built-in simulated cluster (no SLURM needed)
  --config FILE        config file (default $XDG_CONFIG_HOME/hpc-watch/config.json)
  --dry-run            diagnose: print exactly what would be sent, send nothing
  --force              diagnose: ignore the cache; skill install: overwrite
  --auto-diagnose      TUI: diagnose failed jobs without asking
  --project | --user   skill install: where to write the skill (default --project)
  --mcp                skill install: add the MCP server to .mcp.json (--user: print the command)
  --hook               skill install: add a SessionStart hook running --summary --brief
  --accept-new-host-key  trust an unknown SSH host key and remember it
  --notify SINK        events and TUI: also send events to SINK (repeatable): bell, osc,
                       tmux, desktop, http(s)://URL (JSON POST), ntfy:URL, slack:URL, cmd:PROGRAM
  --metrics ADDR       events and TUI: serve Prometheus /metrics on ADDR (PORT = 127.0.0.1:PORT)
  -h, --help           this help
  -V, --version        print the version

Exit codes: 0 ok; 1 a job failed or was not found; 2 usage or connection error.
`;

const SUBCOMMANDS = new Set(['inspect', 'diagnose', 'skill', 'redact', 'events', 'mcp']);

/** Parses argv into options; throws UserError with a one-line message on bad input. */
export function parseCli(argv: string[]): CliOptions {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        summary: { type: 'boolean' },
        json: { type: 'boolean' },
        wait: { type: 'boolean' },
        'all-users': { type: 'boolean' },
        since: { type: 'string' },
        demo: { type: 'boolean' },
        host: { type: 'string', multiple: true },
        interval: { type: 'string' },
        'poll-logs': { type: 'boolean' },
        'tail-bytes': { type: 'string' },
        config: { type: 'string' },
        'dry-run': { type: 'boolean' },
        force: { type: 'boolean' },
        'auto-diagnose': { type: 'boolean' },
        project: { type: 'boolean' },
        user: { type: 'boolean' },
        mcp: { type: 'boolean' },
        hook: { type: 'boolean' },
        brief: { type: 'boolean' },
        'accept-new-host-key': { type: 'boolean' },
        notify: { type: 'string', multiple: true },
        metrics: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'V' },
      },
    });
  } catch (err) {
    throw new UserError(`${(err as Error).message.split('\n')[0]} (see hpc-watch --help)`);
  }
  const v = parsed.values as Record<string, unknown>;
  let positionals = [...parsed.positionals];
  let mode: CliOptions['mode'] = v.summary ? 'summary' : 'tui';
  const first = positionals[0];
  if (first && SUBCOMMANDS.has(first)) {
    mode = first as CliOptions['mode'];
    positionals = positionals.slice(1);
  }
  if (v.help) mode = 'help';
  else if (v.version) mode = 'version';
  if ((v.wait || v.brief) && mode === 'tui') mode = 'summary';
  if (v.brief && v.wait) throw new UserError('--brief and --wait do not go together');

  const intervalS = v.interval === undefined ? 10 : Number(v.interval);
  if (!Number.isFinite(intervalS) || intervalS <= 0)
    throw new UserError(`--interval: not a number of seconds: ${v.interval}`);
  if (intervalS < 2) throw new UserError('--interval: at least 2 seconds (the controller is shared by everyone)');
  if (intervalS > 3600) throw new UserError('--interval: at most 3600 seconds');
  const since = (v.since as string | undefined) ?? '1d';
  if (!/^\d+\s*[smhdw]$/i.test(since))
    throw new UserError(`--since: expected a duration like 30m, 6h or 2d, got ${since}`);
  const tailBytes = v['tail-bytes'] === undefined ? 1024 * 1024 : parseByteSize(v['tail-bytes'] as string);

  if (mode === 'tui' || mode === 'summary' || mode === 'diagnose' || mode === 'events') {
    for (const id of positionals) validateJobId(id);
  }
  if (mode === 'inspect' && positionals.length === 0) throw new UserError('inspect: give at least one log file');
  if (mode === 'diagnose' && positionals.length !== 1) throw new UserError('diagnose: give exactly one job id');
  if (mode === 'tui' && positionals.length > 1)
    throw new UserError('give one job id for the live view, or use --summary for several');
  if (mode === 'skill' && positionals[0] !== 'install')
    throw new UserError('skill: the only action is `skill install`');
  if (mode === 'mcp' && positionals.length > 0)
    throw new UserError('mcp: takes no arguments (it serves your jobs; clusters come from --host or the config)');
  if (v.project && v.user) throw new UserError('skill install: choose --project or --user, not both');

  return {
    mode,
    positionals,
    json: Boolean(v.json),
    wait: Boolean(v.wait),
    allUsers: Boolean(v['all-users']),
    since,
    demo: Boolean(v.demo),
    hosts: (v.host as string[] | undefined) ?? [],
    intervalS,
    pollLogs: Boolean(v['poll-logs']),
    tailBytes,
    config: (v.config as string | undefined) ?? null,
    dryRun: Boolean(v['dry-run']),
    force: Boolean(v.force),
    autoDiagnose: Boolean(v['auto-diagnose']),
    skillScope: v.user ? 'user' : 'project',
    writeMcp: Boolean(v.mcp),
    writeHook: Boolean(v.hook),
    brief: Boolean(v.brief),
    acceptNewHostKey: Boolean(v['accept-new-host-key']),
    notify: (v.notify as string[] | undefined) ?? [],
    metrics: (v.metrics as string | undefined) ?? null,
    given: new Set(Object.keys(v)),
  };
}

/** Job ids are `123`, `123_7`, `123_[1-3]` or `123+1`; anything else never reaches a command line. */
export function validateJobId(id: string): string {
  const ok = parseJobId(id);
  if (ok === null)
    throw new UserError(`not a job id: ${JSON.stringify(id).slice(0, 60)} (expected e.g. 12345, 12345_7 or 12345+1)`);
  return ok;
}

/** `512K`, `1M`, `1.5M`, `4096` → bytes. */
export function parseByteSize(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]?)i?b?$/i.exec(s.trim());
  if (!m) throw new UserError(`--tail-bytes: expected a size like 512K or 4M, got ${s}`);
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2]!.toLowerCase() as ''];
  const n = Math.round(Number(m[1]) * mult);
  if (n < 1024) throw new UserError('--tail-bytes: at least 1K');
  if (n > 256 * 1024 ** 2) throw new UserError('--tail-bytes: at most 256M (memory stays bounded)');
  return n;
}

/** `30m`, `6h`, `2d`, `1w` → seconds. */
export function parseSince(s: string): number {
  const m = /^(\d+)\s*([smhdw])$/i.exec(s);
  if (!m) throw new UserError(`bad duration: ${s}`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400, w: 604800 }[m[2]!.toLowerCase() as 's'];
}
