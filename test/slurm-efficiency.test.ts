import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { needsSlurmVersion, parseSlurmVersion, type SlurmVersion } from '../parsers/efficiency.js';
import { decodeJobstats, jobstatsPayload, parseJobstatsJson } from '../parsers/jobstats.js';
import { mergeSacctRows, parseSacct, SACCT_FIELDS, SACCT_SEP } from '../parsers/sacct.js';
import type { SlurmJob } from '../parsers/slurm-types.js';
import { parseSstat, sstatArgs } from '../parsers/sstat.js';
import { parseTres, tresBytes, tresCount } from '../parsers/tres.js';
import type { SlurmRunner } from '../src/slurm/client.js';
import { Accounting, inflateJobstats } from '../src/slurm/queries.js';
import { runs } from './helpers/prop.js';
import { fx, UTC } from './slurm-helpers.js';

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
const inflate = (gz: Uint8Array) => gunzipSync(gz).toString('utf8');

/** Jobs of a `|` fixture whose first line is its header. */
function jobsOf(file: string, slurmVersion: SlurmVersion | null = null): SlurmJob[] {
  const text = fx(`efficiency/${file}`);
  const fields = text.split('\n')[0]!.split('|').filter(Boolean);
  return mergeSacctRows(parseSacct(text, { fields, delimiter: '|' }), UTC, { slurmVersion, inflate });
}

function eff(jobs: SlurmJob[], id: string) {
  const j = jobs.find((x) => x.job_id === id);
  if (!j?.efficiency) throw new Error(`no efficiency for ${id}`);
  return j.efficiency;
}

describe('TRES lists', () => {
  it('counts and bytes, with the unit a bare number has', () => {
    const alloc = parseTres('billing=2,cpu=2,gres/gpu=2,mem=1024M,node=1');
    expect(tresCount(alloc, 'cpu')).toBe(2);
    expect(tresCount(alloc, 'gres/gpu')).toBe(2);
    expect(tresBytes(alloc, 'mem', 'megabytes')).toBe(GiB);
    expect(tresBytes(parseTres('mem=800'), 'mem', 'megabytes')).toBe(800 * MiB);
    expect(tresBytes(parseTres('mem=422567936'), 'mem', 'bytes')).toBe(422567936);
    expect(tresBytes(parseTres('mem=412664K'), 'mem', 'bytes')).toBe(412664 * 1024);
    expect(tresCount(parseTres('gres/gpuutil=1K'), 'gres/gpuutil')).toBe(1024); // before 23.11.7 gpuutil went through the unit converter
    expect(tresCount(parseTres('(null)'), 'cpu')).toBeNull();
    expect(parseTres(undefined).size).toBe(0);
  });
});

describe('efficiency from captured 22.05 sacct (seff definitions)', () => {
  const jobs = jobsOf('sacct-22.05-noconvert.psv');

  it('job 27: steps summed for CPU, largest step TRESUsageInTot over AllocTRES for memory', () => {
    const e = eff(jobs, '27');
    // (26.891 + 0.009) s of CPU over 43 s × 2 CPUs; seff rounds the seconds (27/86 = 31.40 %)
    expect(e.cpu).toBeCloseTo(26.9 / 86, 3);
    expect(e.mem_used_bytes).toBe(422567936);
    expect(e.mem_alloc_bytes).toBe(GiB);
    expect(e.mem).toBeCloseTo(422567936 / GiB, 3); // seff: 39.35 %
    expect(e).toMatchObject({ cpus: 2, gpus: 0, gpu_util: null, gpu_mem: null, gpus_idle: null });
  });

  it('job 28 (2 tasks, --mem-per-cpu): TRESUsageInTot is the sum of task peaks (seff 24.11: 50.68 %, not 75.68 %)', () => {
    const e = eff(jobs, '28');
    expect(e.mem).toBeCloseTo(425136128 / (800 * MiB), 3);
    expect(e.mem).toBeCloseTo(0.5068, 3);
    expect(e.cpu).toBeCloseTo((0.067 + 0.011 + 46.996) / (29 * 2), 3); // seff: 81.03 %
  });

  it('job 54: a GPU allocated on 22.05, which records no GPU usage: null, never 0', () => {
    expect(eff(jobs, '54')).toMatchObject({
      gpus: 1,
      gpu_util: null,
      gpu_mem: null,
      gpu_mem_used_bytes: null,
      gpus_idle: null,
    });
  });

  it('with units (no --noconvert) the same numbers come out', () => {
    const withUnits = eff(jobsOf('sacct-22.05-units.psv'), '27');
    const raw = eff(jobs, '27');
    expect(withUnits.mem_used_bytes).toBe(raw.mem_used_bytes);
    expect(withUnits.mem_alloc_bytes).toBe(raw.mem_alloc_bytes);
    expect(withUnits.cpu).toBe(raw.cpu);
    expect(eff(jobsOf('sacct-22.05-srun-units.psv'), '28').mem).toBe(eff(jobs, '28').mem);
    expect(withUnits.time_used_ratio).toBeCloseTo(43 / 120, 3);
  });

  it('captured with our own argv: the poller’s sacct call gives the efficiency', () => {
    const [job] = mergeSacctRows(parseSacct(fx('efficiency/sacct-ours-burn.txt')), UTC);
    expect(job!.efficiency).toMatchObject({
      cpus: 2,
      mem_used_bytes: 265036 * 1024,
      mem_alloc_bytes: 512 * MiB,
      gpus: 0,
      gpu_util: null,
      time_used_ratio: 0.1722,
    });
    expect(job!.efficiency!.cpu).toBeCloseTo((21.998 + 0.008) / (31 * 2), 4);
    expect(job!.efficiency!.mem).toBeCloseTo(265036 / (512 * 1024), 4);
  });

  it('jobs that are not over, or never ran, have no efficiency; -X output has no usage to show', () => {
    const line = (f: Record<string, string>) => SACCT_FIELDS.map((k) => f[k] ?? '').join(SACCT_SEP);
    const rows = parseSacct(
      [
        line({
          JobID: '1',
          State: 'RUNNING',
          Start: '2026-11-28T10:00:00',
          AllocTRES: 'cpu=1,mem=1G',
          ElapsedRaw: '60',
          NodeList: 'n1',
        }),
        line({
          JobID: '2',
          State: 'CANCELLED by 1000',
          Start: 'Unknown',
          End: '2026-11-28T10:00:00',
          ElapsedRaw: '0',
          NodeList: 'None assigned',
        }),
        line({
          JobID: '3',
          State: 'COMPLETED',
          Start: '2026-11-28T10:00:00',
          End: '2026-11-28T10:01:00',
          AllocTRES: 'cpu=2,mem=1G',
          ElapsedRaw: '60',
          NodeList: 'n1',
          TotalCPU: '00:00:00',
        }),
      ].join('\n'),
    );
    const [running, never, noSteps] = mergeSacctRows(rows, UTC);
    expect(running!.efficiency).toBeNull();
    expect(never!.efficiency).toBeNull();
    expect(noSteps!.efficiency).toMatchObject({ cpu: null, mem: null, cpus: 2, mem_alloc_bytes: GiB });
  });
});

describe('GPU usage fields by Slurm version (written from the docs, not captured)', () => {
  const v2302: SlurmVersion = [23, 2, 8];
  const v2311: SlurmVersion = [23, 11, 10];
  const v2405: SlurmVersion = [24, 5, 4];

  it('23.02 and 24.05.1+: summed over a task’s GPUs, so divide by the GPU count', () => {
    for (const [file, base, v] of [
      ['sacct-23.02-written.psv', 23000, v2302],
      ['sacct-24.05-written.psv', 24000, v2405],
    ] as const) {
      const jobs = jobsOf(file, v);
      // x01: one process on 2 GPUs, 85 % each → gpuutil 170
      expect(eff(jobs, String(base + 1))).toMatchObject({
        gpus: 2,
        gpu_util: 0.85,
        gpu_mem_used_bytes: 60000 * MiB,
        gpu_mem: null,
        gpus_idle: null,
      });
      // x02: 2 tasks × 1 GPU at 100 % (the documented example): Tot 200 over 2 GPUs
      expect(eff(jobs, String(base + 2))).toMatchObject({ gpus: 2, gpu_util: 1, gpu_mem_used_bytes: 72532 * MiB });
      // x03: a CPU-only job on a GPU-tracking cluster
      expect(eff(jobs, String(base + 3))).toMatchObject({ gpus: 0, gpu_util: null });
      expect(eff(jobs, String(base + 3)).cpu).toBeCloseTo(1180.002 / 2400, 3);
    }
  });

  it('23.11.0–24.05.0 counted only the last GPU: a multi-GPU step’s value is not reported', () => {
    const jobs = jobsOf('sacct-23.11-written.psv', v2311);
    expect(eff(jobs, '23901')).toMatchObject({ gpus: 2, gpu_util: null, gpu_mem_used_bytes: null });
    expect(eff(jobs, '23902').gpu_util).toBeNull();
    // An unknown version is not trusted either; CPU and memory do not depend on it.
    const unknown = jobsOf('sacct-24.05-written.psv', null);
    expect(eff(unknown, '24001').gpu_util).toBeNull();
    expect(eff(unknown, '24001').mem).toBe(eff(jobsOf('sacct-24.05-written.psv', v2405), '24001').mem);
  });

  it('asks for the version only when a multi-GPU step recorded GPU usage', () => {
    const rows = (file: string) => {
      const text = fx(`efficiency/${file}`);
      return parseSacct(text, { fields: text.split('\n')[0]!.split('|'), delimiter: '|' });
    };
    expect(needsSlurmVersion(rows('sacct-23.02-written.psv'))).toBe(true);
    expect(needsSlurmVersion(rows('sacct-22.05-noconvert.psv'))).toBe(false);
    expect(needsSlurmVersion(rows('sacct-22.05-gpu.psv'))).toBe(false);
    expect(parseSlurmVersion('slurm-wlm 22.05.8')).toEqual([22, 5, 8]);
    expect(parseSlurmVersion('slurm 24.05.1\n')).toEqual([24, 5, 1]);
    expect(parseSlurmVersion('garbage')).toBeNull();
  });

  it('Accounting runs `sacct --version` once, and only for such rows', async () => {
    const text = fx('efficiency/sacct-24.05-written.psv');
    const header = text.split('\n')[0]!.split('|');
    // Re-emit the written rows in our own field order and separator, as sacct would for our argv.
    const ours = text
      .split('\n')
      .slice(1)
      .filter(Boolean)
      .map((l) => {
        const rec = Object.fromEntries(header.map((h, i) => [h, l.split('|')[i] ?? '']));
        return SACCT_FIELDS.map((f) =>
          f === 'Start' ? '2026-11-28T10:00:00' : f === 'NodeList' ? 'gpu1' : (rec[f] ?? ''),
        ).join(SACCT_SEP);
      })
      .join('\n');
    const calls: string[] = [];
    const runner: SlurmRunner = {
      async run(argv) {
        calls.push(argv.join(' '));
        return { stdout: argv[1] === '--version' ? 'slurm 24.05.4\n' : ours, durationMs: 1 };
      },
    };
    const acct = new Accounting(runner);
    const first = await acct.query({ jobIds: ['24001'] }, UTC);
    await acct.query({ jobIds: ['24001'] }, UTC);
    expect(calls.filter((c) => c === 'sacct --version')).toHaveLength(1);
    expect(calls.filter((c) => c.startsWith('sacct --parsable2'))).toHaveLength(2);
    expect(first?.find((j) => j.job_id === '24001')?.efficiency?.gpu_util).toBe(0.85);
  });
});

describe('jobstats AdminComment (sample built from the documented format)', () => {
  const comment = fx('efficiency/jobstats-admincomment-written.txt').trim();
  const expected = JSON.parse(fx('efficiency/jobstats-expected.json')) as Record<string, number>;

  it('decodes JS1: + base64(gzip(JSON)) into per-node and per-GPU figures', () => {
    const js = decodeJobstats(comment, inflate)!;
    expect(js.cpus).toBe(16);
    expect(js.gpus).toHaveLength(4);
    expect(js.gpus.map((g) => g.util)).toEqual([87.3, 41.0, 12.5, 0.0]);
    expect(js.elapsedS).toBe(7200);
    // the figures jobstats itself prints for this sample
    expect((100 * js.cpuUsedS!) / (js.elapsedS! * js.cpus)).toBeCloseTo(expected.cpu_eff_pct!, 0);
    expect((100 * js.memUsedBytes!) / js.memTotalBytes!).toBeCloseTo(expected.mem_eff_pct!, 0);
  });

  it('fills the GPU fields of a job’s efficiency: time-averaged utilisation, memory share, idle GPUs', () => {
    const line = (f: Record<string, string>) => SACCT_FIELDS.map((k) => f[k] ?? '').join(SACCT_SEP);
    const base = {
      State: 'COMPLETED',
      Start: '2026-11-28T10:00:00',
      End: '2026-11-28T12:00:00',
      ElapsedRaw: '7200',
      NodeList: 'gpu-node[01-02]',
    };
    const rows = parseSacct(
      [
        line({ ...base, JobID: '7', AllocTRES: 'billing=16,cpu=16,gres/gpu=4,mem=64G,node=2', AdminComment: comment }),
        line({
          ...base,
          JobID: '7.batch',
          AllocTRES: 'cpu=8,gres/gpu=2,mem=32G,node=1',
          TotalCPU: '10:00:00',
          TRESUsageInTot: 'cpu=10:00:00,mem=12G',
        }),
      ].join('\n'),
    );
    const e = mergeSacctRows(rows, UTC, { inflate: inflateJobstats })[0]!.efficiency!;
    expect(e.gpu_util).toBeCloseTo(expected.gpu_util_mean_pct! / 100, 3);
    expect(e.gpus_idle).toBe(1);
    expect(e.gpu_mem).toBeCloseTo((40777023488 + 21474836480 + 1073741824) / (4 * 85899345920), 3);
    // CPU and memory keep seff's sacct definitions when sacct has them
    expect(e.cpu).toBeCloseTo(36000 / (7200 * 16), 3);
    expect(e.mem).toBeCloseTo(12 / 64, 3);
  });

  it('Short, None, other comments and junk are no summary; nothing throws', () => {
    for (const c of ['JS1:Short', 'JS1:None', 'a comment', '', 'JS1:H4sI!!!!', 'JS1:H4sIAAAA', null, undefined]) {
      expect(decodeJobstats(c, inflate)).toBeNull();
    }
    expect(jobstatsPayload('JS1:Short')).toBeNull();
    expect(parseJobstatsJson('[1,2]')).toBeNull();
    expect(parseJobstatsJson('{"nodes":{"n":{"cpus":"x","gpu_utilization":{"0":"high"}}}}')).toMatchObject({
      cpus: 0,
      gpus: [{ util: null }],
    });
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        expect(() => decodeJobstats(`JS1:H4sI${s}`, inflateJobstats)).not.toThrow();
        expect(() => parseJobstatsJson(s)).not.toThrow();
      }),
      runs(200),
    );
  });
});

describe('sstat (on demand, running jobs)', () => {
  it('argv: --allsteps so the batch step is included; numeric ids only', () => {
    expect(sstatArgs('27')).toEqual([
      'sstat',
      '--noheader',
      '--parsable2',
      '--allsteps',
      '--jobs=27',
      '--format=JobID,TRESUsageInTot',
    ]);
    expect(sstatArgs('27_1')).toBeNull();
    expect(sstatArgs('27 --all')).toBeNull();
  });

  it('captured 22.05 output: CPU seconds summed, largest step memory; no step row → null', () => {
    // The captures have more columns; keep JobID and TRESUsageInTot as our argv asks.
    const ours = (file: string) => {
      const [head, ...rest] = fx(`efficiency/${file}`).split('\n');
      const at = head!.split('|').indexOf('TRESUsageInTot');
      return rest.map((l) => (l ? `${l.split('|')[0]}|${l.split('|')[at]}` : '')).join('\n');
    };
    expect(parseSstat(ours('sstat-22.05-allsteps-batch.txt'))).toEqual({
      cpu_used_s: 12,
      mem_used_bytes: 412664 * 1024,
      gpu_util_pct: null,
      steps: 2,
    });
    expect(parseSstat(ours('sstat-22.05-allsteps-srun.txt'))).toMatchObject({
      cpu_used_s: 14,
      mem_used_bytes: 415172 * 1024,
      steps: 3,
    });
    expect(parseSstat(fx('efficiency/sstat-22.05-nostep.txt'))).toBeNull();
    expect(parseSstat(fx('efficiency/sstat-ours-running.txt'))).toEqual({
      cpu_used_s: 9,
      mem_used_bytes: 265036 * 1024,
      gpu_util_pct: null,
      steps: 2,
    });
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        expect(() => parseSstat(`1.batch|${s}`)).not.toThrow();
      }),
      runs(200),
    );
  });
});
