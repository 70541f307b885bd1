/**
 * Last value of each scalar metric. Structured sources (tqdm postfix, HF dicts,
 * Keras ` - key: value`, Rich bar) are taken as printed minus progress / id keys;
 * free text (`loss: 0.1`, `lr=3e-4`, `| lm loss: 2.3 |`, `loss 2.1`) only for
 * metric-like names, so sizes, ids, counts and timestamps stay out.
 */
import type { LogLines } from './log-lines.js';
import { parseMetricValue } from './log-numbers.js';
import type { Metrics, MetricValue } from './types.js';

/** Metrics are read from this many trailing logical lines (keeps huge logs linear and fast). */
const METRIC_WINDOW = 20_000;

/** Progress counters and ids, not metrics (Megatron/NeMo `consumed_samples` counts like global_step). */
const STRUCT_EXCLUDE =
  /^(?:v_num|epochs?|ep|global_?step|steps?|iters?|iterations?|it|batch(?:_idx)?|batch_?size|rank|local_?rank|world_?size|pid|seed|eta|elapsed|time|consumed_\w+)$/i;
const VOCAB =
  /(?:^|[^a-z])(?:loss|lr|learning[ _]?rate|acc|accuracy|ppl|perplexity|grad[ _]?norm|gnorm|f1|bleu|rouge[\w-]*|auc|m?iou|map|psnr|ssim|wer|cer|mse|mae|rmse|reward|kl|entropy|xent|nll|top-?[15]|dice|precision|recall|score|error|err)(?:[^a-z]|$)|^l_[a-z]/;
/** Lines whose numbers are settings or counters, never metrics. */
const SKIP_LINE =
  /NCCL|slurmstepd|srun:|OVERFLOW|Namespace\(|Warning:|Traceback|^\s+File "|(?:^|[\s,(])(?:batch_size|seed|epochs|num_workers|workers|max_steps|warmup_steps)\s*=/;
const NUM = String.raw`[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?%?|[-+]?nan|[-+]?inf(?:inity)?`;
const KV_EQ = new RegExp(String.raw`(?<![\w./-])([A-Za-z_][\w./@-]*)\s*=\s*[([]?\s*(${NUM})(?![\w./:])`, 'gi');
const KV_COLON = new RegExp(String.raw`(?<![\w./-])([A-Za-z_][\w./@()-]*)\s*:\s*[([]?\s*(${NUM})(?![\w./:])`, 'gi');
const KV_SPACE = new RegExp(String.raw`(?<![\w./-])([A-Za-z_][\w/@.-]*)\s+(${NUM})(?![\w./:%])`, 'gi');
/** `| lm loss: 2.3 |` (Megatron) and fairseq 0.x `| train loss 1.44 |`: between pipes a key may span words. */
const PIPE_SEG = new RegExp(String.raw`^\s*([A-Za-z][A-Za-z0-9 _/().@-]*?)(?:\s*:\s*|\s+)(${NUM})\s*$`, 'i');
const BRACKET_KV = new RegExp(String.raw`\[\s*([A-Za-z][A-Za-z0-9 _/.@-]{0,40}?)\s*:\s*(${NUM})\s*\]`, 'gi');
const ENV_VAR = /^[A-Z][A-Z0-9]*_[A-Z0-9_]+$/;
/** An integer under an error-code key (`error=700`, `err 2`, `status: 1`) is a code, not an error rate. */
const CODE_KEY = /^(?:error|err|code|status|errno)$/;
const DICT_PAIR = /['"]([^'"]{1,80})['"]\s*:\s*([^,}\s]+)/g;
const HF_KEYS = /['"](?:\w*loss|eval_\w+|train_\w+|grad_norm|learning_rate)['"]\s*:/;

/** Metrics plus where they were seen and which logging styles produced them. */
export interface MetricsResult {
  metrics: Metrics;
  /** Line index where each metric's last value was printed. */
  where: Record<string, number>;
  /** At least one HF Trainer log dict was seen. */
  hfDicts: boolean;
  /** Metrics came from free-text logging (a hint for the `plain` framework). */
  freeText: boolean;
}

function isMetricName(key: string): boolean {
  return VOCAB.test(key) && !STRUCT_EXCLUDE.test(key);
}

/** key/value pairs from free text, vocabulary-filtered, keys lower-cased. */
function freeTextPairs(v: string, put: (k: string, val: MetricValue) => void): void {
  if (SKIP_LINE.test(v)) return;
  const seen = new Set<string>();
  const take = (k: string, raw: string) => {
    // Environment variables (`HYDRA_FULL_ERROR=1`, `TORCH_NCCL_ASYNC_ERROR_HANDLING=1`) are settings, not metrics.
    if (ENV_VAR.test(k)) return;
    const key = k.toLowerCase();
    if (seen.has(key) || !isMetricName(key) || (CODE_KEY.test(key) && /^[-+]?\d+$/.test(raw))) return;
    const val = parseMetricValue(raw);
    if (val === null) return;
    seen.add(key);
    put(key, val);
  };
  const pairsIn = (seg: string) => {
    for (const re of [KV_EQ, KV_COLON, KV_SPACE]) {
      re.lastIndex = 0;
      for (let m = re.exec(seg); m; m = re.exec(seg)) take(m[1]!, m[2]!);
    }
  };
  // `[D loss: 0.69] [G loss: 0.71]`: a bracketed pair may have a multi-word key.
  let rest = v;
  if (v.indexOf('[') >= 0) {
    BRACKET_KV.lastIndex = 0;
    rest = v.replace(BRACKET_KV, (_all, k: string, val: string) => {
      take(k.trim(), val);
      return ' ';
    });
  }
  const segs = rest.split('|');
  if (segs.length <= 2) {
    pairsIn(rest);
    return;
  }
  // `| lm loss: 2.3 | grad norm: 1.1 |`: between pipes a key may span words.
  for (const seg of segs) {
    const m = PIPE_SEG.exec(seg);
    if (m) take(m[1]!.trim(), m[2]!);
    else pairsIn(seg);
  }
}

/** Pairs from an HF Trainer log dict `{'loss': 0.66, 'learning_rate': 5e-06, 'epoch': 0.74}`. */
function dictPairs(v: string, put: (k: string, val: MetricValue) => void): boolean {
  const open = v.indexOf('{');
  if (open < 0 || !HF_KEYS.test(v)) return false;
  DICT_PAIR.lastIndex = open;
  for (let m = DICT_PAIR.exec(v); m; m = DICT_PAIR.exec(v)) {
    const val = parseMetricValue(m[2]!);
    // 'epoch' stays: in HF dicts it is fractional progress, kept as a metric.
    if (val !== null && (m[1] === 'epoch' || !STRUCT_EXCLUDE.test(m[1]!))) put(m[1]!, val);
  }
  return true;
}

/** Collects metrics over the trailing window of the log; `skip` marks traceback lines (source code, not output). */
export function extractMetrics(ll: LogLines, skip?: Uint8Array): MetricsResult {
  const metrics: Metrics = {};
  const where: Record<string, number> = {};
  let hfDicts = false;
  let freeText = false;
  const from = Math.max(0, ll.length - METRIC_WINDOW);
  for (let i = from; i < ll.length; i++) {
    const v = ll.view(i);
    if (v.length === 0 || skip?.[i]) continue;
    const put = (k: string, val: MetricValue) => {
      metrics[k] = val;
      where[k] = i;
    };
    const st = ll.state(i);
    if (st && (st.kind === 'tqdm' || st.kind === 'rich' || st.kind === 'keras')) {
      for (const [k, val] of st.metrics) if (st.kind === 'keras' || !STRUCT_EXCLUDE.test(k)) put(k, val);
      if (st.kind === 'tqdm' && st.desc) freeTextPairs(st.desc, put);
      if (st.kind === 'tqdm' && st.postfix && !st.postfix.includes('=')) freeTextPairs(st.postfix, put);
      continue;
    }
    if (v.indexOf('{') >= 0 && dictPairs(v, put)) {
      // HF Trainer prints str(dict) (single quotes); JSON lines come from plain loggers.
      if (/\{\s*'/.test(v)) hfDicts = true;
      else freeText = true;
      continue;
    }
    freeTextPairs(v, (k, val) => {
      put(k, val);
      freeText = true;
    });
  }
  return { metrics, where, hfDicts, freeText };
}
