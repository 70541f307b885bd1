/** Failure root cause: taxonomy, evidence strength, chained tracebacks, noise. */
import { describe, expect, it } from 'vitest';
import { analyzeLog, analyzeLogDetailed } from '../parsers/log.js';
import type { Failure } from '../parsers/types.js';

const tb = (...body: string[]) =>
  ['Traceback (most recent call last):', '  File "train.py", line 10, in <module>', '    main()', ...body].join('\n');

function failure(text: string): Failure | null {
  return analyzeLog(text).failure;
}

describe('categories', () => {
  it.each<[string, string, Partial<Failure>]>([
    [
      'torch.cuda.OutOfMemoryError',
      tb('torch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate 20.00 MiB'),
      { category: 'oom_gpu', exception: 'torch.cuda.OutOfMemoryError' },
    ],
    [
      'torch.OutOfMemoryError',
      tb('torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 1.95 GiB.'),
      { category: 'oom_gpu', exception: 'torch.OutOfMemoryError' },
    ],
    [
      'old RuntimeError OOM',
      tb('RuntimeError: CUDA out of memory. Tried to allocate 304.00 MiB (GPU 0; 10.72 GiB total capacity)'),
      { category: 'oom_gpu', exception: 'RuntimeError' },
    ],
    ['HIP OOM', tb('torch.OutOfMemoryError: HIP out of memory. Tried to allocate 2.00 GiB.'), { category: 'oom_gpu' }],
    [
      'cuda runtime error (2)',
      tb('RuntimeError: cuda runtime error (2) : out of memory at /pytorch/THC/THCStorage.cu:65'),
      { category: 'oom_gpu' },
    ],
    ['host MemoryError', tb('MemoryError'), { category: 'oom_host', exception: 'MemoryError', line: 'MemoryError' }],
    [
      'DefaultCPUAllocator',
      tb(
        "RuntimeError: [enforce fail at alloc_cpu.cpp:75] err == 0. DefaultCPUAllocator: can't allocate memory: you tried to allocate 8589934592 bytes.",
      ),
      { category: 'oom_host' },
    ],
    ['disk full', tb('OSError: [Errno 28] No space left on device'), { category: 'disk', exception: 'OSError' }],
    ['quota', tb('OSError: [Errno 122] Disk quota exceeded'), { category: 'disk' }],
    [
      'missing file',
      tb("FileNotFoundError: [Errno 2] No such file or directory: 'data/train.bin'"),
      { category: 'file_not_found' },
    ],
    ['missing module', tb("ModuleNotFoundError: No module named 'flash_attn'"), { category: 'import_error' }],
    [
      'import name',
      tb("ImportError: cannot import name 'x' from 'y' (/site-packages/y/__init__.py)"),
      { category: 'import_error' },
    ],
    ['device-side assert', tb('RuntimeError: CUDA error: device-side assert triggered'), { category: 'cuda_error' }],
    [
      'illegal access',
      tb('RuntimeError: CUDA error: an illegal memory access was encountered'),
      { category: 'cuda_error' },
    ],
    [
      'NaN from anomaly detection',
      tb("RuntimeError: Function 'LogSoftmaxBackward0' returned nan values in its 0th output."),
      { category: 'nan_loss' },
    ],
    [
      'DataLoader worker killed',
      tb('RuntimeError: DataLoader worker (pid 14223) is killed by signal: Killed. '),
      { category: 'signal' },
    ],
    [
      'NCCL error with continuation',
      tb(
        'RuntimeError: NCCL error in: /pytorch/torch/lib/c10d/ProcessGroupNCCL.cpp:911, unhandled system error, NCCL version 2.7.8',
        'ncclSystemError: System call (socket, malloc, munmap, etc) failed.',
      ),
      {
        category: 'nccl',
        line: 'RuntimeError: NCCL error in: /pytorch/torch/lib/c10d/ProcessGroupNCCL.cpp:911, unhandled system error, NCCL version 2.7.8',
      },
    ],
    ['plain exception', tb('KeyError: ' + "'optimizer'"), { category: 'python_exception', exception: 'KeyError' }],
  ])('%s', (_n, text, want) => {
    expect(failure(text)).toMatchObject(want);
  });
});

describe('memory and disk: the message decides, not the exception class', () => {
  it.each<[string, string, Partial<Failure>]>([
    [
      'XLA BFC allocator',
      tb(
        'jaxlib.xla_extension.XlaRuntimeError: RESOURCE_EXHAUSTED: Failed to allocate request for 1.50GiB (1610612736B) on device ordinal 1',
      ),
      { category: 'oom_gpu', exception: 'jaxlib.xla_extension.XlaRuntimeError' },
    ],
    [
      'XLA TPU compile',
      tb(
        'jax.errors.JaxRuntimeError: RESOURCE_EXHAUSTED: XLA:TPU compile permanent error. Ran out of memory in memory space hbm. Used 17.5G of 15.48G hbm.',
      ),
      { category: 'oom_gpu' },
    ],
    [
      'RESOURCE_EXHAUSTED without memory words',
      tb('grpc.RpcError: RESOURCE_EXHAUSTED: Received message larger than max (5242880 vs. 4194304)'),
      { category: 'python_exception' },
    ],
    [
      'Windows DefaultCPUAllocator',
      tb(
        'RuntimeError: [enforce fail at C:\\actions-runner\\c10\\core\\impl\\alloc_cpu.cpp:72] data. DefaultCPUAllocator: not enough memory: you tried to allocate 1073741824 bytes.',
      ),
      { category: 'oom_host' },
    ],
    [
      'wrapper class named by its cause',
      'ray.exceptions.RayTaskError(OutOfMemoryError): ray::TrainWorker.train() (pid=4242, ip=10.0.0.3)',
      { category: 'oom_gpu', exception: 'ray.exceptions.RayTaskError(OutOfMemoryError)' },
    ],
    [
      "Ray's memory monitor is host RAM",
      tb('ray.exceptions.OutOfMemoryError: Task was killed due to the node running low on memory.'),
      { category: 'oom_host' },
    ],
    [
      'OOM class with a full disk',
      tb(
        'tensorflow.python.framework.errors_impl.ResourceExhaustedError: /scratch/ckpt/variables/variables_temp/part-00000-of-00001.data-00000-of-00001.tempstate42; No space left on device',
      ),
      { category: 'disk' },
    ],
  ])('%s', (_n, text, want) => {
    expect(failure(text)).toMatchObject(want);
  });
});

describe('SLURM explanations beat their consequences', () => {
  it.each<[string, string, Partial<Failure>]>([
    [
      'time limit, JOB over STEP',
      'slurmstepd: error: *** STEP 5.0 ON n1 CANCELLED AT 2024-04-20T09:09:37 DUE TO TIME LIMIT ***\nslurmstepd: error: *** JOB 5 ON n1 CANCELLED AT 2024-04-20T09:09:37 DUE TO TIME LIMIT ***',
      {
        category: 'timeout',
        line: 'slurmstepd: error: *** JOB 5 ON n1 CANCELLED AT 2024-04-20T09:09:37 DUE TO TIME LIMIT ***',
      },
    ],
    [
      'cgroup OOM beats bash Killed',
      '/var/spool/slurmd/job00191/slurm_script: line 28:  8156 Killed                  python3 main.py\nslurmstepd: error: Detected 1 oom-kill event(s) in StepId=191.batch cgroup. Some of your processes may have been killed by the cgroup out-of-memory handler.',
      {
        category: 'oom_host',
        line: 'slurmstepd: error: Detected 1 oom-kill event(s) in StepId=191.batch cgroup. Some of your processes may have been killed by the cgroup out-of-memory handler.',
      },
    ],
    [
      'newer oom_kill wording',
      'slurmstepd: error: Detected 2 oom_kill events in StepId=77.batch. Some of the step tasks have been OOM Killed.\nsrun: error: n1: task 0: Out Of Memory',
      {
        category: 'oom_host',
        line: 'slurmstepd: error: Detected 2 oom_kill events in StepId=77.batch. Some of the step tasks have been OOM Killed.',
      },
    ],
    ['srun Out Of Memory alone', 'srun: error: node107: task 0: Out Of Memory', { category: 'oom_host' }],
    [
      'scancel',
      'slurmstepd: error: *** STEP 3.0 ON c1 CANCELLED AT 2025-02-13T15:47:35 ***\nslurmstepd: error: *** JOB 3 ON c1 CANCELLED AT 2025-02-13T15:47:35 ***\nsrun: forcing job termination',
      { category: 'cancelled', line: 'slurmstepd: error: *** JOB 3 ON c1 CANCELLED AT 2025-02-13T15:47:35 ***' },
    ],
    [
      'preemption',
      'slurmstepd: error: *** JOB 32391783 ON cn119 CANCELLED AT 2021-06-18T13:05:36 DUE TO PREEMPTION ***',
      { category: 'preempted' },
    ],
    [
      'node failure',
      'srun: error: Node failure on gpu123\nslurmstepd: error: *** JOB 9 ON gpu122 CANCELLED AT 2024-05-01T10:00:00 DUE TO NODE FAILURE, SEE SLURMCTLD LOG FOR DETAILS ***',
      { category: 'node_fail' },
    ],
    [
      'execve ENOENT',
      'slurmstepd: error: execve(): train.sh: No such file or directory',
      { category: 'file_not_found' },
    ],
  ])('%s', (_n, text, want) => {
    expect(failure(text)).toMatchObject(want);
  });

  it('a python exception beats srun exit codes and a STEP cancel caused by it', () => {
    const text = `${tb('ValueError: bad shard')}\nsrun: error: n2: task 1: Exited with exit code 1\nslurmstepd: error: *** STEP 12.0 ON n1 CANCELLED AT 2024-01-01T00:00:00 ***`;
    expect(failure(text)).toMatchObject({ category: 'python_exception', line: 'ValueError: bad shard' });
  });

  it('exit code only when nothing else explains the end', () => {
    expect(failure('srun: error: n1: task 0: Exited with exit code 1')).toMatchObject({
      category: 'exit_code',
      exception: null,
    });
  });
});

describe('tracebacks', () => {
  it('reports the last exception of a chain and its whole block', () => {
    const text = [
      'Traceback (most recent call last):',
      '  File "a.py", line 7, in f',
      "KeyError: 'optimizer'",
      '',
      'The above exception was the direct cause of the following exception:',
      '',
      'Traceback (most recent call last):',
      '  File "a.py", line 9, in g',
      "ValueError: missing config key 'optimizer'",
      '',
      'During handling of the above exception, another exception occurred:',
      '',
      'Traceback (most recent call last):',
      '  File "a.py", line 16, in <module>',
      "RuntimeError: could not build optimizer; check the 'optimizer' section",
    ].join('\n');
    const d = analyzeLogDetailed(text);
    expect(d.analysis.failure).toEqual({
      category: 'python_exception',
      line: "RuntimeError: could not build optimizer; check the 'optimizer' section",
      exception: 'RuntimeError',
    });
    expect([d.tracebackStart, d.tracebackEnd, d.failureIndex]).toEqual([0, 14, 14]);
  });

  it("prefers a worker's traceback over torchrun's ChildFailedError summary", () => {
    const text = `[rank1]: ${tb('ValueError: corrupt sample 81723').split('\n').join('\n[rank1]: ')}\n${tb('    raise ChildFailedError(', 'torch.distributed.elastic.multiprocessing.errors.ChildFailedError: ', '============', '  exitcode  : 1 (pid: 2346)')}`;
    expect(failure(text)).toMatchObject({
      category: 'python_exception',
      line: 'ValueError: corrupt sample 81723',
      exception: 'ValueError',
    });
  });

  it('ChildFailedError alone is an exit code; with a negative exitcode it is a signal', () => {
    const summary = (code: number) =>
      `torch.distributed.elastic.multiprocessing.errors.ChildFailedError: \n====\ntrain.py FAILED\nRoot Cause (first observed failure):\n[0]:\n  exitcode  : ${code} (pid: 1)\n`;
    expect(failure(summary(1))).toMatchObject({
      category: 'exit_code',
      exception: 'torch.distributed.elastic.multiprocessing.errors.ChildFailedError',
    });
    expect(
      failure(
        `E1128 x api.py:869] failed (exitcode: -11) local_rank: 0 (pid: 1) of binary: /usr/bin/python3\n${summary(-11)}`,
      ),
    ).toMatchObject({
      category: 'signal',
      line: 'E1128 x api.py:869] failed (exitcode: -11) local_rank: 0 (pid: 1) of binary: /usr/bin/python3',
    });
  });

  it('Rich-boxed and loguru tracebacks', () => {
    const rich =
      "╭──── Traceback (most recent call last) ────╮\n│ /x/train.py:42 in main                    │\n╰───────────────────────────────────────────╯\nKeyError: 'backbone'";
    expect(failure(rich)).toMatchObject({ category: 'python_exception', line: "KeyError: 'backbone'" });
    const loguru =
      'Traceback (most recent call last):\n\n> File "/x/run.py", line 60, in <module>\n    main()\n    └ <function main>\n\nKeyError: \'optim\'';
    expect(failure(loguru)).toMatchObject({ line: "KeyError: 'optim'" });
  });

  it('uses the original traceback of a DataLoader worker', () => {
    const text = tb(
      'ValueError: Caught ValueError in DataLoader worker process 3.',
      'Original Traceback (most recent call last):',
      '  File "data.py", line 57, in __getitem__',
      '    raise ValueError("too long")',
      'ValueError: sample 7 too long',
    );
    expect(failure(text)).toMatchObject({ line: 'ValueError: sample 7 too long', exception: 'ValueError' });
  });

  it('handles a per-line log prefix on every traceback line', () => {
    const text = tb('torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 132.00 MiB.')
      .split('\n')
      .map((l) => `2024-11-20 14:37:16 [rank3]: ${l}`)
      .join('\n');
    expect(failure(text)).toMatchObject({
      category: 'oom_gpu',
      line: 'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 132.00 MiB.',
    });
  });
});

describe('signals, NaN, NCCL', () => {
  it.each<[string, string, Partial<Failure>]>([
    [
      'faulthandler beats the bash report',
      'x: 58%|█| 232/400 [00:06<00:05, 33.33it/s]Fatal Python error: Segmentation fault\n\n/tmp/slurm_script: line 12: 14260 Segmentation fault      python3 x.py',
      { category: 'signal', line: 'Fatal Python error: Segmentation fault' },
    ],
    [
      'bash Killed',
      'step 2900/20000 | loss 2.1\n/tmp/gen/slurm_script: line 8: 14253 Killed                  /usr/bin/python3 -u train.py',
      { category: 'signal' },
    ],
    ['Bus error', 'Bus error (core dumped)', { category: 'signal' }],
    [
      'explicit NaN message',
      'ERROR: loss is NaN for lr=0.0005, aborting',
      { category: 'nan_loss', line: 'ERROR: loss is NaN for lr=0.0005, aborting' },
    ],
    [
      'tqdm postfix loss=nan',
      'e:  10%|█| 10/100 [00:10<01:30,  1.00it/s, loss=nan]',
      { category: 'nan_loss', line: 'e:  10%|█| 10/100 [00:10<01:30,  1.00it/s, loss=nan]' },
    ],
    [
      'Keras loss: nan, the last one',
      '100/100 [====] - 332s 3s/step - loss: nan - val_loss: nan\nEpoch 310/1000\n100/100 [====] - 325s 3s/step - loss: nan - val_loss: nan',
      { category: 'nan_loss', line: '100/100 [====] - 325s 3s/step - loss: nan - val_loss: nan' },
    ],
    [
      'watchdog, first rank',
      '[rank0]:[E321 02:07:08 ProcessGroupNCCL.cpp:607] [Rank 0] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=1580, OpType=ALLREDUCE) ran for 600060 milliseconds before timing out.\n[rank4]:[E321 02:07:08 ProcessGroupNCCL.cpp:607] [Rank 4] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=1580, OpType=ALLREDUCE) ran for 600067 milliseconds before timing out.',
      {
        category: 'nccl',
        line: '[E321 02:07:08 ProcessGroupNCCL.cpp:607] [Rank 0] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=1580, OpType=ALLREDUCE) ran for 600060 milliseconds before timing out.',
      },
    ],
    [
      'C++ abort with what()',
      "terminate called after throwing an instance of 'std::runtime_error'\n  what():  NCCL Error 1: unhandled cuda error\nAborted (core dumped)",
      { category: 'nccl', line: 'what():  NCCL Error 1: unhandled cuda error' },
    ],
    [
      'logged NCCL error',
      '2025-03-21 17:08:31,569 - finetrainers - ERROR - Error during training: NCCL error in: NCCLUtils.hpp:268, unhandled cuda error, NCCL version 2.21.5',
      { category: 'nccl' },
    ],
    [
      'logged exception class, no traceback',
      "2024-06-26 18:54:31 [ERROR] engine - <class 'RuntimeError'> at train_loop.py:88 - CUDA error: device-side assert triggered",
      { category: 'cuda_error', exception: 'RuntimeError' },
    ],
    [
      'logged exception class with a plain cause',
      "[ERROR] runner - <class 'KeyError'> at data.py:12 - 'image_id'",
      { category: 'python_exception', exception: 'KeyError' },
    ],
    [
      'NaN exception line keeps its class',
      'FloatingPointError: Loss became infinite or NaN at iteration=88!',
      { category: 'nan_loss', exception: 'FloatingPointError' },
    ],
    [
      'Killed glued to a Keras progbar',
      '12800/60000 [=====>........................] - ETA: 41s - loss: 0.4120Killed',
      { category: 'signal', line: 'Killed' },
    ],
  ])('%s', (_n, text, want) => {
    expect(failure(text)).toMatchObject(want);
  });
});

describe('container runtimes and launchers around the job', () => {
  const pyxis = (...l: string[]) => l.map((x) => `slurmstepd: error: pyxis:     ${x}`).join('\n');
  it.each<[string, string, Partial<Failure>]>([
    [
      'enroot import out of space, relayed by pyxis',
      `pyxis: importing docker image: nvcr.io#nvidia/pytorch:24.01-py3\n${pyxis('[INFO] Creating squashfs filesystem...', 'Write failed because Disk quota exceeded', 'FATAL ERROR:Failed to write to output filesystem')}\nslurmstepd: error: pyxis: failed to import docker image\nsrun: error: n1: task 0: Exited with exit code 1`,
      { category: 'disk', line: 'slurmstepd: error: pyxis:     Write failed because Disk quota exceeded' },
    ],
    [
      'enroot-switchroot entrypoint missing',
      `slurmstepd: error: pyxis: container start failed with error code: 1\n${pyxis('enroot-switchroot: failed to execute: python3: No such file or directory')}\nslurmstepd: error: pyxis: couldn't start container\nslurmstepd: error: spank: required plugin spank_pyxis.so: task_init() failed with rc=-1\nsrun: error: n1: task 0: Exited with exit code 1`,
      {
        category: 'file_not_found',
        line: 'slurmstepd: error: pyxis:     enroot-switchroot: failed to execute: python3: No such file or directory',
      },
    ],
    [
      'Apptainer bind source missing',
      "WARNING: skipping mount of /etc/localtime: stat /etc/localtime: no such file or directory\nFATAL:   container creation failed: mount /scratch/data->/data error: while mounting /scratch/data: mount source /scratch/data doesn't exist",
      {
        category: 'file_not_found',
        line: "FATAL:   container creation failed: mount /scratch/data->/data error: while mounting /scratch/data: mount source /scratch/data doesn't exist",
      },
    ],
    [
      'Apptainer image missing',
      'FATAL:   could not open image /home/u/img.sif: failed to retrieve path for /home/u/img.sif: lstat /home/u/img.sif: no such file or directory',
      { category: 'file_not_found' },
    ],
    [
      "OpenMPI's boxed exit status",
      '--------------------------------------------------------------------------\nPrimary job  terminated normally, but 1 process returned\na non-zero exit code. Per user-direction, the job has been aborted.\n--------------------------------------------------------------------------\n--------------------------------------------------------------------------\nmpirun detected that one or more processes exited with non-zero status, thus causing\nthe job to be terminated. The first process to do so was:\n\n  Process name: [[4242,1],3]\n  Exit code:    2\n--------------------------------------------------------------------------',
      {
        category: 'exit_code',
        line: 'mpirun detected that one or more processes exited with non-zero status, thus causing',
      },
    ],
    [
      'DeepSpeed launcher, negative return code',
      "[2024-05-02 10:00:01,123] [INFO] [launch.py:315:sigkill_handler] Killing subprocess 4242\n[2024-05-02 10:00:01,456] [ERROR] [launch.py:321:sigkill_handler] ['/usr/bin/python3', '-u', 'train.py', '--local_rank=0'] exits with return code = -9",
      { category: 'signal' },
    ],
    [
      'DeepSpeed launcher, positive return code',
      "[2024-05-02 10:00:01,456] [ERROR] [launch.py:321:sigkill_handler] ['/usr/bin/python3', '-u', 'train.py', '--local_rank=0'] exits with return code = 1",
      { category: 'exit_code' },
    ],
  ])('%s', (_n, text, want) => {
    expect(failure(text)).toMatchObject(want);
  });

  it("a worker's exception beats the launcher's exit status", () => {
    const text = `${tb('ValueError: bad shard')}\nmpirun detected that one or more processes exited with non-zero status, thus causing\nthe job to be terminated. The first process to do so was:\n\n  Process name: [[4242,1],0]\n  Exit code:    1`;
    expect(failure(text)).toMatchObject({ category: 'python_exception', line: 'ValueError: bad shard' });
  });

  it('relayed enroot info and warnings are not failures', () => {
    expect(
      failure(
        pyxis('[INFO] Fetching image manifest', '[WARN] /etc/enroot/hooks.d/98-nvidia.sh: No such file or directory'),
      ),
    ).toBeNull();
  });
});

describe('general rules for loggers, runtimes and launchers', () => {
  const srunExit = 'srun: error: n1: task 0: Exited with exit code 1';
  it.each<[string, string, Partial<Failure>]>([
    [
      'logging.basicConfig root logger, caught exception logged',
      `ERROR:root:Training failed: RuntimeError: shape mismatch\n${srunExit}`,
      { category: 'python_exception', exception: 'RuntimeError' },
    ],
    [
      'logging format with - LEVEL - separators',
      `2024-01-01 12:00:00 - trainer - ERROR - Training crashed: ValueError: bad shape\n${srunExit}`,
      {
        category: 'python_exception',
        exception: 'ValueError',
        line: '- trainer - ERROR - Training crashed: ValueError: bad shape',
      },
    ],
    [
      'loguru, exception repr',
      `2024-01-01 12:00:00.123 | CRITICAL | train:main:88 - giving up: OSError(5, 'Input/output error')\n${srunExit}`,
      { category: 'python_exception', exception: 'OSError' },
    ],
    [
      "a logger printing the exception's class",
      "[ERROR] trainer - <class 'torch.cuda.OutOfMemoryError'> at trainer.py:101 - CUDA out of memory. Tried to allocate 2.00 GiB",
      { category: 'oom_gpu', exception: 'torch.cuda.OutOfMemoryError' },
    ],
    [
      'XLA error without a Python traceback',
      'E1201 12:00:00.123456 123 pjrt_stream_executor_client.cc:2985] Execution of replica 0 failed: RESOURCE_EXHAUSTED: Out of memory while trying to allocate 1.00GiB',
      { category: 'oom_gpu' },
    ],
    [
      'glog fatal check before the abort',
      'F0101 12:00:00.000000 1 cuda_blas.cc:123] Check failed: status == CUBLAS_STATUS_SUCCESS\nAborted (core dumped)',
      {
        category: 'cuda_error',
        line: 'F0101 12:00:00.000000 1 cuda_blas.cc:123] Check failed: status == CUBLAS_STATUS_SUCCESS',
      },
    ],
    [
      'glog fatal check with no known cause is why the process aborted',
      'F0101 12:00:00.000000 77 tensor_shape.cc:45] Check failed: size >= 0 (-1 vs. 0)\n*** Check failure stack trace: ***\nAborted (core dumped)',
      { category: 'signal', line: 'F0101 12:00:00.000000 77 tensor_shape.cc:45] Check failed: size >= 0 (-1 vs. 0)' },
    ],
    [
      "TensorFlow's timestamped glog",
      '2024-01-01 12:00:00.123456: E tensorflow/compiler/xla/stream_executor/cuda/cuda_driver.cc:266] failed call to cuInit: CUDA_ERROR_NO_DEVICE: no CUDA-capable device is detected',
      { category: 'cuda_error' },
    ],
    [
      'NCCL WARN naming a failure, then srun',
      `n1:123:456 [0] transport/net_ib.cc:1295 NCCL WARN NET/IB : Got completion from peer 10.0.0.2<4321> with error 12, opcode 0\n${srunExit}`,
      {
        category: 'nccl',
        line: 'n1:123:456 [0] transport/net_ib.cc:1295 NCCL WARN NET/IB : Got completion from peer 10.0.0.2<4321> with error 12, opcode 0',
      },
    ],
    [
      'NCCL WARN connection closed',
      `n2:88:99 [1] misc/socket.cc:538 NCCL WARN Net : Connection closed by remote peer n1<51234>\n${srunExit}`,
      { category: 'nccl' },
    ],
    [
      'a Python exception beats a NCCL warning',
      `n1:1:2 [0] NCCL WARN Cuda failure 'out of memory'\n${tb('torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB.')}`,
      { category: 'oom_gpu' },
    ],
    [
      'DistStoreError',
      tb('torch.distributed.DistStoreError: Timed out after 901 seconds waiting for clients. 1/2 clients joined.'),
      { category: 'nccl', exception: 'torch.distributed.DistStoreError' },
    ],
    [
      'DistNetworkError',
      tb('torch.distributed.DistNetworkError: The server socket has failed to listen on any local network address.'),
      { category: 'nccl' },
    ],
    [
      'DistBackendError',
      tb(
        'torch.distributed.DistBackendError: [3] is setting up NCCL communicator and retrieving ncclUniqueId from [0] via c10d key-value store',
      ),
      { category: 'nccl' },
    ],
    [
      'driver too old',
      tb(
        'RuntimeError: The NVIDIA driver on your system is too old (found version 10020). Please update your GPU driver.',
      ),
      { category: 'cuda_error' },
    ],
    [
      'no driver',
      tb(
        'RuntimeError: Found no NVIDIA driver on your system. Please check that you have an NVIDIA GPU and installed a driver',
      ),
      { category: 'cuda_error' },
    ],
    [
      'driver older than the runtime',
      tb('RuntimeError: CUDA driver version is insufficient for CUDA runtime version'),
      { category: 'cuda_error' },
    ],
    [
      'unkillable step',
      `slurmstepd: error: *** JOB 123 STEPD TERMINATED ON n1 AT 2024-01-01T00:00:00 DUE TO JOB NOT ENDING WITH SIGNALS ***\n${srunExit}`,
      {
        category: 'cancelled',
        line: 'slurmstepd: error: *** JOB 123 STEPD TERMINATED ON n1 AT 2024-01-01T00:00:00 DUE TO JOB NOT ENDING WITH SIGNALS ***',
      },
    ],
    [
      'the time limit that started the kill beats the unkillable step',
      'slurmstepd: error: *** JOB 123 ON n1 CANCELLED AT 2024-01-01T00:00:00 DUE TO TIME LIMIT ***\nslurmstepd: error: *** JOB 123 STEPD TERMINATED ON n1 AT 2024-01-01T00:02:00 DUE TO JOB NOT ENDING WITH SIGNALS ***',
      { category: 'timeout' },
    ],
    [
      'srun cannot create the step for its memory request',
      'srun: error: Unable to create step for job 123: Memory required by task is not available',
      {
        category: 'oom_host',
        line: 'srun: error: Unable to create step for job 123: Memory required by task is not available',
      },
    ],
    [
      'srun cannot create the step for another reason',
      'srun: error: Unable to create step for job 123: Requested node configuration is not available',
      {
        category: 'exit_code',
        line: 'srun: error: Unable to create step for job 123: Requested node configuration is not available',
      },
    ],
    [
      'Apptainer image pull out of space',
      'INFO:    Converting OCI blobs to SIF format\nFATAL:   While making image from oci registry: error fetching image to cache: while building SIF from layers: packer failed to pack: while unpacking tmpfs: no space left on device',
      { category: 'disk' },
    ],
    [
      'Singularity image missing, a message no earlier rule named',
      'FATAL:   image /scratch/u/img.sif does not exist',
      { category: 'file_not_found' },
    ],
  ])('%s', (_n, text, want) => {
    expect(failure(text)).toMatchObject(want);
  });

  it.each([
    [
      'a logged error without an exception class or cause',
      '2024-01-01 12:00:00 - data - ERROR - could not read one sample, skipping',
    ],
    ['NCCL WARN without a failure', 'n1:1:2 [0] NCCL WARN NET/IB : No device found.'],
    ['glog error without a known cause', 'E1201 12:00:00.123456 123 coordination_service.cc:100] Heartbeat late by 3s'],
    ['an Apptainer FATAL about something else', 'FATAL:   no argument given'],
  ])('%s is no failure', (_n, text) => {
    expect(failure(text)).toBeNull();
  });
});

describe('JSON-lines loggers keep the traceback in one field', () => {
  const frames = (n: number) =>
    Array.from(
      { length: n },
      (_, k) => `  File "/home/u/train.py", line ${k + 10}, in step_${k}\n    out = model(batch)`,
    ).join('\n');
  const record = (fields: Record<string, unknown>) => JSON.stringify(fields);
  it.each<[string, string, Partial<Failure>]>([
    [
      'structlog JSONRenderer with format_exc_info, message continued by CUDA hints',
      record({
        event: 'training_failed',
        level: 'error',
        timestamp: '2024-05-01T12:00:00.123456Z',
        exception: `Traceback (most recent call last):\n${frames(2)}\nRuntimeError: CUDA error: an illegal memory access was encountered\nCUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.\nFor debugging consider passing CUDA_LAUNCH_BLOCKING=1`,
      }),
      {
        category: 'cuda_error',
        line: 'RuntimeError: CUDA error: an illegal memory access was encountered',
        exception: 'RuntimeError',
      },
    ],
    [
      'python-json-logger exc_info',
      record({
        asctime: '2024-05-01 12:00:00,123',
        levelname: 'ERROR',
        name: 'data',
        message: 'shard failed',
        exc_info: `Traceback (most recent call last):\n${frames(1)}\nFileNotFoundError: [Errno 2] No such file or directory: '/data/shard-0007.bin'`,
      }),
      {
        category: 'file_not_found',
        line: "FileNotFoundError: [Errno 2] No such file or directory: '/data/shard-0007.bin'",
        exception: 'FileNotFoundError',
      },
    ],
    [
      'a record longer than the per-line view',
      record({
        event: 'crash',
        level: 'critical',
        exception: `Traceback (most recent call last):\n${frames(120)}\ntorch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB.`,
      }),
      { category: 'oom_gpu', line: 'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB.' },
    ],
  ])('%s', (_n, text, want) => {
    expect(failure(text)).toMatchObject(want);
  });

  it('a record that merely mentions a traceback is not one', () => {
    expect(failure(record({ event: 'note', msg: 'Traceback (most recent call last): see above' }))).toBeNull();
  });
});

describe('noise is not a failure', () => {
  it.each([
    [
      'warnings',
      '/x/f.py:4: UserWarning: something\n  warnings.warn("something", UserWarning)\n<stdin>:3: FutureWarning: torch.cuda.amp.GradScaler is deprecated\nDeprecationWarning: old',
    ],
    [
      'NCCL INFO chatter',
      'n1:534:1763 [3] NCCL INFO NET/Plugin : dlerror=libnccl-net.so: cannot open shared object file: No such file or directory\nn1:534:1763 [3] NCCL INFO Using network Socket',
    ],
    ['NCCL WARN about IB', 'n1:1:2 [0] NCCL WARN NET/IB : No device found.'],
    [
      'DeepSpeed overflow',
      '[2023-04-28 06:51:29,903] [INFO] [loss_scaler.py:188:update_scale] [deepspeed] OVERFLOW! Rank 0 Skipping step. Attempted loss scale: 65536, but hysteresis is 2. Reducing hysteresis to 1',
    ],
    [
      'TF info lines',
      '2024-11-28 13:53:00.123456: I tensorflow/core/platform/cpu_feature_guard.cc:182] This TensorFlow binary is optimized\nI1128 13:53:00.000000 1 x.cc:1] started',
    ],
    [
      'Megatron nan counter',
      ' iteration 10/100 | lm loss: 2.0 | number of skipped iterations:   0 | number of nan iterations:   0 |',
    ],
    [
      'Exception ignored at exit',
      "Exception ignored in: <function X.__del__ at 0x7f>\nTraceback (most recent call last):\n  File \"x.py\", line 1, in __del__\nAttributeError: 'NoneType' object has no attribute 'x'",
    ],
    [
      'process group warning',
      '[rank0]:[W819 19:29:00.828 ProcessGroupNCCL.cpp:1168] Warning: WARNING: process group has NOT been destroyed before we destruct ProcessGroupNCCL.',
    ],
    ['recovered loss', 'step 1 | loss nan\nstep 2 | loss 2.5'],
  ])('%s', (_n, text) => {
    expect(failure(text)).toBeNull();
  });

  it('rm errors after the real error do not replace it', () => {
    expect(
      failure(
        `${tb('OSError: [Errno 28] No space left on device')}\nrm: cannot remove '/tmp/x': No such file or directory`,
      ),
    ).toMatchObject({ category: 'disk' });
  });
});
