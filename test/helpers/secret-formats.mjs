// Credential formats relevant to ML jobs on clusters. Each row: a generator recipe (random, never a
// real secret), where it shows up in a log, and either a shape regex or the structural rule that
// catches it. build-formats.mjs checks every regex against its own sample and against NORMAL_LINES,
// and is the ≥ 60-format table of test/parsers-redact-formats.test.ts.
import { AN, B64, DG, HEX, LO, rng, UP, URLSAFE as US } from './secret-corpus.mjs';

let R0 = rng(99);

/** Restarts the generator: the same seed gives the same samples. */
export function reseedFormats(seed) {
  R0 = rng(seed);
}
const pick = (s) => s[Math.floor(R0() * s.length)];
const g = (n, a) => Array.from({ length: n }, () => pick(a)).join('');
const b64 = (s) => Buffer.from(s).toString('base64');
const b64u = (s) => Buffer.from(s).toString('base64url');
const uuid = () => `${g(8, HEX)}-${g(4, HEX)}-4${g(3, HEX)}-a${g(3, HEX)}-${g(12, HEX)}`;
const jwt = (p) => `${b64u('{"alg":"RS256","typ":"JWT"}')}.${b64u(JSON.stringify(p))}.${g(86, US)}`;
const pem = (kind, n = 4) => {
  const body = [`MII${g(61, B64)}`, ...Array.from({ length: n }, () => g(64, B64)), `${g(24, B64)}==`];
  return { body, text: `-----BEGIN ${kind}PRIVATE KEY-----\n${body.join('\n')}\n-----END ${kind}PRIVATE KEY-----` };
};

// Left/right boundaries used by most shape rules.
export const L = '(?<![A-Za-z0-9_-])';
export const R = '(?![A-Za-z0-9_-])';

// s(): {line, secret}; re: shape regex (string) or null when only the structural rule applies.
export const FORMATS = [
  // ---------------- AWS ----------------
  {
    group: 'AWS',
    name: 'AWS access key id',
    recipe: '`AKIA`/`ASIA`/`ABIA`/`ACCA` + 16 of [A-Z2-7]',
    syntax: '`AWS_ACCESS_KEY_ID=…`, `aws_access_key_id = …` (~/.aws/credentials), `X-Amz-Credential=AKIA…%2F…`',
    re: `${L}(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])`,
    src: 'gitleaks aws-access-token',
    s: () => {
      const v = `AKIA${g(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`;
      return { line: `AWS_ACCESS_KEY_ID=${v}`, secret: v };
    },
  },
  {
    group: 'AWS',
    name: 'AWS secret access key',
    recipe: '40 of [A-Za-z0-9/+] (usually contains `/` and `+`)',
    syntax:
      '`AWS_SECRET_ACCESS_KEY=…`, `aws_secret_access_key = …` (INI), `"SecretAccessKey": "…"` (sts JSON), `--aws-secret-access-key …`',
    re: null,
    rule: 'structural: name has secret+access+key / `aws`+secret; value boundary keeps `/ + =`. Context regex (detect-secrets): `(?i)aws.{0,20}?(?:secret\\|key\\|token).{0,20}?[\'"=: ]([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])`',
    src: 'detect-secrets aws.py',
    s: () => {
      const v = `${g(18, AN)}/${g(10, AN)}+${g(10, AN)}`;
      return { line: `"SecretAccessKey": "${v}",`, secret: v };
    },
  },
  {
    group: 'AWS',
    name: 'AWS STS session token',
    recipe: '`IQoJb3JpZ2luX2Vj` + 300–1200 of [A-Za-z0-9+/] (+`=`); older `FwoGZXIvYXdz…`',
    syntax: '`AWS_SESSION_TOKEN=…`, `"SessionToken": "…"`, `X-Amz-Security-Token=` (URL-encoded)',
    re: `${L}(?:IQoJb3JpZ2lu|FwoGZXIvYXdz)[A-Za-z0-9+/%]{100,}={0,2}`,
    src: 'shape of STS tokens (base64 of the token header)',
    s: () => {
      const v = `IQoJb3JpZ2luX2Vj${g(400, B64)}`;
      return { line: `"SessionToken": "${v}"`, secret: v };
    },
  },
  {
    group: 'AWS',
    name: 'S3 presigned URL signature (SigV4)',
    recipe: '`X-Amz-Signature=` + 64 hex',
    syntax: 'download/upload URLs in dataloader and checkpoint logs',
    re: `(?i)[?&]X-Amz-Signature=[0-9a-f]{64}`,
    rule: 'structural: query param `X-Amz-Signature`, `X-Amz-Security-Token`',
    src: 'AWS SigV4',
    s: () => {
      const v = g(64, HEX);
      return {
        line: `GET https://b.s3.amazonaws.com/c.pt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20250601T000000Z&X-Amz-SignedHeaders=host&X-Amz-Signature=${v}`,
        secret: v,
      };
    },
  },
  {
    group: 'AWS',
    name: 'SigV2 / CloudFront signed URL',
    recipe: '`Signature=` + 28 url-encoded base64 (v2) or 150–350 of [A-Za-z0-9~_-] (CloudFront)',
    syntax: '`?AWSAccessKeyId=…&Expires=…&Signature=…`, `?Expires=…&Signature=…&Key-Pair-Id=…`',
    re: null,
    rule: 'structural: query param named `signature`/`sig` (any case) with value ≥16 chars',
    src: 'AWS docs',
    s: () => {
      const v = g(172, `${AN}~_-`);
      return {
        line: `https://d111.cloudfront.net/ds.tar?Expires=1717329600&Signature=${v}&Key-Pair-Id=K2JCJMDEHXQW5F`,
        secret: v,
      };
    },
  },
  {
    group: 'AWS',
    name: 'Amazon Bedrock API key',
    recipe: '`ABSK` + 109–269 of [A-Za-z0-9+/] + `={0,2}`',
    syntax: '`AWS_BEARER_TOKEN_BEDROCK=…`',
    re: `${L}ABSK[A-Za-z0-9+/]{109,}={0,2}`,
    src: 'gitleaks aws-amazon-bedrock-api-key-long-lived',
    s: () => {
      const v = `ABSK${g(130, B64)}`;
      return { line: `AWS_BEARER_TOKEN_BEDROCK=${v}`, secret: v };
    },
  },

  // ---------------- Google ----------------
  {
    group: 'Google',
    name: 'Google API key (GCP, Gemini, Maps)',
    recipe: '`AIza` + 35 of [A-Za-z0-9_-]',
    syntax: '`GOOGLE_API_KEY=…`, `GEMINI_API_KEY=…`, `?key=AIza…` in request URLs',
    re: `${L}AIza[A-Za-z0-9_-]{35,}`,
    src: 'gitleaks gcp-api-key',
    s: () => {
      const v = `AIza${g(35, US)}`;
      return {
        line: `POST https://generativelanguage.googleapis.com/v1beta/models/gemini:generateContent?key=${v}`,
        secret: v,
      };
    },
  },
  {
    group: 'Google',
    name: 'GCP service-account private key (one-line JSON)',
    recipe: '`"private_key": "-----BEGIN PRIVATE KEY-----\\nMII…\\n-----END PRIVATE KEY-----\\n"` (literal `\\n`)',
    syntax: 'service-account JSON printed/dumped on one line; `GOOGLE_CREDENTIALS=`{…}',
    re: `-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----(?:[A-Za-z0-9+/=]|\\\\{1,2}[nr])+`,
    rule: 'PEM rule that accepts `\\n` and `\\\\n` as line breaks',
    src: 'gitleaks private-key',
    s: () => {
      const p = pem('');
      const v = p.text.replaceAll('\n', '\\n');
      return {
        line: `{"type": "service_account", "private_key": "${v}\\n", "client_email": "x@p.iam.gserviceaccount.com"}`,
        secret: p.body[1],
      };
    },
  },
  {
    group: 'Google',
    name: 'GCP service-account private_key_id',
    recipe: '40 hex',
    syntax: '`"private_key_id": "…"` in the same JSON',
    re: null,
    rule: 'structural: `private_key_id` is an explicit secret name (overrides the harmless `id` part)',
    src: 'secretlint gcp rule',
    s: () => {
      const v = g(40, HEX);
      return { line: `{"type": "service_account", "project_id": "p-1", "private_key_id": "${v}"}`, secret: v };
    },
  },
  {
    group: 'Google',
    name: 'Google OAuth client secret',
    recipe: '`GOCSPX-` + 28 of [A-Za-z0-9_-]',
    syntax: '`client_secret.json`, `GOOGLE_CLIENT_SECRET=…`',
    re: `${L}GOCSPX-[A-Za-z0-9_-]{28,}`,
    src: 'public code',
    s: () => {
      const v = `GOCSPX-${g(28, US)}`;
      return {
        line: `{"installed": {"client_id": "1-x.apps.googleusercontent.com", "client_secret": "${v}"}}`,
        secret: v,
      };
    },
  },
  {
    group: 'Google',
    name: 'Google OAuth access token',
    recipe: '`ya29.` + 100–250 of [A-Za-z0-9_-]',
    syntax: '`Authorization: Bearer ya29.…`, `gcloud auth print-access-token` output',
    re: `${L}ya29\\.[A-Za-z0-9_-]{30,}`,
    src: 'Google OAuth',
    s: () => {
      const v = `ya29.${g(150, US)}`;
      return { line: v, secret: v };
    },
  },
  {
    group: 'Google',
    name: 'Google OAuth refresh token',
    recipe: '`1//0` + 40–100 of [A-Za-z0-9_-]',
    syntax: '`"refresh_token": "1//0…"` (application_default_credentials.json)',
    re: `${L}1//0[A-Za-z0-9_-]{40,}`,
    src: 'Google OAuth',
    s: () => {
      const v = `1//0${g(96, US)}`;
      return { line: `gcloud: refresh token 1//0 → ${v}`, secret: v };
    },
  },
  {
    group: 'Google',
    name: 'GCS V4 signed URL',
    recipe: '`X-Goog-Signature=` + 512 hex',
    syntax: 'signed download URLs',
    re: `(?i)[?&]X-Goog-Signature=[0-9a-f]{64,}`,
    rule: 'structural: query param `X-Goog-Signature`',
    src: 'GCS docs',
    s: () => {
      const v = g(512, HEX);
      return {
        line: `https://storage.googleapis.com/b/o?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Expires=900&X-Goog-Signature=${v}`,
        secret: v,
      };
    },
  },

  // ---------------- Azure ----------------
  {
    group: 'Azure',
    name: 'Storage account key in connection string',
    recipe: '`AccountKey=` + 86 of [A-Za-z0-9+/] + `==`',
    syntax: '`DefaultEndpointsProtocol=https;AccountName=…;AccountKey=…;EndpointSuffix=…`',
    re: `(?i)AccountKey=[A-Za-z0-9+/]{20,}={0,2}`,
    rule: 'structural: `;Name=value;` pair, value ends at `;`',
    src: 'detect-secrets azure_storage_key.py',
    s: () => {
      const v = `${g(86, B64)}==`;
      return {
        line: `AZURE_STORAGE_CONNECTION_STRING=DefaultEndpointsProtocol=https;AccountName=ml;AccountKey=${v};EndpointSuffix=core.windows.net`,
        secret: v,
      };
    },
  },
  {
    group: 'Azure',
    name: 'Service Bus / Event Hubs / IoT SharedAccessKey',
    recipe: '`SharedAccessKey=` + 43 of [A-Za-z0-9+/] + `=`',
    syntax: '`Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=Root…;SharedAccessKey=…`',
    re: `(?i)SharedAccessKey=[A-Za-z0-9+/]{20,}={0,2}`,
    rule: 'structural (`SharedAccessKeyName` is harmless: `name` part)',
    src: 'Azure docs',
    s: () => {
      const v = `${g(43, B64)}=`;
      return {
        line: `Endpoint=sb://ml.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=${v}`,
        secret: v,
      };
    },
  },
  {
    group: 'Azure',
    name: 'SAS token signature',
    recipe: '`sig=` + 43 url-encoded base64 + `%3D`, next to `sv=`, `se=`, `sp=`',
    syntax: 'blob URLs `?sv=…&sig=…`, `SharedAccessSignature=sv=…&sig=…`, `AZURE_STORAGE_SAS_TOKEN=`',
    re: `(?i)[?&;]sig=[A-Za-z0-9%+/=_-]{16,}`,
    rule: 'structural: query param `sig`',
    src: 'Azure docs',
    s: () => {
      const v = encodeURIComponent(`${g(43, B64)}=`);
      return { line: `https://ml.blob.core.windows.net/c/f?sv=2022-11-02&se=2025-06-30&sp=r&sig=${v}`, secret: v };
    },
  },
  {
    group: 'Azure',
    name: 'Entra ID (Azure AD) client secret',
    recipe: '3 of [A-Za-z0-9_~.] + digit + `Q~` + 31–34 of [A-Za-z0-9_~.-]',
    syntax: '`AZURE_CLIENT_SECRET=…`, `--client-secret …`',
    re: `(?:^|[\\\\'"\`\\s>=:(,)])[a-zA-Z0-9_~.]{3}\\dQ~[a-zA-Z0-9_~.-]{31,34}(?:$|[\\\\'"\`\\s<),])`,
    src: 'gitleaks azure-ad-client-secret',
    s: () => {
      const v = `${g(3, AN)}8Q~${g(34, AN)}`;
      return { line: `AZURE_CLIENT_SECRET=${v}`, secret: v };
    },
  },
  {
    group: 'Azure',
    name: 'Azure OpenAI / Cognitive Services key',
    recipe: '32 hex (or 84 alnum, new format)',
    syntax: 'header `api-key: …`, `Ocp-Apim-Subscription-Key: …`, `AZURE_OPENAI_API_KEY=…`',
    re: null,
    rule: 'structural: header names `api-key`, `Ocp-Apim-Subscription-Key`; env name',
    src: 'Azure docs',
    s: () => {
      const v = g(32, HEX);
      return { line: `> api-key: ${v}`, secret: v };
    },
  },

  // ---------------- Other cloud / infra ----------------
  {
    group: 'Cloud',
    name: 'Alibaba Cloud AccessKey ID',
    recipe: '`LTAI` + 20 alnum',
    syntax: '`ALIBABA_CLOUD_ACCESS_KEY_ID=…`',
    re: `${L}LTAI[A-Za-z0-9]{20}${R}`,
    src: 'gitleaks alibaba-access-key-id',
    s: () => {
      const v = `LTAI${g(20, AN)}`;
      return { line: `ALIBABA_CLOUD_ACCESS_KEY_ID=${v}`, secret: v };
    },
  },
  {
    group: 'Cloud',
    name: 'DigitalOcean token',
    recipe: '`dop_v1_` / `doo_v1_` / `dor_v1_` + 64 hex',
    syntax: '`DIGITALOCEAN_TOKEN=…`, `doctl auth init -t …`',
    re: `${L}do[opr]_v1_[a-f0-9]{64}${R}`,
    src: 'gitleaks digitalocean-*',
    s: () => {
      const v = `dop_v1_${g(64, HEX)}`;
      return { line: `doctl auth init -t ${v}`, secret: v };
    },
  },
  {
    group: 'Cloud',
    name: 'Cloudflare API token (new)',
    recipe: '`cfut_`/`cfat_`/`cfk_` + 40 alnum + 8 hex',
    syntax: '`CLOUDFLARE_API_TOKEN=…`, R2 upload logs',
    re: `${L}(?:cfk|cfut|cfat)_[A-Za-z0-9]{40}[0-9a-f]{8}${R}`,
    src: 'secretlint 13 cloudflare',
    s: () => {
      const v = `cfut_${g(40, AN)}${g(8, HEX)}`;
      return { line: `CLOUDFLARE_API_TOKEN=${v}`, secret: v };
    },
  },
  {
    group: 'Cloud',
    name: 'Cloudflare legacy token / global key / R2 secret',
    recipe: '40 of [A-Za-z0-9_-] / 37 hex / 64 hex',
    syntax: '`CLOUDFLARE_API_KEY=…`, rclone `secret_access_key = …` for R2',
    re: null,
    rule: 'structural only (no prefix)',
    src: 'gitleaks cloudflare-*',
    s: () => {
      const v = g(64, HEX);
      return { line: `secret_access_key = ${v}`, secret: v };
    },
  },
  {
    group: 'Cloud',
    name: 'Heroku API key v2',
    recipe: '`HRKU-AA` + 58 of [A-Za-z0-9_-]; legacy: UUID under `HEROKU_API_KEY`',
    syntax: '`HEROKU_API_KEY=…`',
    re: `${L}HRKU-AA[A-Za-z0-9_-]{58}${R}`,
    src: 'gitleaks heroku-api-key-v2',
    s: () => {
      const v = `HRKU-AA${g(58, US)}`;
      return { line: `HEROKU_API_KEY=${v}`, secret: v };
    },
  },
  {
    group: 'Cloud',
    name: 'Fly.io token',
    recipe: '`fo1_` + 43 of [\\w-], or `fm2_` + 100+ base64',
    syntax: '`FLY_API_TOKEN=…`',
    re: `${L}(?:fo1_[A-Za-z0-9_-]{43}|fm[12][ar]?_[A-Za-z0-9+/]{100,}={0,3})`,
    src: 'gitleaks flyio-access-token',
    s: () => {
      const v = `fo1_${g(43, US)}`;
      return { line: `FLY_API_TOKEN=${v}`, secret: v };
    },
  },
  {
    group: 'Cloud',
    name: 'HashiCorp Vault token',
    recipe: '`hvs.` + 90–120 of [\\w-] (`hvb.` batch, `hvr.` recovery)',
    syntax: '`VAULT_TOKEN=…`, header `X-Vault-Token: …`',
    re: `${L}hv[sbr]\\.[A-Za-z0-9_-]{90,}`,
    src: 'gitleaks vault-*-token',
    s: () => {
      const v = `hvs.${g(95, US)}`;
      return { line: `VAULT_TOKEN=${v}`, secret: v };
    },
  },
  {
    group: 'Cloud',
    name: 'Terraform Cloud token',
    recipe: '14 alnum + `.atlasv1.` + 60–70 of [A-Za-z0-9_=-]',
    syntax: '`TF_TOKEN_app_terraform_io=…`',
    re: `[A-Za-z0-9]{14}\\.atlasv1\\.[A-Za-z0-9_=-]{60,70}`,
    src: 'gitleaks hashicorp-tf-api-token',
    s: () => {
      const v = `${g(14, LO + DG)}.atlasv1.${g(67, US)}`;
      return { line: `TF_TOKEN_app_terraform_io=${v}`, secret: v };
    },
  },
  {
    group: 'Cloud',
    name: 'Doppler token',
    recipe: '`dp.pt.` + 43 alnum',
    syntax: '`DOPPLER_TOKEN=…`',
    re: `${L}dp\\.pt\\.[A-Za-z0-9]{43}`,
    src: 'gitleaks doppler-api-token',
    s: () => {
      const v = `dp.pt.${g(43, AN)}`;
      return { line: `DOPPLER_TOKEN=${v}`, secret: v };
    },
  },
  {
    group: 'Cloud',
    name: 'Pulumi access token',
    recipe: '`pul-` + 40 hex',
    syntax: '`PULUMI_ACCESS_TOKEN=…`',
    re: `${L}pul-[a-f0-9]{40}${R}`,
    src: 'gitleaks pulumi-api-token',
    s: () => {
      const v = `pul-${g(40, HEX)}`;
      return { line: `PULUMI_ACCESS_TOKEN=${v}`, secret: v };
    },
  },
  {
    group: 'Cloud',
    name: 'Tailscale auth key',
    recipe: '`tskey-` + type + `-` + 8–40 id + `-` + 16–60 secret',
    syntax: '`tailscale up --authkey=…` in node bootstrap logs',
    re: `${L}tskey-[a-z]{2,20}-[0-9A-Za-z_]{8,40}-[0-9A-Za-z_]{16,60}${R}`,
    src: 'secretlint 13 tailscale',
    s: () => {
      const v = `tskey-auth-${g(12, AN)}-${g(32, AN)}`;
      return { line: `+ tailscale up --authkey=${v}`, secret: v };
    },
  },
  {
    group: 'Cloud',
    name: 'Kubernetes / kubeconfig private key (base64 PEM)',
    recipe: '`LS0tLS1CRUdJTi` (base64 of `-----BEGIN`) + base64; decodes to `… PRIVATE KEY`',
    syntax: '`client-key-data: …`, `kubectl get secret -o yaml` `data:` values',
    re: `${L}LS0tLS1CRUdJTi[A-Za-z0-9+/]{20,}={0,2}`,
    rule: 'redact only when the decoded first 60 bytes contain `PRIVATE KEY` (certificates are public)',
    src: 'gitleaks kubernetes-secret-yaml (idea)',
    s: () => {
      const v = b64(`-----BEGIN RSA PRIVATE KEY-----\n${g(64, B64)}\n`);
      return { line: `    client-key-data: ${v}`, secret: v };
    },
  },
  {
    group: 'Cloud',
    name: 'Kubernetes service-account / OIDC token',
    recipe: 'JWT `eyJhbGciOiJSUzI1NiIs…`',
    syntax: '`token: eyJ…` in kubeconfig, `Authorization: Bearer eyJ…`',
    re: `${L}eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]*`,
    src: 'JWT rule',
    s: () => {
      const v = jwt({ iss: 'kubernetes/serviceaccount', sub: 'system:serviceaccount:ml:trainer' });
      return { line: `    token: ${v}`, secret: v };
    },
  },

  // ---------------- AI / ML services ----------------
  {
    group: 'AI/ML',
    name: 'OpenAI API key',
    recipe:
      '`sk-proj-`/`sk-svcacct-`/`sk-admin-` + 74 of [\\w-] + `T3BlbkFJ` + 74 of [\\w-]; legacy `sk-` + 20 + `T3BlbkFJ` + 20',
    syntax: '`OPENAI_API_KEY=…`, `openai.api_key = "…"`, error bodies `Incorrect API key provided: sk-…`',
    re: `${L}sk-(?!ant-)[A-Za-z0-9_-]{20,}`,
    rule: 'open-ended `sk-` rule; needs a digit in the tail so `sk-learn-style-…` prose survives',
    src: 'gitleaks openai-api-key',
    s: () => {
      const v = `sk-proj-${g(74, US)}T3BlbkFJ${g(74, US)}`;
      return { line: `OPENAI_API_KEY=${v}`, secret: v };
    },
  },
  {
    group: 'AI/ML',
    name: 'OpenRouter / DeepSeek / Moonshot keys',
    recipe: '`sk-or-v1-` + 64 hex; `sk-` + 32 hex',
    syntax: '`OPENROUTER_API_KEY=…`, `DEEPSEEK_API_KEY=…`',
    re: `${L}sk-(?!ant-)[A-Za-z0-9_-]{20,}`,
    src: 'same `sk-` rule',
    s: () => {
      const v = `sk-or-v1-${g(64, HEX)}`;
      return { line: `OPENROUTER_API_KEY=${v}`, secret: v };
    },
  },
  {
    group: 'AI/ML',
    name: 'Anthropic API / admin / OAuth key',
    recipe: '`sk-ant-api03-` + 93 of [\\w-] + `AA`; `sk-ant-admin01-…`; `sk-ant-oat01-`/`sk-ant-ort01-` (OAuth)',
    syntax: '`ANTHROPIC_API_KEY=…`, header `x-api-key: …`, `CLAUDE_CODE_OAUTH_TOKEN=…`',
    re: `${L}sk-ant-[a-z]{2,8}\\d{2}-[A-Za-z0-9_-]{20,}`,
    src: 'gitleaks anthropic-*',
    s: () => {
      const v = `sk-ant-api03-${g(93, US)}AA`;
      return { line: `{'x-api-key': '${v}'}`, secret: v };
    },
  },
  {
    group: 'AI/ML',
    name: 'Hugging Face user / org token',
    recipe: '`hf_` + 34 letters (allow digits, 30+); `api_org_` + 34',
    syntax:
      '`HF_TOKEN=…`, `HUGGING_FACE_HUB_TOKEN=…`, `huggingface-cli login --token …`, `https://user:hf_…@huggingface.co/…`',
    re: `${L}(?:hf_|api_org_)[A-Za-z0-9]{30,}`,
    src: 'gitleaks huggingface-*',
    s: () => {
      const v = `hf_${g(34, UP + LO)}`;
      return { line: `+ huggingface-cli login --token ${v}`, secret: v };
    },
  },
  {
    group: 'AI/ML',
    name: 'Weights & Biases key (new)',
    recipe: '`wandb_v1_` + ~77 of [A-Za-z0-9_]',
    syntax: '`WANDB_API_KEY=…`, `wandb.login(key="…")`, `wandb login …`',
    re: `${L}wandb_v1_[A-Za-z0-9_]{20,}`,
    src: 'public code',
    s: () => {
      const v = `wandb_v1_${g(27, AN)}_${g(49, AN)}`;
      return { line: `wandb.login(key="${v}")`, secret: v };
    },
  },
  {
    group: 'AI/ML',
    name: 'Weights & Biases key (legacy)',
    recipe: '40 hex',
    syntax: '`WANDB_API_KEY=…`, `wandb login <key>` (positional), ~/.netrc `machine api.wandb.ai … password <key>`',
    re: null,
    rule: 'structural (name, netrc, `wandb login` positional) + 40-hex with `wandb` on the line; never a bare 40-hex (git SHAs)',
    src: 'redact.ts',
    s: () => {
      const v = g(40, HEX);
      return { line: `+ wandb login ${v}`, secret: v };
    },
  },
  {
    group: 'AI/ML',
    name: 'Comet API key',
    recipe: '25 alnum',
    syntax: '`COMET_API_KEY=…`, `comet_ml.init(api_key=…)`, ~/.comet.config `api_key = …`',
    re: null,
    rule: 'structural only',
    src: 'Comet docs',
    s: () => {
      const v = g(25, AN);
      return { line: `comet_ml.init(api_key="${v}", project_name="llm")`, secret: v };
    },
  },
  {
    group: 'AI/ML',
    name: 'Neptune API token',
    recipe:
      'base64 of `{"api_address":…,"api_url":…,"api_key":"<uuid>"}` → starts `eyJhcGlfYWRkcmVzcyI6`, ~180–250 chars, no dots',
    syntax: '`NEPTUNE_API_TOKEN=…`, `neptune.init_run(api_token=…)`',
    re: `${L}eyJhcGlfYWRkcmVzcyI6[A-Za-z0-9+/]{20,}={0,2}`,
    rule: 'self-identifying prefix; the JWT rule misses it (single segment)',
    src: 'public code',
    s: () => {
      const v = b64(
        JSON.stringify({ api_address: 'https://app.neptune.ai', api_url: 'https://app.neptune.ai', api_key: uuid() }),
      );
      return { line: `neptune.init_run(project="w/p", api_token="${v}")`, secret: v };
    },
  },
  {
    group: 'AI/ML',
    name: 'MLflow tracking credentials',
    recipe: 'any password / token',
    syntax: '`MLFLOW_TRACKING_PASSWORD=…`, `MLFLOW_TRACKING_TOKEN=…`, `MLFLOW_TRACKING_URI=https://u:p@host`',
    re: null,
    rule: 'structural (name; URL userinfo)',
    src: 'MLflow docs',
    s: () => {
      const v = `${g(12, AN)}/${g(6, AN)}+${g(4, AN)}`;
      return { line: `MLFLOW_TRACKING_PASSWORD=${v}`, secret: v };
    },
  },
  {
    group: 'AI/ML',
    name: 'Databricks PAT',
    recipe: '`dapi` + 32 hex (+ `-N`)',
    syntax: '`DATABRICKS_TOKEN=…`, ~/.databrickscfg `token = …`',
    re: `${L}dapi[a-f0-9]{32}(?:-\\d)?${R}`,
    src: 'gitleaks databricks-api-token',
    s: () => {
      const v = `dapi${g(32, HEX)}`;
      return { line: `token = ${v}`, secret: v };
    },
  },
  {
    group: 'AI/ML',
    name: 'Replicate token',
    recipe: '`r8_` + 37 alnum',
    syntax: '`REPLICATE_API_TOKEN=…`',
    re: `${L}r8_[A-Za-z0-9]{30,}`,
    src: 'Replicate docs',
    s: () => {
      const v = `r8_${g(37, AN)}`;
      return { line: `REPLICATE_API_TOKEN=${v}`, secret: v };
    },
  },
  {
    group: 'AI/ML',
    name: 'Groq key',
    recipe: '`gsk_` + 52 alnum',
    syntax: '`GROQ_API_KEY=…`, `Groq(api_key="…")`',
    re: `${L}gsk_[A-Za-z0-9]{40,}`,
    src: 'secretlint groq',
    s: () => {
      const v = `gsk_${g(52, AN)}`;
      return { line: `client = Groq(api_key="${v}")`, secret: v };
    },
  },
  {
    group: 'AI/ML',
    name: 'Together AI key',
    recipe: '`tgp_v1_` + 43 of [A-Za-z0-9_-]; legacy 64 hex under `TOGETHER_API_KEY`',
    syntax: '`TOGETHER_API_KEY=…`, `Together(api_key=…)`',
    re: `${L}tgp_v1_[A-Za-z0-9_-]{40,}`,
    src: 'public code',
    s: () => {
      const v = `tgp_v1_${g(43, US)}`;
      return { line: `Together(api_key="${v}")`, secret: v };
    },
  },
  {
    group: 'AI/ML',
    name: 'Cohere key',
    recipe: '40 alnum',
    syntax: '`CO_API_KEY=…`, `COHERE_API_KEY=…`',
    re: null,
    rule: 'structural only',
    src: 'gitleaks cohere-api-token (keyword-gated)',
    s: () => {
      const v = g(40, AN);
      return { line: `CO_API_KEY=${v}`, secret: v };
    },
  },
  {
    group: 'AI/ML',
    name: 'Mistral key',
    recipe: '32 alnum',
    syntax: '`MISTRAL_API_KEY=…`',
    re: null,
    rule: 'structural only',
    src: 'Mistral docs',
    s: () => {
      const v = g(32, AN);
      return { line: `MISTRAL_API_KEY="${v}"`, secret: v };
    },
  },
  {
    group: 'AI/ML',
    name: 'Pinecone key',
    recipe: '`pcsk_` + 5–6 alnum + `_` + ~60 alnum; legacy UUID',
    syntax: '`PINECONE_API_KEY=…`, `Pinecone(api_key=…)`',
    re: `${L}pcsk_[A-Za-z0-9]{4,8}_[A-Za-z0-9]{40,}`,
    rule: 'shape; legacy UUID only via name (UUID filter must not apply to strong names)',
    src: 'public code',
    s: () => {
      const v = `pcsk_${g(6, AN)}_${g(62, AN)}`;
      return { line: `PINECONE_API_KEY=${v}`, secret: v };
    },
  },
  {
    group: 'AI/ML',
    name: 'Perplexity key',
    recipe: '`pplx-` + 48 alnum',
    syntax: '`PERPLEXITY_API_KEY=…`',
    re: `${L}pplx-[A-Za-z0-9]{40,}`,
    src: 'gitleaks perplexity-api-key',
    s: () => {
      const v = `pplx-${g(48, AN)}`;
      return { line: `PERPLEXITY_API_KEY=${v}`, secret: v };
    },
  },
  {
    group: 'AI/ML',
    name: 'xAI key',
    recipe: '`xai-` + 80 alnum',
    syntax: '`XAI_API_KEY=…`',
    re: `${L}xai-[A-Za-z0-9]{40,}`,
    rule: 'needs 40+ chars: `xai-org/grok`, `xai-grok` are names',
    src: 'public code',
    s: () => {
      const v = `xai-${g(80, AN)}`;
      return { line: `XAI_API_KEY=${v}`, secret: v };
    },
  },
  {
    group: 'AI/ML',
    name: 'LangSmith key',
    recipe: '`lsv2_pt_`/`lsv2_sk_` + 32 hex + `_` + 10 hex',
    syntax: '`LANGSMITH_API_KEY=…`, `LANGCHAIN_API_KEY=…`',
    re: `${L}lsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}${R}`,
    src: 'public code',
    s: () => {
      const v = `lsv2_pt_${g(32, HEX)}_${g(10, HEX)}`;
      return { line: `os.environ["LANGCHAIN_API_KEY"] = "${v}"`, secret: v };
    },
  },
  {
    group: 'AI/ML',
    name: 'NVIDIA API / NGC key',
    recipe: '`nvapi-` + 64 of [A-Za-z0-9_-]; legacy NGC key ~84 base64 chars',
    syntax: "`NVIDIA_API_KEY=…`, `NGC_API_KEY=…`, `docker login nvcr.io -u '$oauthtoken' -p …`",
    re: `${L}nvapi-[A-Za-z0-9_-]{40,}`,
    rule: 'shape; legacy via name and `-p`/`--password` flag (`$oauthtoken` user is literal, not secret)',
    src: 'public code',
    s: () => {
      const v = `nvapi-${g(64, US)}`;
      return { line: `NGC_API_KEY=${v}`, secret: v };
    },
  },
  {
    group: 'AI/ML',
    name: 'Kaggle key',
    recipe: '32 hex',
    syntax: '~/.kaggle/kaggle.json `{"username": "…", "key": "…"}`, `KAGGLE_KEY=…`',
    re: null,
    rule: 'structural: bare `key` with a random-looking value (≥16 chars, letters+digits)',
    src: 'Kaggle API docs',
    s: () => {
      const v = g(32, HEX);
      return { line: `{"username": "alice", "key": "${v}"}`, secret: v };
    },
  },
  {
    group: 'AI/ML',
    name: 'Modal token secret',
    recipe: '`as-` + 22 alnum (id: `ak-` + 22)',
    syntax: '`MODAL_TOKEN_SECRET=…`, `modal token set --token-secret …`',
    re: null,
    rule: 'structural only (`as-` + 22 is too short to match bare)',
    src: 'public code',
    s: () => {
      const v = `as-${g(22, AN)}`;
      return { line: `MODAL_TOKEN_SECRET=${v}`, secret: v };
    },
  },
  {
    group: 'AI/ML',
    name: 'ClearML credentials',
    recipe: 'access key 30 alnum, secret key 50–64 alnum',
    syntax: '`CLEARML_API_SECRET_KEY=…`, clearml.conf `credentials {"access_key": "…", "secret_key": "…"}` (HOCON)',
    re: null,
    rule: 'structural only',
    src: 'ClearML docs',
    s: () => {
      const v = g(50, AN);
      return { line: `api { credentials {"access_key": "${g(30, UP + DG)}", "secret_key": "${v}"} }`, secret: v };
    },
  },
  {
    group: 'AI/ML',
    name: 'Unprefixed vendor keys (ElevenLabs, AssemblyAI, Deepgram, Roboflow, …)',
    recipe: '32–64 hex/alnum',
    syntax: '`<VENDOR>_API_KEY=…`',
    re: null,
    rule: 'structural only: `*_API_KEY` / `*_TOKEN` / `*_SECRET` names',
    src: '—',
    s: () => {
      const v = g(40, HEX);
      return { line: `DEEPGRAM_API_KEY=${v}`, secret: v };
    },
  },

  // ---------------- Code hosting & package registries ----------------
  {
    group: 'Code/registries',
    name: 'GitHub token (classic, OAuth, app, refresh)',
    recipe: '`ghp_`/`gho_`/`ghu_`/`ghs_`/`ghr_` + 36 alnum',
    syntax: '`GITHUB_TOKEN=…`, `GH_TOKEN=…`, `https://x-access-token:ghs_…@github.com/…`',
    re: `${L}gh[pousr]_[A-Za-z0-9]{30,}`,
    src: 'gitleaks github-*',
    s: () => {
      const v = `ghs_${g(36, AN)}`;
      return { line: `+ git clone https://x-access-token:${v}@github.com/acme/x.git`, secret: v };
    },
  },
  {
    group: 'Code/registries',
    name: 'GitHub fine-grained PAT',
    recipe: '`github_pat_` + 22 alnum + `_` + 59 alnum',
    syntax: 'same',
    re: `${L}github_pat_[A-Za-z0-9_]{30,}`,
    src: 'gitleaks github-fine-grained-pat',
    s: () => {
      const v = `github_pat_${g(22, AN)}_${g(59, AN)}`;
      return { line: `GH_TOKEN=${v}`, secret: v };
    },
  },
  {
    group: 'Code/registries',
    name: 'GitLab tokens',
    recipe:
      '`glpat-` + 20 of [\\w-] (routable: 27–300 + `.` + 9); also `gldt-`, `glrt-`, `glptt-`, `glcbt-`, `gloas-`, `glft-`, `glimt-`, `glagent-`, `glsoat-`, `glffct-`',
    syntax: 'header `PRIVATE-TOKEN: …`, `https://oauth2:glpat-…@gitlab…`, `CI_JOB_TOKEN`',
    re: `${L}gl(?:pat|dt|rt|ptt|cbt|oas|ft|imt|agent|soat|ffct)-[A-Za-z0-9_.-]{20,}`,
    src: 'gitleaks gitlab-*',
    s: () => {
      const v = `glpat-${g(20, US)}`;
      return { line: `> PRIVATE-TOKEN: ${v}`, secret: v };
    },
  },
  {
    group: 'Code/registries',
    name: 'Atlassian / Bitbucket token',
    recipe: '`ATATT3` + 186 of [A-Za-z0-9_=-] (Atlassian API token); Bitbucket app password via name',
    syntax: '`BITBUCKET_APP_PASSWORD=…`, `JIRA_API_TOKEN=…`',
    re: `${L}ATATT3[A-Za-z0-9_=-]{100,}`,
    src: 'gitleaks atlassian-api-token',
    s: () => {
      const v = `ATATT3${g(186, US)}`;
      return { line: `JIRA_API_TOKEN=${v}`, secret: v };
    },
  },
  {
    group: 'Code/registries',
    name: 'npm token',
    recipe: '`npm_` + 36 alnum',
    syntax: '.npmrc `//registry.npmjs.org/:_authToken=…`, `NPM_TOKEN=…`; legacy `_auth=<base64>`, `_password=`',
    re: `${L}npm_[A-Za-z0-9]{36,}`,
    src: 'gitleaks npm-access-token',
    s: () => {
      const v = `npm_${g(36, AN)}`;
      return { line: `//registry.npmjs.org/:_authToken=${v}`, secret: v };
    },
  },
  {
    group: 'Code/registries',
    name: 'PyPI upload token',
    recipe: '`pypi-AgEIcHlwaS5vcmc` + 70–200 of [\\w-] (TestPyPI `pypi-AgENdGVzdC5weXBpLm9yZw`)',
    syntax: '`TWINE_PASSWORD=…`, `UV_PUBLISH_TOKEN=…`, ~/.pypirc `password = …`',
    re: `${L}pypi-AgE[A-Za-z0-9_-]{50,}`,
    src: 'gitleaks/detect-secrets pypi',
    s: () => {
      const v = `pypi-AgEIcHlwaS5vcmc${g(150, US)}`;
      return { line: `password = ${v}`, secret: v };
    },
  },
  {
    group: 'Code/registries',
    name: 'Private pip / conda index credentials',
    recipe: 'URL userinfo or `/t/<token>/` path',
    syntax: '`PIP_INDEX_URL=https://user:tok@pypi.corp/simple`, `https://conda.anaconda.org/t/<token>/channel`',
    re: `conda\\.anaconda\\.org/t/[A-Za-z0-9_-]{8,}/`,
    rule: 'URL userinfo rule; anaconda `/t/<token>/` path segment',
    src: 'anaconda.org docs',
    s: () => {
      const v = `${g(2, LO)}-${uuid()}`;
      return { line: `Fetching https://conda.anaconda.org/t/${v}/acme/linux-64/repodata.json`, secret: v };
    },
  },
  {
    group: 'Code/registries',
    name: 'Docker Hub PAT',
    recipe: '`dckr_pat_` + 27 of [\\w-]',
    syntax: '`docker login -u alice -p …`, `DOCKERHUB_TOKEN=…`',
    re: `${L}dckr_pat_[A-Za-z0-9_-]{27,}`,
    src: 'secretlint docker',
    s: () => {
      const v = `dckr_pat_${g(27, US)}`;
      return { line: `+ docker login -u alice -p ${v}`, secret: v };
    },
  },
  {
    group: 'Code/registries',
    name: 'Docker config auths',
    recipe: 'base64 of `user:password`',
    syntax: '~/.docker/config.json `{"auths": {"reg": {"auth": "…"}}}`, also `"identitytoken"`',
    re: null,
    rule: 'structural: JSON key `auth`/`identitytoken`; value decodes to `x:y`',
    src: 'Docker docs',
    s: () => {
      const v = b64(`robot$ci:${g(32, AN)}`);
      return { line: `{"auths": {"ghcr.io": {"auth": "${v}"}}}`, secret: v };
    },
  },
  {
    group: 'Code/registries',
    name: 'JFrog Artifactory key',
    recipe: '`AKCp` + 69 alnum; reference token `cmVmd` + 59',
    syntax: '`ARTIFACTORY_API_KEY=…`, pip.conf index URL',
    re: `${L}(?:AKCp[A-Za-z0-9]{69}|cmVmd[A-Za-z0-9]{59})${R}`,
    src: 'gitleaks artifactory-*',
    s: () => {
      const v = `AKCp${g(69, AN)}`;
      return { line: `ARTIFACTORY_API_KEY=${v}`, secret: v };
    },
  },

  // ---------------- Chat / notifications ----------------
  {
    group: 'Notify',
    name: 'Slack token',
    recipe:
      '`xoxb-` + 10–13 digits + `-` + 10–13 digits + `-` + 24 alnum (also `xoxp-`, `xoxa-`, `xoxr-`, `xoxe.xoxp-`, `xapp-1-…`)',
    syntax: "`SLACK_BOT_TOKEN=…`, `{'token': 'xoxb-…'}`",
    re: `${L}(?:xox[abeoprs]|xoxe\\.xox[bp])-[A-Za-z0-9-]{10,}|${L}xapp-\\d-[A-Za-z0-9-]{10,}`,
    src: 'gitleaks slack-*',
    s: () => {
      const v = `xoxb-${g(12, DG)}-${g(13, DG)}-${g(24, AN)}`;
      return { line: `SLACK_BOT_TOKEN=${v}`, secret: v };
    },
  },
  {
    group: 'Notify',
    name: 'Slack webhook',
    recipe: '`https://hooks.slack.com/services/T` + 8–11 + `/B` + 8–11 + `/` + 24 alnum',
    syntax: 'notifier callbacks, `SLACK_WEBHOOK_URL=…`',
    re: `hooks\\.slack\\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/+-]{8,}`,
    src: 'gitleaks slack-webhook-url',
    s: () => {
      const v = `B${g(10, UP + DG)}/${g(24, AN)}`;
      return { line: `POST https://hooks.slack.com/services/T${g(9, UP + DG)}/${v}`, secret: v };
    },
  },
  {
    group: 'Notify',
    name: 'Discord webhook',
    recipe: '`https://discord.com/api/webhooks/` + 17–20 digits + `/` + 60–68 of [\\w-]',
    syntax: 'Lightning/HF callbacks that post to Discord',
    re: `(?:discord(?:app)?\\.com)/api/webhooks/\\d{17,20}/[A-Za-z0-9_-]{60,}`,
    rule: 'keep host and id, cut the last path segment',
    src: 'Discord docs',
    s: () => {
      const v = g(68, US);
      return { line: `notify: https://discord.com/api/webhooks/1${g(18, DG)}/${v}`, secret: v };
    },
  },
  {
    group: 'Notify',
    name: 'Discord bot token',
    recipe: '[MNO] + 23–25 of [\\w-] + `.` + 6 + `.` + 27–38',
    syntax: '`DISCORD_TOKEN=…`, `Authorization: Bot …`',
    re: `${L}[MNO][A-Za-z0-9_-]{23,25}\\.[A-Za-z0-9_-]{6}\\.[A-Za-z0-9_-]{27,38}${R}`,
    src: 'detect-secrets discord.py',
    s: () => {
      const v = `M${g(25, US)}.${g(6, US)}.${g(38, US)}`;
      return { line: `DISCORD_TOKEN=${v}`, secret: v };
    },
  },
  {
    group: 'Notify',
    name: 'Telegram bot token',
    recipe: '8–10 digits + `:AA` + 33 of [\\w-]',
    syntax: '`https://api.telegram.org/bot<token>/sendMessage` (no boundary after `bot`), `TELEGRAM_BOT_TOKEN=…`',
    re: `(?<![0-9])\\d{8,10}:AA[A-Za-z0-9_-]{33}${R}`,
    rule: 'left boundary on digits only, so `/bot123…:AA…` matches',
    src: 'gitleaks/detect-secrets telegram',
    s: () => {
      const v = `${g(10, DG)}:AA${g(33, US)}`;
      return { line: `POST https://api.telegram.org/bot${v}/sendMessage`, secret: v };
    },
  },
  {
    group: 'Notify',
    name: 'Microsoft Teams webhook',
    recipe:
      '`https://<t>.webhook.office.com/webhookb2/<uuid>@<uuid>/IncomingWebhook/<32>/<uuid>`; Power Automate `…/paths/invoke?…&sig=<43>`',
    syntax: 'notifier callbacks',
    re: `webhook\\.office\\.com/webhookb2/[A-Za-z0-9@/-]{40,}`,
    rule: 'shape; workflow URLs via `sig` param',
    src: 'gitleaks microsoft-teams-webhook',
    s: () => {
      const v = `${uuid()}@${uuid()}/IncomingWebhook/${g(32, HEX)}/${uuid()}`;
      return { line: `https://acme.webhook.office.com/webhookb2/${v}`, secret: v };
    },
  },
  {
    group: 'Notify',
    name: 'Twilio API key / auth token',
    recipe: 'API key `SK` + 32 hex; auth token 32 hex (Account SID `AC` + 32 hex is an id)',
    syntax: '`TWILIO_AUTH_TOKEN=…`, `https://AC…:<token>@api.twilio.com`',
    re: `${L}SK[0-9a-fA-F]{32}${R}`,
    rule: 'shape for `SK…`; auth token structural',
    src: 'gitleaks twilio-api-key',
    s: () => {
      const v = `SK${g(32, HEX)}`;
      return { line: `TWILIO_API_KEY=${v}`, secret: v };
    },
  },
  {
    group: 'Notify',
    name: 'SendGrid key',
    recipe: '`SG.` + 22 of [\\w-] + `.` + 43 of [\\w-]',
    syntax: '`SENDGRID_API_KEY=…`',
    re: `${L}SG\\.[A-Za-z0-9_-]{16,32}\\.[A-Za-z0-9_-]{16,64}${R}`,
    src: 'detect-secrets sendgrid.py',
    s: () => {
      const v = `SG.${g(22, US)}.${g(43, US)}`;
      return { line: `SENDGRID_API_KEY=${v}`, secret: v };
    },
  },
  {
    group: 'Notify',
    name: 'Mailgun key',
    recipe: '`key-` + 32 hex (legacy); new: 32 hex + `-` + 8 hex + `-` + 8 hex',
    syntax: '`MAILGUN_API_KEY=…`, `-u api:key-…`',
    re: `${L}key-[a-f0-9]{32}${R}`,
    src: 'gitleaks mailgun-*',
    s: () => {
      const v = `key-${g(32, HEX)}`;
      return { line: `curl -s --user api:${v} https://api.mailgun.net/v3/x/messages`, secret: v };
    },
  },
  {
    group: 'Notify',
    name: 'Mailchimp key',
    recipe: '32 hex + `-us` + 1–2 digits',
    syntax: '`MAILCHIMP_API_KEY=…`',
    re: `${L}[0-9a-f]{32}-us\\d{1,2}${R}`,
    src: 'detect-secrets mailchimp.py',
    s: () => {
      const v = `${g(32, HEX)}-us21`;
      return { line: `MAILCHIMP_API_KEY=${v}`, secret: v };
    },
  },
  {
    group: 'Notify',
    name: 'SMTP / Gmail app password',
    recipe: '16 letters in 4 groups with spaces (`abcd efgh ijkl mnop`)',
    syntax: '`EMAIL_HOST_PASSWORD=…`, `smtp_password: "…"`',
    re: null,
    rule: 'structural: quoted value may contain spaces for password names',
    src: '—',
    s: () => {
      const v = `${g(4, LO)} ${g(4, LO)} ${g(4, LO)} ${g(4, LO)}`;
      return { line: `smtp_password: "${v}"`, secret: v };
    },
  },

  // ---------------- Payments / SaaS ----------------
  {
    group: 'SaaS',
    name: 'Stripe secret / restricted key',
    recipe: '`sk_live_`/`sk_test_`/`rk_live_`/`rk_test_` + 24–99 alnum',
    syntax: "`STRIPE_API_KEY=…`, `stripe.api_key = '…'`",
    re: `${L}[sr]k_(?:live|test|prod)_[A-Za-z0-9]{10,}`,
    src: 'gitleaks stripe-access-token',
    s: () => {
      const v = `rk_live_${g(24, AN)}`;
      return { line: `stripe.api_key = '${v}'`, secret: v };
    },
  },
  {
    group: 'SaaS',
    name: 'Stripe webhook signing secret',
    recipe: '`whsec_` + 32+ alnum',
    syntax: '`STRIPE_WEBHOOK_SECRET=…`',
    re: `${L}whsec_[A-Za-z0-9]{24,}`,
    rule: 'publishable `pk_live_…` is public by design: do not count it',
    src: 'Stripe docs',
    s: () => {
      const v = `whsec_${g(32, AN)}`;
      return { line: `STRIPE_WEBHOOK_SECRET=${v}`, secret: v };
    },
  },
  {
    group: 'SaaS',
    name: 'Sentry tokens and DSN',
    recipe: '`sntrys_eyJ…` org token, `sntryu_` + 64 hex; DSN `https://<32 hex>@o123.ingest.sentry.io/456`',
    syntax: '`SENTRY_AUTH_TOKEN=…`, `SENTRY_DSN=…`',
    re: `${L}sntry[su]_[A-Za-z0-9+/=_]{40,}`,
    rule: 'shape; DSN via token-as-username URL rule',
    src: 'gitleaks sentry-*',
    s: () => {
      const v = `sntryu_${g(64, HEX)}`;
      return { line: `SENTRY_AUTH_TOKEN=${v}`, secret: v };
    },
  },
  {
    group: 'SaaS',
    name: 'Grafana tokens',
    recipe: '`glc_` + 32–400 base64; `glsa_` + 32 alnum + `_` + 8 hex; legacy `eyJrIjoi…`',
    syntax: '`GRAFANA_TOKEN=…`, Prometheus remote-write config',
    re: `${L}(?:glc_[A-Za-z0-9+/]{32,}={0,2}|glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}|eyJrIjoi[A-Za-z0-9]{70,}={0,2})`,
    src: 'gitleaks grafana-*',
    s: () => {
      const v = `glsa_${g(32, AN)}_${g(8, HEX)}`;
      return { line: `GRAFANA_TOKEN=${v}`, secret: v };
    },
  },
  {
    group: 'SaaS',
    name: 'Datadog / New Relic keys',
    recipe: 'DD 32 hex / 40 hex; New Relic `NRAK-` + 27, `NRII-` + 32, license 40 hex',
    syntax: '`DD_API_KEY=…`, header `DD-API-KEY: …`, `NEW_RELIC_LICENSE_KEY=…`',
    re: `${L}NR(?:AK|II|JS)-[A-Za-z0-9-]{19,32}${R}`,
    rule: 'shape for NR*; the rest structural',
    src: 'gitleaks new-relic-*',
    s: () => {
      const v = `NRAK-${g(27, UP + DG)}`;
      return { line: `NEW_RELIC_API_KEY=${v}`, secret: v };
    },
  },
  {
    group: 'SaaS',
    name: '1Password service-account token',
    recipe: '`ops_eyJ` + 250+ base64',
    syntax: '`OP_SERVICE_ACCOUNT_TOKEN=…`',
    re: `${L}ops_eyJ[A-Za-z0-9+/]{100,}={0,3}`,
    src: 'gitleaks 1password-service-account-token',
    s: () => {
      const v = `ops_eyJ${g(260, B64)}`;
      return { line: `OP_SERVICE_ACCOUNT_TOKEN=${v}`, secret: v };
    },
  },
  {
    group: 'SaaS',
    name: 'age secret key',
    recipe: '`AGE-SECRET-KEY-1` + 58 bech32',
    syntax: 'sops/age key files',
    re: `AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}`,
    src: 'gitleaks age-secret-key',
    s: () => {
      const v = `AGE-SECRET-KEY-1${g(58, 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L')}`;
      return { line: v, secret: v };
    },
  },

  // ---------------- Cluster / job specific ----------------
  {
    group: 'Cluster',
    name: 'Slurm JWT (`scontrol token`)',
    recipe: 'JWT',
    syntax: '`SLURM_JWT=eyJ…` (printed by `scontrol token`), slurmrestd `X-SLURM-USER-TOKEN: …`',
    re: `${L}eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]*`,
    rule: 'JWT rule + header name `X-SLURM-USER-TOKEN`',
    src: 'Slurm docs',
    s: () => {
      const v = jwt({ exp: 1717329600, iat: 1717243200, sun: 'alice' });
      return { line: `SLURM_JWT=${v}`, secret: v };
    },
  },
  {
    group: 'Cluster',
    name: 'Jupyter server token',
    recipe: '48 hex',
    syntax: '`http://gpu012:8888/lab?token=…` printed when Jupyter starts in a job',
    re: null,
    rule: 'structural: query param `token`',
    src: 'Jupyter',
    s: () => {
      const v = g(48, HEX);
      return { line: `    http://gpu012:8888/lab?token=${v}`, secret: v };
    },
  },
  {
    group: 'Cluster',
    name: 'code-server / JupyterHub password & token',
    recipe: '24 hex / 32 hex',
    syntax: '`password: …` (code-server config.yaml), `JUPYTERHUB_API_TOKEN=…`',
    re: null,
    rule: 'structural only',
    src: '—',
    s: () => {
      const v = g(32, HEX);
      return { line: `JUPYTERHUB_API_TOKEN=${v}`, secret: v };
    },
  },
  {
    group: 'Cluster',
    name: 'Ray / Redis password',
    recipe: 'any, often digits (Ray once defaulted to `5241590000000000`)',
    syntax: '`ray start --head --redis-password=…`, `redis://:pw@head:6379`',
    re: null,
    rule: 'structural: numbers ARE secrets after password names',
    src: 'Ray docs',
    s: () => {
      const v = g(16, DG);
      return { line: `+ ray start --head --port=6379 --redis-password=${v}`, secret: v };
    },
  },
  {
    group: 'Cluster',
    name: 'rclone remote config',
    recipe: 'obscured `pass`, `secret_access_key`, `token = {"access_token":…}`',
    syntax: 'rclone.conf dumps, `RCLONE_CONFIG_<REMOTE>_PASS=…`',
    re: null,
    rule: 'structural: `pass` as a whole name part',
    src: 'rclone docs',
    s: () => {
      const v = g(44, US);
      return { line: `RCLONE_CONFIG_S3_PASS=${v}`, secret: v };
    },
  },
  {
    group: 'Cluster',
    name: 'ngrok authtoken',
    recipe: 'digit + 26 alnum + `_` + 21 alnum',
    syntax: '`ngrok config add-authtoken …` (positional), `NGROK_AUTHTOKEN=…`',
    re: null,
    rule: 'structural: name and the `add-authtoken` positional',
    src: 'ngrok docs',
    s: () => {
      const v = `2${g(26, AN)}_${g(21, AN)}`;
      return { line: `NGROK_AUTHTOKEN=${v}`, secret: v };
    },
  },
  {
    group: 'Cluster',
    name: 'Slurm `--export` list',
    recipe: 'any secret inside `NAME=value,NAME=value`',
    syntax: '`sbatch --export=ALL,HF_TOKEN=…,WANDB_API_KEY=… job.sh`',
    re: null,
    rule: 'structural: an unquoted value ends at `,` when `NAME=` follows',
    src: 'Slurm docs',
    s: () => {
      const v = g(40, HEX);
      return { line: `+ sbatch --export=ALL,WANDB_API_KEY=${v},SEED=1 job.sh`, secret: v };
    },
  },

  // ---------------- Generic structure ----------------
  {
    group: 'Generic',
    name: 'JWT',
    recipe: '`eyJ` + base64url header + `.eyJ` + payload + `.` + signature',
    syntax: 'Bearer headers, `*_JWT=`, `id_token`, Supabase keys',
    re: `${L}eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]*`,
    src: 'gitleaks jwt',
    s: () => {
      const v = jwt({ sub: 'x', role: 'service_role' });
      return { line: `SUPABASE_SERVICE_ROLE_KEY=${v}`, secret: v };
    },
  },
  {
    group: 'Generic',
    name: 'PEM private key (any kind, multi-line)',
    recipe: '`-----BEGIN (RSA\\|EC\\|DSA\\|OPENSSH\\|ENCRYPTED\\|PGP …) PRIVATE KEY( BLOCK)?-----` + base64 lines',
    syntax: '`cat ~/.ssh/id_*`, debug dumps, `set -x` of heredocs; END may be cut off by the excerpt',
    marker: true,
    re: `-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----`,
    rule: 'block to END, or to the last base64-looking line when END is missing',
    src: 'gitleaks private-key',
    s: () => {
      const p = pem('OPENSSH ');
      return { line: p.text, secret: p.body[2] };
    },
  },
  {
    group: 'Generic',
    name: 'PuTTY private key',
    recipe: '`PuTTY-User-Key-File-2:` … `Private-Lines: N` + N base64 lines',
    syntax: "Windows users' keys copied to the cluster",
    marker: true,
    re: `PuTTY-User-Key-File-[23]:`,
    rule: 'redact from `Private-Lines:` through the N following lines',
    src: 'detect-secrets private_key.py',
    s: () => {
      const v = g(64, B64);
      return { line: `PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nPrivate-Lines: 1\n${v}`, secret: v };
    },
  },
  {
    group: 'Generic',
    name: 'URL user-info password',
    recipe: '`scheme://user:pass@host`',
    syntax: 'postgres/mysql/mongodb(+srv)/redis/amqp/https URLs, `~/.git-credentials`, `DATABASE_URL=`',
    re: null,
    rule: 'structural: authority part only (before first `/ ? #`); password may contain `: / + = -`, ends at the last `@`',
    src: 'detect-secrets basic_auth.py',
    s: () => {
      const v = `${g(10, AN)}-${g(6, AN)}`;
      return { line: `DATABASE_URL=mysql://ml:${v}@db.internal:3306/runs`, secret: v };
    },
  },
  {
    group: 'Generic',
    name: 'Token as URL username',
    recipe: '`https://<token>@host`',
    syntax: '`https://ghp_…@github.com`, Sentry DSN, `redis://:pw@host` (empty user)',
    re: null,
    rule: 'structural: user part ≥20 chars with letters+digits and no password → redact user',
    src: 'redact.ts',
    s: () => {
      const v = g(40, AN);
      return { line: `remote: https://${v}@git.example.com/acme/repo.git`, secret: v };
    },
  },
  {
    group: 'Generic',
    name: 'HTTP Authorization header',
    recipe: '`Bearer|Basic|token|Bot|Digest` + credential',
    syntax:
      "`Authorization: …`, `Proxy-Authorization: …`, curl `-H \"Authorization: …\"`, python repr `{'Authorization': 'Bearer …'}`",
    re: null,
    rule: 'structural: header name; keep the scheme word, cut the rest of the header value',
    src: 'gitleaks curl-auth-header',
    s: () => {
      const v = b64(`svc:${g(20, AN)}`);
      return { line: `{'Authorization': 'Basic ${v}', 'Accept': '*/*'}`, secret: v };
    },
  },
  {
    group: 'Generic',
    name: 'API-key HTTP headers',
    recipe: 'any',
    syntax:
      '`X-Api-Key:`, `Api-Key:`, `X-Auth-Token:`, `X-Access-Token:`, `PRIVATE-TOKEN:`, `X-Goog-Api-Key:`, `X-Vault-Token:`, `DD-API-KEY:`, `Ocp-Apim-Subscription-Key:`',
    re: null,
    rule: 'structural: header name parts classify as credential',
    src: 'gitleaks curl-auth-header',
    s: () => {
      const v = g(40, AN);
      return { line: `curl -H "X-Auth-Token: ${v}" https://api.example/v1`, secret: v };
    },
  },
  {
    group: 'Generic',
    name: 'curl / CLI user:password',
    recipe: '`user:pass`',
    syntax: '`curl -u user:pass`, `--user user:pass`, `mysql -uroot -pS3cret`, `sshpass -p …`, `docker login -p …`',
    re: null,
    rule: 'structural: `-u/--user` value after `:`; `-p`/`--password` flags of known tools',
    src: 'gitleaks curl-auth-user',
    s: () => {
      const v = g(16, AN);
      return { line: `+ curl -sf -u admin:${v} https://mlflow.internal/api/2.0/mlflow/experiments/list`, secret: v };
    },
  },
  {
    group: 'Generic',
    name: 'Cookie header',
    recipe: 'session ids',
    syntax: '`Cookie: session=…; csrftoken=…`, `Set-Cookie: …`',
    re: null,
    rule: 'structural: under `Cookie:`/`Set-Cookie:` cut every value (cookie names stay)',
    src: '—',
    s: () => {
      const v = g(40, US);
      return { line: `> Cookie: _gitlab_session=${v}; event_filter=all`, secret: v };
    },
  },
  {
    group: 'Generic',
    name: '.netrc',
    recipe: '`machine h login u password p` (one or more lines)',
    syntax: '`cat ~/.netrc`, wandb/HF netrc debug',
    re: null,
    rule: 'structural: `password`/`passwd` keyword followed by whitespace (no `=`/`:`)',
    src: 'redact.ts',
    s: () => {
      const v = g(40, HEX);
      return { line: `machine api.wandb.ai login user password ${v}`, secret: v };
    },
  },
  {
    group: 'Generic',
    name: 'ADO.NET / ODBC / JDBC connection string',
    recipe: '`Password=…;` / `Pwd=…;` / `?password=`',
    syntax: '`Server=…;User ID=…;Password=…;`, `jdbc:postgresql://h/db?user=u&password=p`',
    re: null,
    rule: 'structural: `;`-separated pairs, value ends at `;`; query params',
    src: 'gitleaks generic-api-key TODO',
    s: () => {
      const v = `${g(14, AN)}!`;
      return { line: `Server=tcp:x.database.windows.net,1433;User ID=ml;Password=${v};Encrypt=True;`, secret: v };
    },
  },
  {
    group: 'Generic',
    name: 'Env assignment / export / env dump',
    recipe: 'any',
    syntax: '`NAME=v`, `export NAME="v"`, `declare -x NAME="v"`, `set -x` traces `+ export …`, `docker run -e NAME=v`',
    re: null,
    rule: 'structural: name classification; PWD/OLDPWD exempt',
    src: 'gitleaks generic-api-key',
    s: () => {
      const v = g(30, AN);
      return { line: `declare -x MY_SERVICE_SECRET="${v}"`, secret: v };
    },
  },
  {
    group: 'Generic',
    name: 'CLI flag',
    recipe: 'any',
    syntax: '`--api-key v`, `--api_key=v`, `--hub-token v`, `--wandb-key=v`, `--password v`',
    re: null,
    rule: 'structural: flag name classification; value must not start with `-`',
    src: 'redact.ts',
    s: () => {
      const v = g(32, AN);
      return { line: `python train.py --push_to_hub --hub_token ${v} --epochs 3`, secret: v };
    },
  },
  {
    group: 'Generic',
    name: 'Python repr / kwargs / Namespace',
    recipe: 'any',
    syntax: "`Namespace(hf_token='…')`, `{'password': '…'}`, `Client(api_key='…')`",
    re: null,
    rule: 'structural: quoted values end at the matching quote',
    src: 'detect-secrets keyword.py',
    s: () => {
      const v = g(24, AN);
      return { line: `Namespace(lr=0.0003, hf_token='${v}', seed=42)`, secret: v };
    },
  },
  {
    group: 'Generic',
    name: 'YAML / Hydra / OmegaConf dump',
    recipe: 'any',
    syntax: '`  api_key: v`, flow style `wandb: {api_key: v, project: p}`',
    re: null,
    rule: 'structural: unquoted value ends at `,` / `}` in flow style',
    src: 'detect-secrets keyword.py',
    s: () => {
      const v = g(40, HEX);
      return { line: `logger: {name: wandb, api_key: ${v}, project: llm}`, secret: v };
    },
  },
  {
    group: 'Generic',
    name: 'TOML / INI',
    recipe: 'any',
    syntax: '`password = "v"`, `aws_secret_access_key = v`, `[comet] api_key = v`',
    re: null,
    rule: 'structural',
    src: 'detect-secrets keyword.py',
    s: () => {
      const v = `${g(20, AN)}#${g(4, AN)}`;
      return { line: `client_secret = "${v}"`, secret: v };
    },
  },
  {
    group: 'Generic',
    name: 'JSON inside a JSON string (escaped quotes)',
    recipe: 'any',
    syntax: '`"msg": "{\\"api_key\\": \\"v\\"}"` (structured loggers)',
    re: null,
    rule: 'structural: accept `\\"` as the quote, value ends at the next `\\"`',
    src: '—',
    s: () => {
      const v = g(32, AN);
      return { line: `{"level": "debug", "msg": "{\\"api_key\\": \\"${v}\\", \\"model\\": \\"gpt\\"}"}`, secret: v };
    },
  },
  {
    group: 'Generic',
    name: 'Generic URL query credentials',
    recipe: 'any',
    syntax:
      '`?token=`, `&access_token=`, `&api_key=`, `&apikey=`, `&key=` (Google), `&password=`, `&client_secret=`, `&code=` (OAuth)',
    re: null,
    rule: 'structural: query param names; value ends at `&`, `#`, whitespace, quote',
    src: '—',
    s: () => {
      const v = g(32, AN);
      return { line: `GET https://api.example.org/v1/export?format=csv&access_token=${v}&page=2`, secret: v };
    },
  },
  {
    group: 'Generic',
    name: 'Webhook URL under a webhook name',
    recipe: 'URL whose path is the credential',
    syntax: '`SLACK_WEBHOOK_URL=https://hooks.example/…`, `webhook_url: …` (Zapier, Mattermost, custom)',
    re: null,
    rule: 'structural: name has `webhook` → keep scheme+host, cut path+query',
    src: '—',
    s: () => {
      const v = `${g(8, DG)}/${g(24, AN)}`;
      return { line: `webhook_url: https://hooks.zapier.com/hooks/catch/${v}`, secret: v };
    },
  },
];
