/**
 * `--demo`: a Transport that answers squeue/sacct/scontrol/scancel from the simulated
 * cluster in exactly the text formats real SLURM prints for our argv, so the
 * parsers, poller, store and views run unchanged. Logs are real files.
 */
import { userInfo } from 'node:os';
import { gzipSync } from 'node:zlib';
import { SACCT_FIELDS, SACCT_SEP } from '../../parsers/sacct.js';
import { formatDuration } from '../../parsers/slurm-time.js';
import { FIELD_SEP, SQUEUE_FIELDS } from '../../parsers/squeue.js';
import { readRangeLocal, statLocal } from '../transport/local.js';
import type { ExecOptions, ExecResult, FileStat, Transport } from '../transport/types.js';
import { DemoCluster, type DemoJobView } from './cluster.js';
import { slurmTime } from './scenarios.js';

const NODE = 'gpu-017';

function exitStatusRaw(code: string): string {
  const [exit, sig] = code.split(':').map(Number);
  return String(sig ? sig : (exit ?? 0) << 8);
}

export class DemoTransport implements Transport {
  readonly cluster = 'demo';
  readonly canWatch = true;
  private readonly user = safeUser();

  private constructor(private readonly sim: DemoCluster) {}

  /** Starts the simulation (writes the logs of jobs that started "before" the demo). */
  static async start(): Promise<DemoTransport> {
    const sim = new DemoCluster();
    sim.start();
    return new DemoTransport(sim);
  }

  get dir(): string {
    return this.sim.dir;
  }

  async exec(argv: readonly string[], _opts?: ExecOptions): Promise<ExecResult> {
    const started = Date.now();
    const ok = (stdout: string): ExecResult => ({
      stdout,
      stderr: '',
      code: 0,
      signal: null,
      timedOut: false,
      notFound: false,
      durationMs: Date.now() - started + 3,
    });
    const fail = (stderr: string, code = 1): ExecResult => ({ ...ok(''), stderr, code });
    const flag = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
    const ids = flag('jobs')?.split(',') ?? null;
    const views = this.sim.view().filter((v) => !ids || ids.some((id) => matches(v, id)));
    switch (argv[0]) {
      case 'squeue': {
        if (argv.includes('--start')) return ok(this.startText(views));
        const rows = views.filter((v) => v.inQueue && (argv.includes('--states=all') || !isEnded(v)));
        if (ids && rows.length === 0) return fail('slurm_load_jobs error: Invalid job id specified');
        return ok(this.squeueText(groupPending(rows)));
      }
      case 'sacct':
        return ok(argv[1] === '--version' ? 'slurm 24.05.4\n' : this.sacctText(views));
      case 'sstat':
        return ok(this.sstatText(views.filter((v) => v.state === 'RUNNING')));
      case 'scontrol': {
        const id = argv.at(-1) ?? '';
        const v = this.sim.view().find((x) => matches(x, id));
        return v ? ok(`${this.scontrolLine(v)}\n`) : fail('slurm_load_jobs error: Invalid job id specified');
      }
      case 'scancel': {
        const id = Number.parseInt(argv.at(-1) ?? '', 10);
        return this.sim.cancel(id)
          ? ok('')
          : fail(`scancel: error: Kill job error on job id ${argv.at(-1)}: Job/step already completing or completed`);
      }
      case 'id':
        // The demo user is uid 1000: the demo's own scancel reads `CANCELLED by 1000`; `id -un` says
        // who may cancel what (the MCP server's cancel_job asks).
        return ok(argv.includes('-u') ? '1000\n' : `${this.user}\n`);
      default:
        return { ...fail(`${argv[0]}: command not found`, 127), notFound: true };
    }
  }

  stat(path: string): Promise<FileStat | null> {
    return statLocal(path);
  }

  readRange(path: string, start: number, length: number): Promise<Uint8Array> {
    return readRangeLocal(path, start, length);
  }

  async close(): Promise<void> {
    this.sim.stop();
  }

  private at(offsetS: number): number {
    return this.sim.t0 + offsetS * 1000;
  }

  private fields(v: DemoJobView | PendingGroup): Record<string, string> {
    const s = 'tasks' in v ? v.tasks[0]! : v;
    const spec = s.spec;
    const now = this.sim.clock();
    const running = s.startAt !== null;
    const elapsed = running ? (s.endAt ?? now) - s.startAt! : 0;
    const arrayId = spec.arrayJobId !== undefined ? String(spec.arrayJobId) : null;
    const display = 'tasks' in v ? v.display : arrayId ? `${arrayId}_${spec.arrayTaskId}` : String(spec.id);
    return {
      JobArrayID: display,
      JobID: String(spec.id),
      ArrayJobID: arrayId ?? String(spec.id),
      ArrayTaskID: 'tasks' in v ? v.taskRange : arrayId ? String(spec.arrayTaskId) : 'N/A',
      HetJobID: '0',
      HetJobOffset: 'N/A',
      UserName: this.user,
      Account: 'ml-lab',
      Partition: spec.partition,
      State: s.state,
      Reason: s.reason ?? 'None',
      TimeUsed: formatDuration(elapsed),
      TimeLimit: formatDuration(spec.limitS),
      NumNodes: '1',
      NodeList: running ? NODE : '',
      SubmitTime: slurmTime(this.at(spec.submitAt)),
      StartTime: running ? slurmTime(this.at(s.startAt!)) : 'N/A',
      EndTime: s.endAt !== null ? slurmTime(this.at(s.endAt)) : 'N/A',
      exit_code: exitStatusRaw(s.exitCode),
      DerivedEC: '0',
      MinMemory: `${spec.askMemGiB ?? 32}G`,
      'tres-alloc': running ? `cpu=8,mem=${spec.askMemGiB ?? 32}G,node=1,billing=8,gres/gpu=${spec.gpus}` : '',
      WorkDir: this.sim.dir,
      // Like squeue: the --output pattern as given (array tasks share it), not the expanded path.
      STDOUT: 'tasks' in v || spec.arrayJobId !== undefined ? `${this.sim.dir}/%x-%A_%a.out` : s.logPath,
      STDERR: 'tasks' in v || spec.arrayJobId !== undefined ? `${this.sim.dir}/%x-%A_%a.out` : s.logPath,
      Command: `${this.sim.dir}/${spec.name}.sbatch`,
      Dependency: s.dependency ?? '(null)',
      Name: spec.name,
    };
  }

  private squeueText(rows: (DemoJobView | PendingGroup)[]): string {
    return rows.map((v) => `${SQUEUE_FIELDS.map((f) => `${this.fields(v)[f] ?? ''}${FIELD_SEP}`).join('')}\n`).join('');
  }

  private sacctText(views: DemoJobView[]): string {
    const out: string[] = [];
    for (const v of views) {
      const f = this.fields(v);
      const spec = v.spec;
      const row: Record<string, string> = {
        JobID: f.JobArrayID!,
        JobIDRaw: String(spec.id),
        User: this.user,
        Account: 'ml-lab',
        Partition: spec.partition,
        State: v.stateDetail ? `${v.state} ${v.stateDetail}` : v.state,
        ExitCode: v.state === 'CANCELLED' ? '0:0' : v.exitCode,
        DerivedExitCode: '0:0',
        Reason: v.reason ?? 'None',
        Submit: f.SubmitTime!,
        Start: v.startAt !== null ? f.StartTime! : 'Unknown',
        End: v.endAt !== null ? f.EndTime! : 'Unknown',
        Elapsed: sacctDuration(durationS(f.TimeUsed ?? '0:00')),
        ElapsedRaw: String(Math.round(durationS(f.TimeUsed ?? '0:00'))),
        Timelimit: f.TimeLimit!,
        NNodes: '1',
        NodeList: v.startAt !== null ? NODE : 'None assigned',
        ReqMem: f.MinMemory!,
        AllocTRES: f['tres-alloc']!,
        MaxRSS: '',
        WorkDir: this.sim.dir,
        TotalCPU: '',
        TRESUsageInTot: '',
        AdminComment: '',
        JobName: spec.name,
      };
      if (v.startAt === null) {
        out.push(SACCT_FIELDS.map((k) => row[k] ?? '').join(SACCT_SEP));
        continue;
      }
      const use = usageOf(v, durationS(f.TimeUsed ?? '0:00'));
      const job: Record<string, string> = { ...row, TotalCPU: use.cpu, AdminComment: jobstats(v, use) };
      out.push(SACCT_FIELDS.map((k) => job[k] ?? '').join(SACCT_SEP));
      const batch: Record<string, string> = {
        ...row,
        JobID: `${row.JobID}.batch`,
        JobName: 'batch',
        MaxRSS: use.rss,
        TotalCPU: use.cpu,
        TRESUsageInTot: use.tres,
      };
      out.push(SACCT_FIELDS.map((k) => batch[k] ?? '').join(SACCT_SEP));
    }
    return out.map((l) => `${l}\n`).join('');
  }

  /** `sstat --allsteps -P -n -o JobID,TRESUsageInTot`: the extern and batch steps of running jobs. */
  private sstatText(views: DemoJobView[]): string {
    return views
      .map((v) => {
        const use = usageOf(v, this.sim.clock() - v.startAt!);
        return `${v.spec.id}.extern|cpu=00:00:00,energy=0,fs/disk=5273,mem=256K,pages=0,vmem=0\n${v.spec.id}.batch|${use.tres}\n`;
      })
      .join('');
  }

  /** `squeue --start -o '%i|%S|'`: pending jobs with the scheduler's estimate, or N/A. */
  private startText(views: DemoJobView[]): string {
    return views
      .filter((v) => v.state === 'PENDING')
      .map((v) => {
        const at = v.spec.expectedStartAt;
        return `${v.spec.id}|${at === undefined ? 'N/A' : slurmTime(this.at(at))}|\n`;
      })
      .join('');
  }

  private scontrolLine(v: DemoJobView): string {
    const f = this.fields(v);
    const arr =
      v.spec.arrayJobId !== undefined ? ` ArrayJobId=${v.spec.arrayJobId} ArrayTaskId=${v.spec.arrayTaskId}` : '';
    return (
      `JobId=${v.spec.id}${arr} JobName=${v.spec.name} UserId=${this.user}(1000) Account=ml-lab JobState=${v.state} ` +
      `Reason=${v.reason ?? 'None'} ExitCode=${v.exitCode} RunTime=${f.TimeUsed} TimeLimit=${f.TimeLimit} ` +
      `SubmitTime=${f.SubmitTime} StartTime=${f.StartTime} EndTime=${f.EndTime} Partition=${v.spec.partition} ` +
      `NodeList=${f.NodeList || '(null)'} NumNodes=1 Command=${f.Command} WorkDir=${this.sim.dir} ` +
      `StdErr=${v.logPath} StdIn=/dev/null StdOut=${v.logPath}`
    );
  }
}

interface DemoUse {
  /** TotalCPU as sacct prints it. */
  cpu: string;
  cpuS: number;
  memBytes: number;
  rss: string;
  tres: string;
}

/** What a job has used after `elapsed` seconds: CPU time grows, memory is at its peak. */
function usageOf(v: DemoJobView, elapsed: number): DemoUse {
  const u = v.spec.usage ?? { cpu: 0.55, memGiB: 21 };
  const cpuS = Math.max(0, elapsed) * 8 * u.cpu;
  const memK = Math.round(u.memGiB * 1024 * 1024);
  // Slurm records gres/gpuutil from 23.02 with NVML; one GPU keeps the demo version-independent.
  const gpu =
    u.gpuPct !== undefined && v.spec.gpus === 1
      ? `gres/gpumem=${Math.round(u.memGiB * 1.5 * 1024)}M,gres/gpuutil=${u.gpuPct},`
      : '';
  return {
    cpu: sacctDuration(cpuS),
    cpuS,
    memBytes: memK * 1024,
    rss: `${memK}K`,
    tres: `cpu=${sacctDuration(cpuS)},energy=0,fs/disk=2048,${gpu}mem=${memK}K,pages=0,vmem=${memK}K`,
  };
}

/** Princeton jobstats' AdminComment for jobs that define per-GPU figures: `JS1:` + base64(gzip(JSON)). */
function jobstats(v: DemoJobView, use: DemoUse): string {
  const pcts = v.spec.jobstatsGpuPct;
  if (!pcts || v.endAt === null) return '';
  const gib = 1024 ** 3;
  const perGpu = (f: (p: number) => number) => Object.fromEntries(pcts.map((p, i) => [String(i), f(p)]));
  const doc = {
    gpus: pcts.length,
    total_time: Math.round(v.endAt - v.startAt!),
    nodes: {
      [NODE]: {
        cpus: 8,
        total_time: use.cpuS,
        total_memory: (v.spec.askMemGiB ?? 32) * gib,
        used_memory: use.memBytes,
        gpu_utilization: perGpu((p) => p),
        gpu_total_memory: perGpu(() => 80 * gib),
        gpu_used_memory: perGpu((p) => Math.round((p / 100) * 60 * gib)),
      },
    },
  };
  return `JS1:${gzipSync(JSON.stringify(doc)).toString('base64')}`;
}

interface PendingGroup {
  display: string;
  taskRange: string;
  tasks: DemoJobView[];
}

/** squeue shows not-yet-started array tasks as one record, e.g. `4105_[4-5%2]`. */
function groupPending(rows: DemoJobView[]): (DemoJobView | PendingGroup)[] {
  const out: (DemoJobView | PendingGroup)[] = [];
  const groups = new Map<number, DemoJobView[]>();
  for (const v of rows) {
    if (v.spec.arrayJobId !== undefined && v.state === 'PENDING') {
      const g = groups.get(v.spec.arrayJobId) ?? [];
      g.push(v);
      groups.set(v.spec.arrayJobId, g);
    } else out.push(v);
  }
  for (const [id, tasks] of groups) {
    const ids = tasks.map((t) => t.spec.arrayTaskId!);
    const range = ids.length === 1 ? `${ids[0]}` : `${Math.min(...ids)}-${Math.max(...ids)}`;
    out.push({ display: `${id}_[${range}%2]`, taskRange: `${range}%2`, tasks });
  }
  return out;
}

function matches(v: DemoJobView, id: string): boolean {
  const s = v.spec;
  return (
    id === String(s.id) ||
    (s.arrayJobId !== undefined && (id === String(s.arrayJobId) || id === `${s.arrayJobId}_${s.arrayTaskId}`))
  );
}

function isEnded(v: DemoJobView): boolean {
  return v.endAt !== null;
}

function durationS(s: string): number {
  const m = /^(?:(\d+)-)?(?:(\d+):)?(\d+):(\d+)$/.exec(s);
  if (!m) return 0;
  return Number(m[1] ?? 0) * 86400 + Number(m[2] ?? 0) * 3600 + Number(m[3]) * 60 + Number(m[4]);
}

/** sacct always prints hours: `00:00:30`, `1-02:03:04`. */
function sacctDuration(total: number): string {
  const t = Math.floor(total);
  const p = (n: number) => String(n).padStart(2, '0');
  const d = Math.floor(t / 86400);
  const hms = `${p(Math.floor((t % 86400) / 3600))}:${p(Math.floor((t % 3600) / 60))}:${p(t % 60)}`;
  return d > 0 ? `${d}-${hms}` : hms;
}

function safeUser(): string {
  try {
    return userInfo().username || 'you';
  } catch {
    return 'you';
  }
}
