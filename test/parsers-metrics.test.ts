/** Metrics (last value per key, as printed, no ids / progress / sizes) and framework detection. */
import { describe, expect, it } from 'vitest';
import { analyzeLog } from '../parsers/log.js';
import type { Framework, Metrics } from '../parsers/types.js';

const metrics = (text: string) => analyzeLog(text).metrics;

describe('metrics', () => {
  it.each<[string, string, Metrics]>([
    [
      'tqdm postfix, v_num dropped',
      'Epoch 0:  28%|██▊       | 5/18 [00:20<00:53,  4.14s/it, loss=9.847, v_num=193315]',
      { loss: 9.847 },
    ],
    [
      'postfix scientific notation, global_step dropped',
      'x: 10%|█| 1/10 [00:01<00:09, 1.00it/s, global_step=3.2e+4, lr=1e-05]',
      { lr: 1e-5 },
    ],
    [
      'tqdm desc',
      'Training Epoch: 3/3, step 202/203 completed (loss: 0.7195559144020081): 100%|██| 203/203 [08:31<00:00,  2.52s/it]',
      { loss: 0.7195559144020081 },
    ],
    [
      'set_postfix_str',
      'x:  50%|█████     | 5/10 [00:05<00:05,  1.00it/s, loss: 0.25 acc: 0.9]',
      { loss: 0.25, acc: 0.9 },
    ],
    [
      'HF dict keeps fractional epoch',
      "{'loss': 1.8406, 'grad_norm': 2.65, 'learning_rate': 0.0035, 'epoch': 0.13}",
      { loss: 1.8406, grad_norm: 2.65, learning_rate: 0.0035, epoch: 0.13 },
    ],
    [
      'Keras',
      '423/423 [====] - 188s 444ms/step - loss: 0.9081 - mean_squared_error: 0.0027 - acc: 0.7349',
      { loss: 0.9081, mean_squared_error: 0.0027, acc: 0.7349 },
    ],
    [
      'Rich bar, v_num dropped',
      'Epoch 3/9 ━━━━━━━━━━ 45/100 0:00:12 • 0:00:20 4.50it/s v_num: 0 train_loss: 0.123',
      { train_loss: 0.123 },
    ],
    ['key value plain', 'step 2900/20000 | loss 2.100 | lr 6.0e-04 | 3.41 it/s', { loss: 2.1, lr: 0.0006 }],
    [
      'multi-word keys between pipes',
      ' iteration 10/100 | consumed samples: 5120 | learning rate: 1.000E-04 | global batch size: 512 | lm loss: 6.789E+00 | grad norm: 1.234 | number of nan iterations: 0 |',
      { 'learning rate': 0.0001, 'lm loss': 6.789, 'grad norm': 1.234 },
    ],
    [
      'semicolons, ids / timing / memory dropped',
      'INFO 2021-12-02 18:52:21,722 log_hooks.py: 277: Rank: 0; [ep: 0] iter: 64; lr: 1.07729; loss: 2.95133; btime(ms): 185; eta: 0:00:06; peak_mem(M): 4176;',
      { lr: 1.07729, loss: 2.95133 },
    ],
    [
      'domain loss names, outputs dropped',
      '[epoch:210, iter:  20,400, lr:(1.000e-04,)] [eta: 1 day, 18:10:02] l_g_pix: 3.3959e-04 l_g_gan: 9.3960e-03 out_d_real: 1.1326e+02',
      { lr: 0.0001, l_g_pix: 0.00033959, l_g_gan: 0.009396 },
    ],
    ['printed case folded', 'train Loss: 2.7186 Acc: 0.4082', { loss: 2.7186, acc: 0.4082 }],
    ['percent values', 'epoch 1: train_loss=1.2028 val_acc=52.09%', { train_loss: 1.2028, val_acc: 52.09 }],
    [
      'bracketed multi-word keys',
      '[Epoch 3/200] [Batch 121/938] [D loss: 0.690012] [G loss: 0.715531]',
      { 'd loss': 0.690012, 'g loss': 0.715531 },
    ],
    [
      'NaN and Inf as strings',
      "step 5 | loss nan | grad_norm inf\n{'loss': -inf, 'eval_loss': 0.5}",
      { loss: '-inf', grad_norm: 'inf', eval_loss: 0.5 },
    ],
    ['last value wins', 'step 1 | loss 3.0\nstep 2 | loss 2.5\n', { loss: 2.5 }],
    [
      'fairseq 0.x multi-word keys without a colon',
      '| epoch 004 | train loss 2.11 | train ppl 4.32 | s/checkpoint    3120 | words/s    980 | lr 0.250000 | clip 100% | gnorm 1.9042',
      { 'train loss': 2.11, 'train ppl': 4.32, lr: 0.25, gnorm: 1.9042 },
    ],
    [
      'Megatron/NeMo counters in a postfix',
      'Epoch 0:   2%|▏         | 120/5000 [02:00<1:21:20,  1.00s/it, loss=5.2, v_num=, reduced_train_loss=5.190, global_step=119.0, consumed_samples=61440.0]',
      { loss: 5.2, reduced_train_loss: 5.19 },
    ],
  ])('%s', (_n, text, want) => {
    expect(metrics(text)).toEqual(want);
  });

  it.each([
    ['argparse dump', "Namespace(batch_size=256, data='/x', epochs=90, lr=0.1, workers=8)"],
    ['config line', 'Model: resnet50 (25.6M params) batch_size=128 lr=0.1'],
    [
      'ids and sizes',
      '[rank0] world_size=4, per-device batch=32\nMax CUDA memory allocated was 18 GB\nCuda Malloc retires : 0\nJobId 103 pid=4242',
    ],
    ['loss scale search', '[deepspeed] OVERFLOW! Rank 0 Skipping step. Attempted loss scale: 65536, reducing to 32768'],
    ['NCCL INFO', 'n1:1:2 [0] NCCL INFO NVLS comm 0x7f headRank 3 nHeads 4 buffSize 4194304'],
    [
      'THCudaCheck error code',
      'THCudaCheck FAIL file=/pytorch/aten/src/THC/THCCachingHostAllocator.cpp line=265 error=59 : device-side assert triggered',
    ],
    ['a CUDA check macro', 'cudaCheckError() failed at kernel.cu:55 : error=700'],
    ['a HIP call', 'hipMalloc failed at alloc.cpp:88, err 2'],
    ['a returned status', 'cusparse call failed: status: 7'],
    ['an errno', 'write failed: errno=28 (No space left on device)'],
    [
      'traceback source lines',
      'Traceback (most recent call last):\n  File "x.py", line 3, in f\n    loss = loss_fn(x, lr=0.1)\nValueError: bad',
    ],
  ])('no metrics from %s', (_n, text) => {
    expect(metrics(text)).toEqual({});
  });

  it.each<[string, Metrics]>([
    ['Train Epoch: 2 [40/459 (9%)]\tLoss: 0.8\tError: 31.000', { loss: 0.8, error: 31 }],
    ['val top1 err 23.5, loss 1.2', { err: 23.5, loss: 1.2 }],
  ])('an error rate printed as a decimal stays a metric: %s', (text, want) => {
    expect(metrics(text)).toEqual(want);
  });
});

describe('framework', () => {
  it.each<[string, string, Framework]>([
    ['plain tqdm', 'train:  45%|████▍     | 448/1000 [00:12<00:15, 35.61it/s]', 'tqdm'],
    [
      'Lightning v_num',
      'Epoch 0:  28%|██▊       | 5/18 [00:20<00:53,  4.14s/it, loss=9.847, v_num=193315]',
      'lightning',
    ],
    [
      'Lightning banner',
      'GPU available: True (cuda), used: True\nx:  1%|          | 1/100 [00:01<01:39,  1.00it/s]',
      'lightning',
    ],
    ['Rich bar', 'Epoch 3/9 ━━━━━━━━━━ 45/100 0:00:12 • 0:00:20 4.50it/s v_num: 0 train_loss: 0.123', 'lightning-rich'],
    [
      'HF dicts',
      " 56%|█████▋    | 16000/28347 [23:35<17:18, 11.89it/s]{'loss': 0.7091, 'learning_rate': 8.7e-06, 'epoch': 0.56}",
      'hf-trainer',
    ],
    [
      'DeepSpeed beats HF bar',
      '  0%|▋     | 98/24128 [00:40<2:40:10,  2.50it/s][2021-11-27 00:36:55,194] [INFO] [stage2.py:1628:step] [deepscale] OVERFLOW! Rank 0 Skipping step.',
      'deepspeed',
    ],
    [
      'accelerate',
      'The following values were not passed to `accelerate launch` and had defaults used instead:\nSteps:   3%|▎         | 312/10400 [05:12<2:48:03,  1.00it/s, lr=1e-05, step_loss=0.0812]',
      'accelerate',
    ],
    ['Keras', 'Epoch 1/10\n1079/1079 - 11s - loss: 0.2981 - 11s/epoch - 10ms/step', 'keras'],
    [
      'Lightning v_num that is not a number',
      'Epoch 0:   6%|▌         | 320/5000 [06:28<1:34:39,  1.37it/s, loss=2.6, v_num=95nc, reduced_train_loss=2.590]',
      'lightning',
    ],
    [
      'Lightning empty v_num',
      'Epoch 0:   1%|          | 79/7725 [09:07<14:41:01,  6.91s/it, loss=3.1, v_num=, reduced_train_loss=3.090]',
      'lightning',
    ],
    [
      'an environment variable in a hint is not a user setting',
      'RuntimeError: CUDA error: an illegal memory access was encountered\nFor debugging consider passing CUDA_LAUNCH_BLOCKING=1.\nCompile with `TORCH_USE_CUDA_DSA` to enable device-side assertions.',
      'none',
    ],
    ['plain step logs', 'step 100/5000 | loss 2.3', 'plain'],
    [
      'plain user key=value',
      'experiment: vit_b16_in1k  seed=42\nTraceback (most recent call last):\n  File "x.py", line 1, in <module>\nKeyError: \'x\'',
      'plain',
    ],
    [
      'only errors',
      'torch 1.13.0a0, cuda available: False\nTraceback (most recent call last):\n  File "x.py", line 4, in <module>\n    import lightning as L\nModuleNotFoundError: No module named \'lightning\'',
      'none',
    ],
    ['SLURM only', 'slurmstepd: error: *** JOB 1 ON n CANCELLED AT 2024-01-01T00:00:00 DUE TO TIME LIMIT ***', 'none'],
  ])('%s', (_n, text, want) => {
    expect(analyzeLog(text).framework).toBe(want);
  });
});
