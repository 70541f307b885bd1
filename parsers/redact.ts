/**
 * Secret redaction for everything that leaves the machine (diagnosis bundles, notifications, MCP
 * results, `hpc-watch redact`).
 *
 * Three kinds of rules, each yielding character ranges of the original text; overlapping ranges
 * are merged and each merged range becomes one `[REDACTED:<kind>]`. Working on ranges (not on
 * already-redacted text) means rules never see each other's markers and a secret is counted once.
 * - structure (redact-names.ts): the value after a credential-like name, in any syntax a log shows;
 * - shape (redact-shapes.ts): self-identifying tokens (`sk-…`, `hf_…`, `AKIA…`, JWTs) anywhere;
 * - context (here): PEM private keys, `Authorization:`/`Bearer`, URL userinfo, .netrc, a 40-hex
 *   W&B key near `wandb`, and caller-supplied exact values (the user's own secret env values).
 *
 * The output keeps every newline of the input, so a redacted log has the same lines as the
 * original: a key block spanning ten lines becomes one marker followed by nine empty lines.
 * Only ASCII whitespace delimits values, so text decoded as latin1 (bytes kept 1:1) works too.
 */
import { collectNamedValues } from './redact-names.js';
import { findShapes, telegramTokens, urlPathSecret } from './redact-shapes.js';

export { classifyName, secretNameKind } from './redact-names.js';

/** Every kind `redactSecrets` can report, for documentation and tests. */
export const SECRET_KINDS = [
  'private-key',
  'huggingface',
  'wandb',
  'aws-access-key-id',
  'aws-secret-key',
  'aws-session-token',
  'azure-storage',
  'github',
  'gitlab',
  'openai',
  'anthropic',
  'stripe',
  'google',
  'slack',
  'slack-webhook',
  'discord-webhook',
  'webhook',
  'npm',
  'pypi',
  'databricks',
  'digitalocean',
  'sendgrid',
  'mailgun',
  'twilio',
  'telegram',
  'api-token',
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
  extraValues?: readonly string[];
}

/** One secret found in a text: `[start, end)` and what it is. */
export interface SecretSpan {
  start: number;
  end: number;
  kind: SecretKind;
}

interface Span extends SecretSpan {
  prio: number;
}

// Higher wins when ranges overlap: a shape match names the secret better than its context does.
const PRIO_SHAPE = 3;
const PRIO_CONTEXT = 2;
const PRIO_GENERIC = 1;

function collectShapes(text: string, out: Span[]): void {
  for (const t of findShapes(text)) out.push({ ...t, prio: PRIO_SHAPE });
  for (const t of telegramTokens(text)) out.push({ ...t, kind: 'telegram', prio: PRIO_SHAPE });
}

const PEM_BEGIN = /-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----/gi;
const PEM_END = /-----END[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----/gi;
const PEM_MAX_BODY = 32_768;
const PEM_ESCAPED_BODY = /(?:[A-Za-z0-9+/=]|\\[nr])*/y;
const PEM_LINE =
  /^[ \t]*(?:[A-Za-z0-9+/]{16,}={0,2}|[A-Za-z0-9+/]*={1,2}|(?:Proc-Type|DEK-Info|Comment|Version|Hash|Charset):.*)[ \t]*$/;

/** Private key blocks, including ones whose END line was cut off by the excerpt. */
function collectPrivateKeys(text: string, out: Span[]): void {
  const ends: { start: number; end: number }[] = [];
  PEM_END.lastIndex = 0;
  for (const m of text.matchAll(PEM_END)) ends.push({ start: m.index, end: m.index + m[0].length });
  let e = 0;
  let from = 0;
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

const NOT_A_TOKEN = new Set(['none', 'null', 'true', 'false', 'undefined', 'required', 'missing', 'invalid', 'failed']);

/** `Authorization: Bearer x`, `Authorization: Basic x` and bare `Bearer <token>`. */
function collectAuthorization(text: string, out: Span[]): void {
  const header =
    /\bauthorization["'\\]{0,2}[ \t]*[:=][ \t]*["'\\]{0,2}(?:(?:bearer|basic|token|bot|digest|negotiate|ntlm|aws4-hmac-sha256)[ \t]+)?/gi;
  const rest = /[^\r\n"'\\]{0,4096}/y;
  for (let m = header.exec(text); m; m = header.exec(text)) {
    const start = m.index + m[0].length;
    rest.lastIndex = start;
    rest.exec(text);
    let end = rest.lastIndex;
    // Resume after the value, so a line of repeated headers is scanned once, not once per header.
    header.lastIndex = Math.max(end, start + 1);
    while (end > start && /[ \t,;)}\]]/.test(text[end - 1]!)) end--;
    const v = text.slice(start, end);
    // Real credentials are long; `f"Bearer {token}"` on a traceback's source line is code.
    const code = /^\{\w*\}$|^\$\{?\w+\}?$|^<[^<>]*>$|^[*xX•.#_-]+$/.test(v);
    if (v.length >= 8 && !NOT_A_TOKEN.has(v.toLowerCase()) && !code && !/^[a-z]+(?: [a-z]+)*$/.test(v)) {
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

const URL_STOP = new Set([' ', '\t', '\n', '\r', '\f', '\v', '/', '?', '#', '"', "'", '<', '>', '`', '\\']);

/**
 * Every `scheme://…`: the password of `user:pass@host`, a long token-looking user with no password,
 * and the path of URLs whose path is the credential (Slack/Discord/Teams webhooks, conda channels).
 */
function collectUrls(text: string, out: Span[]): void {
  let idx = text.indexOf('://');
  while (idx !== -1) {
    let s = idx;
    while (s > 0 && idx - s < 32 && /[A-Za-z0-9+.-]/.test(text[s - 1]!)) s--;
    const schemeOk = s < idx && /[A-Za-z]/.test(text[s]!);
    const authStart = idx + 3;
    let a = authStart;
    while (a < text.length && a - authStart <= 2048 && !URL_STOP.has(text[a]!)) a++;
    const authority = text.slice(authStart, a);
    const at = authority.lastIndexOf('@');
    const inPath = schemeOk ? urlPathSecret(text, authStart + at + 1, a) : null;
    if (inPath) out.push({ ...inPath, prio: PRIO_SHAPE });
    if (schemeOk && at > 0) {
      const userinfo = authority.slice(0, at);
      const colon = userinfo.indexOf(':');
      if (colon !== -1) {
        const pw = userinfo.slice(colon + 1);
        if (pw !== '' && !/^\$\{?\w+\}?$|^\*+$/.test(pw)) {
          const start = authStart + colon + 1;
          out.push({ start, end: start + pw.length, kind: 'url-password', prio: PRIO_CONTEXT });
        }
      } else if (userinfo.length >= 20 && /\d/.test(userinfo) && /[A-Za-z]/.test(userinfo)) {
        // A token as the user part (Sentry DSNs, `https://<token>@github.com`).
        out.push({ start: authStart, end: authStart + at, kind: 'url-password', prio: PRIO_CONTEXT });
      }
    }
    idx = text.indexOf('://', idx + 3);
  }
}

/**
 * Passwords given to a command as short flags: `curl -u user:pass`, `docker login -u u -p pass`
 * (also podman, helm, apptainer/singularity registry logins). Only for those commands: `-u 1000:1000`
 * elsewhere is a uid:gid.
 */
function collectCommandPasswords(text: string, out: Span[]): void {
  const rules: [RegExp, RegExp][] = [
    [/curl|wget/g, /\b(?:curl|wget)\b[^\n]*?[ \t](?:-u|--user)[ =]?[^\s:'"]+:([^\s'"]+)/dy],
    [
      /login/g,
      /\b(?:docker|podman|helm|oras|skopeo|apptainer|singularity|buildah|nerdctl)[ \t]+(?:registry[ \t]+)?login\b[^\n]*?[ \t](?:-p|--password)[ =]([^\s'"]+)/dy,
    ],
  ];
  for (const [word, re] of rules) {
    // Only the lines that name the command are looked at, each once.
    let done = -1;
    for (let w = word.exec(text); w; w = word.exec(text)) {
      const lineStart = text.lastIndexOf('\n', w.index) + 1;
      if (lineStart <= done) continue;
      const nl = text.indexOf('\n', w.index);
      done = nl === -1 ? text.length : nl;
      const line = text.slice(lineStart, done).slice(0, 4096);
      for (
        let p = line.search(/\b(?:curl|wget|docker|podman|helm|oras|skopeo|apptainer|singularity|buildah|nerdctl)\b/);
        p !== -1;
      ) {
        re.lastIndex = p;
        const m = re.exec(line);
        if (m) {
          const [start, end] = m.indices![1]!;
          if (!/^\$\{?\w+\}?$|^\*+$/.test(m[1]!))
            out.push({ start: lineStart + start, end: lineStart + end, kind: 'secret-value', prio: PRIO_CONTEXT });
        }
        const next = line
          .slice(p + 1)
          .search(/\b(?:curl|wget|docker|podman|helm|oras|skopeo|apptainer|singularity|buildah|nerdctl)\b/);
        p = next === -1 ? -1 : p + 1 + next;
      }
      word.lastIndex = done;
    }
  }
}

/** PuTTY key files: `Private-Lines: N` is followed by N lines of key material. */
function collectPuttyKeys(text: string, out: Span[]): void {
  if (!text.includes('Private-Lines:')) return;
  for (const m of text.matchAll(/Private-Lines:[ \t]*(\d{1,3})\r?\n/g)) {
    const start = m.index + m[0].length;
    let end = start;
    let line = start;
    // The count says these lines are key material: take each one's base64 run, whatever follows it.
    for (let n = Number(m[1]); n > 0 && line < text.length; n--) {
      const run = /[ \t]*[A-Za-z0-9+/=]+/y;
      run.lastIndex = line;
      if (!run.exec(text)) break;
      end = run.lastIndex;
      const nl = text.indexOf('\n', end);
      if (nl === -1) break;
      line = nl + 1;
    }
    if (end > start) out.push({ start, end, kind: 'private-key', prio: PRIO_SHAPE });
  }
}

/** `machine h login u password p` and a bare `password p` line, as in ~/.netrc. */
function collectNetrc(text: string, out: Span[]): void {
  if (!text.includes('password')) return;
  // netrc tokens are separated by any whitespace, so `login` and `password` may be on separate lines.
  const res = [/\blogin[ \t\r\n]+\S+[ \t\r\n]+password[ \t]+(\S+)/dg, /^[ \t]*password[ \t]+(\S+)[ \t]*\r?$/dgm];
  for (const re of res) {
    for (const m of text.matchAll(re)) {
      const [start, end] = m.indices![1]!;
      if (!/^\*+$|^\$\{?\w+\}?$/.test(m[1]!)) out.push({ start, end, kind: 'netrc-password', prio: PRIO_CONTEXT });
    }
  }
}

/**
 * A 40-hex W&B key only counts with `wandb` on its own or the previous line, so git SHAs survive;
 * one right after `commit`/`sha`/`revision` is a SHA even there. Only lines near a `wandb` are
 * scanned, which keeps a megabyte of hex-rich log cheap.
 */
function collectWandbHex(text: string, out: Span[]): void {
  const near = /wandb|weightsandbiases/gi;
  let scannedTo = 0;
  for (let w = near.exec(text); w; w = near.exec(text)) {
    const lineStart = text.lastIndexOf('\n', w.index) + 1;
    const nl = text.indexOf('\n', w.index);
    const nl2 = nl === -1 ? -1 : text.indexOf('\n', nl + 1);
    const from = Math.max(lineStart, scannedTo);
    const to = nl2 === -1 ? text.length : nl2;
    if (from >= to) continue;
    // Only this window: a global regex left to run would scan the rest of the text for each hit.
    const win = text.slice(from, to);
    for (const m of win.matchAll(/(?<![0-9A-Fa-f])[0-9a-f]{40}(?![0-9A-Fa-f])/g)) {
      const at = from + m.index;
      const before = text.slice(Math.max(lineStart, at - 24), at);
      if (/\b(?:commit|sha1?|revision|rev|head|checkout|hash|git)\b[\s:=#@]*$/i.test(before)) continue;
      out.push({ start: at, end: at + 40, kind: 'wandb', prio: PRIO_CONTEXT });
    }
    scannedTo = to;
    near.lastIndex = Math.max(near.lastIndex, nl === -1 ? text.length : nl);
  }
}

function collectExtraValues(text: string, values: readonly unknown[], out: Span[]): void {
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

/** Every secret in `text`, merged into sorted, disjoint spans. */
export function findSecrets(text: string, opts?: RedactOptions): SecretSpan[] {
  if (typeof text !== 'string' || text === '') return [];
  const spans: Span[] = [];
  collectPrivateKeys(text, spans);
  collectShapes(text, spans);
  collectAuthorization(text, spans);
  collectUrls(text, spans);
  collectNetrc(text, spans);
  collectCommandPasswords(text, spans);
  collectPuttyKeys(text, spans);
  collectWandbHex(text, spans);
  const named: SecretSpan[] = [];
  collectNamedValues(text, named);
  for (const n of named) spans.push({ ...n, prio: PRIO_GENERIC });
  if (Array.isArray(opts?.extraValues)) collectExtraValues(text, opts.extraValues, spans);
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
  return merged.map(({ start, end, kind }) => ({ start, end, kind }));
}

/**
 * `text` from `from` on, with every span replaced by `[REDACTED:<kind>]`. A span that starts before
 * `from` (a key block begun in an earlier chunk) has its remaining part replaced. Every newline a
 * span covers is kept, so line numbers stay valid.
 */
export function applyRedactions(text: string, spans: readonly SecretSpan[], from = 0): RedactionResult {
  const parts: string[] = [];
  let pos = from;
  let count = 0;
  const kinds: Record<string, number> = {};
  for (const s of spans) {
    if (s.end <= from) continue;
    const start = Math.max(s.start, from);
    parts.push(text.slice(pos, start), `[REDACTED:${s.kind}]`);
    // Within the span only: indexOf would scan on to the next newline, once per span of a long line.
    for (let i = start; i < s.end; i++) if (text.charCodeAt(i) === 10) parts.push('\n');
    pos = s.end;
    count++;
    kinds[s.kind] = (kinds[s.kind] ?? 0) + 1;
  }
  if (count === 0) return { text: from === 0 ? text : text.slice(from), count: 0, kinds };
  parts.push(text.slice(pos));
  return { text: parts.join(''), count, kinds };
}

/** Replaces every secret with `[REDACTED:<kind>]`, keeping key names, users, hosts and every newline. */
export function redactSecrets(text: string, opts?: RedactOptions): RedactionResult {
  if (typeof text !== 'string') return { text: '', count: 0, kinds: {} };
  return applyRedactions(text, findSecrets(text, opts));
}
