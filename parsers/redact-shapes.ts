/**
 * Self-identifying tokens: formats whose prefix says what they are, so they are removed wherever
 * they appear, whatever surrounds them. Prefixes and lengths follow gitleaks' and secretlint's
 * rules; lengths are open-ended on purpose, so a token longer than today's format still goes.
 */
import type { SecretKind } from './redact.js';

export interface ShapeRule {
  kind: SecretKind;
  /** Literals a token contains; each occurrence is found with `indexOf` (fast on megabytes). */
  at: readonly string[];
  /** How far before the literal the token starts (0: it starts with the literal). */
  back?: number;
  /** The whole token, matched from where it starts (sticky). */
  re: RegExp;
  /** Characters that may not precede the token (default: token characters). */
  before?: RegExp;
}

const TOKEN_CHAR = /[A-Za-z0-9_-]/;
const rule = (kind: SecretKind, at: string[], re: string, extra: Partial<ShapeRule> = {}): ShapeRule => ({
  kind,
  at,
  re: new RegExp(re, 'y'),
  ...extra,
});

/** Every rule: its literal prefixes, its pattern, and what may not precede it (`xsk-…` is no key). */
export const SHAPE_RULES: readonly ShapeRule[] = [
  rule('anthropic', ['sk-ant-'], 'sk-ant-[A-Za-z0-9_-]{20,}'),
  // OpenAI and every `sk-` key modelled on it (OpenRouter, DeepSeek, Moonshot…).
  rule('openai', ['sk-'], 'sk-(?!ant-)[A-Za-z0-9_-]{20,}'),
  rule(
    'stripe',
    ['sk_live_', 'sk_test_', 'rk_live_', 'rk_test_', 'pk_live_', 'pk_test_'],
    '[srp]k_(?:live|test)_[A-Za-z0-9]{16,}',
  ),
  rule('stripe', ['whsec_'], 'whsec_[A-Za-z0-9]{24,}'),
  rule('huggingface', ['hf_', 'api_org_'], '(?:hf_|api_org_)[A-Za-z0-9]{30,}'),
  rule('github', ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'], 'gh[pousr]_[A-Za-z0-9]{30,}'),
  rule('github', ['github_pat_'], 'github_pat_[A-Za-z0-9_]{30,}'),
  rule('gitlab', ['gl'], 'gl(?:pat|dt|ptt|rt|oas|cbt|ft|imt|agent|soat)-[A-Za-z0-9_-]{20,}'),
  rule('wandb', ['wandb_v1_'], 'wandb_v1_[A-Za-z0-9_]{20,}'),
  rule('slack', ['xox'], 'xox[abeoprs]-[A-Za-z0-9-]{10,}'),
  rule('slack', ['xapp-'], 'xapp-\\d-[A-Za-z0-9-]{10,}'),
  rule('google', ['AIza'], 'AIza[A-Za-z0-9_-]{30,}'),
  rule('google', ['ya29.'], 'ya29\\.[A-Za-z0-9_-]{20,}'),
  rule('google', ['GOCSPX-'], 'GOCSPX-[A-Za-z0-9_-]{20,}'),
  rule('google', ['1//0'], '1//0[A-Za-z0-9_-]{40,}', { before: /[A-Za-z0-9_/-]/ }),
  rule(
    'aws-access-key-id',
    ['AKIA', 'ASIA', 'ABIA', 'ACCA', 'A3T'],
    '(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}(?![A-Za-z0-9])',
    {
      before: /[A-Za-z0-9]/,
    },
  ),
  rule('aws-access-key-id', ['LTAI'], 'LTAI[A-Za-z0-9]{20}(?![A-Za-z0-9])', { before: /[A-Za-z0-9]/ }),
  rule('npm', ['npm_'], 'npm_[A-Za-z0-9]{36,}'),
  rule('pypi', ['pypi-AgE'], 'pypi-AgE[A-Za-z0-9_-]{40,}'),
  rule('databricks', ['dapi'], 'dapi[a-f0-9]{32}(?:-\\d+)?(?![A-Za-z0-9])'),
  rule('digitalocean', ['dop_v1_', 'doo_v1_', 'dor_v1_'], 'do[opr]_v1_[a-f0-9]{64}'),
  rule('sendgrid', ['SG.'], 'SG\\.[A-Za-z0-9_-]{16,32}\\.[A-Za-z0-9_-]{16,64}'),
  rule('mailgun', ['key-'], 'key-[a-f0-9]{32}(?![A-Za-z0-9])'),
  rule('twilio', ['SK'], 'SK[a-f0-9]{32}(?![A-Za-z0-9])'),
  // One prefix each, all documented by their vendors as secret: Replicate, Groq, Tavily, LangSmith,
  // Perplexity, xAI, Fireworks, Pinecone, Notion, Linear, Figma, Postman, Shopify, Vault, Doppler,
  // Pulumi, Grafana, New Relic, age, Atlassian, Tailscale, Docker Hub, Heroku, Fly.io, Cloudflare.
  rule('api-token', ['r8_'], 'r8_[A-Za-z0-9]{30,}'),
  rule('api-token', ['gsk_'], 'gsk_[A-Za-z0-9]{40,}'),
  rule('api-token', ['tvly-'], 'tvly-[A-Za-z0-9-]{20,}'),
  rule('api-token', ['lsv2_'], 'lsv2_(?:pt|sk)_[A-Za-z0-9_]{30,}'),
  rule('api-token', ['pplx-'], 'pplx-[A-Za-z0-9]{40,}'),
  rule('api-token', ['xai-'], 'xai-[A-Za-z0-9]{40,}'),
  rule('api-token', ['fw_'], 'fw_[A-Za-z0-9]{20,}'),
  rule('api-token', ['pcsk_'], 'pcsk_[A-Za-z0-9_]{40,}'),
  rule('api-token', ['secret_', 'ntn_'], '(?:secret|ntn)_[A-Za-z0-9]{40,}'),
  rule('api-token', ['lin_api_'], 'lin_api_[A-Za-z0-9]{30,}'),
  rule('api-token', ['figd_'], 'figd_[A-Za-z0-9_-]{30,}'),
  rule('api-token', ['PMAK-'], 'PMAK-[a-f0-9]{24}-[a-f0-9]{30,}'),
  rule('api-token', ['shpat_', 'shpca_', 'shppa_', 'shpss_'], 'shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}'),
  rule('api-token', ['hvs.', 'hvb.', 'hvr.'], 'hv[sbr]\\.[A-Za-z0-9_-]{20,}'),
  rule('api-token', ['dp.'], 'dp\\.(?:pt|st|ct|sa|scim)\\.[A-Za-z0-9]{30,}'),
  rule('api-token', ['pul-'], 'pul-[a-f0-9]{40}'),
  rule('api-token', ['glc_', 'glsa_'], 'gl(?:c|sa)_[A-Za-z0-9_+/=-]{30,}'),
  rule('api-token', ['NRAK-'], 'NRAK-[A-Z0-9]{27}'),
  rule('api-token', ['AGE-SECRET-KEY-1'], 'AGE-SECRET-KEY-1[A-Z0-9]{50,}'),
  rule('api-token', ['ATATT3'], 'ATATT3[A-Za-z0-9_=-]{40,}'),
  rule('api-token', ['tskey-'], 'tskey-[a-z]+-[A-Za-z0-9-]{20,}'),
  rule('api-token', ['dckr_pat_'], 'dckr_pat_[A-Za-z0-9_-]{20,}'),
  rule('api-token', ['HRKU-AA'], 'HRKU-AA[A-Za-z0-9_-]{50,}'),
  rule('api-token', ['fo1_'], 'fo1_[A-Za-z0-9_-]{40,}'),
  rule('api-token', ['cfk_', 'cfut_', 'cfat_'], 'cf(?:k|ut|at)_[A-Za-z0-9]{40,}'),
  // Microsoft Entra ID (Azure AD) client secrets: three characters, a digit, `Q~`, then the rest.
  rule('api-token', ['Q~'], '[A-Za-z0-9_~.]{3}\\dQ~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])', {
    back: 4,
    before: /[A-Za-z0-9_~.-]/,
  }),
  rule('jwt', ['eyJ'], 'eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]*'),
];

const pairKey = (text: string, i: number): number => text.charCodeAt(i) * 65536 + (text.charCodeAt(i + 1) || 0);

// Rules by the first two characters of their literals. Entra secrets have theirs in the middle.
const BY_PAIR = new Map<number, ShapeRule[]>();
const FIRST = new Uint8Array(65536);
const MIDDLE: ShapeRule[] = [];
for (const r of SHAPE_RULES) {
  if (r.back) {
    MIDDLE.push(r);
    continue;
  }
  for (const lit of r.at) {
    const key = pairKey(lit, 0);
    FIRST[lit.charCodeAt(0)] = 1;
    const list = BY_PAIR.get(key) ?? [];
    if (!list.includes(r)) list.push(r);
    BY_PAIR.set(key, list);
  }
}

function tryRule(text: string, r: ShapeRule, start: number, out: Shape[]): number {
  if (start < 0 || (start > 0 && (r.before ?? TOKEN_CHAR).test(text[start - 1]!))) return 0;
  r.re.lastIndex = start;
  const m = r.re.exec(text);
  if (!m) return 0;
  out.push({ start, end: start + m[0].length, kind: r.kind });
  return m[0].length;
}

type Shape = { start: number; end: number; kind: SecretKind };

/**
 * Every self-identifying token in `text`, as ranges with their kind (possibly overlapping). One
 * pass looks only where a word starts and only at rules whose prefix begins with its first two
 * characters: sixty regexes or `indexOf`s over a megabyte of UTF-16 text would cost ten times more.
 */
export function findShapes(text: string): Shape[] {
  const out: Shape[] = [];
  const n = text.length;
  let prevAlnum = false;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    const lower = c | 32;
    const alnum = (c >= 48 && c <= 57) || (lower >= 97 && lower <= 122);
    if (alnum && !prevAlnum && FIRST[c] === 1) {
      const rules = BY_PAIR.get(c * 65536 + (text.charCodeAt(i + 1) || 0));
      if (rules) {
        let skip = 0;
        for (const r of rules) skip = Math.max(skip, tryRule(text, r, i, out));
        if (skip > 1) {
          i += skip - 1;
          prevAlnum = true;
          continue;
        }
      }
    }
    prevAlnum = alnum;
  }
  for (const r of MIDDLE) {
    for (const lit of r.at) {
      for (let i = text.indexOf(lit); i !== -1; i = text.indexOf(lit, i + 1)) tryRule(text, r, i - (r.back ?? 0), out);
    }
  }
  return out;
}

/**
 * URLs whose path holds the credential: the host and the route (`keep`) stay readable, the rest of
 * the path goes. Checked for each URL the URL scan finds, so they cost nothing on text without URLs.
 */
export const URL_PATH_RULES: readonly { kind: SecretKind; host: RegExp; keep: RegExp; secret: RegExp }[] = [
  {
    kind: 'slack-webhook',
    host: /^hooks\.slack\.com$/,
    keep: /\/(?:services|workflows|triggers)\//y,
    secret: /[A-Za-z0-9_/+-]{8,}/y,
  },
  {
    kind: 'discord-webhook',
    host: /^(?:\w+\.)?discord(?:app)?\.com$/,
    keep: /\/api\/webhooks\//y,
    secret: /\d+\/[A-Za-z0-9_-]{20,}/y,
  },
  // Microsoft Teams incoming webhooks (`outlook.office.com/webhook/…`, `<tenant>.webhook.office.com/webhookb2/…`).
  { kind: 'webhook', host: /\.office\.com$/, keep: /\/webhook[a-z0-9]*\//y, secret: /[A-Za-z0-9@_/+-]{20,}/y },
  // A private conda channel: `conda.anaconda.org/t/<token>/…`.
  { kind: 'api-token', host: /(?:^|\.)anaconda\.org$/, keep: /\/t\//y, secret: /[A-Za-z0-9-]{20,}/y },
];

/** The secret part of a URL's path, given where its host starts and ends; null when there is none. */
export function urlPathSecret(
  text: string,
  hostStart: number,
  hostEnd: number,
): { start: number; end: number; kind: SecretKind } | null {
  const host = text.slice(hostStart, hostEnd).toLowerCase();
  for (const r of URL_PATH_RULES) {
    if (!r.host.test(host)) continue;
    r.keep.lastIndex = hostEnd;
    if (!r.keep.exec(text)) continue;
    r.secret.lastIndex = r.keep.lastIndex;
    const m = r.secret.exec(text);
    if (m) return { start: r.keep.lastIndex, end: r.keep.lastIndex + m[0].length, kind: r.kind };
  }
  return null;
}

/** Telegram bot tokens `123456789:AA…`, also inside a Bot API URL (`…/bot<token>/sendMessage`). */
export function telegramTokens(text: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  // Found from their `:AA` middle: a pattern starting with digits would be tried at every digit.
  const tail = /:AA[A-Za-z0-9_-]{32,}/g;
  for (let m = tail.exec(text); m; m = tail.exec(text)) {
    let s = m.index;
    while (s > 0 && m.index - s < 10 && text.charCodeAt(s - 1) >= 48 && text.charCodeAt(s - 1) <= 57) s--;
    const digits = m.index - s;
    const before = text[s - 1];
    const bot = text.slice(Math.max(0, s - 4), s) === '/bot';
    if (digits >= 8 && (bot || before === undefined || !/[A-Za-z0-9_:-]/.test(before)))
      out.push({ start: s, end: m.index + m[0].length });
  }
  return out;
}
