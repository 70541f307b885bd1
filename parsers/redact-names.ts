/**
 * Secrets found by structure: the value after a credential-like name, in whatever syntax a log
 * prints it — `NAME=value`, `NAME: value`, `"name": "value"` (also JSON escaped inside a JSON
 * string), `'name': 'value'`, `--name value`, `export NAME="value"`, `name = value`, HTTP headers
 * (`X-Api-Key: …`), connection strings (`;AccountKey=…;`), URL query parameters (`&sig=…`) and
 * `setenv NAME value`. The design follows detect-secrets' keyword plugin: a vocabulary of name
 * parts, harmless parts that veto (`max_tokens`, `password_file`), and placeholder values that
 * are not secrets (`None`, `${VAR}`, `****`).
 */
import type { SecretKind } from './redact.js';

/** A value to remove, as a range of the scanned text. */
export interface NameSpan {
  start: number;
  end: number;
  kind: SecretKind;
}

// Name parts that make a secret-looking name harmless: lengths, counts, ids, tokenizer specials,
// places where a secret lives (a path is not the secret) and metric words (`pass_at_1`).
const HARMLESS_PARTS = new Set([
  'id',
  'ids',
  'len',
  'length',
  'lengths',
  'count',
  'counts',
  'num',
  'number',
  'max',
  'min',
  'total',
  'size',
  'limit',
  'limits',
  'type',
  'types',
  'pad',
  'padding',
  'eos',
  'bos',
  'unk',
  'sep',
  'cls',
  'mask',
  'special',
  'per',
  'rate',
  'ratio',
  'budget',
  'dim',
  'index',
  'idx',
  'pos',
  'position',
  'prob',
  'probs',
  'logits',
  'emb',
  'embedding',
  'embeddings',
  'file',
  'path',
  'dir',
  'url',
  'uri',
  'endpoint',
  'host',
  'env',
  'name',
  'names',
  'mode',
  'method',
  'enabled',
  'enable',
  'disable',
  'disabled',
  'required',
  'expiry',
  'expires',
  'expiration',
  'ttl',
  'timeout',
  'field',
  'header',
  'prefix',
  'kind',
  'format',
  'policy',
  'strategy',
  'level',
  'loss',
  'acc',
  'accuracy',
  'score',
  'at',
  'k',
  'parallelism',
  'usage',
  'used',
  'cache',
  'provider',
  'helper',
  'store',
  'source',
  'sec',
  'second',
  'seconds',
  'valid',
  'check',
  'sock',
  'socket',
  'location',
  'version',
  'region',
  'scope',
  'scopes',
  'algorithm',
  'alg',
  'algo',
  'hash',
  'encoding',
  'schedule',
  'scheduler',
  'fn',
  'func',
  'class',
  'columns',
  'column',
  'col',
  'map',
  'mapping',
  'dict',
  'list',
  'vocab',
  'tokenizer',
  'tokenizers',
  'label',
  'labels',
  'metric',
  'metrics',
  'sort',
  'group',
  'by',
  'frame',
  'frames',
]);
// A lone `key` is a credential name only next to one of these (`api_key`, `AccountKey`, `x-api-key`).
const KEY_PAIRS = new Set([
  'api',
  'access',
  'private',
  'secret',
  'wandb',
  'signing',
  'encryption',
  'account',
  'master',
  'client',
  'app',
  'application',
  'service',
  'storage',
  'subscription',
  'shared',
  'license',
  'auth',
  'primary',
  'secondary',
  'admin',
  'deploy',
  'session',
  'consumer',
  'comet',
  'neptune',
  'openai',
  'anthropic',
  'cohere',
  'mistral',
  'pinecone',
  'together',
  'groq',
  'replicate',
  'stripe',
  'sendgrid',
  'mailgun',
  'twilio',
  'datadog',
  'dd',
  'sentry',
  'langsmith',
  'langchain',
  'tavily',
]);
const JOINED_KEY =
  /(?:api|access|private|secret|account|master|signing|encryption|client|app|service|storage|subscription|shared|license|admin|deploy|consumer|auth)key$/;
const STRONG = /pass(?:word|wd|phrase)|secret|credential/;

/** How sure a name makes us: strong names take any value; weak ones only secret-looking values. */
export type NameStrength = 'strong' | 'normal' | 'weak';

function nameParts(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((p) => p !== '');
}

// Cheap gate before splitting a name: most `k=v` pairs in a training log are metrics.
const MAYBE = /pass|pwd|secret|cred|token|key|auth|sig|cookie|webhook/i;

type NameClass = { kind: SecretKind; strength: NameStrength } | null;
// A log repeats its names (`loss=`, `WANDB_API_KEY=` on every line): classify each once.
const classified = new Map<string, NameClass>();

/** The kind and strength for a credential-like name, or null when the name is harmless. */
export function classifyName(name: string): NameClass {
  const hit = classified.get(name);
  if (hit !== undefined) return hit;
  const c = classifyUncached(name);
  if (classified.size > 4096) classified.clear();
  classified.set(name, c);
  return c;
}

function classifyUncached(name: string): NameClass {
  // The shell's working directory, not a password.
  if (!MAYBE.test(name) || name === 'PWD' || name === 'OLDPWD') return null;
  const parts = nameParts(name);
  if (parts.length === 0) return null;
  const flat = parts.join('');
  const has = (p: string): boolean => parts.includes(p);
  // GCP service-account JSON: the key's id is as private as the key.
  const privateKey = has('private') && (has('key') || flat.includes('privatekey'));
  // A webhook URL is itself the credential (Slack, Discord, Zapier, ntfy topics): `SLACK_WEBHOOK_URL=…`.
  if (parts.some((p) => p.includes('webhook'))) return { kind: 'webhook', strength: 'normal' };
  if (!privateKey && parts.some((p) => HARMLESS_PARTS.has(p))) return null;
  const strong = STRONG.test(flat) || has('pass') || has('passwd') || has('pw') || has('pwd');
  const tokenish = parts.some((p) => p === 'token' || (p.endsWith('token') && p.length > 5));
  const keyish =
    privateKey ||
    parts.some((p) => JOINED_KEY.test(p)) ||
    parts.some((p, i) => p === 'key' && i > 0 && KEY_PAIRS.has(parts[i - 1]!)) ||
    (has('key') && parts.length > 1 && parts.at(-1) === 'key' && KEY_PAIRS.has(parts[0]!));
  // A bare `key` (kaggle.json, `wandb.login(key=…)`), `auth` (docker config), `sig`/`signature`
  // (SAS and presigned URLs), `cookie`: also common harmless words, so only secret-looking values.
  const weak =
    (parts.length === 1 && (parts[0] === 'key' || parts[0] === 'keys')) ||
    has('auth') ||
    has('sig') ||
    has('signature') ||
    has('cookie') ||
    has('apikey');
  if (!strong && !tokenish && !keyish && !weak) return null;
  // `secrets: mounted from …`, `credentials: {…}`: a plural names a collection, not one value.
  const plural = /(?:secrets|credentials|passwords)$/.test(flat);
  const strength: NameStrength =
    (strong && !plural) || privateKey ? 'strong' : strong || tokenish || keyish ? 'normal' : 'weak';
  return { kind: kindFor(parts, strong || keyish), strength };
}

function kindFor(parts: string[], strongOrKey: boolean): SecretKind {
  const has = (p: string): boolean => parts.includes(p);
  if (has('secret') && has('access') && has('key')) return 'aws-secret-key';
  if (has('aws') && strongOrKey) return 'aws-secret-key';
  if (has('session') && has('token') && (has('aws') || parts.length === 2)) return 'aws-session-token';
  if (has('amz') && (has('signature') || has('credential') || has('security'))) return 'aws-secret-key';
  if (has('wandb')) return 'wandb';
  if (has('hf') || has('huggingface') || has('hugging')) return 'huggingface';
  if (has('github') || has('gh')) return 'github';
  if (has('openai')) return 'openai';
  if (has('anthropic')) return 'anthropic';
  if (has('slack')) return 'slack';
  if (has('accountkey') || (has('account') && has('key')) || has('sig')) return 'azure-storage';
  if (has('private') && has('key')) return 'private-key';
  return 'secret-value';
}

/** Back-compat name: the kind for a secret-looking name, or null when harmless. */
export function secretNameKind(name: string): SecretKind | null {
  return classifyName(name)?.kind ?? null;
}

const NOT_A_SECRET = new Set([
  'true',
  'false',
  'none',
  'null',
  'nil',
  'undefined',
  'yes',
  'no',
  'on',
  'off',
  'y',
  'n',
  'not',
  'is',
  'was',
  'are',
  'be',
  'been',
  'the',
  'a',
  'an',
  'of',
  'for',
  'from',
  'to',
  'in',
  'at',
  'by',
  'with',
  'and',
  'or',
  'missing',
  'invalid',
  'expired',
  'required',
  'provided',
  'optional',
  'empty',
  'unset',
  'set',
  'found',
  'error',
  'failed',
  'ok',
  'must',
  'should',
  'cannot',
  'will',
  'please',
  'enabled',
  'disabled',
  'default',
  'auto',
  'hidden',
  'masked',
  'redacted',
  'unknown',
  'n/a',
  'na',
  'nan',
  'bearer',
  'basic',
  'token',
  'password',
  'secret',
  'changeme',
  'dummy',
  'xxx',
  'placeholder',
  'your_api_key',
  'your-api-key',
  'sha256',
  'md5',
]);

// Where files live on clusters and laptops: a value starting here is a path (a credentials file),
// and nothing random is likely to start so.
const PATH_ROOT =
  /^(?:~\/|\.{1,2}\/|\/(?:home|etc|run|tmp|var|opt|usr|srv|mnt|media|root|scratch|data|work|project|projects|proj|gpfs|lustre|cluster|users|p|net|nfs|shared|software|appl|fs|dss|cephfs|storage|datasets|Users)\/)/;
// A file in a directory with a lowercase extension; `+`, `=` and `%` belong to base64 secrets, not paths.
const FILE_PATH = /^(?:~|\.{1,2})?\/(?:[\w.@-]+\/)+[\w@-][\w.@-]*\.[a-z][a-z0-9]{0,4}$/;

/**
 * False for values that carry no secret: booleans, masks, placeholders, env and code references
 * (`$VAR`, `os.environ['X']`, `getpass()`), paths, tokenizer literals, prose. `quoted` values
 * were written as strings, so they are never code.
 */
export function plausibleValue(
  v: string,
  strength: NameStrength,
  opts: { name?: string; quoted?: boolean } = {},
): boolean {
  if (v === '' || v.startsWith('[REDACTED')) return false;
  if (NOT_A_SECRET.has(v.toLowerCase())) return false;
  if (/^[*xX•.#_-]+$/.test(v) || /\*{3}|\.{3}|…/.test(v)) return false;
  if (/^\$\{[A-Za-z_][A-Za-z0-9_]*\}$|^\$[A-Za-z_][A-Za-z0-9_]*$|^%[A-Za-z_][A-Za-z0-9_]*%$/.test(v)) return false;
  if (/^<[^<>]*>$|^\{\{.*\}\}$|^%\(\w+\)s$|^\{\w*\}$/.test(v)) return false;
  if (PATH_ROOT.test(v) || FILE_PATH.test(v)) return false;
  if (!opts.quoted) {
    // Code on a traceback's source line: a call, a subscript, or the variable of the same name.
    if (/^[A-Za-z_][\w.]*[([]/.test(v)) return false;
    if (opts.name && v.toLowerCase() === opts.name.toLowerCase()) return false;
  }
  if (strength === 'strong') return true;
  if (/^[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?$/.test(v)) return false;
  // Generated keys and tokens are ASCII and never this short; `Ġthe` and `id` are not secrets.
  if (v.length < 8 || /[^\x21-\x7e]/.test(v)) return false;
  if (strength === 'normal') return true;
  // Weak names: the value must look generated — long, not a dotted identifier or a plain word.
  if (v.length < 12) return false;
  if (/^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+$/.test(v)) return false;
  if (/^[a-z_]+$|^[A-Z_]+$/.test(v)) return false;
  return /\d/.test(v) || /[A-Z]/.test(v) || /[+/=%]/.test(v);
}

const CLOSER_OF: Record<string, string> = { ')': '(', '}': '{', ']': '[' };
const WS = new Set([' ', '\t', '\n', '\r', '\f', '\v']);
// A `;` ends a value only where a connection string's next field (`;EndpointSuffix=`) or the
// shell's next command starts: a password may contain `;` itself.
const FIELD_AFTER_SEMI = /^;(?:[A-Za-z][A-Za-z0-9 _.-]{0,40}=|[ \t\r\n]|$)/;

/** The value that starts at `pos`: a quoted string (contents only) or one unquoted word. */
export function valueAt(
  text: string,
  pos: number,
  query: boolean,
): { start: number; end: number; quoted: boolean } | null {
  let q = text[pos];
  // A nested object or list: its own keys are matched one by one.
  if (q === '{' || q === '[' || q === '(') return null;
  const limit = Math.min(text.length, pos + 4096);
  // `\"value\"` inside a JSON string: the closing quote is escaped too.
  const escaped = q === '\\' && (text[pos + 1] === '"' || text[pos + 1] === "'");
  if (escaped) q = text[pos + 1];
  if (q === '"' || q === "'" || q === '`') {
    const open = escaped ? pos + 2 : pos + 1;
    let j = open;
    while (j < limit && text[j] !== '\n') {
      if (escaped ? text[j] === '\\' && text[j + 1] === q : text[j] === q) break;
      j += text[j] === '\\' && !escaped ? 2 : 1;
    }
    if (j < limit && text[j] !== '\n') return j > open ? { start: open, end: j, quoted: true } : null;
  }
  let j = pos;
  while (j < limit && !WS.has(text[j]!) && !(query && (text[j] === '&' || text[j] === '#'))) {
    if (text[j] === ';' && FIELD_AFTER_SEMI.test(text.slice(j, j + 44))) break;
    // The end of an escaped JSON string that held the value.
    if (text[j] === '\\' && (text[j + 1] === '"' || text[j + 1] === "'")) break;
    j++;
  }
  // Trailing syntax (`,` in a dict, `)` of a call, a closing quote) is not part of the value,
  // but a closer the value itself opened (`${VAR}`) is.
  while (j > pos) {
    const c = text[j - 1]!;
    const opener = CLOSER_OF[c];
    if (opener !== undefined) {
      const v = text.slice(pos, j);
      if (v.split(opener).length > v.split(c).length - 1) break;
    } else if (!/[,;'"`]/.test(c)) break;
    j--;
  }
  return j > pos ? { start: pos, end: j, quoted: false } : null;
}

const NAME_CHAR = /[A-Za-z0-9_.-]/;
// Where a credential word may sit inside a name; everything else in a log is skipped at once.
const KEYWORD = /pass|pwd|secret|cred|token|key|auth|sig|cookie|webhook/gi;
// After the name: an optional closing quote (also `\"`), `]` of a subscript, then the separator.
const SEPARATOR = /(?:\\?["'`])?\]?[ \t]*(:=|=>|=|:)[ \t]*/y;
const FLAG_GAP = /[ \t]+(?=[^\s-])/y;

/**
 * Every value after a credential-like name, in the syntaxes of the module comment. Scans for the
 * credential words, then widens each hit to its whole name: a training log is mostly `loss=…`
 * pairs, and looking only where a keyword is keeps this fast on megabytes.
 */
export function collectNamedValues(text: string, out: NameSpan[]): void {
  KEYWORD.lastIndex = 0;
  for (let m = KEYWORD.exec(text); m; m = KEYWORD.exec(text)) {
    let s = m.index;
    while (s > 0 && m.index - s < 64 && NAME_CHAR.test(text[s - 1]!)) s--;
    let e = m.index + m[0].length;
    while (e < text.length && e - s < 128 && NAME_CHAR.test(text[e]!)) e++;
    // `--api-key`: the dashes are the flag, not the name; a name starts with a letter or `_`.
    let n = s;
    while (n < e && !/[A-Za-z_]/.test(text[n]!)) n++;
    KEYWORD.lastIndex = e;
    if (n >= e || (n > 0 && /[A-Za-z0-9_]/.test(text[n - 1]!))) continue;
    const name = text.slice(n, e).replace(/[.-]+$/, '');
    const c = classifyName(name);
    if (!c) continue;
    const prefix = text.slice(Math.max(0, n - 8), n);
    let valuePos = -1;
    SEPARATOR.lastIndex = n + name.length;
    const sep = SEPARATOR.exec(text);
    // `https://…` is a scheme, not a `https:` key; its userinfo is the URL rule's.
    if (sep && !(sep[1] === ':' && text.startsWith('//', SEPARATOR.lastIndex))) valuePos = SEPARATOR.lastIndex;
    else if (prefix.endsWith('--') || /\bsetenv[ \t]+$/.test(prefix)) {
      FLAG_GAP.lastIndex = n + name.length;
      if (FLAG_GAP.exec(text)) valuePos = FLAG_GAP.lastIndex;
    }
    if (valuePos < 0) continue;
    const before = text[n - 1];
    const query = before === '?' || before === '&' || before === ';';
    const v = valueAt(text, valuePos, query);
    if (!v) continue;
    const value = text.slice(v.start, v.end);
    if (c.kind === 'webhook') {
      // Keep `https://host/` readable; the path and query are the secret.
      const host = /^[a-z][a-z0-9+.-]*:\/\/[^/\s]+\//i.exec(value);
      if (host && value.length > host[0].length)
        out.push({ start: v.start + host[0].length, end: v.end, kind: c.kind });
    } else if (plausibleValue(value, c.strength, { name, quoted: v.quoted })) {
      out.push({ start: v.start, end: v.end, kind: c.kind });
    }
    // Resume past the value, so `password=password=…` stays linear.
    KEYWORD.lastIndex = Math.max(KEYWORD.lastIndex, v.end);
  }
}
