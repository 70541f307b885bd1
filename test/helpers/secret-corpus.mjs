// Test corpus for secret redaction (tables in test/parsers-redact*.test.ts, the 1 MiB log of the
// redaction benchmark). Every "secret" is output of a seeded PRNG shaped like a real credential
// format; none of them is a real credential. Built from secretlint's recommended preset, gitleaks'
// and detect-secrets' rules; `reseedCases` lets the property test draw new secrets each run.

export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let R = rng(20240611);

/** Restarts the generator: the same seed gives the same cases. */
export function reseedCases(seed) {
  R = rng(seed);
}
const pick = (s) => s[Math.floor(R() * s.length)];
export const UP = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
export const LO = 'abcdefghijklmnopqrstuvwxyz';
export const DG = '0123456789';
export const AN = UP + LO + DG;
export const HEX = '0123456789abcdef';
export const B64 = `${AN}+/`;
export const URLSAFE = `${AN}_-`;
const gen = (n, alphabet) => Array.from({ length: n }, () => pick(alphabet)).join('');
const withChars = (n, alphabet, must) => {
  for (;;) {
    const s = gen(n, alphabet);
    if (must.every((c) => s.includes(c))) return s;
  }
};
const b64 = (s) => Buffer.from(s).toString('base64');
const b64url = (s) => Buffer.from(s).toString('base64url');

function pemBody(lines) {
  const out = [];
  out.push(`MIIEvQIBADANBgkqhkiG9w0BAQEFAASC${gen(32, B64)}`);
  for (let i = 1; i < lines; i++) out.push(gen(64, B64));
  out.push(`${gen(20, B64)}==`);
  return out;
}

function jwt(payload) {
  return `${b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64url(JSON.stringify(payload))}.${gen(43, URLSAFE)}`;
}

// Each case: the line(s) as a log would show them, and the secret substrings that must vanish.
export function credentialCases() {
  const c = [];
  const add = (kind, text, secrets, core = true) => c.push({ kind, text, secrets, core });

  // --- 24 core kinds ---
  const akid = `AKIA${gen(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`;
  add('aws-access-key-id', `AWS_ACCESS_KEY_ID=${akid}`, [akid]);
  const awsSecret = withChars(40, B64, ['/', '+']);
  add('aws-secret-access-key', `export AWS_SECRET_ACCESS_KEY="${awsSecret}"`, [awsSecret]);
  const pkid = gen(40, HEX);
  const body1 = pemBody(6);
  const gcpKey = `-----BEGIN PRIVATE KEY-----\\n${body1.join('\\n')}\\n-----END PRIVATE KEY-----\\n`;
  add(
    'gcp-service-account-json',
    `INFO creds loaded: {"type": "service_account", "project_id": "ml-research-1234", "private_key_id": "${pkid}", "private_key": "${gcpKey}", "client_email": "trainer@ml-research-1234.iam.gserviceaccount.com", "client_id": "10${gen(19, DG)}"}`,
    [pkid, ...body1],
  );
  const body2 = pemBody(8);
  add('pem-private-key', `-----BEGIN RSA PRIVATE KEY-----\n${body2.join('\n')}\n-----END RSA PRIVATE KEY-----`, body2);
  const azKey = `${gen(86, B64)}==`;
  add(
    'azure-storage-connection-string',
    `AZURE_STORAGE_CONNECTION_STRING=DefaultEndpointsProtocol=https;AccountName=mlstore01;AccountKey=${azKey};EndpointSuffix=core.windows.net`,
    [azKey],
  );
  const sas = encodeURIComponent(`${withChars(43, B64, ['+', '/'])}=`);
  add(
    'azure-sas-url',
    `Downloading https://mlstore01.blob.core.windows.net/datasets/shard-0001.tar?sv=2022-11-02&ss=b&srt=co&sp=rl&se=2025-06-30T00:00:00Z&st=2025-06-01T00:00:00Z&spr=https&sig=${sas}`,
    [sas],
  );
  const amzSig = gen(64, HEX);
  const presignAkid = `ASIA${gen(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`;
  add(
    'aws-presigned-url',
    `GET https://ckpts.s3.us-east-1.amazonaws.com/run42/step_1000.pt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${presignAkid}%2F20250601%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20250601T120000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=${amzSig}`,
    [amzSig, presignAkid],
  );
  const stripe = `sk_live_${gen(24, AN)}`;
  add('stripe-secret-key', `stripe.api_key = '${stripe}'`, [stripe]);
  const oai = `sk-proj-${gen(74, URLSAFE)}T3BlbkFJ${gen(74, URLSAFE)}`;
  add('openai', `OPENAI_API_KEY=${oai}`, [oai]);
  const ant = `sk-ant-api03-${gen(93, URLSAFE)}AA`;
  add('anthropic', `request headers: {'x-api-key': '${ant}', 'anthropic-version': '2023-06-01'}`, [ant]);
  const hf = `hf_${gen(34, UP + LO)}`;
  add('huggingface', `+ huggingface-cli login --token ${hf}`, [hf]);
  const wb = gen(40, HEX);
  add('wandb-api-key', `WANDB_API_KEY=${wb}`, [wb]);
  const ghp = `ghp_${gen(36, AN)}`;
  add('github-pat-in-url', `+ git clone https://${ghp}@github.com/acme/llm-train.git`, [ghp]);
  const ghpat = `github_pat_${gen(22, AN)}_${gen(59, AN)}`;
  add('github-fine-grained-json', `{"GITHUB_TOKEN": "${ghpat}", "run": "ft-7b"}`, [ghpat]);
  const glpat = `glpat-${gen(20, URLSAFE)}`;
  add('gitlab-pat-userinfo', `Cloning into 'data'... https://oauth2:${glpat}@gitlab.example.com/ml/data.git`, [glpat]);
  const xoxb = `xoxb-${gen(12, DG)}-${gen(13, DG)}-${gen(24, AN)}`;
  add('slack-bot-token-repr', `notifier config: {'token': '${xoxb}', 'channel': '#ml-alerts'}`, [xoxb]);
  const slackPath = `T${gen(8, UP + DG)}/B${gen(10, UP + DG)}/${gen(24, AN)}`;
  add('slack-webhook', `POST https://hooks.slack.com/services/${slackPath} -> 200`, [
    slackPath.split('/').slice(1).join('/'),
  ]);
  const discTok = gen(68, URLSAFE);
  add('discord-webhook', `notify: https://discord.com/api/webhooks/1${gen(18, DG)}/${discTok}`, [discTok]);
  const npm = `npm_${gen(36, AN)}`;
  add('npm-token-npmrc', `//registry.npmjs.org/:_authToken=${npm}`, [npm]);
  const dapi = `dapi${gen(32, HEX)}`;
  add('databricks', `DATABRICKS_TOKEN=${dapi}`, [dapi]);
  const aiza = `AIza${gen(35, URLSAFE)}`;
  add('google-api-key-yaml', `  google_api_key: ${aiza}`, [aiza]);
  const j = jwt({ sub: 'svc-trainer', iat: 1717243200, exp: 1717329600, scope: 'read write' });
  add('jwt-bearer-curl', `+ curl -sf -H "Authorization: Bearer ${j}" https://api.internal.example/v1/jobs`, [j]);
  const basic = b64(`svc-ml:${gen(18, AN)}`);
  add('basic-auth-header', `> Authorization: Basic ${basic}`, [basic]);
  const pgpw = `${gen(10, AN)}-${gen(6, AN)}.${gen(4, AN)}`;
  add(
    'url-userinfo-postgres',
    `mlflow server --backend-store-uri postgresql://mlflow:${pgpw}@db.internal:5432/mlflow`,
    [pgpw],
  );

  // --- extras: structural (name-based) and more prefixed formats ---
  const mlpw = withChars(20, `${AN}+/=-.`, ['/', '+']);
  add('mlflow-tracking-password', `MLFLOW_TRACKING_PASSWORD=${mlpw}`, [mlpw], false);
  const comet = gen(25, AN);
  add('comet-api-key', `COMET_API_KEY="${comet}"`, [comet], false);
  const nep = b64(
    JSON.stringify({
      api_address: 'https://app.neptune.ai',
      api_url: 'https://app.neptune.ai',
      api_key: `${gen(8, HEX)}-${gen(4, HEX)}-4${gen(3, HEX)}-a${gen(3, HEX)}-${gen(12, HEX)}`,
    }),
  );
  add('neptune-api-token', `NEPTUNE_API_TOKEN=${nep}`, [nep], false);
  const cliKey = gen(32, AN);
  add('cli-flag-api-key', `python train.py --api-key ${cliKey} --epochs 3`, [cliKey], false);
  const cliKey2 = gen(32, AN);
  add('cli-flag-eq', `srun python eval.py --wandb_api_key=${cliKey2} --bs 8`, [cliKey2], false);
  const netrc = gen(40, HEX);
  add('netrc', `machine api.wandb.ai\n  login user\n  password ${netrc}`, [netrc], false);
  const dockAuth = b64(`robot$ml+pull:${gen(32, AN)}`);
  add('docker-config-auth', `{"auths": {"registry.example.com": {"auth": "${dockAuth}"}}}`, [dockAuth], false);
  const pypi = `pypi-AgEIcHlwaS5vcmc${gen(140, URLSAFE)}`;
  add('pypi-token', `TWINE_PASSWORD=${pypi}`, [pypi], false);
  const sg = `SG.${gen(22, URLSAFE)}.${gen(43, URLSAFE)}`;
  add('sendgrid', `SENDGRID_API_KEY=${sg}`, [sg], false);
  const tg = `${gen(10, DG)}:AA${gen(33, URLSAFE)}`;
  add('telegram-bot-url', `POST https://api.telegram.org/bot${tg}/sendMessage`, [tg], false);
  const twSid = `AC${gen(32, HEX)}`;
  const twTok = gen(32, HEX);
  add('twilio', `TWILIO_ACCOUNT_SID=${twSid} TWILIO_AUTH_TOKEN=${twTok}`, [twTok], false);
  const xapi = gen(40, AN);
  add('x-api-key-header', `< X-Api-Key: ${xapi}`, [xapi], false);
  const tomlpw = withChars(16, `${AN}!#%&*`, ['#']);
  add('toml-password', `password = "${tomlpw}"`, [tomlpw], false);
  const pyrepr = gen(18, AN);
  add('python-repr-password', `DB config: {'host': 'db', 'user': 'ml', 'password': '${pyrepr}'}`, [pyrepr], false);
  const adoPw = `${gen(14, AN)}!`;
  add(
    'ado-connection-string',
    `Server=tcp:ml.database.windows.net,1433;Database=runs;User ID=ml;Password=${adoPw};Encrypt=True;`,
    [adoPw],
    false,
  );
  const qtok = gen(32, AN);
  add('query-token', `GET https://data.example.org/export?format=parquet&token=${qtok}&page=2`, [qtok], false);
  const r8 = `r8_${gen(37, AN)}`;
  add('replicate', `REPLICATE_API_TOKEN=${r8}`, [r8], false);
  const gsk = `gsk_${gen(52, AN)}`;
  add('groq', `client = Groq(api_key="${gsk}")`, [gsk], false);
  const dop = `dop_v1_${gen(64, HEX)}`;
  add('digitalocean', `DIGITALOCEAN_TOKEN=${dop}`, [dop], false);
  const mg = `key-${gen(32, HEX)}`;
  add('mailgun', `MAILGUN_API_KEY=${mg}`, [mg], false);
  const hrku = `HRKU-AA${gen(58, URLSAFE)}`;
  add('heroku-v2', `HEROKU_API_KEY=${hrku}`, [hrku], false);
  const cs = gen(34, `${AN}~._-`);
  add('client-secret', `oauth: client_id=ml-app client_secret=${cs}`, [cs], false);
  const st = `IQoJb3JpZ2luX2Vj${gen(300, B64)}`;
  add('aws-session-token', `AWS_SESSION_TOKEN=${st}`, [st], false);
  const tf = `${gen(14, LO + DG)}.atlasv1.${gen(67, URLSAFE)}`;
  add('terraform-cloud', `TF_TOKEN_app_terraform_io=${tf}`, [tf], false);
  const longline = `{"step": 1200, "config": {"lr": 0.0003, "batch_size": 64, "wandb": {"project": "llm", "api_key": "${gen(40, HEX)}"}, "hub_token": "${`hf_${gen(34, UP + LO)}`}"}}`;
  add(
    'json-one-long-line',
    longline,
    [...longline.matchAll(/"(?:api_key|hub_token)": "([^"]+)"/g)].map((m) => m[1]),
    false,
  );
  const sig = gen(43, URLSAFE);
  add(
    'generic-signature-param',
    `https://cdn.example.com/ds.tar?Expires=1717329600&Signature=${sig}&Key-Pair-Id=K2JCJMDEHXQW5F`,
    [sig],
    false,
  );
  const ek = gen(28, AN);
  add('export-prefixed-name', `export MY_SERVICE_SECRET='${ek}'`, [ek], false);
  const ckey = gen(32, HEX);
  add('cohere-env', `CO_API_KEY=${ckey}`, [ckey], false);
  const pinecone = `pcsk_${gen(6, AN)}_${gen(60, AN)}`;
  add('pinecone', `PINECONE_API_KEY=${pinecone}`, [pinecone], false);
  return c;
}

// Ordinary ML/cluster log lines that a redactor must leave byte-for-byte alone.
export const NORMAL_LINES = [
  'Epoch 1:  37%|███▋      | 370/1000 [02:11<03:44,  2.81it/s, loss=1.92, v_num=3]',
  "{'loss': 2.1034, 'grad_norm': 0.8123, 'learning_rate': 2.9e-05, 'epoch': 0.42}",
  "{'eval_loss': 1.8823, 'eval_runtime': 12.3, 'eval_samples_per_second': 81.2, 'eval_steps_per_second': 2.54, 'epoch': 1.0}",
  'optimizer: AdamW(lr=3e-4, betas=(0.9, 0.95), weight_decay=0.1)',
  'tokenizer.pad_token_id=0',
  'generation: temperature=0.7, top_p=0.95, max_tokens=2048, stop=None',
  'num_tokens: 1234',
  'model_key: resnet50',
  'auth_method: ssh',
  'password_file: /home/u/.pw',
  'Token is valid (permission: write).',
  'Your token has been saved to /home/u/.cache/huggingface/token',
  'Loading tokenizer from /data/tokenizer.json',
  'Loading /data/shared/tokenizers/llama3/special_tokens_map.json',
  'HEAD is now at 3f9c2a1b7d4e5f60718293a4b5c6d7e8f9012345 fix: lr warmup',
  'Submitted batch job 48213377',
  'SLURM_JOB_ID=48213377 SLURM_NODELIST=gpu[001-004] SLURM_NTASKS=32',
  'Downloading https://huggingface.co/meta-llama/Llama-2-7b-hf/resolve/main/config.json',
  '+ curl -sSL -o /tmp/get.sh https://example.org/install.sh',
  'wandb: 🚀 View run at https://wandb.ai/team/proj/runs/3kx9z2ab',
  'wandb: Appending key for api.wandb.ai to your netrc file: /root/.netrc',
  'wandb: Currently logged in as: alice (team-ml). Use `wandb login --relogin` to force relogin',
  "special_tokens={'bos_token': '<s>', 'eos_token': '</s>', 'unk_token': '<unk>', 'pad_token': '[PAD]'}",
  'Setting `pad_token_id` to `eos_token_id`:2 for open-end generation.',
  'sort_key: length',
  'primary_key: id',
  "cache_key: 'llama-7b-bf16-seq4096'",
  'secret_name: hf-token',
  'token_type_ids: [0, 0, 0, 0, 1, 1]',
  'from_pretrained(model_id, use_auth_token=True, trust_remote_code=True, token=None)',
  'api_key=None',
  'password: ********',
  'WANDB_API_KEY is not set; run `wandb login`',
  'auth: enabled',
  'HTTP 401 Unauthorized: Authorization required',
  'key = jax.random.PRNGKey(0)',
  'key: Array([ 0, 42], dtype=uint32)',
  'Missing key(s) in state_dict: "encoder.layer.0.attention.self.query.weight", "encoder.layer.0.attention.self.key.weight".',
  'throughput: tokens/s=48123.5 tokens_per_second_per_gpu=6015.4',
  'max_new_tokens=512 min_new_tokens=1',
  'grad_accum_steps=8, secret_sauce=False',
  '--tokenizer_name_or_path /data/tok --token-budget 4096 --resume_from_checkpoint /ckpt/step_1000',
  'Host key verification failed.',
  'git@github.com: Permission denied (publickey).',
  "KeyError: 'input_ids'",
  '  File "/home/u/proj/train.py", line 42, in <module>',
  'torch.distributed.elastic.multiprocessing.errors.ChildFailedError:',
  'gpu001:1234:1234 [0] NCCL INFO comm 0x55d0c8a0 rank 0 nranks 8 cudaDev 0 busId 1b000 - Init COMPLETE',
  'Digest: sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
  'Downloading shards: 100%|██████████| 2/2 [00:31<00:00, 15.6s/it]',
  'mlflow: run_id=2c7f0e9d8a6b4c3e9f1a2b3c4d5e6f70 experiment_id=12',
  'MLFLOW_TRACKING_URI=https://mlflow.internal:5000',
  'MLFLOW_TRACKING_USERNAME=alice',
  'AWS_DEFAULT_REGION=us-east-1 AWS_PROFILE=research',
  'Uploading to s3://my-bucket/checkpoints/step_1000/model.safetensors',
  'request uuid: 123e4567-e89b-12d3-a456-426614174000',
  'Step 1000 | loss 2.134 | tok/s 48123 | lr 2.99e-04 | grad_norm 0.91',
  '[rank3]: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB',
  'export HF_HOME=/scratch/u/hf HF_TOKEN_PATH=/home/u/.cache/huggingface/token',
  '--private_key_path ~/.ssh/id_ed25519',
  'token_file=/run/secrets/hf',
  'credentials_path: /etc/gcp/sa.json',
  'GOOGLE_APPLICATION_CREDENTIALS=/home/u/.config/gcloud/application_default_credentials.json',
  'Bearer token expired, refreshing',
  'authorization: none',
  'sig_level: 0.05',
  'Verifying signature... OK',
  'key_padding_mask shape: torch.Size([8, 512])',
  'pass@1: 0.423 pass@10: 0.611 num_passes: 2',
  "keys: ['model', 'optimizer', 'lr_scheduler']",
  'Using auth token from env HF_TOKEN',
  '--auth-type oauth',
  'remote: https://alice@github.com/acme/llm-train.git',
  'ssh -i ~/.ssh/id_rsa alice@login.cluster.example.edu',
  'api_base: https://api.openai.com/v1 api_version: 2024-02-01',
  "openai.api_type = 'azure'",
  'stop_token: <|eot_id|>',
  'token: 128009',
  'Token indices sequence length is longer than the specified maximum sequence length for this model (5123 > 4096).',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell reference as a log prints it
  'password: "${DB_PASSWORD}"',
  'api_key=$OPENAI_API_KEY',
  'token: <your-token-here>',
  'access_key: ""',
  'Saving checkpoint to /ckpt/epoch=3-step=4000-val_loss=1.23.ckpt',
  "access_token_url='https://github.com/login/oauth/access_token'",
  'auth_token_expires_in: 3600',
  "additional_special_tokens=['<|im_start|>', '<|im_end|>']",
  'tokens=tensor([[    1, 15043, 29892,   590]])',
  'git config --global credential.helper store',
  'Login successful',
  'session_id=7f1c0e2d9b8a4c6e9d0f',
  "Namespace(lr=0.0003, batch_size=64, tokenizer='gpt2', api_url='https://api.example.org', seed=42)",
  'HF_HUB_ENABLE_HF_TRANSFER=1 hf_transfer available',
  'task-specific head: sk-learn style pipeline',
  'cudnn_version=90100 driver_version=550.54.15 cuda_version=12.4',
  'AccountName=mlstore01;EndpointSuffix=core.windows.net',
  'keyring backend: keyring.backends.SecretService.Keyring (priority: 5)',
  'ds_config: {"zero_optimization": {"stage": 3, "offload_param": {"device": "cpu"}}, "bf16": {"enabled": true}}',
  // Hazards for a wider structural rule (bare key/token/auth/sig, env dumps, code in tracebacks).
  'PWD=/home/u/proj OLDPWD=/home/u',
  'SSH_AUTH_SOCK=/tmp/ssh-XXXXkq3Zp/agent.12345',
  'GIT_ASKPASS=/usr/lib/git-core/git-gui--askpass',
  'XAUTHORITY=/home/u/.Xauthority',
  "    token = os.environ['HF_TOKEN']",
  '    client = OpenAI(api_key=api_key, base_url=base_url)',
  '    password = getpass.getpass()',
  '    headers = {"Authorization": f"Bearer {token}"}',
  "{'token': 'Ġthe', 'id': 262, 'logprob': -0.0123}",
  'image_key: jpg text_key: txt',
  'metric_key: val/loss monitor: val_loss',
  'rng_key: [2718843009 1276417929]',
  "api_key: SecretStr('**********')",
  'Using OPENAI_API_KEY=sk-p...Q2aA',
  'hf_token: hf_***',
  'webdataset: key=__key__ url=pipe:aws s3 cp s3://b/shard-{000..099}.tar -',
  'passes: 3 bypass_cache=True',
  'token_count=512',
  'attn: key_dim=128 value_dim=128 num_key_value_heads=8',
  'kv cache: key_states.shape=(1, 32, 512, 128)',
  '{"max_tokens": 1024, "stop": ["</s>"], "logit_bias": {}}',
  'pipeline(task="text-generation", model=model, tokenizer=tokenizer, token=True)',
  'access_log: /var/log/nginx/access.log',
  'secrets: mounted from /run/secrets',
  'sigma=0.5 sig_figs=3',
  'authorized_keys updated for alice',
  'Public key: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG6mXq0Gm9QbX9r1pT0nXnY3hQe4f3g1vCw2bC8yZ0aB alice@host',
  'The key fingerprint is SHA256:5Q1J4mJ3nX0bq6Yw0Zl7hM3cU3r9q2yT8mJ2kX9dVbE alice@host',
  '-----BEGIN CERTIFICATE-----',
  'gpg: Good signature from "Alice <alice@example.org>"',
  'wandb: W&B API key is configured. Use `wandb login --relogin` to force relogin',
  'HF_TOKEN not set, falling back to anonymous access',
  'export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1',
  'git remote -v: origin https://github.com/acme/llm-train.git (fetch)',
  'Downloading data from https://storage.googleapis.com/bucket/file.tar.gz?alt=media',
  'hydra: run.dir=outputs/2025-06-01/12-00-00 job.name=train',
  'tokenizer_config.json: 100%|██████████| 1.29k/1.29k [00:00<00:00, 5.12MB/s]',
  'model-00001-of-00004.safetensors: 100%|██████████| 4.98G/4.98G [01:02<00:00, 80.1MB/s]',
];

// ~1 MiB synthetic training log with secrets planted at random lines. Returns {text, planted}.
export function syntheticLog(targetBytes = 1 << 20, nPlant = 20) {
  const r = rng(7);
  const rp = (a) => a[Math.floor(r() * a.length)];
  const tb = [
    'Traceback (most recent call last):',
    '  File "/home/u/proj/train.py", line 211, in <module>',
    '    main()',
    '  File "/home/u/.venv/lib/python3.11/site-packages/torch/nn/modules/module.py", line 1553, in _wrapped_call_impl',
    '    return self._call_impl(*args, **kwargs)',
    'RuntimeError: Expected all tensors to be on the same device, but found at least two devices, cuda:0 and cpu!',
  ];
  const gens = [
    (i) =>
      `Epoch ${i % 10}:  ${(i * 7) % 100}%|${'█'.repeat((i * 7) % 10)}${' '.repeat(10 - ((i * 7) % 10))}| ${(i * 37) % 1000}/1000 [02:${String(i % 60).padStart(2, '0')}<03:44,  ${(2 + r()).toFixed(2)}it/s, loss=${(2 * r() + 1).toFixed(3)}, v_num=${i % 7}]`,
    (i) =>
      `{'loss': ${(r() * 3).toFixed(4)}, 'grad_norm': ${(r() * 2).toFixed(4)}, 'learning_rate': ${(r() * 3e-4).toExponential(2)}, 'epoch': ${(i / 1000).toFixed(2)}}`,
    (i) =>
      `[2025-06-01 12:${String(i % 60).padStart(2, '0')}:${String((i * 7) % 60).padStart(2, '0')},${String(i % 1000).padStart(3, '0')}][train][INFO] step=${i} loss=${(r() * 3).toFixed(4)} lr=${(r() * 3e-4).toExponential(3)} tok/s=${Math.floor(40000 + r() * 10000)} mem=${(60 + r() * 10).toFixed(1)}GiB`,
    (i) =>
      `gpu0${i % 8}:${1000 + (i % 50)}:${1000 + (i % 50)} [${i % 8}] NCCL INFO Channel ${String(i % 16).padStart(2, '0')}/16 : 0[${i % 8}] -> 1[${(i + 1) % 8}] via P2P/IPC/read`,
    () => rp(tb),
    (i) => `Saving model checkpoint to /scratch/u/runs/llama-7b-ft/checkpoint-${i * 50}`,
    (_i) => `  ${rp(NORMAL_LINES)}`,
    (i) =>
      `wandb: step ${i} | train/loss ${(r() * 3).toFixed(3)} | commit ${Array.from({ length: 40 }, () => '0123456789abcdef'[Math.floor(r() * 16)]).join('')}`,
  ];
  const cases = credentialCases();
  const lines = [];
  let size = 0;
  let i = 0;
  while (size < targetBytes) {
    const l = gens[Math.floor(r() * gens.length)](i++);
    lines.push(l);
    size += Buffer.byteLength(l) + 1;
  }
  // Plant: pick nPlant cases spread over core and extras.
  const chosen = [];
  const step = cases.length / nPlant;
  for (let k = 0; k < nPlant; k++) chosen.push(cases[Math.floor(k * step)]);
  const planted = [];
  chosen.forEach((cs, k) => {
    const at = Math.floor(((k + 0.5) / nPlant) * lines.length);
    lines.splice(at, 0, cs.text);
    planted.push(cs);
  });
  return { text: `${lines.join('\n')}\n`, planted };
}
