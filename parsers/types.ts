/** Shapes shared by every layer. Field names follow the corpus label format so
 * `inspect --json` and `--summary --json` can be scored and read by scripts. */

export type Framework =
  | 'tqdm'
  | 'lightning'
  | 'lightning-rich'
  | 'hf-trainer'
  | 'accelerate'
  | 'deepspeed'
  | 'keras'
  | 'plain'
  | 'none';

export interface Progress {
  current: number | null;
  total: number | null;
  unit: string | null;
  /** The number as printed; see rate_unit for its meaning (it/s, s/it, ms/step...). */
  rate: number | null;
  rate_unit: string | null;
  eta_s: number | null;
  elapsed_s: number | null;
  epoch: number | null;
  epoch_total: number | null;
}

export const FAILURE_CATEGORIES = [
  'oom_gpu',
  'oom_host',
  'timeout',
  'cancelled',
  'node_fail',
  'preempted',
  'nccl',
  'import_error',
  'python_exception',
  'cuda_error',
  'nan_loss',
  'signal',
  'disk',
  'file_not_found',
  'exit_code',
] as const;
export type FailureCategory = (typeof FAILURE_CATEGORIES)[number];

export interface Failure {
  category: FailureCategory;
  /** The root-cause line, exactly as in the log (after \r handling). */
  line: string;
  /** Exception class name when the line is a Python exception, else null. */
  exception: string | null;
}

/** Non-finite values are strings so the JSON stays strict. */
export type MetricValue = number | 'nan' | 'inf' | '-inf';
export type Metrics = Record<string, MetricValue>;

export interface LogAnalysis {
  framework: Framework;
  progress: Progress | null;
  metrics: Metrics;
  failure: Failure | null;
}
