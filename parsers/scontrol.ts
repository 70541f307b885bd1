/** `scontrol show job -o`: argv and a Key=Value parser that survives spaces and `=` in values. */
import {
  actualTimes,
  blankJob,
  clean,
  cleanName,
  displayId,
  exitCode,
  intOrNull,
  lines,
  splitState,
  taskId,
} from './slurm-fields.js';
import { parseDuration, parseTimestamp } from './slurm-time.js';
import type { SlurmJob } from './slurm-types.js';

/**
 * Full argv (argv[0] is `scontrol`). `-o` gives one line per job; `-d` is not needed (it only adds
 * per-node CPU/memory/GRES detail and repeats keys). An array id lists every task still known.
 * An id that cannot be one becomes `0`, which matches no job (rather than `''`, which lists all).
 */
export function scontrolShowJobArgs(jobId: string): string[] {
  const id = typeof jobId === 'string' && /^\d[^\s,=]*$/.test(jobId) ? jobId : '0';
  return ['scontrol', 'show', 'job', '-o', id];
}

// Keys `scontrol show job -o` (without -d) prints in 20.11–25.x, as far as we know. A value may
// contain spaces and `=`, so after a free-text value only these end it. -d's per-node keys (Nodes,
// Mem, GRES…) are left out on purpose: they are ordinary words a job name may contain.
const KNOWN_KEYS = new Set(
  (
    'JobId ArrayJobId ArrayTaskId ArrayTaskThrottle HetJobId HetJobOffset HetJobIdSet JobName UserId GroupId ' +
    'MCS_label Priority Nice Account QOS JobState Reason Dependency Requeue Restarts BatchFlag Reboot ExitCode ' +
    'DerivedExitCode RunTime TimeLimit TimeMin SubmitTime EligibleTime AccrueTime StartTime EndTime Deadline ' +
    'PreemptEligibleTime PreemptTime SuspendTime SecsPreSuspend LastSchedEval Scheduler ResizeTime Partition ' +
    'AllocNode:Sid ReqNodeList ExcNodeList NodeList SchedNodeList BatchHost NumNodes NumCPUs NumTasks CPUs/Task ' +
    'ReqB:S:C:T TRES ReqTRES AllocTRES Socks/Node NtasksPerN:B:S:C CoreSpec ThreadSpec MinCPUsNode MinMemoryNode ' +
    'MinMemoryCPU MinTmpDiskNode Features ClusterFeatures Prefer DelayBoot Reservation OverSubscribe Contiguous ' +
    'Licenses LicensesAlloc Network Command WorkDir AdminComment SystemComment Comment StdErr StdIn StdOut Power ' +
    'TresPerNode TresPerJob TresPerSocket TresPerTask TresBind TresFreq CpusPerTres MemPerTres NtasksPerTRES ' +
    'CpuFreqMin CpuFreqMax CpuFreqGov BurstBuffer BurstBufferState Container ' +
    'ContainerID Extra Profile KillOInInvalidDependent MailUser MailType Switches Wait4Switch FedOrigin ' +
    'FedViableSiblings FedActiveSiblings OOMKillStep ResvPort SegmentSize SpreadJob NodeReason CronJob CrontabSpec ' +
    'SelinuxContext ReservationName EnergyMax'
  ).split(' '),
);

// Values that are free text (names, paths, comments): inside them only a known key ends the value.
const FREE_TEXT = new Set([
  'JobName',
  'Command',
  'WorkDir',
  'StdErr',
  'StdIn',
  'StdOut',
  'Comment',
  'AdminComment',
  'SystemComment',
  'Container',
  'Extra',
  'Reason',
]);

/**
 * Key=Value pairs of one `-o` line. A key that appears more than once (a job name containing
 * ` Partition=x`) is a boundary only at its last occurrence, so injected text stays in its value.
 */
export function parseKeyValues(line: string): Map<string, string> {
  const out = new Map<string, string>();
  const text = ` ${line.trimEnd()}`;
  const re = / ([A-Za-z][\w:/]*)=/g;
  const cands: { key: string; at: number; end: number }[] = [];
  const lastAt = new Map<string, number>();
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const key = m[1] ?? '';
    cands.push({ key, at: m.index, end: re.lastIndex });
    lastAt.set(key, m.index);
  }
  let cur: { key: string; end: number } | null = null;
  for (const c of cands) {
    if (cur === null) {
      if (c.at !== 0) return out; // the line does not start with Key=
      cur = { key: c.key, end: c.end };
      continue;
    }
    if (c.at < cur.end || c.key === 'JobId' || lastAt.get(c.key) !== c.at) continue;
    if (FREE_TEXT.has(cur.key) && !KNOWN_KEYS.has(c.key)) continue;
    out.set(cur.key, text.slice(cur.end, c.at));
    cur = { key: c.key, end: c.end };
  }
  if (cur !== null) out.set(cur.key, text.slice(cur.end));
  return out;
}

function toJob(kv: Map<string, string>, offsetMinutes: number | undefined): SlurmJob | null {
  const raw = clean(kv.get('JobId'));
  if (raw === null || !/^\d+$/.test(raw)) return null;
  const task = taskId(kv.get('ArrayTaskId'));
  const arrayJob = task === null ? null : clean(kv.get('ArrayJobId'));
  const hetId = clean(kv.get('HetJobId'));
  const hetOffset = hetId === null ? null : intOrNull(kv.get('HetJobOffset'));
  const job = blankJob(displayId(raw, arrayJob, task, hetId, hetOffset));
  job.raw_job_id = raw;
  job.array_job_id = arrayJob;
  job.array_task_id = arrayJob === null ? null : task;
  job.het_job_id = hetId;
  job.het_offset = hetOffset;
  job.name = cleanName(kv.get('JobName')) ?? '';
  const uid = clean(kv.get('UserId'));
  job.user = uid === null ? null : uid.replace(/\(\d+\)$/, '');
  job.account = clean(kv.get('Account'));
  job.partition = clean(kv.get('Partition'));
  const st = splitState(kv.get('JobState'));
  job.state = st.state;
  job.state_detail = st.detail;
  job.reason = clean(kv.get('Reason'));
  job.nodes = clean(kv.get('NodeList'));
  job.num_nodes = intOrNull(kv.get('NumNodes'));
  job.submit_time = parseTimestamp(kv.get('SubmitTime'), undefined, offsetMinutes);
  job.start_time = parseTimestamp(kv.get('StartTime'), undefined, offsetMinutes);
  job.end_time = parseTimestamp(kv.get('EndTime'), undefined, offsetMinutes);
  job.elapsed_s = parseDuration(kv.get('RunTime'));
  job.time_limit_s = parseDuration(kv.get('TimeLimit'));
  job.exit_code = exitCode(kv.get('ExitCode'));
  job.derived_exit_code = exitCode(kv.get('DerivedExitCode'));
  job.work_dir = clean(kv.get('WorkDir'));
  job.command = clean(kv.get('Command'));
  job.stdout_pattern = clean(kv.get('StdOut'));
  job.stderr_pattern = clean(kv.get('StdErr'));
  const perCpu = clean(kv.get('MinMemoryCPU'));
  job.req_mem = clean(kv.get('MinMemoryNode')) ?? (perCpu === null ? null : `${perCpu}/cpu`);
  job.alloc_tres = clean(kv.get('AllocTRES')) ?? clean(kv.get('TRES'));
  actualTimes(job, kv.has('NodeList'));
  return job;
}

/**
 * One SlurmJob per `scontrol show job -o` line (array tasks as `83_7` with raw id 103).
 * StdOut/StdErr are as scontrol printed them: 22.05 expands %A/%a/%j/%u/%x but not %N/%s/%t,
 * and prints `…_4294967294.out` for a pending array parent.
 */
export function parseScontrolShowJob(text: string, offsetMinutes?: number): SlurmJob[] {
  const jobs: SlurmJob[] = [];
  for (const line of lines(text)) {
    if (!line.startsWith('JobId=')) continue;
    const job = toJob(parseKeyValues(line), offsetMinutes);
    if (job !== null) jobs.push(job);
  }
  return jobs;
}
