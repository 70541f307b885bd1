/**
 * The demo cluster's jobs. Each job has a fixed schedule relative to the demo's
 * start (negative = before it) and a generator of timed log writes, so the same
 * pipeline that reads real logs reads these.
 */
import { tqdmBar, traceback } from './logs.js';

export interface LogEvent {
  /** Seconds relative to the demo start. */
  at: number;
  text: string;
}

export interface DemoJob {
  id: number;
  arrayJobId?: number;
  arrayTaskId?: number;
  name: string;
  partition: string;
  limitS: number;
  submitAt: number;
  /** null = never starts (stays pending). */
  startAt: number | null;
  /** null = runs past the demo's horizon. */
  endAt: number | null;
  endState: string;
  exitCode: string;
  pendingReason: string;
  endReason: string;
  gpus: number;
  /** `--mem` in GiB (32 when not set). */
  askMemGiB?: number;
  /** What the job uses: share of its 8 CPUs busy, peak memory, GPU peak percent per GPU. */
  usage?: { cpu: number; memGiB: number; gpuPct?: number };
  /** Per-GPU time-averaged utilisation, published as a Princeton jobstats AdminComment. */
  jobstatsGpuPct?: number[];
  /** Waits for another demo job: `afterok` on 4106 prints `afterok:4106(unfulfilled)`. */
  dependsOn?: { type: 'afterok' | 'afterany'; id: number };
  /** The scheduler's expected start (`squeue --start`), seconds relative to the demo start. */
  expectedStartAt?: number;
  log: (startAt: number) => Generator<LogEvent>;
}

function* header(t: number, lines: string[]): Generator<LogEvent> {
  for (const l of lines) yield { at: t, text: `${l}\n` };
}

/** A tqdm loop over epochs; `stopAt` cuts it (crash, timeout) without closing the bar. */
function* epochs(opts: {
  t0: number;
  epochs: number;
  steps: number;
  rate: number;
  desc: (e: number) => string;
  unit?: string;
  every?: number;
  stopAt?: number;
  loss?: (step: number) => number;
  afterEpoch?: (e: number, t: number) => string;
}): Generator<LogEvent> {
  const every = opts.every ?? 0.5;
  let t = opts.t0;
  let global = 0;
  for (let e = 1; e <= opts.epochs; e++) {
    const start = t;
    let n = 0;
    yield { at: t, text: `\r${tqdmBar({ desc: opts.desc(e), n: 0, total: opts.steps, elapsed: 0, unit: opts.unit })}` };
    while (n < opts.steps) {
      t += every;
      n = Math.min(opts.steps, Math.floor((t - start) * opts.rate));
      if (opts.stopAt !== undefined && t >= opts.stopAt) return;
      const loss = opts.loss?.(global + n);
      const postfix = loss === undefined ? undefined : `loss=${Number.isNaN(loss) ? 'nan' : loss.toFixed(4)}`;
      yield {
        at: t,
        text: `\r${tqdmBar({ desc: opts.desc(e), n, total: opts.steps, elapsed: t - start, unit: opts.unit, postfix })}`,
      };
    }
    global += opts.steps;
    yield { at: t, text: '\n' };
    if (opts.afterEpoch) yield { at: t, text: opts.afterEpoch(e, t) };
  }
}

const decay = (k: number) => (s: number) => 2.5 * Math.exp(-s / k) + 0.35 + 0.02 * Math.sin(s / 7);

/** SLURM's "standard" time format: local wall clock without a zone. */
export function slurmTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** The demo's jobs; `now` offsets are seconds relative to the demo's start (`t0`, ms). */
export function demoJobs(t0 = Date.now()): DemoJob[] {
  const base = { partition: 'gpu', exitCode: '0:0', pendingReason: 'Priority', endReason: 'None', gpus: 1 };
  const jobs: DemoJob[] = [
    {
      // Asked for far more than it used: the right-sizing hints' showcase.
      ...base,
      id: 4100,
      name: 'prep-tokenize',
      partition: 'debug',
      limitS: 10 * 3600,
      submitAt: -5000,
      startAt: -4980,
      endAt: -4980 + 41 * 60 + 12,
      endState: 'COMPLETED',
      askMemGiB: 64,
      usage: { cpu: 0.1625, memGiB: 3.1 },
      log: (s) => header(s, ['tokenizing 48 shards', 'wrote 1.2B tokens to /scratch/tokens']),
    },
    {
      ...base,
      id: 4113,
      name: 'ddp-smoke-test',
      limitS: 3600,
      submitAt: -3700,
      startAt: -3650,
      endAt: -3650 + 20 * 60,
      endState: 'COMPLETED',
      gpus: 2,
      usage: { cpu: 0.7, memGiB: 24 },
      jobstatsGpuPct: [91, 0],
      log: (s) =>
        header(s, ['DDP world_size=2', 'rank 1 never joined the process group; rank 0 trained alone', 'done']),
    },
    {
      ...base,
      id: 4101,
      name: 'train-resnet50',
      limitS: 4 * 3600,
      submitAt: -1230,
      startAt: -1200,
      endAt: -1200 + 10 * 250,
      endState: 'COMPLETED',
      usage: { cpu: 0.29, memGiB: 5.1, gpuPct: 91 },
      log: (s) =>
        chain(
          header(s, ['[rank0] world_size=1 · dataset imagenet-subset (128k images)']),
          epochs({
            t0: s,
            epochs: 10,
            steps: 500,
            rate: 2,
            desc: (e) => `Epoch ${e}/10`,
            loss: decay(900),
            afterEpoch: (e) =>
              `epoch ${e}: val_loss=${(0.9 - e * 0.04).toFixed(4)} val_acc=${(0.6 + e * 0.03).toFixed(4)}\n`,
          }),
          header(s + 2500, ['Training finished. Best checkpoint saved to checkpoints/best.pt']),
        ),
    },
    {
      ...base,
      id: 4102,
      name: 'pretrain-gpt',
      limitS: 90 * 60,
      submitAt: -3100,
      startAt: -3000,
      endAt: -3000 + 90 * 60,
      endState: 'TIMEOUT',
      endReason: 'TimeLimit',
      gpus: 2,
      usage: { cpu: 0.8, memGiB: 27 },
      jobstatsGpuPct: [88.4, 0.2],
      log: (s) =>
        chain(
          header(s, ['[2026-11-28 09:00:00] pretraining gpt-small, 20000 steps']),
          epochs({
            t0: s,
            epochs: 1,
            steps: 20000,
            rate: 3.1,
            every: 1,
            desc: () => 'pretrain',
            unit: 'step',
            loss: decay(4000),
          }),
        ),
    },
    {
      ...base,
      id: 4103,
      name: 'finetune-bert',
      limitS: 2 * 3600,
      submitAt: -60,
      startAt: 2,
      endAt: 28,
      endState: 'FAILED',
      exitCode: '1:0',
      endReason: 'NonZeroExitCode',
      log: (s) =>
        chain(
          header(s, ['Loading bert-large-uncased (335M params)', 'batch size 64, fp32']),
          epochs({
            t0: s,
            epochs: 3,
            steps: 400,
            rate: 4.9,
            desc: (e) => `Epoch ${e - 1}`,
            unit: 'batch',
            stopAt: 28,
            loss: decay(300),
          }),
          header(28, [
            '',
            traceback(
              [
                ['train.py', 88, '<module>', 'main()'],
                ['train.py', 71, 'main', 'loss = model(**batch).loss'],
                [
                  '/opt/venv/lib/python3.11/site-packages/torch/nn/modules/module.py',
                  1532,
                  '_call_impl',
                  'return forward_call(*args, **kwargs)',
                ],
              ],
              'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 39.39 GiB of which 1.21 GiB is free.',
            ),
          ]),
        ),
    },
    {
      ...base,
      id: 4104,
      name: 'eval-llm',
      limitS: 3600,
      submitAt: -7300,
      startAt: -7200,
      endAt: -7198,
      endState: 'FAILED',
      exitCode: '1:0',
      endReason: 'NonZeroExitCode',
      log: (s) =>
        header(s, [
          'torch 2.4.0, cuda available: True',
          traceback(
            [['eval.py', 3, '<module>', 'import flash_attn']],
            "ModuleNotFoundError: No module named 'flash_attn'",
          ).trimEnd(),
        ]),
    },
    {
      ...base,
      id: 4106,
      name: 'llama-sft',
      limitS: 12 * 3600,
      submitAt: -1900,
      startAt: -1800,
      endAt: null,
      endState: 'COMPLETED',
      log: (s) => hfTrainer(s),
    },
    {
      ...base,
      id: 4107,
      name: 'wait-resources',
      limitS: 24 * 3600,
      submitAt: -600,
      startAt: null,
      endAt: null,
      endState: 'COMPLETED',
      pendingReason: 'Resources',
      gpus: 8,
      expectedStartAt: 45 * 60,
      log: () => header(0, []),
    },
    {
      ...base,
      id: 4108,
      name: 'eval-after-train',
      limitS: 3600,
      submitAt: -1200,
      startAt: null,
      endAt: null,
      endState: 'COMPLETED',
      pendingReason: 'Dependency',
      dependsOn: { type: 'afterok', id: 4106 },
      log: () => header(0, []),
    },
    {
      ...base,
      id: 4112,
      name: 'report-bert',
      partition: 'debug',
      limitS: 600,
      submitAt: -50,
      startAt: null,
      endAt: null,
      endState: 'COMPLETED',
      pendingReason: 'Dependency',
      // 4103 fails at 28 s: from then on this one can never start.
      dependsOn: { type: 'afterok', id: 4103 },
      log: () => header(0, []),
    },
    {
      ...base,
      id: 4109,
      name: 'quick-probe',
      partition: 'debug',
      limitS: 180,
      submitAt: -160,
      startAt: -150,
      endAt: 30,
      endState: 'TIMEOUT',
      endReason: 'TimeLimit',
      log: (s) =>
        chain(
          epochs({ t0: s, epochs: 1, steps: 100000, rate: 2, desc: () => 'probe', unit: 'tok_batch', stopAt: 30 }),
          header(30, [
            `slurmstepd-gpu-017: error: *** JOB 4109 ON gpu-017 CANCELLED AT ${slurmTime(t0 + 30_000)} DUE TO TIME LIMIT ***`,
          ]),
        ),
    },
    {
      ...base,
      id: 4111,
      name: 'dataloader-oom',
      partition: 'debug',
      limitS: 1800,
      submitAt: -1900,
      startAt: -1850,
      endAt: -1790,
      endState: 'OUT_OF_MEMORY',
      exitCode: '0:125',
      endReason: 'OutOfMemory',
      usage: { cpu: 0.12, memGiB: 32 },
      log: (s) =>
        chain(
          epochs({
            t0: s,
            epochs: 1,
            steps: 100,
            rate: 0.1,
            every: 10,
            desc: () => 'caching shards',
            unit: 'shard',
            stopAt: s + 60,
          }),
          header(s + 60, [
            'slurmstepd-gpu-017: error: Detected 1 oom-kill event(s) in StepId=4111.batch. Some of your processes may have been killed by the cgroup out-of-memory handler.',
          ]),
        ),
    },
  ];
  // A learning-rate sweep: 6 tasks, 2 at a time; task 3 diverges.
  for (let task = 0; task < 6; task++) {
    const slot = Math.floor(task / 2);
    const startAt = -70 + slot * 45;
    const fails = task === 3;
    jobs.push({
      ...base,
      id: 4200 + task,
      arrayJobId: 4105,
      arrayTaskId: task,
      name: 'sweep-lr',
      partition: 'debug',
      limitS: 600,
      submitAt: -75,
      startAt,
      endAt: startAt + (fails ? 25 : 40),
      endState: fails ? 'FAILED' : 'COMPLETED',
      exitCode: fails ? '2:0' : '0:0',
      pendingReason: 'JobArrayTaskLimit',
      endReason: fails ? 'NonZeroExitCode' : 'None',
      log: (s) =>
        chain(
          header(s, [`array task 4105_${task} lr=${(1e-4 * 2 ** task).toExponential(1)}`]),
          epochs({
            t0: s,
            epochs: 1,
            steps: 120,
            rate: 3,
            desc: () => `lr=${(1e-4 * 2 ** task).toExponential(1)}`,
            unit: 'step',
            stopAt: fails ? s + 24 : undefined,
            loss: fails ? () => Number.NaN : decay(60),
          }),
          header(s + (fails ? 24.5 : 40), [
            fails ? '\nERROR: loss is NaN at step 71, aborting' : `final_loss=${(0.5 + task / 20).toFixed(4)}`,
          ]),
        ),
    });
  }
  return jobs;
}

function* hfTrainer(s: number): Generator<LogEvent> {
  const total = 30000;
  const rate = 3.3;
  let t = s;
  let n = 0;
  yield {
    at: s,
    text: '***** Running training *****\n  Num examples = 480,000\n  Total optimization steps = 30,000\n',
  };
  while (n < total) {
    t += 1;
    const next = Math.floor((t - s) * rate);
    if (Math.floor(next / 500) > Math.floor(n / 500)) {
      const step = Math.floor(next / 500) * 500;
      const loss = 1.9 * Math.exp(-step / 9000) + 0.6;
      yield {
        at: t,
        text: `{'loss': ${loss.toFixed(4)}, 'grad_norm': ${(1.2 + Math.sin(step)).toFixed(4)}, 'learning_rate': ${(2e-5 * (1 - step / total)).toExponential(3)}, 'epoch': ${(step / 10000).toFixed(2)}}\n`,
      };
    }
    n = Math.min(total, next);
    yield { at: t, text: `\r${tqdmBar({ desc: '', n, total, elapsed: t - s }).replace(/^: /, '')}` };
  }
}

function* chain(...gens: Generator<LogEvent>[]): Generator<LogEvent> {
  for (const g of gens) yield* g;
}
