/** Progress extraction across tqdm, Lightning (TQDM and Rich), HF, DeepSpeed, Keras and plain logs. */
import { describe, expect, it } from 'vitest';
import { analyzeLog } from '../parsers/log.js';
import { parseProgressLine } from '../parsers/progress.js';
import type { Progress } from '../parsers/types.js';

function progress(text: string): Progress | null {
  return analyzeLog(text).progress;
}

describe('tqdm variants', () => {
  it.each<[string, string, Partial<Progress>]>([
    [
      'it/s',
      'train:  45%|████▍     | 448/1000 [00:12<00:15, 35.61it/s]',
      { current: 448, total: 1000, rate: 35.61, rate_unit: 'it/s', eta_s: 15, elapsed_s: 12 },
    ],
    [
      's/it',
      'Generating:  18%|█▊        | 37/200 [02:53<12:46,  4.70s/it]',
      { rate: 4.7, rate_unit: 's/it', unit: 'it', eta_s: 766, elapsed_s: 173 },
    ],
    [
      'start ?it/s',
      'Epoch 0:   0%|          | 0/7813 [00:00<?, ?it/s]',
      { current: 0, rate: null, rate_unit: 'it/s', eta_s: null, epoch: 0 },
    ],
    [
      'hours never folded into days',
      'x:  50%|█████     | 5/10 [94:39:17<94:39:17, 18927.40s/it]',
      { elapsed_s: 340757, eta_s: 340757 },
    ],
    [
      'unit_scale k',
      'steps:  60%|██████    | 6.00k/10.0k [04:59<03:19, 20.0tok/s]',
      { current: 6000, total: 10000, unit: 'tok', rate: 20 },
    ],
    [
      'unit_scale kimg/s',
      'images:  40%|███▉      | 510k/1.28M [03:39<05:31, 2.33kimg/s]',
      { current: 510000, total: 1280000, rate: 2330, rate_unit: 'img/s', unit: 'img' },
    ],
    [
      'unit_scale G with B',
      'dl:  31%|███       | 1.23G/4.00G [00:27<01:01, 45.6MB/s]',
      { current: 1.23e9, total: 4e9, rate: 45.6e6, rate_unit: 'B/s' },
    ],
    [
      'custom glued unit, unknown total',
      'tokenizing shards: 12345doc [02:04, 98.98doc/s]',
      { current: 12345, total: null, unit: 'doc', rate: 98.98, rate_unit: 'doc/s', eta_s: null, elapsed_s: 124 },
    ],
    [
      'unit with underscore',
      'pretrain:   0%|          | 167/100000 [01:23<13:52:41,  2.00tok_batch/s]',
      { unit: 'tok_batch', rate_unit: 'tok_batch/s', eta_s: 49961 },
    ],
    [
      'HF datasets unit with a space',
      'Map:  45%|████▌     | 4500/10000 [00:01<00:02, 3000.12 examples/s]',
      { current: 4500, unit: 'examples', rate: 3000.12 },
    ],
    [
      'ascii bar',
      'valid:  66%|####################5          | 1325/2000 [00:05<00:02, 243.90it/s]',
      { current: 1325, rate: 243.9 },
    ],
    [
      'postfix',
      'Epoch 3/3: 100%|██████████| 120/120 [00:25<00:00,  4.76it/s, acc=0.801, loss=0.3785]',
      { epoch: 3, epoch_total: 3, eta_s: 0 },
    ],
    ['no desc (HF Trainer)', ' 74%|███████▍  | 21000/28347 [30:56<10:29, 11.67it/s]', { current: 21000, epoch: null }],
    [
      'Lightning TQDM bar',
      'Epoch 3:  45%|████▌     | 450/1000 [00:12<00:15, 36.12it/s, loss=0.123, v_num=0]',
      { epoch: 3, current: 450 },
    ],
    ['desc Batches (epoch 3)', 'Batches (epoch 3):  70%|███████   | 210/300 [00:10<00:04, 20.13it/s]', { epoch: 3 }],
    [
      'postfix cut at the terminal width, no closing ]',
      'Epoch 1:  37%|███▋      | 74/200 [01:52<03:11,  1.52s/it, loss=0.412, v_num=3, train/loss_step=0.398, global_step=73.0,',
      { current: 74, total: 200, rate: 1.52, rate_unit: 's/it', eta_s: 191, epoch: 1 },
    ],
    [
      'right edge only, text glued before it',
      'worker.py", line 937, in get_objects| 12.0/48.0 [00:30<01:30, 2.50s/it]',
      { current: 12, total: 48, rate: 2.5, eta_s: 90 },
    ],
    [
      'float counts (unit_scale without a prefix)',
      'rollout:  25%|██▌       | 9.00/36.0 [00:18<00:54, 2.00s/it]',
      { current: 9, total: 36 },
    ],
  ])('%s', (_n, line, want) => {
    expect(progress(line)).toMatchObject(want);
  });

  it('takes epoch_total from an outer Epochs bar and the rest from the inner one', () => {
    const text =
      '\rEpochs:  60%|██████    | 3/5 [00:44<00:29, 14.97s/it]\n\rBatches:  70%|███████   | 210/300 [00:10<00:04, 20.13it/s]\x1b[A';
    expect(progress(text)).toMatchObject({ current: 210, total: 300, epoch: 3, epoch_total: 5 });
  });

  it('keeps the epoch of an earlier training bar for a later eval bar', () => {
    const text =
      'Training Epoch: 3/3, step 202/203 completed (loss: 0.72): 100%|██| 203/203 [08:31<00:00,  2.52s/it]\nevaluating Epoch: 100%|██| 25/25 [00:06<00:00,  3.69it/s]\n';
    expect(progress(text)).toMatchObject({ current: 25, total: 25, rate: 3.69, epoch: 3, epoch_total: 3 });
  });

  it("carries the epoch into a validation bar from the training bar's column desc (Ultralytics)", () => {
    const text = [
      '      Epoch    GPU_mem   box_loss   cls_loss   dfl_loss  Instances       Size',
      '     12/300      3.91G      1.204     0.8731      1.155         41        640: 100%|██████████| 118/118 [00:41<00:00,  2.86it/s]',
      '                 Class     Images  Instances      Box(P          R      mAP50  mAP50-95): 100%|██████████| 9/9 [00:02<00:00,  3.40it/s]',
    ].join('\n');
    expect(progress(text)).toMatchObject({ current: 9, total: 9, rate: 3.4, epoch: 12, epoch_total: 300 });
  });

  it('ignores a lone checkpoint message after the bar but follows ongoing plain logs', () => {
    const bar = 'Epoch 0: 100%|██████████| 100/100 [00:10<00:00,  9.80it/s, v_num=0]\n';
    expect(progress(`${bar}Epoch 0, global step 100: 'val_loss' reached 0.5 (best 0.5), saving model\n`)).toMatchObject(
      { current: 100, total: 100 },
    );
    expect(
      progress(
        `Loading checkpoint shards: 100%|██| 2/2 [00:03<00:00,  1.57s/it]\nstep 10 | loss 2.0\nstep 20 | loss 1.9\n`,
      ),
    ).toMatchObject({ current: 20, unit: 'step' });
  });
});

describe('Lightning RichProgressBar', () => {
  it.each<[string, Partial<Progress>]>([
    [
      'Epoch 3/9  ━━━━━━━━━━━━━━━━━━╺━━━━━━━━━━━━━━━━━━━━━ 45/100 0:00:12 • 0:00:20 4.50it/s v_num: 0 train_loss: 0.123',
      { current: 45, total: 100, rate: 4.5, rate_unit: 'it/s', elapsed_s: 12, eta_s: 20, epoch: 3, epoch_total: 9 },
    ],
    [
      'Epoch 0/1  ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ 63/63 0:00:02 • 0:00:00 29.38it/s v_num: 0 train_loss: 0.086',
      { current: 63, eta_s: 0 },
    ],
    [
      'Sanity Checking ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ 0/2 -:--:-- • -:--:-- 0.00it/s',
      { current: 0, elapsed_s: null, eta_s: null, rate: 0 },
    ],
    [
      'Epoch 12/99 ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ 10/5000 1 day, 2:03:04 • 0:10:00 0.11it/s',
      { elapsed_s: 93784 },
    ],
  ])('%s', (line, want) => {
    expect(progress(line)).toMatchObject(want);
  });
});

describe('rich.progress rows of other CLIs', () => {
  it.each<[string, Partial<Progress>]>([
    [
      'Downloading shards ━━━━━━━━━━━━━━━━━━━━╸━━━━━━━━━━━━━━━━━━━ 17/32 0:01:05',
      { current: 17, total: 32, elapsed_s: 65, rate: null, eta_s: null },
    ],
    [
      '  Evaluating ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ 1,200/1,200 0:12:31',
      { current: 1200, total: 1200, elapsed_s: 751 },
    ],
    ['Epoch 2/5 ━━━━━━━━━━━━━╺━━━━━━━━━━━━━━━━━━━━━━━━━━ 30/90', { current: 30, total: 90, epoch: 2, epoch_total: 5 }],
  ])('%s', (line, want) => {
    expect(progress(line)).toMatchObject(want);
  });

  it('a spinner row has no counts, so the last bar row stays the progress', () => {
    const text =
      'Processing ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ 4/4 0:00:06\n\u280b Collecting results... 0:00:00\n';
    expect(progress(text)).toMatchObject({ current: 4, total: 4, elapsed_s: 6 });
  });
});

describe('rich.progress columns in any order after the bar', () => {
  it.each<[string, Partial<Progress>]>([
    // rich.progress.track(): TextColumn, BarColumn, TaskProgressColumn, TimeRemainingColumn.
    [
      'Working... ━━━━━━━━━━━━━━━━━╸━━━━━━━━━━━━━━━━━━━━━━  45% 0:00:12',
      { current: 45, total: 100, unit: '%', eta_s: 12, elapsed_s: null },
    ],
    [
      '━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ 40/100 0:00:06 0:00:09',
      { current: 40, total: 100, elapsed_s: 6, eta_s: 9 },
    ],
    [
      'Tokenizing ━━━━━━━━━━━╺━━━━━━━━━━━━━━━━━━━━━━━━━━━━ 3/10 0:00:06 2.1 it/s',
      { current: 3, total: 10, elapsed_s: 6, rate: 2.1, rate_unit: 'it/s' },
    ],
    [
      'Epoch 2/5 ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ 100% 30/30 • 0:00:31 • 0:00:00',
      { current: 30, total: 30, elapsed_s: 31, eta_s: 0, epoch: 2, epoch_total: 5 },
    ],
  ])('%s', (line, want) => {
    expect(progress(line)).toMatchObject(want);
  });

  it.each([
    'Loading ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ model.safetensors',
    '━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ 0:00:06',
  ])('a bar row without a percent or a count is no progress: %s', (line) => {
    expect(parseProgressLine(line)).toBeNull();
  });
});

describe('epoch-only lines of many loggers', () => {
  const twoEpochs = (a: string, b: string) => progress(`${a}\n${b}\n`);
  it.each<[string, string, Partial<Progress>]>([
    ['Epoch 2: loss=0.9', 'Epoch 3: loss=0.7', { epoch: 3, current: null }],
    ['Epoch 2 - loss: 0.9', 'Epoch 3 - loss: 0.7', { epoch: 3 }],
    ['Epoch [2/10], Loss: 0.9', 'Epoch [3/10], Loss: 0.7', { epoch: 3, epoch_total: 10 }],
    ['[Epoch 2] loss=0.9', '[Epoch 3] loss=0.7', { epoch: 3 }],
    ['Epoch 2 loss 0.9 acc 0.8', 'Epoch 3 loss 0.7 acc 0.9', { epoch: 3 }],
    ['Epoch 2 of 10, loss 0.9', 'Epoch 3 of 10, loss 0.7', { epoch: 3, epoch_total: 10 }],
  ])('%s / %s', (a, b, want) => {
    expect(twoEpochs(a, b)).toMatchObject(want);
  });

  it('one epoch line is not yet the progress mechanism', () => {
    expect(progress('step 10/100 | loss 2.0\nEpoch 3: loss=0.7\n')).toMatchObject({ current: 10, total: 100 });
  });

  it.each([
    'Saving checkpoint for epoch 3',
    'Saving checkpoint for epoch 3 to out/epoch3.ckpt',
    'Starting epoch 3 of 10',
    'Early stopping at epoch 12: no improvement in val_loss',
    'Loaded best weights from epoch 7 with val_loss',
  ])('names an epoch but reports nothing: %s', (line) => {
    expect(parseProgressLine(line)?.epoch ?? null).toBeNull();
  });
});

describe('Keras', () => {
  it.each<[string, string, Partial<Progress>]>([
    [
      'epoch header then progbar',
      'Epoch 10/100\n423/423 [==============================] - 188s 444ms/step - loss: 0.9081',
      {
        current: 423,
        total: 423,
        rate: 444,
        rate_unit: 'ms/step',
        eta_s: 0,
        elapsed_s: 188,
        epoch: 10,
        epoch_total: 100,
      },
    ],
    [
      's/step',
      'Epoch 310/1000\n100/100 [==============================] - 325s 3s/step - loss: nan',
      { rate: 3, rate_unit: 's/step' },
    ],
    [
      'in progress, ETA over a day',
      'Epoch 1/20\n  12/5000 [..............................] - ETA: 33:37:24 - loss: 2.3026',
      { current: 12, eta_s: 121044, epoch: 1 },
    ],
    [
      'verbose=2',
      'Epoch 1/10\n1079/1079 - 11s - loss: 0.2981 - accuracy: 0.9134 - 11s/epoch - 10ms/step',
      { current: 1079, rate: 10, rate_unit: 'ms/step', elapsed_s: 11 },
    ],
    [
      'unknown cardinality',
      'Epoch 1/12\n    694/Unknown - 25s 36ms/step - loss: 0.0812',
      { current: 694, total: null, eta_s: null, elapsed_s: 25 },
    ],
    [
      'Keras 3 bar',
      '\x1b[1m1875/1875\x1b[0m \x1b[32m━━━━━━━━━━━━━━━━━━━━\x1b[0m\x1b[37m\x1b[0m \x1b[1m4s\x1b[0m 2ms/step - accuracy: 0.87',
      { current: 1875, total: 1875, rate: 2, elapsed_s: 4 },
    ],
    [
      'samples, as the banner of Keras before TF 2.2 says',
      'Train on 60000 samples, validate on 10000 samples\nEpoch 1/12\n60000/60000 [==============================] - 9s 152us/sample - loss: 0.2680 - val_loss: 0.0562',
      { current: 60000, total: 60000, unit: 'sample', rate: 152, rate_unit: 'us/sample' },
    ],
    [
      'steps when the banner counts something else',
      'Train on 60000 samples\nEpoch 1/12\n469/469 [==============================] - 9s 19ms/step - loss: 0.2680',
      { current: 469, unit: 'step' },
    ],
    [
      'only the header so far',
      'Epoch 4/50\n1079/1079 - 11s - loss: 0.2\nEpoch 5/50\n',
      { current: null, total: null, epoch: 5, epoch_total: 50 },
    ],
    [
      'glued inner Epoch 1/1000 is not a header',
      ' Epoch 309/1000\n 99/100 [============================>.] - ETA: 3s - loss: nanEpoch 1/1000\n',
      { current: 99, epoch: 309, eta_s: 3 },
    ],
  ])('%s', (_n, text, want) => {
    expect(progress(text)).toMatchObject(want);
  });
});

describe('plain, DeepSpeed, HF', () => {
  it.each<[string, string, Partial<Progress>]>([
    [
      'step N/M with it/s',
      'step 2900/20000 | loss 2.100 | lr 6.0e-04 | 3.41 it/s',
      { current: 2900, total: 20000, unit: 'step', rate: 3.41, rate_unit: 'it/s' },
    ],
    [
      'iter with thousands separator, timedelta eta, time (data)',
      '[epoch:210, iter:  20,400, lr:(1.000e-04,)] [eta: 1 day, 18:10:02, time (data): 0.377 (0.002)]',
      { current: 20400, unit: 'iter', rate: 0.377, rate_unit: 's/iter', eta_s: 151802, epoch: 210 },
    ],
    [
      'btime(ms)',
      'Rank: 0; [ep: 0] iter: 64; lr: 1.07729; loss: 2.95133; btime(ms): 185; eta: 0:00:06;',
      { current: 64, rate: 185, rate_unit: 'ms/iter', eta_s: 6, epoch: 0 },
    ],
    ['iter N', 'iter 500 loss 1.23', { current: 500, unit: 'iter' }],
    [
      'Megatron',
      ' iteration      100/  500000 | elapsed time per iteration (ms): 1234.5 | lm loss: 6.789012E+00 |',
      { current: 100, total: 500000, rate: 1234.5, rate_unit: 'ms/iteration' },
    ],
    [
      'mmcv',
      'Epoch [1][50/7330]\tlr: 1.990e-03, eta: 1 day, 0:12:34, time: 0.512, data_time: 0.051',
      { current: 50, total: 7330, epoch: 1, eta_s: 87154, rate: 0.512 },
    ],
    [
      'multi-node prefix',
      '192.168.50.170:  56%|█████▋    | 16000/28347 [23:35<17:18, 11.89it/s]',
      { current: 16000, total: 28347 },
    ],
    ['rank prefix', '[rank3]: step 7/9 | loss 1.0', { current: 7, total: 9 }],
    [
      'DeepSpeed-Chat epoch header',
      'Beginning of Epoch 1/16, Total Micro Batches 1840',
      { current: null, total: 1840, unit: 'micro_batch', epoch: 1, epoch_total: 16 },
    ],
    [
      'DeepSpeed timer is epoch/step',
      '[2021-03-01 12:00:10,000] [INFO] [timer.py:157:stop] 0/4, RunningAvgSamplesPerSec=12.6, CurrSamplesPerSec=12.5, MemAllocated=0.41GB',
      { current: 4, total: null, epoch: 0, rate: 12.5, rate_unit: 'samples/s' },
    ],
    [
      'DeepSpeed step log',
      '[2024-11-28 13:53:10,120] [INFO] [logging.py:96:log_dist] [Rank 0] step=10, skipped=0, lr=[9.5e-05], mom=[(0.9, 0.999)]',
      { current: 10, unit: 'step' },
    ],
    [
      'plain epoch header',
      'Epoch 0/59\n----------\ntrain Loss: 2.7186 Acc: 0.4082',
      { current: null, epoch: 0, epoch_total: 59 },
    ],
    [
      'fairseq 0.x, no colon, running average',
      '| epoch 003  1200 / 4500 loss=2.31 (2.45), wps=1021, wpb=880, bsz=32, lr=0.25, clip=100%, gnorm=1.8',
      { current: 1200, total: 4500, epoch: 3, unit: 'update' },
    ],
    [
      'fairseq ups and wall',
      '| epoch 002:    400 / 1000 loss=5.1, nll_loss=4.9, ppl=29.9, wps=31000, ups=1.25, wpb=24800, bsz=800, num_updates=1400, lr=0.0005, gnorm=0.9, wall=812, train_wall=790',
      { current: 400, rate: 1.25, rate_unit: 'updates/s', elapsed_s: 812 },
    ],
    [
      'pytorch/examples sample counter',
      'Train Epoch: 3 [12800/60000 (21%)]\tLoss: 0.214563',
      { current: 12800, total: 60000, epoch: 3 },
    ],
    [
      'integral epoch printed as a float',
      'Train Epoch: 2.00 [40/459 (9%)]\tLoss: 0.8\tError: 31.000',
      { current: 40, total: 459, epoch: 2 },
    ],
    [
      'MMF logistics, unit-suffixed durations',
      '2021-05-01T10:00:00 | mmf.trainers.callbacks.logistics: progress: 400/10000, train/total_loss: 0.61, epoch: 1, num_updates: 400, iterations: 400, max_updates: 10000, lr: 0.00005, ups: 1.25, time: 01m 20s 112ms, time_since_start: 05m 21s 003ms, eta: 02h 08m 00s 120ms',
      { current: 400, total: 10000, rate: 1.25, rate_unit: 'updates/s', elapsed_s: 321.003, eta_s: 7680.12, epoch: 1 },
    ],
    [
      'an interval time is not a time per step',
      'iter 100/1000, loss: 0.5, time: 01m 05s',
      { current: 100, rate: null },
    ],
    [
      'NeMo 2 seconds-per-step key',
      'Training epoch 1, iteration 40/500 | lr: 1e-04 | consumed_samples: 1280 | global_batch_size: 32 | global_step: 540 | reduced_train_loss: 2.31 | train_step_timing in s: 0.512',
      { current: 40, total: 500, epoch: 1, rate: 0.512, rate_unit: 's/iteration' },
    ],
    [
      'JSON-lines record',
      '{"epoch": 2, "step": 4100, "loss": 0.8123, "lr": 0.001, "event": "train_step", "level": "info"}',
      { current: 4100, unit: 'step', epoch: 2 },
    ],
    [
      'epoch lines as the only progress',
      '2024-01-01 10:00:00,000 [INFO] Epoch 30, Time 3512.4s, Loss 0.4614, LR 0.2000\n2024-01-01 11:00:00,000 [INFO] Epoch 40, Time 4431.2s, Loss 0.4555, LR 0.2000',
      { current: null, total: null, epoch: 40 },
    ],
    [
      'epoch summaries after a counter keep the counter',
      "| epoch 001:    300 / 1234 loss=9.0, ups=3, wall=100\n| epoch 001 | loss 9.012 | ups 3 | wall 412\n| epoch 001 | valid on 'valid' subset | loss 8.512",
      { current: 300, total: 1234, epoch: 1 },
    ],
    [
      'an epoch summary after its bar keeps the bar',
      'Epoch 3: 100%|██████████| 50/50 [00:10<00:00,  4.90it/s]\nEpoch 3, val_loss 0.31, val_acc 0.90',
      { current: 50, total: 50, epoch: 3 },
    ],
    [
      'DeepSpeed pipeline: a unit followed by a colon is a key, the time per step is the rate',
      'steps: 100 loss: 1.2345 iter time (s): 0.512 samples/sec: 62.500',
      { current: 100, unit: 'step', rate: 0.512, rate_unit: 's/step' },
    ],
    [
      'a throughput under a key is not the rate',
      '{"step": 300, "loss": 2.1, "samples/sec": 61.5}',
      { current: 300, rate: null },
    ],
    [
      'milliseconds per step',
      'step 100/1000 | loss 2.31 | 512.3 ms/step',
      { current: 100, total: 1000, rate: 512.3, rate_unit: 'ms/step' },
    ],
    [
      'seconds per iteration after the metrics',
      'iter 40/500, loss 1.2, 1.84 s/iter',
      { current: 40, total: 500, rate: 1.84, rate_unit: 's/iter' },
    ],
    [
      'JAX/Flax CLU ReportProgress',
      'I1201 12:00:00.123456 140234 periodic_actions.py:123] Setting work unit notes: 12.3 steps/s, 1.0% (1000/100000), ETA: 2h14m',
      { current: 1000, total: 100000, unit: 'step', rate: 12.3, rate_unit: 'steps/s', eta_s: 8040 },
    ],
    ['glued unit-suffixed ETA', 'step 50/400 loss=1.1 eta: 1h2m3s', { current: 50, total: 400, eta_s: 3723 }],
  ])('%s', (_n, text, want) => {
    expect(progress(text)).toMatchObject(want);
  });

  it('HF dict epoch is a metric, never progress.epoch', () => {
    const a = analyzeLog(
      " 74%|███████▍  | 21000/28347 [30:56<10:29, 11.67it/s]{'loss': 0.6612, 'learning_rate': 5.18e-06, 'epoch': 0.74}\n",
    );
    expect(a.progress).toMatchObject({ current: 21000, epoch: null });
    expect(a.metrics).toEqual({ loss: 0.6612, learning_rate: 5.18e-6, epoch: 0.74 });
  });

  it.each(['[12:30 in the log', 'resumed at [00:12<00:15', 'window [00:10, 00:20'])(
    'a cut stats bracket needs its rate: %s',
    (line) => {
      expect(parseProgressLine(line)).toBeNull();
    },
  );

  it.each([
    'Total optimization steps = 28347',
    '[rank0] world_size=4, per-device batch=32',
    'rank 0/2 on vm',
    '11/28/2024 13:53:01 - INFO - x',
    'Saving model checkpoint to out/checkpoint-500',
  ])('no progress in %s', (line) => {
    expect(parseProgressLine(line)).toBeNull();
  });
});
