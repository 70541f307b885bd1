/**
 * Pending-reason codes (squeue `%r`, `-O Reason`, scontrol `Reason=`) in plain words, with what
 * usually helps. squeue prints free text when slurmctld set one (`ReqNodeNotAvail,
 * UnavailableNodes:node[03-05]`, `launch failed requeued held`) and joins an array's reasons with
 * commas (`Priority,JobArrayTaskLimit`): the first code explains, the rest is shown as detail.
 */

/** A reason explained. */
export interface ReasonInfo {
  code: string;
  /** What it means, one sentence. */
  text: string;
  /** What usually helps; null when waiting is all there is to do. */
  help: string | null;
  /** The part of the reason after the code (`UnavailableNodes:node03`). */
  detail: string | null;
  /** The job cannot start as it is: waiting alone will not help. */
  stuck: boolean;
}

type Entry = readonly [text: string, help: string | null, stuck?: boolean];

const LOWER_TIME = 'lower --time (scontrol update jobid=ID timelimit=HH:MM:SS) or use another partition/QOS';

const EXACT: Record<string, Entry> = {
  Priority: [
    'Jobs with a higher priority go first.',
    'wait; smaller requests (fewer CPUs/GPUs, shorter --time) can be backfilled into gaps',
  ],
  Resources: [
    'Next in line, but the CPUs/memory/GPUs asked for are busy.',
    'wait, or ask for less; the expected start is an estimate from the scheduler',
  ],
  Dependency: ['Waiting for the jobs it depends on.', null],
  DependencyNeverSatisfied: [
    'A job it depends on ended so that the dependency can never be met; it stays pending until cancelled.',
    'scancel it, or change the dependency (scontrol update jobid=ID dependency=…)',
    true,
  ],
  JobHeldUser: ['Held by its owner (sbatch --hold, scontrol hold, or requeued held).', 'scontrol release ID', true],
  JobHeldAdmin: ['Held by an administrator.', 'ask your support team; users cannot release it', true],
  BeginTime: ['Its --begin time has not come yet.', 'wait, or scontrol update jobid=ID starttime=now'],
  PartitionTimeLimit: [
    "Its time limit is above the partition's maximum; it will not start as it is.",
    LOWER_TIME,
    true,
  ],
  PartitionNodeLimit: [
    'It asks for more (or fewer) nodes than the partition allows, or needed nodes are down.',
    'ask for a node count the partition allows, or another partition',
    true,
  ],
  PartitionDown: ['The partition is down.', 'wait for the admins, or use another partition'],
  PartitionInactive: ['The partition is inactive.', 'use another partition', true],
  ReqNodeNotAvail: [
    'A node it needs is down, drained or reserved (often for maintenance).',
    'drop --nodelist/-w, use another partition, or shorten --time to end before the maintenance',
  ],
  NodeDown: ['A node it needs is down.', 'usually resolves itself; ask support if it stays'],
  Reservation: [
    'Waiting for its reservation to become usable.',
    'wait for the reservation window, or drop --reservation',
  ],
  ReservationDeleted: [
    'The reservation it asked for no longer exists.',
    'scontrol update jobid=ID reservation= or resubmit',
    true,
  ],
  Licenses: ['Waiting for a software license (-L) in use by other jobs.', null],
  JobArrayTaskLimit: [
    "The array's %N limit of tasks running at once is reached.",
    'wait, or raise it: scontrol update jobid=ARRAYID arraytaskthrottle=N',
  ],
  BadConstraints: [
    'Its requirements can never be met (features, memory or GPUs no node has).',
    'fix the request and resubmit',
    true,
  ],
  Constraints: ['Its constraints cannot be met right now.', 'wait, or relax --constraint'],
  InvalidAccount: [
    'The account is not valid for you.',
    'submit with a valid -A (sacctmgr show assoc user=$USER)',
    true,
  ],
  InvalidQOS: ['The QOS is not valid for you.', 'submit with a valid --qos', true],
  QOSNotAllowed: ['The partition or association does not allow this QOS.', 'use another QOS or partition', true],
  AccountNotAllowed: ['The partition does not allow this account.', 'use another account or partition', true],
  Cleaning: ['Requeued; its previous run is still being cleaned up.', null],
  Prolog: ['Allocated; its prolog is still running.', null],
  BurstBufferStageIn: ['Staging data into the burst buffer.', null],
  BurstBufferResources: ['Waiting for burst buffer space.', null],
  MaxMemPerLimit: [
    'The memory per CPU/node asked for is above the limit.',
    'ask for less memory per CPU, or more CPUs',
    true,
  ],
  AssocMaxJobsLimit: ['You have the most running jobs your association allows.', 'wait for your running jobs to end'],
  AssocGrpJobsLimit: ["Your account's users together have the most running jobs allowed.", null],
  QOSMaxJobsPerUserLimit: [
    'You have the most running jobs this QOS allows per user.',
    'wait for your running jobs to end, or use another QOS',
  ],
  QOSGrpJobsLimit: ['All jobs in this QOS together reached its running-job limit.', 'wait, or use another QOS'],
  None: ['Not looked at yet in this scheduling pass.', null],
  WaitingForScheduling: ['Not looked at yet in this scheduling pass.', null],
  'launch failed requeued held': [
    'It could not be launched on its node, was requeued and held.',
    'check the output/working directory, then scontrol release ID',
    true,
  ],
  'job requeued in held state': ['Requeued and held.', 'scontrol release ID', true],
};

// Codes Slurm builds from a limit family and a TRES name (QOSGrpGRES, AssocGrpCPUMinutesLimit, …).
const FAMILIES: [RegExp, Entry][] = [
  [
    /WallDurationPerJob/,
    ['Its time limit is above the maximum its QOS/association allows; it will not start as it is.', LOWER_TIME, true],
  ],
  [
    /^(QOS|Assoc)Min/,
    ['It asks for less than the minimum its QOS/association requires.', 'ask for more, or use another QOS', true],
  ],
  [
    /^(QOS|Assoc)Max\w*PerJob/,
    [
      'One job asks for more than its QOS/association allows per job; it will not start as it is.',
      'make the request smaller, or use another QOS',
      true,
    ],
  ],
  [
    /^(QOS|Assoc)Max\w*PerNode/,
    [
      'It asks for more per node than its QOS/association allows.',
      'spread over more nodes, or ask for less per node',
      true,
    ],
  ],
  [
    /^(QOS|Assoc)Max\w*PerUser/,
    [
      'Your running jobs already use what the QOS/association allows per user.',
      'wait for your running jobs to end, or ask for less',
    ],
  ],
  [
    /^(QOS)?Max\w*PerAccount/,
    ["Your account's running jobs already use what the QOS allows per account.", "wait for your group's jobs to end"],
  ],
  [
    /^AssocGrp\w*RunMin/,
    [
      'Running jobs of your account hold too many resource-minutes (resources × time left).',
      'wait; a shorter --time helps',
    ],
  ],
  [
    /^(QOS|Assoc)Grp\w*Min/,
    [
      'Your account (or QOS) used up its allocation of resource-minutes.',
      'ask your PI or admins for more allocation, or use another account',
      true,
    ],
  ],
  [
    /^AssocGrp/,
    [
      "Your account's running jobs together reached a limit (CPUs, memory, GPUs, nodes).",
      "wait for your account's jobs to end, or ask for less",
    ],
  ],
  [/^QOSGrp/, ['All jobs in this QOS together reached a limit shared by its users.', 'wait, or use another QOS']],
  [
    /^(QOS|Assoc)/,
    ['A QOS or association limit is reached.', 'scontrol show job ID; ask your support team if it persists'],
  ],
];

/** The reason explained; null for none. Unknown codes get a generic text, never null. */
export function explainReason(reason: string | null | undefined): ReasonInfo | null {
  if (typeof reason !== 'string') return null;
  const t = reason.trim();
  if (t === '' || t === '(null)') return null;
  const cut = t.search(/[,:]/);
  const whole = EXACT[t] ? t : null;
  const code = whole ?? (cut < 0 ? t : t.slice(0, cut)).trim();
  const detail = whole || cut < 0 ? null : t.slice(cut + 1).trim() || null;
  const entry = Object.hasOwn(EXACT, code) ? EXACT[code] : FAMILIES.find(([re]) => re.test(code))?.[1];
  if (!entry) {
    return {
      code,
      text: `Slurm's reason "${code}" (not one hpc-watch knows).`,
      help: 'scontrol show job ID shows more; ask your support team if it persists',
      detail,
      stuck: false,
    };
  }
  return { code, text: entry[0], help: entry[1], detail, stuck: entry[2] ?? false };
}

/** One line: the words, the detail, and what helps, with `ID` replaced by the job's id when given. */
export function reasonText(reason: string | null | undefined, jobId?: string): string | null {
  const r = explainReason(reason);
  if (!r) return null;
  const text = r.detail ? `${r.text.replace(/\.$/, '')} (${r.detail}).` : r.text;
  const help = r.help && jobId && /^[\w.]+$/.test(jobId) ? r.help.replace(/\bID\b/g, jobId) : r.help;
  return help ? `${text} What helps: ${help}.` : text;
}
