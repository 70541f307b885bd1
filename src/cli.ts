/** Entry point: parse arguments, then load only the code the chosen mode needs. */
import { HELP, parseCli } from './cli-args.js';
import type { Settings } from './config.js';
import { UserError } from './errors.js';

declare const __HPCW_VERSION__: string | undefined;
const VERSION = typeof __HPCW_VERSION__ === 'string' ? __HPCW_VERSION__ : '0.0.0-dev';

const NEEDS_SETTINGS = new Set(['summary', 'tui', 'diagnose', 'inspect', 'events', 'mcp']);

async function main(argv: string[]): Promise<number> {
  const opts = parseCli(argv);
  // The config file is read here and nowhere else; modes get plain settings.
  let settings: Settings | null = null;
  if (NEEDS_SETTINGS.has(opts.mode)) {
    settings = (await import('./config.js')).resolveSettings(opts);
    for (const w of settings.warnings) process.stderr.write(`hpc-watch: ${w}\n`);
  }
  const s = settings!;
  switch (opts.mode) {
    case 'help':
      process.stdout.write(HELP);
      return 0;
    case 'version':
      process.stdout.write(`hpc-watch ${VERSION}\n`);
      return 0;
    case 'inspect':
      return (await import('./headless/inspect.js')).runInspect(opts, s);
    case 'summary':
      if (opts.brief) return (await import('./headless/summary-brief.js')).runBrief(opts, s);
      return (await import('./headless/summary.js')).runSummary(opts, s);
    case 'diagnose':
      return (await import('./diagnose/command.js')).runDiagnose(opts, s);
    case 'events':
      return (await import('./events/command.js')).runEvents(opts, s);
    case 'redact':
      return (await import('./headless/redact.js')).runRedact(opts);
    case 'mcp':
      return (await import('./mcp/command.js')).runMcp(opts, s);
    case 'skill':
      return (await import('./diagnose/skill.js')).runSkillInstall(opts);
    case 'tui':
      return (await import('./tui/start.js')).runTui(opts, s);
  }
}

/** Bad input is one line on stderr and a non-zero exit, never a stack trace. */
function report(err: unknown): number {
  if (err instanceof UserError) {
    process.stderr.write(`hpc-watch: ${err.message}\n`);
    return err.exitCode;
  }
  const msg = err instanceof Error ? err.message : String(err);
  process.stderr.write(`hpc-watch: unexpected error: ${msg.split('\n')[0]}\n`);
  if (process.env.HPCW_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  return 2;
}

process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  // `hpc-watch --summary | head` closes the pipe early; that is not an error.
  if (err.code === 'EPIPE') process.exit(0);
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.exitCode = report(err);
  },
);
