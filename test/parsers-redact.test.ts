import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redactSecrets, type SecretKind, secretNameKind } from '../parsers/redact.js';
import { expectBoundedTime } from './helpers/linear.js';
import { runs } from './helpers/prop.js';

// Secrets are assembled at run time so this file never contains a literal token that secret
// scanners (or GitHub push protection) would flag. `p` joins split prefixes.
const p = (...parts: string[]): string => parts.join('');
let seed = 42;
const next = (): number => {
  // mulberry32: deterministic, so failures reproduce.
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const rand = (alphabet: string, n: number): string => {
  let out = '';
  for (let i = 0; i < n; i++) out += alphabet[Math.floor(next() * alphabet.length)];
  return out;
};
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER_NUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const HEX = '0123456789abcdef';
const B64 = `${ALNUM}+/`;
const URLSAFE = `${ALNUM}_-`;

const HF = p('h', 'f_', rand(ALNUM, 34));
const HF_ORG = p('api', '_org_', rand(ALNUM, 34));
const WANDB_HEX = rand(HEX, 40);
const WANDB_V1 = p('wandb', '_v1_', rand(`${ALNUM}_`, 77));
const AKIA = p('AK', 'IA', rand(UPPER_NUM, 16));
const ASIA = p('AS', 'IA', rand(UPPER_NUM, 16));
const AWS_SECRET = rand(B64, 40);
const AWS_SESSION = `IQoJb3JpZ2luX2Vj${rand(B64, 300)}`;
const GHP = p('gh', 'p_', rand(ALNUM, 36));
const GHO = p('gh', 'o_', rand(ALNUM, 36));
const GHU = p('gh', 'u_', rand(ALNUM, 36));
const GHS = p('gh', 's_', rand(ALNUM, 36));
const GHR = p('gh', 'r_', rand(ALNUM, 36));
const GH_PAT = p('github', '_pat_', rand(ALNUM, 22), '_', rand(ALNUM, 59));
const GLPAT = p('gl', 'pat-', rand(ALNUM, 20));
const GLDT = p('gl', 'dt-', rand(ALNUM, 20));
const OPENAI_PROJ = p('sk', '-proj-', rand(URLSAFE, 74), 'T3BlbkFJ', rand(URLSAFE, 74));
const OPENAI_LEGACY = p('sk', '-', rand(ALNUM, 20), 'T3BlbkFJ', rand(ALNUM, 20));
const ANTHROPIC = p('sk', '-ant-api03-', rand(URLSAFE, 93), 'AA');
const XOXB = p('xo', 'xb-', rand('0123456789', 12), '-', rand('0123456789', 13), '-', rand(ALNUM, 24));
const XOXP = p(
  'xo',
  'xp-',
  rand('0123456789', 12),
  '-',
  rand('0123456789', 12),
  '-',
  rand('0123456789', 13),
  '-',
  rand(HEX, 32),
);
const XOXA = p('xo', 'xa-2-', rand(ALNUM, 30));
const XOXR = p('xo', 'xr-', rand(ALNUM, 30));
const XOXS = p(
  'xo',
  'xs-',
  rand('0123456789', 10),
  '-',
  rand('0123456789', 10),
  '-',
  rand('0123456789', 12),
  '-',
  rand(HEX, 20),
);
const SLACK_HOOK_PATH = `T${rand(UPPER_NUM, 8)}/B${rand(UPPER_NUM, 10)}/${rand(ALNUM, 24)}`;
const GOOGLE = p('AI', 'za', rand(URLSAFE, 35));
const b64url = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
const JWT = `${b64url({ alg: 'RS256', typ: 'JWT' })}.${b64url({ sub: 'alice', iat: 1700000000 })}.${rand(URLSAFE, 43)}`;
const OPAQUE = rand(ALNUM, 32);
const BASIC = Buffer.from(`alice:${rand(ALNUM, 12)}`).toString('base64');
const PEM_BODY = Array.from({ length: 6 }, () => rand(B64, 64)).join('\n');
const PEM_TAIL = `${rand(B64, 20)}==`;
const BEGIN = (label: string): string => p('-----BEGIN ', label, ' KEY-----');
const END = (label: string): string => p('-----END ', label, ' KEY-----');
const DB_PW = `Tr4in!ng-${rand(ALNUM, 10)}`;
const GENERIC = rand(ALNUM, 24);

interface Plant {
  name: string;
  text: string;
  secrets: string[];
  kind: SecretKind;
  keep: string[];
}

const PLANTS: Plant[] = [
  {
    name: 'huggingface-cli login output',
    text: `$ huggingface-cli login --token ${HF} --add-to-git-credential
Token is valid (permission: write).
Your token has been saved in your configured git credential helpers (store).
Your token has been saved to /home/alice/.cache/huggingface/token
Login successful`,
    secrets: [HF],
    kind: 'huggingface',
    keep: [
      'huggingface-cli login --token ',
      '--add-to-git-credential',
      'Token is valid (permission: write).',
      'Login successful',
    ],
  },
  {
    name: 'HF org token in env',
    text: `HUGGING_FACE_HUB_TOKEN=${HF_ORG}\nHF_HOME=/scratch/alice/hf`,
    secrets: [HF_ORG],
    kind: 'huggingface',
    keep: ['HUGGING_FACE_HUB_TOKEN=', 'HF_HOME=/scratch/alice/hf'],
  },
  {
    name: 'wandb key next to netrc noise',
    text: `wandb: Appending key for api.wandb.ai to your netrc file: /home/alice/.netrc
+ wandb login ${WANDB_HEX}
wandb: Currently logged in as: alice (ml-team). Use \`wandb login --relogin\` to force relogin`,
    secrets: [WANDB_HEX],
    kind: 'wandb',
    keep: ['Appending key for api.wandb.ai to your netrc file: /home/alice/.netrc', '+ wandb login ', 'force relogin'],
  },
  {
    name: 'WANDB_API_KEY in an env dump',
    text: `SLURM_JOB_ID=4242\nWANDB_API_KEY=${WANDB_HEX}\nWANDB_PROJECT=llama-ft`,
    secrets: [WANDB_HEX],
    kind: 'wandb',
    keep: ['SLURM_JOB_ID=4242', 'WANDB_API_KEY=', 'WANDB_PROJECT=llama-ft'],
  },
  {
    name: 'wandb v1 key in python',
    text: `wandb.login(key="${WANDB_V1}")`,
    secrets: [WANDB_V1],
    kind: 'wandb',
    keep: ['wandb.login(key="', '")'],
  },
  {
    name: 'boto env dump',
    text: `AWS_ACCESS_KEY_ID=${AKIA}
AWS_SECRET_ACCESS_KEY=${AWS_SECRET}
AWS_SESSION_TOKEN=${AWS_SESSION}
AWS_DEFAULT_REGION=us-east-1
botocore.credentials [INFO] Found credentials in environment variables.`,
    secrets: [AKIA, AWS_SECRET, AWS_SESSION],
    kind: 'aws-secret-key',
    keep: [
      'AWS_ACCESS_KEY_ID=',
      'AWS_SECRET_ACCESS_KEY=',
      'AWS_SESSION_TOKEN=',
      'AWS_DEFAULT_REGION=us-east-1',
      'Found credentials in environment variables.',
    ],
  },
  {
    name: 'aws credentials file',
    text: `[default]\naws_access_key_id = ${AKIA}\naws_secret_access_key = ${AWS_SECRET}\nregion = eu-west-1`,
    secrets: [AKIA, AWS_SECRET],
    kind: 'aws-secret-key',
    keep: ['[default]', 'aws_access_key_id = ', 'aws_secret_access_key = ', 'region = eu-west-1'],
  },
  {
    name: 'aws sts json',
    text: `{"Credentials": {"AccessKeyId": "${ASIA}", "SecretAccessKey": "${AWS_SECRET}", "SessionToken": "${AWS_SESSION}", "Expiration": "2024-05-01T12:00:00Z"}}`,
    secrets: [ASIA, AWS_SECRET, AWS_SESSION],
    kind: 'aws-session-token',
    keep: ['"AccessKeyId": "', '"SecretAccessKey": "', '"SessionToken": "', '"Expiration": "2024-05-01T12:00:00Z"'],
  },
  {
    name: 'git clone with a PAT in the URL',
    text: `+ git clone https://alice:${GHP}@github.com/ml-team/trainer.git\nCloning into 'trainer'...`,
    secrets: [GHP],
    kind: 'github',
    keep: ['git clone https://alice:', '@github.com/ml-team/trainer.git', "Cloning into 'trainer'..."],
  },
  {
    name: 'other github token types',
    text: `GITHUB_TOKEN=${GHS} GH_OAUTH=${GHO}\nuser-to-server ${GHU} refresh ${GHR}\nfine-grained: ${GH_PAT}`,
    secrets: [GHS, GHO, GHU, GHR, GH_PAT],
    kind: 'github',
    keep: ['GITHUB_TOKEN=', 'GH_OAUTH=', 'user-to-server ', ' refresh ', 'fine-grained: '],
  },
  {
    name: 'gitlab tokens',
    text: `+ git clone https://oauth2:${GLPAT}@gitlab.example.org/ml/trainer.git\nCI deploy token ${GLDT}`,
    secrets: [GLPAT, GLDT],
    kind: 'gitlab',
    keep: ['git clone https://oauth2:', '@gitlab.example.org/ml/trainer.git', 'CI deploy token '],
  },
  {
    name: 'openai keys',
    text: `export OPENAI_API_KEY="${OPENAI_PROJ}"\npython eval.py --judge-key ${OPENAI_LEGACY} --n 5`,
    secrets: [OPENAI_PROJ, OPENAI_LEGACY],
    kind: 'openai',
    keep: ['export OPENAI_API_KEY="', '"', 'python eval.py --judge-key ', ' --n 5'],
  },
  {
    name: 'anthropic key',
    text: `ANTHROPIC_API_KEY=${ANTHROPIC} claude -p "summarise"`,
    secrets: [ANTHROPIC],
    kind: 'anthropic',
    keep: ['ANTHROPIC_API_KEY=', ' claude -p "summarise"'],
  },
  {
    name: 'slack tokens',
    text: `SLACK_BOT_TOKEN=${XOXB}\nuser ${XOXP}\nlegacy ${XOXA} ${XOXR} ${XOXS}`,
    secrets: [XOXB, XOXP, XOXA, XOXR, XOXS],
    kind: 'slack',
    keep: ['SLACK_BOT_TOKEN=', 'user ', 'legacy '],
  },
  {
    name: 'slack webhook',
    text: `notify: POST https://hooks.slack.com/services/${SLACK_HOOK_PATH} -> 200`,
    secrets: [SLACK_HOOK_PATH],
    kind: 'slack-webhook',
    keep: ['notify: POST https://hooks.slack.com/services/', ' -> 200'],
  },
  {
    name: 'google api key in a URL',
    text: `GET https://generativelanguage.googleapis.com/v1/models?key=${GOOGLE} 403`,
    secrets: [GOOGLE],
    kind: 'google',
    keep: ['GET https://generativelanguage.googleapis.com/v1/models?key=', ' 403'],
  },
  {
    name: 'Authorization headers',
    text: `curl -s -H "Authorization: Bearer ${OPAQUE}" https://api.example.com/v1\nAuthorization: Basic ${BASIC}\nheaders={'Authorization': 'token ${OPAQUE}'}`,
    secrets: [OPAQUE, BASIC],
    kind: 'authorization',
    keep: [
      'curl -s -H "Authorization: Bearer ',
      '" https://api.example.com/v1',
      'Authorization: Basic ',
      "headers={'Authorization': 'token ",
      "'}",
    ],
  },
  {
    name: 'JWT after Bearer and alone',
    text: `requests.get(url, headers={"X": "1"}) # Bearer ${JWT}\nid_token=${JWT}\nraw ${JWT} end`,
    secrets: [JWT, JWT.split('.')[2]!],
    kind: 'jwt',
    keep: ['# Bearer ', 'id_token=', 'raw ', ' end'],
  },
  {
    name: 'RSA private key block',
    text: `key material:\n${BEGIN('RSA PRIVATE')}\n${PEM_BODY}\n${PEM_TAIL}\n${END('RSA PRIVATE')}\ndone`,
    secrets: [PEM_BODY.slice(0, 64), PEM_TAIL],
    kind: 'private-key',
    keep: ['key material:\n', '\ndone'],
  },
  {
    name: 'OPENSSH key, indented in YAML',
    text: `ssh_key: |\n  ${BEGIN('OPENSSH PRIVATE')}\n  ${PEM_BODY.replaceAll('\n', '\n  ')}\n  ${END('OPENSSH PRIVATE')}\nnext: 1`,
    secrets: [PEM_BODY.slice(65, 129)],
    kind: 'private-key',
    keep: ['ssh_key: |', 'next: 1'],
  },
  {
    name: 'encrypted PEM with headers',
    text: `${BEGIN('EC PRIVATE')}\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,${rand(HEX, 32).toUpperCase()}\n\n${PEM_BODY}\n${END('EC PRIVATE')}`,
    secrets: [PEM_BODY.slice(130, 194)],
    kind: 'private-key',
    keep: [],
  },
  {
    name: 'private key cut off by the excerpt (no END line)',
    text: `loading key\n${BEGIN('ENCRYPTED PRIVATE')}\n${PEM_BODY}\n${rand(B64, 30)}`,
    secrets: [PEM_BODY.slice(195, 259)],
    kind: 'private-key',
    keep: ['loading key\n'],
  },
  {
    name: 'private key cut off, followed by a traceback',
    text: `${BEGIN('PRIVATE')}\n${PEM_BODY}\nTraceback (most recent call last):\n  File "train.py", line 3`,
    secrets: [PEM_BODY.slice(260, 324)],
    kind: 'private-key',
    keep: ['\nTraceback (most recent call last):\n  File "train.py", line 3'],
  },
  {
    name: 'GCP service-account JSON with an escaped key',
    text: `{"type": "service_account", "private_key": "${BEGIN('PRIVATE')}\\n${PEM_BODY.replaceAll('\n', '\\n')}\\n${END('PRIVATE')}\\n", "client_email": "sa@proj.iam.gserviceaccount.com"}`,
    secrets: [PEM_BODY.slice(325, 389)],
    kind: 'private-key',
    keep: ['"type": "service_account"', '"client_email": "sa@proj.iam.gserviceaccount.com"'],
  },
  {
    name: 'password in a database URL',
    text: `sqlalchemy: connecting to postgresql://trainer:${DB_PW}@db.internal:5432/metrics`,
    secrets: [DB_PW],
    kind: 'url-password',
    keep: ['postgresql://trainer:', '@db.internal:5432/metrics'],
  },
  {
    name: 'redis URL with empty user',
    text: `broker=redis://:${DB_PW}@cache:6379/0`,
    secrets: [DB_PW],
    kind: 'url-password',
    keep: ['redis://:', '@cache:6379/0'],
  },
  {
    name: 'netrc',
    text: `machine api.wandb.ai\n  login user\n  password ${rand(ALNUM, 40)}\nmachine example.org login bob password ${DB_PW}`,
    secrets: [DB_PW],
    kind: 'netrc-password',
    keep: ['machine api.wandb.ai', '  login user', 'machine example.org login bob password '],
  },
  {
    name: 'generic key=value forms',
    text: `export DB_PASSWORD="${DB_PW}"
MLFLOW_TRACKING_PASSWORD=${GENERIC}
PGPASSWORD=${GENERIC}
config: {'client_secret': '${GENERIC}', 'lr': 0.0003}
  password: ${DB_PW}
python serve.py --api-key ${GENERIC} --port 8080 --auth-token=${GENERIC}
DB_PASS=${DB_PW}
Credential: ${GENERIC}
GET /v1/data?access_token=${GENERIC}&page=2`,
    secrets: [DB_PW, GENERIC],
    kind: 'secret-value',
    keep: [
      'export DB_PASSWORD="',
      'MLFLOW_TRACKING_PASSWORD=',
      'PGPASSWORD=',
      "'client_secret': '",
      "'lr': 0.0003}",
      '  password: ',
      '--api-key ',
      ' --port 8080 --auth-token=',
      'DB_PASS=',
      'Credential: ',
      'GET /v1/data?access_token=',
      '&page=2',
    ],
  },
];

describe('redactSecrets: planted secrets', () => {
  it.each(PLANTS.map((x) => [x.name, x] as const))('%s', (_name, plant) => {
    const r = redactSecrets(plant.text);
    for (const s of plant.secrets) expect(r.text).not.toContain(s);
    for (const k of plant.keep) expect(r.text).toContain(k);
    expect(r.text).toContain(`[REDACTED:${plant.kind}]`);
    expect(r.kinds[plant.kind]).toBeGreaterThanOrEqual(1);
    expect(r.count).toBe(Object.values(r.kinds).reduce((a, b) => a + b, 0));
  });

  it('counts each secret once and names it by its shape', () => {
    const r = redactSecrets(`HF_TOKEN=${HF}\nhttps://x:${GHP}@github.com\nAuthorization: Bearer ${JWT}`);
    expect(r.text).toBe(
      'HF_TOKEN=[REDACTED:huggingface]\nhttps://x:[REDACTED:github]@github.com\nAuthorization: Bearer [REDACTED:jwt]',
    );
    expect(r.count).toBe(3);
    expect(r.kinds).toEqual({ huggingface: 1, github: 1, jwt: 1 });
  });

  it('replaces extraValues everywhere, ignoring short ones', () => {
    const value = `${rand(ALNUM, 6)}-custom-${rand(ALNUM, 6)}`;
    const r = redactSecrets(`a${value}b and again ${value}. short=abc1234 keep`, {
      extraValues: [value, 'abc1234', ''],
    });
    expect(r.text).toBe('a[REDACTED:extra-value]b and again [REDACTED:extra-value]. short=abc1234 keep');
    expect(r.kinds).toEqual({ 'extra-value': 2 });
  });

  it('never throws on odd input', () => {
    expect(redactSecrets('').text).toBe('');
    expect(redactSecrets(undefined as unknown as string).text).toBe('');
    expect(redactSecrets('x', { extraValues: [null as unknown as string] }).text).toBe('x');
    expect(redactSecrets('x', { extraValues: 42 as unknown as string[] }).text).toBe('x');
  });
});

describe('redactSecrets: false positives stay untouched', () => {
  const SHA = rand(HEX, 40);
  const lines = [
    "tokenizer: <class 'transformers.models.llama.tokenization_llama_fast.LlamaTokenizerFast'>",
    'max_tokens=512',
    'num_tokens: 1234567',
    'TOKENIZERS_PARALLELISM=false',
    'total_tokens=4096 tokens_per_second=1234.5 max_new_tokens: 256, temperature: 0.7',
    `commit ${SHA}`,
    `HEAD is now at ${SHA.slice(0, 7)} Merge pull request #12`,
    `git checkout ${SHA} && python train.py`,
    'run_id: 123e4567-e89b-12d3-a456-426614174000',
    "{'loss': 0.4312, 'grad_norm': 1.23, 'learning_rate': 2e-05, 'epoch': 0.5}",
    'Epoch 3/10: 100%|██████████| 500/500 [01:23<00:00, 6.01it/s, loss=0.123, v_num=7]',
    'pass@1: 0.53',
    'pass@10 = 0.71, pass_at_1=0.5, pass_rate: 0.9',
    'password_length=12 min_password_len: 8',
    'bypass_cache=True',
    'key_padding_mask: None',
    'pad_token_id=0 eos_token: </s> bos_token_id: 1 token_type_ids=None',
    'Using pad_token, but it is not set yet.',
    'TrainingArguments(hub_token=<HUB_TOKEN>, push_to_hub_token=<PUSH_TO_HUB_TOKEN>, use_auth_token=None)',
    'use_auth_token=True token=None',
    'Token is valid (permission: write).',
    'wandb: Appending key for api.wandb.ai to your netrc file: /home/alice/.netrc',
    'wandb: 🚀 View run at https://wandb.ai/team/proj/runs/abc123xy',
    'torch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate 20.00 MiB',
    'Authorization failed for user alice',
    'Bearer authentication required',
    'pip install scikit-learn==1.4.2',
    'https://huggingface.co/meta-llama/Llama-2-7b-hf/resolve/main/config.json',
    'ssh://git@github.com:22/org/repo.git',
    'SLURM_JOB_ID=123456 CUDA_VISIBLE_DEVICES=0,1,2,3 PWD=/home/alice',
    `Digest: sha256:${rand(HEX, 64)}`,
    'auth_type: bearer, auth_method=oauth, token_path=/run/secrets/hf',
    'NCCL INFO Channel 00/02 :    0   1   2   3',
    '  File "/opt/conda/lib/python3.10/site-packages/torch/nn/modules/module.py", line 1518',
    'password: ********',
    p('api_key=$', '{OPENAI_API_KEY} token=$HF_TOKEN'),
    'secret: <redacted>',
    'Invalid token: expired',
  ];
  it.each(lines)('%s', (line) => {
    const r = redactSecrets(line);
    expect(r.text).toBe(line);
    expect(r.count).toBe(0);
  });
});

describe('secretNameKind', () => {
  it.each([
    ['HF_TOKEN', 'huggingface'],
    ['WANDB_API_KEY', 'wandb'],
    ['AWS_SECRET_ACCESS_KEY', 'aws-secret-key'],
    ['AWS_SESSION_TOKEN', 'aws-session-token'],
    ['SecretAccessKey', 'aws-secret-key'],
    ['apiKey', 'secret-value'],
    ['x-api-key', 'secret-value'],
    ['PGPASSWORD', 'secret-value'],
    ['db_pass', 'secret-value'],
    ['authToken', 'secret-value'],
    ['GITHUB_TOKEN', 'github'],
  ])('%s → %s', (name, kind) => {
    expect(secretNameKind(name)).toBe(kind);
  });
  it.each([
    'tokenizer',
    'max_tokens',
    'num_tokens',
    'TOKENIZERS_PARALLELISM',
    'password_length',
    'bypass',
    'key_padding_mask',
    'pad_token',
    'pad_token_id',
    'token_type_ids',
    'AWS_ACCESS_KEY_ID',
    'PWD',
    'SSH_AUTH_SOCK',
    'passes',
    'HF_TOKEN_PATH',
    'pass_at_1',
    'compass',
  ])('%s is harmless', (name) => {
    expect(secretNameKind(name)).toBeNull();
  });
});

const PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i));
const noise = fc.string({ unit: fc.constantFrom(...PRINTABLE, '\n', '\t'), maxLength: 120 });
const body = (alphabet: string, min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...alphabet), minLength: min, maxLength: max });

// [what to plant, the part that must never survive]
const plantArb: fc.Arbitrary<[string, string]> = fc
  .oneof(
    body(ALNUM, 34, 40).map((b) => p('h', 'f_', b)),
    body(ALNUM, 34, 34).map((b) => p('api', '_org_', b)),
    body(ALNUM, 36, 36).chain((b) => fc.constantFrom('p', 'o', 'u', 's', 'r').map((t) => p('gh', t, '_', b))),
    body(`${ALNUM}_`, 82, 82).map((b) => p('github', '_pat_', b)),
    body(URLSAFE, 40, 160).map((b) => p('sk', '-proj-', b)),
    body(ALNUM, 48, 48).map((b) => p('sk', '-', b)),
    body(URLSAFE, 95, 95).map((b) => p('sk', '-ant-api03-', b)),
    body(`${ALNUM}-`, 20, 60).chain((b) =>
      fc.constantFrom('b', 'p', 'a', 'r', 's').map((t) => p('xo', 'x', t, '-', b)),
    ),
    body(URLSAFE, 35, 35).map((b) => p('AI', 'za', b)),
    body(UPPER_NUM, 16, 16).chain((b) => fc.constantFrom('AKIA', 'ASIA').map((t) => t + b)),
    body(`${ALNUM}_`, 77, 77).map((b) => p('wandb', '_v1_', b)),
    body(URLSAFE, 20, 60).map((b) => `${b64url({ alg: 'HS256' })}.${b64url({ sub: b.slice(0, 5) })}.${b}`),
  )
  .map((s) => [s, s] as [string, string]);

const contextArb: fc.Arbitrary<[string, string]> = fc.oneof(
  body(HEX, 40, 40).map((h) => [`wandb login ${h}`, h] as [string, string]),
  body(B64, 40, 40).map((k) => [`AWS_SECRET_ACCESS_KEY=${k}`, k] as [string, string]),
  body(ALNUM, 12, 40).map((k) => [`Authorization: Bearer ${k}1`, `${k}1`] as [string, string]),
  body(ALNUM, 10, 30).map((k) => [`https://bob:${k}@host.example/x`, k] as [string, string]),
  body(ALNUM, 10, 30).map((k) => [`export MY_SERVICE_PASSWORD="${k}"`, k] as [string, string]),
  body(ALNUM, 10, 30).map((k) => [`--api-key ${k}`, k] as [string, string]),
  fc
    .array(body(B64, 64, 64), { minLength: 2, maxLength: 5 })
    .map((ls) => [`${BEGIN('RSA PRIVATE')}\n${ls.join('\n')}\n${END('RSA PRIVATE')}`, ls[1]!] as [string, string]),
);

describe('redactSecrets properties', () => {
  const sep = fc.constantFrom(' ', '\n', '\t', '  ');
  it('a secret planted anywhere in random text never survives', () => {
    fc.assert(
      fc.property(noise, fc.oneof(plantArb, contextArb), noise, sep, sep, (pre, [plant, secret], post, a, b) => {
        const out = redactSecrets(`${pre}${a}${plant}${b}${post}`).text;
        expect(out).not.toContain(secret);
      }),
      runs(2000),
    );
  });

  it('extraValues never survive, even inside words', () => {
    fc.assert(
      fc.property(noise, body(`${ALNUM}!@#%^&*()-_=+.:/`, 8, 40), noise, (pre, value, post) => {
        const out = redactSecrets(`${pre}${value}${post}${value}`, { extraValues: [value] }).text;
        expect(out).not.toContain(value);
      }),
      runs(2000),
    );
  });

  it('text without secrets passes through unchanged', () => {
    const harmless = fc.string({ unit: fc.constantFrom(...'abcdefghij klmnop0123456789.,()[]\n'), maxLength: 200 });
    fc.assert(
      fc.property(harmless, (s) => {
        expect(redactSecrets(s)).toEqual({ text: s, count: 0, kinds: {} });
      }),
      runs(500),
    );
  });
});

describe('redactSecrets: bounded time', () => {
  const big = 500_000;
  it.each([
    ['realistic log', `Epoch 1: loss=0.5 lr=3e-4 tokens=4096 ${rand(HEX, 40)} step=1\n`.repeat(big / 60)],
    ['dashed identifiers', 'a-'.repeat(big / 2)],
    ['URL separators', '://'.repeat(big / 3)],
    ['many BEGIN lines without END', `${BEGIN('PRIVATE')}\n`.repeat(big / 30)],
    [
      'hashes on one line',
      rand(HEX, 40)
        .concat(' ')
        .repeat(big / 41),
    ],
    ['wandb hashes on one line', `wandb ${rand(HEX, 40)} `.repeat(big / 47)],
    ['repeated Authorization', 'Authorization: '.repeat(big / 15)],
    ['repeated assignments', 'password=x '.repeat(big / 11)],
    ['chained assignments', 'password='.repeat(big / 9)],
    ['chained flags', '--token '.repeat(big / 8)],
    ['one huge value', `token=${'a'.repeat(big)}`],
    // Each replaced span once looked for its newlines up to the end of the line: quadratic in a long
    // line dense with secrets (a JSON dump): ~30 s here before, ~2 s now.
    ['300k secrets on one line', `x ${HF} `.repeat(300_000)],
  ])('%s', (_n, text) => {
    expectBoundedTime((x) => redactSecrets(x), text);
  });
});
