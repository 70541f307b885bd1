/**
 * A small ssh_config reader for machines without OpenSSH's `ssh -G`: Host patterns
 * (`*`, `?`, `!`), simple Match criteria, Include with globs, first value wins.
 * It returns raw lowercase keyword → values, exactly the shape `ssh -G` prints.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join } from 'node:path';

/** Keywords whose every occurrence counts (OpenSSH appends them instead of keeping the first). */
const MULTI = new Set([
  'identityfile',
  'certificatefile',
  'localforward',
  'remoteforward',
  'dynamicforward',
  'sendenv',
  'setenv',
]);

/** Lowercase keyword → values, in the order OpenSSH would apply them. */
export type RawSshConfig = Map<string, string[]>;

/** OpenSSH wildcard match: `*` any run, `?` one character, case-insensitive for hosts. */
export function wildcardMatch(pattern: string, text: string): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replaceAll('*', '.*')
      .replaceAll('?', '.')}$`,
    'i',
  );
  return re.test(text);
}

/** A comma/space pattern list: any positive match and no negated one. */
export function patternListMatch(patterns: readonly string[], text: string): boolean {
  let hit = false;
  for (const p of patterns) {
    if (p.startsWith('!')) {
      if (wildcardMatch(p.slice(1), text)) return false;
    } else if (wildcardMatch(p, text)) hit = true;
  }
  return hit;
}

/** Splits a config line into words, honouring double quotes like OpenSSH's argv_split. */
export function splitWords(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  let any = false;
  for (const ch of line) {
    if (ch === '"') {
      quoted = !quoted;
      any = true;
    } else if (!quoted && /\s/.test(ch)) {
      if (any) out.push(cur);
      cur = '';
      any = false;
    } else {
      cur += ch;
      any = true;
    }
  }
  if (any) out.push(cur);
  return out;
}

interface Ctx {
  host: string;
  originalHost: string;
  user: string | null;
  localUser: string;
  home: string;
}

function expandGlob(pattern: string): string[] {
  if (!/[*?[]/.test(pattern)) return [pattern];
  const dir = dirname(pattern);
  const base = basename(pattern);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => wildcardMatch(base, n) && !n.startsWith('.'))
    .sort()
    .map((n) => join(dir, n))
    .filter((p) => {
      try {
        return statSync(p).isFile();
      } catch {
        return false;
      }
    });
}

function matchCriteria(words: string[], ctx: Ctx): boolean {
  for (let i = 0; i < words.length; i++) {
    let w = words[i]!.toLowerCase();
    const negate = w.startsWith('!');
    if (negate) w = w.slice(1);
    if (w === 'all') return !negate;
    const arg = words[++i];
    if (arg === undefined) return false;
    const list = arg.split(',');
    let ok: boolean;
    if (w === 'host') ok = patternListMatch(list, ctx.host);
    else if (w === 'originalhost') ok = patternListMatch(list, ctx.originalHost);
    else if (w === 'user') ok = ctx.user !== null && patternListMatch(list, ctx.user);
    else if (w === 'localuser') ok = patternListMatch(list, ctx.localUser);
    else return false; // exec, canonical, final...: only `ssh -G` can decide, so do not apply
    if (ok === negate) return false;
  }
  return true;
}

/** `base`: relative Include paths resolve there (~/.ssh for user files, /etc/ssh for system ones). */
function readInto(path: string, out: RawSshConfig, ctx: Ctx, base: string, depth: number): void {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return;
  }
  let on = true;
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(\S+?)(?:\s*=\s*|\s+)(.*)$/.exec(line);
    if (!m) continue;
    const key = m[1]!.toLowerCase();
    const words = splitWords(m[2]!);
    if (key === 'host') {
      on = patternListMatch(
        words.flatMap((w) => w.split(',')),
        ctx.originalHost,
      );
      continue;
    }
    if (key === 'match') {
      on = matchCriteria(words, ctx);
      continue;
    }
    if (!on) continue;
    if (key === 'include') {
      if (depth >= 16) continue;
      for (const w of words) {
        const p = w.startsWith('~/') ? join(ctx.home, w.slice(2)) : isAbsolute(w) ? w : join(base, w);
        for (const f of expandGlob(p)) readInto(f, out, ctx, base, depth + 1);
      }
      continue;
    }
    if (words.length === 0) continue;
    const have = out.get(key);
    if (MULTI.has(key)) out.set(key, [...(have ?? []), words.join(' ')]);
    else if (!have) {
      out.set(key, [words.join(' ')]);
      if (key === 'hostname') ctx.host = words[0]!;
      if (key === 'user') ctx.user = words[0]!;
    }
  }
}

/** Reads the user's (or the `-F`) config, then the system one, the way OpenSSH layers them. */
export function parseSshConfig(
  alias: string,
  opts: { configFile: string | null; localUser: string; home?: string },
): RawSshConfig {
  const home = opts.home ?? homedir();
  const out: RawSshConfig = new Map();
  const ctx: Ctx = { host: alias, originalHost: alias, user: null, localUser: opts.localUser, home };
  if (opts.configFile) {
    readInto(opts.configFile, out, ctx, join(home, '.ssh'), 0);
  } else {
    readInto(join(home, '.ssh', 'config'), out, ctx, join(home, '.ssh'), 0);
    readInto('/etc/ssh/ssh_config', out, ctx, '/etc/ssh', 0);
  }
  return out;
}
