/** Shared bits for the diagnose tests: a SLURM job, the claude stand-in, fake secrets. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SlurmJob } from '../parsers/slurm-types.js';

export const STUB_DIR = resolve(import.meta.dirname, 'fixtures-bin');

/** A FAILED job like crash_runtime.sbatch produces. */
export function failedJob(over: Partial<SlurmJob> = {}): SlurmJob {
  return {
    job_id: '4103',
    raw_job_id: '4103',
    array_job_id: null,
    array_task_id: null,
    het_job_id: null,
    het_offset: null,
    name: 'finetune-bert',
    user: 'hpcuser',
    account: 'proj',
    partition: 'gpu',
    state: 'FAILED',
    state_detail: null,
    reason: 'NonZeroExitCode',
    nodes: 'gpu-017',
    num_nodes: 1,
    submit_time: '2026-11-28T13:52:59+00:00',
    start_time: '2026-11-28T13:53:00+00:00',
    end_time: '2026-11-28T13:53:28+00:00',
    elapsed_s: 28,
    time_limit_s: 7200,
    exit_code: '1:0',
    derived_exit_code: '0:0',
    work_dir: '/home/u/bert',
    stdout_pattern: '/home/u/bert/logs/4103.out',
    stderr_pattern: '/home/u/bert/logs/4103.err',
    command: '/home/u/bert/train.sbatch',
    req_mem: '512M',
    alloc_tres: 'cpu=1,mem=512M,node=1,billing=1,gres/gpu=1',
    max_rss: '498M',
    efficiency: null,
    dependency: null,
    ...over,
  };
}

/** A Python traceback ending in a CUDA OOM, as logical lines. */
export function oomTraceback(): string[] {
  return [
    'Traceback (most recent call last):',
    '  File "/home/u/bert/train.py", line 88, in <module>',
    '    main()',
    '  File "/home/u/bert/train.py", line 71, in main',
    '    loss = model(**batch).loss',
    '  File "/opt/venv/lib/python3.11/site-packages/torch/nn/modules/module.py", line 1532, in _call_impl',
    '    return forward_call(*args, **kwargs)',
    'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 39.39 GiB of which 1.21 GiB is free.',
  ];
}

export const OOM_LINE = oomTraceback().at(-1)!;

/** Fake credentials of every kind the redactor knows, built at run time so scanners stay quiet. */
export function plantedSecrets() {
  const alnum = (n: number, seed: number) => {
    const a = 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789';
    let s = '';
    for (let i = 0; i < n; i++) s += a[(i * 7 + seed) % a.length];
    return s;
  };
  const hex = (n: number, seed: number) => {
    let s = '';
    for (let i = 0; i < n; i++) s += '0123456789abcdef'[(i * 5 + seed) % 16];
    return s;
  };
  return {
    huggingface: `hf_${alnum(34, 1).replace(/\d/g, 'q')}`,
    wandb: hex(40, 3),
    awsId: `AKIA${alnum(16, 5).toUpperCase()}`,
    awsSecret: `${alnum(30, 7)}/${alnum(9, 8)}`,
    ghp: `gh${'p'}_${alnum(36, 9)}`,
    githubPat: `github${'_pat_'}${alnum(22, 11)}_${alnum(59, 12)}`,
    openai: `sk-proj-${alnum(48, 13)}`,
    anthropic: `sk-ant-api03-${alnum(60, 15)}`,
    slack: `xox${'b'}-123456789012-1234567890123-${alnum(24, 17)}`,
    pemBody: alnum(64, 19),
    urlPassword: 'S3cretUrlPassw0rd',
    apiKey: `akv_${alnum(28, 21)}`,
    envValue: `envsecret-${alnum(16, 23)}`,
  };
}

/** Log lines that leak every planted secret in a different way. */
export function secretLines(s: ReturnType<typeof plantedSecrets>): string[] {
  return [
    `Logging in to the Hub with token ${s.huggingface}`,
    `wandb: Appending key for api.wandb.ai to your netrc file: ${s.wandb}`,
    `export AWS_ACCESS_KEY_ID=${s.awsId}`,
    `aws_secret_access_key = ${s.awsSecret}`,
    `git remote: https://x:${s.ghp}@github.com/u/repo.git`,
    `GITHUB_TOKEN=${s.githubPat}`,
    `openai.api_key = "${s.openai}"`,
    `client = Anthropic(api_key="${s.anthropic}")`,
    `posting to slack with ${s.slack}`,
    '-----BEGIN RSA PRIVATE KEY-----',
    s.pemBody,
    s.pemBody.split('').reverse().join(''),
    '-----END RSA PRIVATE KEY-----',
    `cloning https://alice:${s.urlPassword}@git.example.com/repo.git`,
    `API_KEY=${s.apiKey}`,
    `connecting with ${s.envValue}`,
  ];
}

/** Calls recorded by the stand-in: argv, stdin, cwd, appendText. */
export function stubCalls(dir: string): { argv: string[]; stdin: string; appendText: string | null }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /^call-\d+\.json$/.test(f))
    .sort((a, b) => Number(a.match(/\d+/)![0]) - Number(b.match(/\d+/)![0]))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')));
}
