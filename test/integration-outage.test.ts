/** The controller goes away mid-run: a clear one-line error, then recovery when it is back. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { describeCluster, runCli, STATE, until } from './helpers/cluster.js';

describeCluster('controller outage', () => {
  it('fails with one clear line while slurmctld is down and recovers when it returns', async () => {
    const pid = Number(readFileSync(join(STATE, 'pids/slurmctld.pid'), 'utf8'));
    process.kill(pid, 'SIGTERM');
    try {
      await until(
        () => {
          try {
            process.kill(pid, 0);
            return false;
          } catch {
            return true;
          }
        },
        20_000,
        200,
      );
      const down = runCli(['--summary', '--json', '--interval', '2'], {
        env: { SLURM_CONF: join(STATE, 'etc/slurm.conf') },
        timeoutMs: 120_000,
      });
      expect(down.code).toBe(2);
      expect(down.stdout).toBe('');
      const lines = down.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^hpc-watch: local: squeue: .*(contact|controller|connect|timed out)/i);
      expect(down.stderr).not.toMatch(/\n\s+at /); // no stack trace
    } finally {
      execFileSync('bash', [resolve(import.meta.dirname, 'cluster/up')], { stdio: 'ignore', timeout: 120_000 });
    }
    const up = await until(() => {
      const r = runCli(['--summary', '--json']);
      return r.code === 0 ? r : null;
    }, 60_000);
    expect(JSON.parse(up.stdout).clusters[0]).toMatchObject({ name: 'local', ok: true, error: null });
  }, 200_000);
});
