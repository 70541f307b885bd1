/** Which training stack wrote the log, from its bars, banners and log formats. */
import type { LogLines } from './log-lines.js';
import type { Framework } from './types.js';

/** Framework markers are looked for in the head and the tail of long logs only. */
const HEAD_LINES = 3_000;
const TAIL_LINES = 20_000;

const LIGHTNING =
  /pytorch_lightning|lightning[./]pytorch|lightning_fabric|lightning\.fabric|LOCAL_RANK: \d+ - CUDA_VISIBLE_DEVICES|^GPU available: (?:True|False)|`Trainer\.fit` stopped|^\s*\|\s*Name\s*\|\s*Type\s*\|\s*Params/;
const DEEPSPEED =
  /\[deepspeed\]|\[deepscale\]|\bDeepSpeed\b|deepspeed[./]|\bds_config\b|Beginning of Epoch \d+\/\d+, Total Micro Batches|RunningAvgSamplesPerSec|\[(?:INFO|WARNING)\] \[(?:engine|stage_1_and_2|stage2|stage3|logging|timer|loss_scaler|config|utils|comm|partition_parameters|launch|runner)\.py:\d+:/;
const HF = /\{'train_runtime':|\{'eval_loss':|\[INFO\|trainer\.py:\d+\]/;
/** HF Trainer's banner, also copied verbatim by accelerate / diffusers example scripts. */
const HF_BANNER = /\*{5} Running (?:training|Evaluation|Prediction) \*{5}/;
const ACCELERATE =
  /\baccelerate launch\b|\baccelerate\.(?:accelerator|state|utils|logging|commands)\b|Distributed environment: |\bAccelerator\.|- accelerate\./;
/**
 * A user key=number pair in plain output (`seed=42`, `lr=0.1`); not an environment variable in a hint
 * (`CUDA_LAUNCH_BLOCKING=1`).
 */
const USER_KV = /(?:^|[\s,(])(?![A-Z][A-Z0-9]*_[A-Z0-9_]*=)[A-Za-z_]\w*=\d/;
/** Lightning's TQDMProgressBar adds the logger version, whatever it is (`v_num=0`, `v_num=95nc`, `v_num=`). */
const V_NUM = /(?:^|,\s*)v_num=/;
const NOT_USER = /NCCL|slurmstepd|srun:|Traceback|Error|Exception|Warning|^\s+File "|^\s{4}/;

/** What the progress and metrics passes already learned about the log. */
export interface FrameworkHints {
  hfDicts: boolean;
  freeTextMetrics: boolean;
  progressKind: string | null;
}

function* window(n: number): Generator<number> {
  const headEnd = Math.min(n, HEAD_LINES);
  for (let i = 0; i < headEnd; i++) yield i;
  for (let i = Math.max(headEnd, n - TAIL_LINES); i < n; i++) yield i;
}

/** Picks the framework: Rich bar > Lightning > DeepSpeed > HF Trainer > accelerate > Keras > tqdm > plain > none. */
export function detectFramework(ll: LogLines, hints: FrameworkHints): Framework {
  let rich = false;
  let lightning = false;
  let deepspeed = false;
  let hf = hints.hfDicts;
  let accelerate = false;
  let hfBanner = false;
  let keras = false;
  let tqdm = false;
  let plain = hints.freeTextMetrics || hints.progressKind === 'plain' || hints.progressKind === 'header';
  for (const i of window(ll.length)) {
    const v = ll.view(i);
    if (v.length === 0) continue;
    const st = ll.state(i);
    if (st) {
      if (st.kind === 'rich') rich = true;
      else if (st.kind === 'keras') keras = true;
      else if (st.kind === 'tqdm') {
        tqdm = true;
        if (V_NUM.test(st.postfix)) lightning = true;
      } else if (st.kind === 'deepspeed') deepspeed = true;
      else plain = true;
    }
    if (/^\s+File "/.test(v) || /^[\w.]+(?:Error|Exception): /.test(v)) continue;
    if (!lightning && LIGHTNING.test(v)) lightning = true;
    if (!deepspeed && DEEPSPEED.test(v)) deepspeed = true;
    if (!hf && HF.test(v)) hf = true;
    if (!accelerate && ACCELERATE.test(v)) accelerate = true;
    if (!hfBanner && HF_BANNER.test(v)) hfBanner = true;
    if (!plain && !st && USER_KV.test(v) && !NOT_USER.test(v)) plain = true;
  }
  if (rich) return 'lightning-rich';
  if (lightning) return 'lightning';
  if (deepspeed) return 'deepspeed';
  if (hf) return 'hf-trainer';
  if (accelerate) return 'accelerate';
  if (hfBanner) return 'hf-trainer';
  if (keras) return 'keras';
  if (tqdm) return 'tqdm';
  if (plain) return 'plain';
  return 'none';
}
