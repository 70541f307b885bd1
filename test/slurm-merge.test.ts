/** How a fresh record joins what the store knew (src/slurm/merge.ts). */
import { describe, expect, it } from 'vitest';
import { mergeRecord } from '../src/slurm/merge.js';
import { slurmJob } from './helpers/fixtures.js';

const NOW = Date.UTC(2026, 10, 28, 12);

describe('mergeRecord', () => {
  it("keeps squeue's name, partition, limit and memory over slurmdbd's stand-in row, and takes its end", () => {
    const fromSqueue = mergeRecord(
      undefined,
      slurmJob({
        job_id: '833',
        name: 'leaky-train',
        state: 'FAILED',
        partition: 'debug',
        time_limit_s: 600,
        req_mem: '256M',
        exit_code: '1:0',
      }),
      'squeue',
      undefined,
      'hpc',
      NOW,
    );
    const standIn = slurmJob({
      job_id: '833',
      name: '',
      state: 'FAILED',
      partition: null,
      time_limit_s: null,
      req_mem: null,
      exit_code: '1:0',
      derived_exit_code: '0:0',
    });
    standIn.accountingIncomplete = true;
    const merged = mergeRecord(fromSqueue, standIn, 'sacct', undefined, 'hpc', NOW);
    expect(merged.job).toMatchObject({
      name: 'leaky-train',
      partition: 'debug',
      time_limit_s: 600,
      req_mem: '256M',
      derived_exit_code: '0:0',
    });
    expect(merged.source).toBe('sacct');
  });

  it('takes a complete sacct row as it is', () => {
    const fromSqueue = mergeRecord(
      undefined,
      slurmJob({ job_id: '9', name: 'a', state: 'COMPLETED', partition: 'gpu', time_limit_s: 600 }),
      'squeue',
      undefined,
      'hpc',
      NOW,
    );
    const merged = mergeRecord(
      fromSqueue,
      slurmJob({ job_id: '9', name: 'a', state: 'COMPLETED', partition: 'gpu-long', time_limit_s: 1200 }),
      'sacct',
      undefined,
      'hpc',
      NOW,
    );
    expect(merged.job).toMatchObject({ partition: 'gpu-long', time_limit_s: 1200 });
  });

  it("gives an array task seen only by sacct (no StdOut before 23.02) its sibling's --output pattern, not sbatch's default", () => {
    const task = (id: string, over: Partial<Parameters<typeof slurmJob>[0]> = {}) =>
      slurmJob({ job_id: `960_${id}`, array_job_id: '960', array_task_id: id, work_dir: '/w', ...over });
    const sibling = task('5', { stdout_pattern: 'sweep-%A_%a.out', stderr_pattern: 'sweep-%A_%a.err' });
    const merged = mergeRecord(undefined, task('6', { state: 'COMPLETED' }), 'sacct', undefined, 'hpc', NOW, sibling);
    expect(merged.job).toMatchObject({ stdout_pattern: 'sweep-%A_%a.out', stderr_pattern: 'sweep-%A_%a.err' });
    // What the job itself (or what was known of it) says wins over the sibling, stderr included.
    const own = task('7', { stdout_pattern: 'own-%a.out', stderr_pattern: null });
    expect(mergeRecord(undefined, own, 'sacct', undefined, 'hpc', NOW, sibling).job).toMatchObject({
      stdout_pattern: 'own-%a.out',
      stderr_pattern: null,
    });
  });
});
