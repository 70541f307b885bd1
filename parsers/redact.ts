/**
 * Secret redaction for log excerpts before they leave the process (e.g. to `claude -p`).
 *
 * Every rule scans the original text and yields character ranges; overlapping ranges are merged and
 * each merged range becomes one `[REDACTED:<kind>]`. Working on ranges (not on already-redacted
 * text) means rules never see each other's markers and a secret is counted once.
 *
 * Prefixed tokens are matched by shape (formats cross-checked against the gitleaks/betterleaks
 * rules). Unprefixed secrets are only found through context: a secret-looking key name
 * (`HF_TOKEN=`, `"password": `, `--api-key `), `Authorization:`/`Bearer`, URL userinfo, netrc, a
 * 40-hex key near `wandb`, or a caller-supplied exact value.
 */

/** Every kind `redactSecrets` can report, for documentation and tests. */
export const SECRET_KINDS = [
  'private-key',
  'huggingface',
  'wandb',
  'aws-access-key-id',
  'aws-secret-key',
  'aws-session-token',
  'github',
  'gitlab',
  'openai',
  'anthropic',
  'slack',
  'slack-webhook',
  'google-api-key',
  'jwt',
  'authorization',
  'url-password',
  'netrc-password',
  'secret-value',
  'extra-value',
] as const;
/** One entry of SECRET_KINDS. */
export type SecretKind = (typeof SECRET_KINDS)[number];

/** What `redactSecrets` returns: the cleaned text plus how much was removed, by kind. */
export interface RedactionResult {
  text: string;
  count: number;
  kinds: Record<string, number>;
}

/** Options for `redactSecrets`. */
export interface RedactOptions {
  /** Exact strings (e.g. the user's secret env values) removed wherever they occur; < 8 chars ignored. */
  extraValues?: string[];
}

interface Span {
  start: number;
  end: number;
  kind: SecretKind;
  prio: number;
}

// Higher wins when ranges overlap: a shape match names the secret better than its context does.
const PRIO_SHAPE = 3;
const PRIO_CONTEXT = 2;
const PRIO_GENERIC = 1;

interface ShapeRule {
  kind: SecretKind;
  re: RegExp;
}

// Lengths are open-ended on purpose: a token longer than today's format must still be removed.
const SHAPE_RULES: ShapeRule[] = [
  { kind: 'anthropic', re: /sk-ant-[A-Za-z0-9_-]{20,}/g },
  { kind: 'openai', re: /(?<![A-Za-z0-9_-])sk-(?!ant-)[A-Za-z0-9_-]{20,}/g },
  { kind: 'huggingface', re: /(?<![A-Za-z0-9])(?:hf_|api_org_)[A-Za-z0-9]{30,}/g },
  { kind: 'github', re: /(?<![A-Za-z0-9])gh[pousr]_[A-Za-z0-9]{30,}/g },
  { kind: 'github', re: /(?<![A-Za-z0-9])github_pat_[A-Za-z0-9_]{30,}/g },
  { kind: 'gitlab', re: /(?<![A-Za-z0-9])gl(?:pat|dt|ptt|rt|oas|cbt)-[A-Za-z0-9_-]{20,}/g },
  { kind: 'wandb', re: /(?<![A-Za-z0-9])wandb_v1_[A-Za-z0-9_]{20,}/g },
  { kind: 'slack', re: /(?<![A-Za-z0-9])xox[abeoprs]-[A-Za-z0-9-]{10,}/g },
  { kind: 'slack', re: /(?<![A-Za-z0-9])xapp-\d-[A-Za-z0-9-]{10,}/g },
  { kind: 'google-api-key', re: /(?<![A-Za-z0-9])AIza[A-Za-z0-9_-]{30,}/g },
  {
    kind: 'aws-access-key-id',
    re: /(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}(?![A-Za-z0-9])/g,
  },
  { kind: 'jwt', re: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g },
];

function collectShapes(text: string, out: Span[]): void {
  for (const { kind, re } of SHAPE_RULES) {
    re.lastIndex = 0;
    for (const m of text.matchAll(re)) {
      out.push({ start: m.index, end: m.index + m[0].length, kind, prio: PRIO_SHAPE });
    }
  }
  // Keep `https://hooks.slack.com/services/` readable, drop the path that is the credential.
  for (const m of text.matchAll(/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9_/+-]{8,}/g)) {
    const cut = m[0].indexOf('/', 16) + 1;
    out.push({ start: m.index + cut, end: m.index + m[0].length, kind: 'slack-webhook', prio: PRIO_SHAPE });
  }
}

const PEM_BEGIN = /-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----/gi;
const PEM_END = /-----END[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----/gi;
const PEM_MAX_BODY = 32_768;
const PEM_ESCAPED_BODY = /(?:[A-Za-z0-9+/=]|\\[nr])*/y;
const PEM_LINE = /^[ \t]*(?:[A-Za-z0-9+/]{16,}={0,2}|[A-Za-z0-9+/]*={1,2}|(?:Proc-Type|DEK-Info|Comment|Version|Hash|Charset):.*)[ \t]*$/;

/** Private key blocks, including ones whose END line was cut off by the excerpt. */
function collectPrivateKeys(text: string, out: Span[]): void {
  const ends: { start: number; end: number }[] = [];
  for (const m of text.matchAll(PEM_END)) ends.push({ start: m.index, end: m.index + m[0].length });
  let e = 0;
  let from = 0;
  PEM_BEGIN.lastIndex = 0;
  for (;;) {
    PEM_BEGIN.lastIndex = from;
    const m = PEM_BEGIN.exec(text);
    if (!m) break;
    const bodyStart = m.index + m[0].length;
    while (e < ends.length && ends[e]!.start < bodyStart) e++;
    const end = ends[e];
    let stop: number;
    if (end && end.start - bodyStart <= PEM_MAX_BODY) {
      stop = end.end;
    } else {
      // No END in reach: take what still looks like key material (base64 lines, PEM headers).
      PEM_ESCAPED_BODY.lastIndex = bodyStart;
      PEM_ESCAPED_BODY.exec(text);
      let p = PEM_ESCAPED_BODY.lastIndex;
      stop = p;
      while (p < text.length && (text[p] === '\n' || text[p] === '\r')) {
        const lineStart = text[p] === '\r' && text[p + 1] === '\n' ? p + 2 : p + 1;
        // PEM lines are short; a long line is log text, and bounding the look keeps this linear.
        const chunk = text.slice(lineStart, lineStart + 4096);
        const nl = chunk.indexOf('\n');
        if (nl === -1 && lineStart + chunk.length < text.length) break;
        const lineEnd = nl === -1 ? text.length : lineStart + nl;
        const line = text.slice(lineStart, lineEnd).replace(/\r$/, '');
        if (line.trim() === '') {
          p = lineEnd;
          continue;
        }
        if (!PEM_LINE.test(line)) break;
        stop = lineStart + line.length;
        p = lineEnd;
      }
    }
    out.push({ start: m.index, end: stop, kind: 'private-key', prio: PRIO_SHAPE + 1 });
    from = Math.max(stop, m.index + 1);
  }
}

/** `Authorization: Bearer x`, `Authorization: Basic x` and bare `Bearer <token>`. */
function collectAuthorization(text: string, out: Span[]): void {
  const header =
    /\bauthorization["']?[ \t]*[:=][ \t]*["']?(?:(?:bearer|basic|token|bot|digest|negotiate|ntlm|aws4-hmac-sha256)[ \t]+)?/gi;
  const rest = /[^\r\n"']{0,4096}/y;
  for (let m = header.exec(text); m; m = header.exec(text)) {
    const start = m.index + m[0].length;
    rest.lastIndex = start;
    rest.exec(text);
    let end = rest.lastIndex;
    // Resume after the value, so a line of repeated headers is scanned once, not once per header.
    header.lastIndex = Math.max(end, start + 1);
    while (end > start && /[ \t,;)}\]]/.test(text[end - 1]!)) end--;
    if (plausibleValue(text.slice(start, end), false)) {
      out.push({ start, end, kind: 'authorization', prio: PRIO_CONTEXT });
    }
  }
  for (const m of text.matchAll(/\bbearer[ \t]+([A-Za-z0-9._~+/-]{8,}=*)/gi)) {
    const tok = m[1]!;
    // Prose ("Bearer authentication required") has no digits or punctuation and is short.
    if (!/[^A-Za-z]/.test(tok) && tok.length < 20) continue;
    const start = m.index + m[0].length - tok.length;
    out.push({ start, end: start + tok.length, kind: 'authorization', prio: PRIO_CONTEXT });
  }
}

/** `scheme://user:pass@host` → the password; a long token-looking user with no password too. */
function collectUrlPasswords(text: string, out: Span[]): void {
  let idx = text.indexOf('://');
  while (idx !== -1) {
    let s = idx;
    while (s > 0 && idx - s < 32 && /[A-Za-z0-9+.-]/.test(text[s - 1]!)) s--;
    const schemeOk = s < idx && /[A-Za-z]/.test(text[s]!);
    const authStart = idx + 3;
    let a = authStart;
    while (a < text.length && a - authStart <= 2048 && !/[\s/?#"'<>`\\]/.test(text[a]!)) a++;
    const authority = text.slice(authStart, a);
    const at = authority.lastIndexOf('@');
    if (schemeOk && at > 0) {
      const userinfo = authority.slice(0, at);
      const colon = userinfo.indexOf(':');
      if (colon !== -1) {
        const pw = userinfo.slice(colon + 1);
        if (pw !== '' && plausibleValue(pw, true)) {
          const start = authStart + colon + 1;
          out.push({ start, end: start + pw.length, kind: 'url-password', prio: PRIO_CONTEXT });
        }
      } else if (userinfo.length >= 20 && /\d/.test(userinfo) && /[A-Za-z]/.test(userinfo)) {
        out.push({ start: authStart, end: authStart + at, kind: 'url-password', prio: PRIO_CONTEXT });
      }
    }
    idx = text.indexOf('://', idx + 3);
  }
}

/** `machine h login u password p` (one line) and a bare `password p` line, as in ~/.netrc. */
function collectNetrc(text: string, out: Span[]): void {
  const res = [
    /\bmachine[ \t]+\S+[ \t]+login[ \t]+\S+[ \t]+password[ \t]+(\S+)/dg,
    /^[ \t]*password[ \t]+(\S+)[ \t]*\r?$/dgm,
  ];
  for (const re of res) {
    for (const m of text.matchAll(re)) {
      const [start, end] = m.indices![1]!;
      if (plausibleValue(m[1]!, true)) out.push({ start, end, kind: 'netrc-password', prio: PRIO_CONTEXT });
    }
  }
}

/** A 40-hex W&B key only counts with `wandb` on its own or the previous line, so git SHAs survive. */
function collectWandbHex(text: string, out: Span[]): void {
  for (const m of text.matchAll(/(?<![0-9A-Fa-f])[0-9a-f]{40}(?![0-9A-Fa-f])/g)) {
    // Windows are bounded so a megabyte line full of hashes stays linear.
    const winStart = Math.max(0, m.index - 300);
    const before = text.slice(winStart, m.index);
    const nl = before.lastIndexOf('\n');
    const from = nl === -1 ? 0 : before.lastIndexOf('\n', nl - 1) + 1;
    const after = text.slice(m.index + 40, m.index + 340);
    const nlAfter = after.indexOf('\n');
    const ctx = (before.slice(from) + (nlAfter === -1 ? after : after.slice(0, nlAfter))).toLowerCase();
    if (ctx.includes('wandb') || ctx.includes('weightsandbiases')) {
      out.push({ start: m.index, end: m.index + 40, kind: 'wandb', prio: PRIO_CONTEXT });
    }
  }
}

// Name parts that make a secret-looking name harmless: lengths, counts, ids, tokenizer specials,
// places where a secret lives (a path is not the secret) and metric words (`pass_at_1`).
const HARMLESS_PARTS = new Set([
  'id', 'ids', 'len', 'length', 'lengths', 'count', 'counts', 'num', 'number', 'max', 'min',
  'total', 'size', 'limit', 'limits', 'type', 'types', 'pad', 'padding', 'eos', 'bos', 'unk',
  'sep', 'cls', 'mask', 'special', 'per', 'rate', 'ratio', 'budget', 'dim', 'index', 'idx',
  'pos', 'position', 'prob', 'probs', 'logits', 'emb', 'embedding', 'embeddings', 'file', 'path',
  'dir', 'url', 'uri', 'endpoint', 'host', 'env', 'name', 'names', 'mode', 'method', 'enabled',
  'enable', 'disable', 'disabled', 'required', 'expiry', 'expires', 'expiration', 'ttl', 'timeout',
  'field', 'header', 'prefix', 'kind', 'format', 'policy', 'strategy', 'level', 'loss', 'acc',
  'accuracy', 'score', 'at', 'k', 'parallelism', 'usage', 'used', 'cache', 'provider', 'helper',
  'store', 'source', 'sec', 'second', 'seconds', 'valid', 'check', 'sock', 'socket',
]);
const KEY_PAIRS = new Set(['api', 'access', 'private', 'secret', 'wandb', 'signing', 'encryption']);

function nameParts(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((p) => p !== '');
}

/** The kind for a secret-looking key name, or null when the name is harmless. */
export function secretNameKind(name: string): SecretKind | null {
  const parts = nameParts(name);
  if (parts.length === 0 || parts.some((p) => HARMLESS_PARTS.has(p))) return null;
  const lower = parts.join('_');
  const strong = /pass(?:word|wd|phrase)|secret|credential/.test(lower);
  const tokenish = parts.some((p) => p === 'token' || (p.endsWith('token') && p.length > 5));
  const keyish =
    parts.some((p) => /(?:api|access|private|secret)key$/.test(p)) ||
    parts.some((p, i) => p === 'key' && i > 0 && KEY_PAIRS.has(parts[i - 1]!));
  const weak = parts.includes('pass') || parts.includes('auth');
  if (!strong && !tokenish && !keyish && !weak) return null;
  const has = (p: string): boolean => parts.includes(p);
  if (has('secret') && has('access') && has('key')) return 'aws-secret-key';
  if (has('aws') && (strong || keyish)) return 'aws-secret-key';
  if (has('session') && tokenish && (has('aws') || parts.length === 2)) return 'aws-session-token';
  if (has('wandb')) return 'wandb';
  if (has('hf') || has('huggingface') || has('hugging')) return 'huggingface';
  if (has('github') || has('gh')) return 'github';
  if (has('openai')) return 'openai';
  if (has('anthropic')) return 'anthropic';
  if (has('slack')) return 'slack';
  return 'secret-value';
}

const NOT_A_SECRET = new Set([
  'true', 'false', 'none', 'null', 'nil', 'undefined', 'yes', 'no', 'on', 'off', 'y', 'n',
  'not', 'is', 'was', 'are', 'be', 'been', 'the', 'a', 'an', 'of', 'for', 'from', 'to', 'in',
  'at', 'by', 'with', 'and', 'or', 'missing', 'invalid', 'expired', 'required', 'provided',
  'optional', 'empty', 'unset', 'set', 'found', 'error', 'failed', 'ok', 'must', 'should',
  'cannot', 'will', 'please', 'enabled', 'disabled', 'default', 'auto', 'hidden', 'masked',
  'redacted', 'unknown', 'n/a', 'na',
]);

/** False for values that carry no secret: booleans, masks, placeholders, env references, prose. */
function plausibleValue(v: string, strong: boolean): boolean {
  if (v === '' || v.startsWith('[REDACTED')) return false;
  if (NOT_A_SECRET.has(v.toLowerCase())) return false;
  if (/^[*xX•.#_-]+$/.test(v)) return false;
  if (/^\$\{[A-Za-z_][A-Za-z0-9_]*\}$|^\$[A-Z_][A-Z0-9_]*$/.test(v)) return false;
  if (/^<[^<>]*>$|^\{\{.*\}\}$|^%\(\w+\)s$|^\{\w*\}$/.test(v)) return false;
  if (!strong && /^[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?$/.test(v)) return false;
  return true;
}

const CLOSER_OF: Record<string, string> = { ')': '(', '}': '{', ']': '[' };

/** Finds the value that starts at `pos`: a quoted string (contents only) or one unquoted word. */
function valueAt(text: string, pos: number, query: boolean): { start: number; end: number } | null {
  const q = text[pos];
  // A nested object or list: its own keys are matched one by one.
  if (q === '{' || q === '[' || q === '(') return null;
  const limit = Math.min(text.length, pos + 4096);
  if (q === '"' || q === "'" || q === '`') {
    let j = pos + 1;
    while (j < limit && text[j] !== q && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
    if (j < limit && text[j] === q) return { start: pos + 1, end: j };
  }
  let j = pos;
  while (j < limit && !/\s/.test(text[j]!) && !(query && text[j] === '&')) j++;
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
  return j > pos ? { start: pos, end: j } : null;
}

/** `NAME=value`, `NAME: value`, `"name": "value"`, `export NAME="value"`, `--flag value`. */
function collectAssignments(text: string, out: Span[]): void {
  const assign = /(?<![A-Za-z0-9_])(["']?)([A-Za-z_][A-Za-z0-9_.-]{0,63})\1\]?[ \t]*(?::=|=>|=|:)[ \t]*/g;
  const flag = /(?<![A-Za-z0-9_-])--([A-Za-z][A-Za-z0-9_-]{0,63})[ \t]+(?=[^\s-])/g;
  // Returns where scanning may resume: past a parsed value, so `password=password=…` stays linear.
  const handle = (name: string, at: number, valuePos: number): number => {
    const kind = secretNameKind(name);
    if (!kind) return valuePos;
    const query = at > 0 && (text[at - 1] === '?' || text[at - 1] === '&');
    const v = valueAt(text, valuePos, query);
    if (!v) return valuePos;
    const strong = /pass(?:word|wd|phrase)|secret|credential/i.test(name);
    if (plausibleValue(text.slice(v.start, v.end), strong)) {
      out.push({ start: v.start, end: v.end, kind, prio: PRIO_GENERIC });
    }
    return v.end;
  };
  for (let m = assign.exec(text); m; m = assign.exec(text)) {
    const valuePos = m.index + m[0].length;
    // A URL scheme (`https:`) is not a key; its userinfo is handled by collectUrlPasswords.
    if (text.startsWith('//', valuePos)) continue;
    assign.lastIndex = Math.max(handle(m[2]!, m.index + m[1]!.length, valuePos), m.index + 1);
  }
  for (let m = flag.exec(text); m; m = flag.exec(text)) {
    flag.lastIndex = Math.max(handle(m[1]!, m.index + 2, m.index + m[0].length), m.index + 1);
  }
}

function collectExtraValues(text: string, values: readonly string[], out: Span[]): void {
  const seen = new Set<string>();
  for (const v of values) {
    if (typeof v !== 'string' || v.length < 8 || seen.has(v)) continue;
    seen.add(v);
    let i = text.indexOf(v);
    while (i !== -1) {
      out.push({ start: i, end: i + v.length, kind: 'extra-value', prio: PRIO_GENERIC });
      i = text.indexOf(v, i + v.length);
    }
  }
}

/** Replaces every secret found in `text` with `[REDACTED:<kind>]`, keeping key names, users and hosts. */
export function redactSecrets(text: string, opts?: RedactOptions): RedactionResult {
  if (typeof text !== 'string' || text === '') return { text: typeof text === 'string' ? text : '', count: 0, kinds: {} };
  const spans: Span[] = [];
  collectPrivateKeys(text, spans);
  collectShapes(text, spans);
  collectAuthorization(text, spans);
  collectUrlPasswords(text, spans);
  collectNetrc(text, spans);
  collectWandbHex(text, spans);
  collectAssignments(text, spans);
  if (Array.isArray(opts?.extraValues)) collectExtraValues(text, opts.extraValues, spans);
  if (spans.length === 0) return { text, count: 0, kinds: {} };

  spans.sort((a, b) => a.start - b.start || b.prio - a.prio || b.end - a.end);
  const merged: Span[] = [];
  for (const s of spans) {
    if (s.end <= s.start) continue;
    const last = merged[merged.length - 1];
    if (last && s.start < last.end) {
      // Union, so a partial overlap can never leave a tail of a secret behind.
      if (s.end > last.end) last.end = s.end;
      if (s.prio > last.prio) {
        last.kind = s.kind;
        last.prio = s.prio;
      }
    } else {
      merged.push({ ...s });
    }
  }
  let outText = '';
  let pos = 0;
  const kinds: Record<string, number> = {};
  for (const s of merged) {
    outText += `${text.slice(pos, s.start)}[REDACTED:${s.kind}]`;
    pos = s.end;
    kinds[s.kind] = (kinds[s.kind] ?? 0) + 1;
  }
  outText += text.slice(pos);
  return { text: outText, count: merged.length, kinds };
}
