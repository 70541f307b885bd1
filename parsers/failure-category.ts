/** Failure category of an exception / error message, and how strongly each category explains a crash. */
import type { FailureCategory } from './types.js';

/**
 * Ordered: the first match wins. The message decides over the class name, so a
 * full disk reported as `ResourceExhaustedError` / `OutOfMemoryError` is disk,
 * and a wrapper class (`RayTaskError(OutOfMemoryError)`) counts by its cause.
 */
const RULES: [FailureCategory, RegExp][] = [
  // torch.distributed's DistStoreError / DistNetworkError / DistBackendError: the rendezvous or the collective failed.
  [
    'nccl',
    /\bNCCL\b|nccl[A-Z]\w*Error|ProcessGroupNCCL|Watchdog caught collective|Dist(?:Backend|Store|Network)Error|NCCL communicator/,
  ],
  ['disk', /\[Errno 28\]|\[Errno 122\]|[Nn]o space left on device|[Dd]isk quota exceeded|\bENOSPC\b|\bEDQUOT\b/],
  // Ray's memory monitor raises its own OutOfMemoryError for host RAM.
  ['oom_host', /node running low on memory|which exceeds the memory usage threshold/],
  [
    'oom_gpu',
    /CUDA out of memory|HIP out of memory|(?:hip|cuda)Error(?:OutOfMemory|MemoryAllocation)|XPU out of memory|MPS backend out of memory|\bOutOfMemoryError\b|CUDA error: out of memory|CUDA_ERROR_OUT_OF_MEMORY|CUBLAS_STATUS_ALLOC_FAILED|OOM when allocating|RESOURCE_EXHAUSTED:[^\n]{0,60}?(?:Out of memory|Failed to allocate|Ran out of memory)|ResourceExhaustedError|(?:cuda|gpu|hip|THC)[^\n]{0,80}\bout of memory|\bout of memory[^\n]{0,80}\b(?:cuda|gpu|hip)\b/i,
  ],
  [
    'oom_host',
    /^(?:[\w.]+\.)?_?(?:Array)?MemoryError\b|Unable to allocate [\d.]+ [KMGTP]?i?B for an array|DefaultCPUAllocator: (?:can't allocate|not enough memory)|Cannot allocate memory|\[Errno 12\]|std::bad_alloc/,
  ],
  [
    'cuda_error',
    /CUDA error|cuda runtime error|CUDA kernel errors|cuDNN error|CUDNN_STATUS_|CUBLAS_STATUS_|cublas\w*Error|device-side assert|illegal memory access|HIP error|hipError|no kernel image is available|CUDA driver|cudaError|unspecified launch failure|misaligned address|NVML_SUCCESS|No CUDA GPUs are available|no CUDA-capable device|NVIDIA driver|CUDA driver initialization failed/,
  ],
  ['disk', /PytorchStreamWriter failed|file write failed|inline_container\.cc.*unexpected pos/],
  [
    'file_not_found',
    /^(?:[\w.]+\.)?FileNotFoundError\b|\[Errno 2\] No such file or directory|can't open file .*No such file|\b(?:l?stat|open) \S+: no such file or directory/,
  ],
  [
    'import_error',
    /^(?:[\w.]+\.)?(?:ModuleNotFoundError|ImportError)\b|cannot open shared object file|Error while finding module specification/,
  ],
  [
    'signal',
    /killed by signal|DataLoader worker \(pid\(?s?\)? ?[\d, ]*\)? exited unexpectedly|Segmentation fault|\bSIGSEGV\b|\bSIGKILL\b|\bSIGBUS\b|\bSIGABRT\b|Bus error|unexpected bus error|got signal: \d+|Signals\.SIG|^KeyboardInterrupt\b|exited on signal \d+|KILLED BY SIGNAL: \d+/,
  ],
  [
    'nan_loss',
    /returned nan values|\bloss\b[^\n]{0,40}?\b(?:is|became|was|went|got|of)\s+(?:nan|inf|infinite)\b|\bnan loss\b|non-finite loss|Invalid loss|NaN or Inf found|loss (?:=|:) ?nan\b|Minimum loss scale reached|loss scale already at minimum|found NaN in (?:local )?grad(?:ient)? norm/i,
  ],
];

/**
 * Category of an error text (an exception line, maybe with its continuation); python_exception when nothing specific.
 */
export function categorize(text: string): FailureCategory {
  for (const [cat, re] of RULES) if (re.test(text)) return cat;
  return 'python_exception';
}

/** Evidence strength of a category when it comes from an uncaught exception. */
export function categoryStrength(cat: FailureCategory): number {
  switch (cat) {
    case 'python_exception':
      return 6;
    case 'nccl':
      return 5;
    case 'signal':
      return 4;
    case 'exit_code':
      return 1;
    default:
      return 9;
  }
}
