/**
 * hpc-watch over SSH against the real sshd of test/cluster/up (127.0.0.1:2222, jump :2223):
 * the same jobs as local, ProxyJump, SFTP log tails, a dead second host, host key refusals,
 * an sshd restart mid-run, and a job name/log path full of shell syntax.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { squeueArgs } from '../parsers/squeue.js';
import { slurmRunner } from '../src/slurm/client.js';
import { fingerprint } from '../src/transport/known-hosts.js';
import { SshTransport } from '../src/transport/ssh.js';
import { asUser, describeCluster, jobDir, runCli, STATE, submit, until } from './helpers/cluster.js';

const SSH_DIR = join(STATE, 'ssh');
const SSH_CONFIG = process.env.HPCW_SSH_CONFIG || join(SSH_DIR, 'config');
const ENV = { HPCW_SSH_CONFIG: SSH_CONFIG };
const PWNED = `/tmp/hpcw-pwned-${process.pid}`;
const ODD_NAME = `a b'c$(id);x\`touch ${PWNED}\``;
const ODD_DIR_NAME = `o d'q $(touch hpcw-pwned);x`;

interface Job {
  cluster: string;
  job_id: string;
  name: string;
  user: string | null;
  state: string;
  stdout: string | null;
  log_status: string | null;
  progress: { current: number | null; total: number | null } | null;
}
interface Doc {
  clusters: { name: string; ok: boolean; error: string | null }[];
  jobs: Job[];
}

function summary(
  args: string[],
  env: Record<string, string> = ENV,
): { code: number | null; doc: Doc | null; stderr: string } {
  const r = runCli(['--summary', '--json', ...args], { env, timeoutMs: 90_000 });
  return { code: r.code, doc: r.stdout.trim() ? (JSON.parse(r.stdout) as Doc) : null, stderr: r.stderr };
}

/**
 * A temp ssh config: `extra` first (first value wins), then the cluster's config. An Include
 * after a Host block belongs to that block, so `includeFirst` puts it at the top for new hosts.
 */
function sshConfig(extra: string, includeFirst = false): string {
  const dir = join(STATE, `it-ssh-${process.pid}-${Math.random().toString(36).slice(2)}`);
  mkdirSync(dir, { recursive: true });
  const p = join(dir, 'config');
  writeFileSync(p, includeFirst ? `Include ${SSH_CONFIG}\n${extra}\n` : `${extra}\nInclude ${SSH_CONFIG}\n`);
  return p;
}

let dir = '';
let tqdm = '';
let odd = '';
let oddLog = '';

describeCluster('remote over SSH (real sshd)', () => {
  beforeAll(async () => {
    process.env.HPCW_SSH_CONFIG ??= SSH_CONFIG;
    dir = jobDir('hpcuser');
    const oddDir = join(dir, ODD_DIR_NAME);
    mkdirSync(oddDir);
    chownSync(
      oddDir,
      Number(execFileSync('id', ['-u', 'hpcuser'], { encoding: 'utf8' })),
      Number(execFileSync('id', ['-g', 'hpcuser'], { encoding: 'utf8' })),
    );
    oddLog = join(oddDir, `out;$(touch hpcw-pwned) 'q'.log`);
    tqdm = submit(dir, ['--export=ALL,EPOCHS=6,STEPS=40,STEP_SECONDS=0.25', 'train_tqdm.sbatch']);
    odd = submit(dir, [`--job-name=${ODD_NAME}`, `--output=${oddLog}`, '--wrap', 'echo "odd job says hi"; sleep 120']);
    await until(() => asUser('hpcuser', ['squeue', '-h', '-j', tqdm, '-o', '%T']).trim() === 'RUNNING', 60_000);
    await until(
      () =>
        existsSync(join(dir, `slurm-${tqdm}.out`)) &&
        / \d+\/40 \[/.test(readFileSync(join(dir, `slurm-${tqdm}.out`), 'utf8')),
      60_000,
      500,
    );
  }, 150_000);

  afterAll(() => {
    if (tqdm || odd)
      spawnSync('scancel', [tqdm, odd].filter(Boolean), {
        env: { ...process.env, SLURM_CONF: join(STATE, 'etc/slurm.conf') },
      });
  });

  it('--host gives the same jobs as local --all-users (ids, names, states, log paths) and progress over SFTP', async () => {
    const remote = await until(
      () => {
        const r = summary(['--host', 'hpcw-test']);
        const j = r.doc?.jobs.find((x) => x.job_id === tqdm);
        return j?.progress?.current ? r : null;
      },
      60_000,
      2000,
    );
    const local = summary(['--all-users'], {});
    // Names are compared for the queued jobs below: for old finished jobs sacct may say '?' for
    // non-ASCII, and each side's name cache (keyed by cluster) may or may not have seen them queued.
    const key = (j: Job) => j.job_id;
    const mine = local.doc!.jobs.filter((j) => j.user === 'hpcuser');
    expect(remote.code).toBe(0);
    expect(remote.doc!.clusters).toEqual([{ name: 'hpcw-test', ok: true, error: null }]);
    expect(remote.doc!.jobs.map(key).sort()).toEqual(mine.map(key).sort());
    // Log paths of jobs that finished before either side saw them queued come from a per-cluster
    // path cache, so compare paths for the jobs in the queue now.
    const queued = (d: Job[]) =>
      d.filter((j) => [tqdm, odd].includes(j.job_id)).map((j) => [j.job_id, j.name, j.stdout]);
    expect(queued(remote.doc!.jobs)).toEqual(queued(mine));
    expect(queued(mine)).toHaveLength(2);
    const terminal = (j: Job) => !['RUNNING', 'PENDING', 'COMPLETING', 'CONFIGURING'].includes(j.state);
    for (const j of remote.doc!.jobs.filter(terminal))
      expect(mine.find((m) => m.job_id === j.job_id)?.state).toBe(j.state);
    const t = remote.doc!.jobs.find((j) => j.job_id === tqdm)!;
    expect(t).toMatchObject({
      cluster: 'hpcw-test',
      state: 'RUNNING',
      log_status: 'ok',
      stdout: join(dir, `slurm-${tqdm}.out`),
    });
    expect(t.progress!.total).toBe(40);
  }, 120_000);

  it('a job name and log path full of shell syntax come back unchanged, and nothing runs', async () => {
    const r = await until(
      () => {
        const s = summary(['--host', 'hpcw-test', odd]);
        return s.doc?.jobs[0]?.log_status === 'ok' ? s : null;
      },
      60_000,
      2000,
    );
    expect(r.doc!.jobs[0]).toMatchObject({ job_id: odd, name: ODD_NAME, stdout: oddLog, log_status: 'ok' });
    expect(existsSync(PWNED)).toBe(false);
    for (const d of ['/home/hpcuser', dir, process.cwd(), '/tmp'])
      expect(existsSync(join(d, 'hpcw-pwned'))).toBe(false);
  }, 90_000);

  it('the same through ProxyJump (hpcw-via-jump)', () => {
    const direct = summary(['--host', 'hpcw-test', tqdm, odd]);
    const jumped = summary(['--host', 'hpcw-via-jump', tqdm, odd]);
    expect(jumped.code).toBe(0);
    expect(jumped.doc!.clusters).toEqual([{ name: 'hpcw-via-jump', ok: true, error: null }]);
    expect(jumped.doc!.jobs.map((j) => [j.job_id, j.name, j.stdout])).toEqual(
      direct.doc!.jobs.map((j) => [j.job_id, j.name, j.stdout]),
    );
  }, 60_000);

  it("the system-ssh transport (config file) over the user's ControlMaster gives the same jobs", () => {
    const sock = join(STATE, `it-cm-${process.pid}`);
    const cfg = sshConfig(`Host hpcw-test\n  ControlMaster auto\n  ControlPath ${sock}\n  ControlPersist 60\n`);
    const conf = join(STATE, `it-conf-${process.pid}.json`);
    writeFileSync(conf, JSON.stringify({ clusters: [{ name: 'sys', host: 'hpcw-test', transport: 'system-ssh' }] }));
    try {
      const direct = summary(['--host', 'hpcw-test', tqdm, odd]);
      const sys = summary(['--config', conf, '--host', 'sys', tqdm, odd], { HPCW_SSH_CONFIG: cfg });
      expect(sys.code).toBe(0);
      expect(sys.doc!.clusters).toEqual([{ name: 'sys', ok: true, error: null }]);
      const pick = (d: Doc) => d.jobs.map((j) => [j.job_id, j.name, j.stdout, j.log_status]);
      expect(pick(sys.doc!)).toEqual(pick(direct.doc!));
      expect(sys.doc!.jobs.find((j) => j.job_id === tqdm)!.progress?.current).toBeGreaterThan(0);
      // the odd log path went through the remote shell (stat, tail | head) quoted, and ran nothing
      expect(existsSync(PWNED)).toBe(false);
      for (const d of ['/home/hpcuser', dir]) expect(existsSync(join(d, 'hpcw-pwned'))).toBe(false);
      // the calls rode one master connection, which is still there for the next run
      expect(spawnSync('ssh', ['-F', cfg, '-O', 'check', 'hpcw-test'], { encoding: 'utf8' }).status).toBe(0);
    } finally {
      spawnSync('ssh', ['-F', cfg, '-O', 'exit', 'hpcw-test'], { stdio: 'ignore', timeout: 10_000 });
      rmSync(conf, { force: true });
    }
  }, 90_000);

  it('Slurm multi-cluster: slurmClusters adds --clusters to every Slurm command and gives the same jobs', () => {
    const conf = join(STATE, `it-conf-m-${process.pid}.json`);
    writeFileSync(conf, JSON.stringify({ clusters: [{ name: 'm', host: 'hpcw-test', slurmClusters: 'hpcw' }] }));
    try {
      // Queued jobs only: finished ones' log paths come from a per-cluster path cache, which `m` starts without.
      const direct = summary(['--host', 'hpcw-test', tqdm, odd]);
      const viaM = summary(['--config', conf, '--host', 'm', tqdm, odd]);
      expect(viaM.code).toBe(0);
      expect(viaM.doc!.clusters).toEqual([{ name: 'm', ok: true, error: null }]);
      const ids = (d: Doc) => d.jobs.map((j) => `${j.job_id}|${j.name}|${j.stdout}`).sort();
      expect(ids(viaM.doc!)).toEqual(ids(direct.doc!));
      expect(ids(viaM.doc!)).toHaveLength(2);
    } finally {
      rmSync(conf, { force: true });
    }
  }, 60_000);

  it('three hosts at once, one of them down: exit 0, one ok:false with an error, the other has its jobs', () => {
    const cfg = sshConfig('Host hpcw-dead\n  HostName 127.0.0.1\n  Port 1\n  User hpcuser\n  BatchMode yes\n', true);
    const r = summary(['--host', 'hpcw-test', '--host', 'hpcw-dead', '--host', 'hpcw-test2'], { HPCW_SSH_CONFIG: cfg });
    expect(r.code).toBe(0);
    const byName = Object.fromEntries(r.doc!.clusters.map((c) => [c.name, c]));
    expect(byName['hpcw-test']).toMatchObject({ ok: true, error: null });
    expect(byName['hpcw-test2']).toMatchObject({ ok: true, error: null });
    expect(r.doc!.jobs.filter((j) => j.cluster === 'hpcw-test2').every((j) => j.user === 'hpcuser2')).toBe(true);
    expect(byName['hpcw-dead']!.ok).toBe(false);
    expect(byName['hpcw-dead']!.error).toMatch(/hpcw-dead: cannot connect to 127\.0\.0\.1:1: connection refused/);
    expect(r.doc!.jobs.some((j) => j.cluster === 'hpcw-test' && j.job_id === tqdm)).toBe(true);
  }, 60_000);

  it('host key mismatch and unknown host are refused with the documented messages; --accept-new-host-key saves it', () => {
    const real = Buffer.from(readFileSync(join(SSH_DIR, 'ssh_host_ed25519_key.pub'), 'utf8').split(' ')[1]!, 'base64');
    const wrongKh = join(STATE, `it-kh-wrong-${process.pid}`);
    const otherKey = readFileSync(join(SSH_DIR, 'ssh_jump_ed25519_key.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
    writeFileSync(wrongKh, `[127.0.0.1]:2222 ${otherKey}\n`);
    const cfgWrong = sshConfig(`Host hpcw-test\n  UserKnownHostsFile ${wrongKh}\n`);
    const mm = summary(['--host', 'hpcw-test'], { HPCW_SSH_CONFIG: cfgWrong });
    expect(mm.code).toBe(2);
    expect(mm.stderr).toContain(
      `REFUSED: the host key of hpcw-test ([127.0.0.1]:2222) has CHANGED: it offered ssh-ed25519 ${fingerprint(real)}, but ${wrongKh}:1`,
    );

    const emptyKh = join(STATE, `it-kh-empty-${process.pid}`);
    writeFileSync(emptyKh, '');
    const cfgEmpty = sshConfig(`Host hpcw-test\n  UserKnownHostsFile ${emptyKh}\n`);
    const un = summary(['--host', 'hpcw-test'], { HPCW_SSH_CONFIG: cfgEmpty });
    expect(un.code).toBe(2);
    expect(un.stderr).toContain(
      `REFUSED: unknown host key for hpcw-test ([127.0.0.1]:2222): ssh-ed25519 ${fingerprint(real)}`,
    );
    expect(un.stderr).toContain(`Run \`ssh -F ${cfgEmpty} hpcw-test\` once`);
    expect(readFileSync(emptyKh, 'utf8')).toBe('');

    const ok = summary(['--host', 'hpcw-test', '--accept-new-host-key', tqdm], { HPCW_SSH_CONFIG: cfgEmpty });
    expect(ok.code).toBe(0);
    expect(execFileSync('ssh-keygen', ['-F', '[127.0.0.1]:2222', '-f', emptyKh], { encoding: 'utf8' })).toContain(
      'ssh-ed25519',
    );
    // and OpenSSH itself now trusts what we wrote
    const probe = spawnSync('ssh', ['-F', cfgEmpty, 'hpcw-test', 'true'], { encoding: 'utf8', timeout: 20_000 });
    expect(probe.status).toBe(0);
  }, 90_000);

  it('a key the server does not accept is an authentication failure naming what was tried', () => {
    const key = join(STATE, `it-wrongkey-${process.pid}`);
    rmSync(key, { force: true });
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
    const cfg = sshConfig(
      `Host hpcw-wrongkey\n  HostName 127.0.0.1\n  Port 2222\n  User hpcuser\n  IdentityFile ${key}\n  IdentitiesOnly yes\n  UserKnownHostsFile ${join(SSH_DIR, 'known_hosts')}\n  BatchMode yes\n`,
      true,
    );
    const r = summary(['--host', 'hpcw-wrongkey'], { HPCW_SSH_CONFIG: cfg });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`hpcw-wrongkey: authentication failed for hpcuser@127.0.0.1:2222 (tried: ${key}).`);
    expect(r.stderr).toContain(`Check that \`ssh -F ${cfg} hpcw-wrongkey\` logs in`);
    rmSync(key, { force: true });
    rmSync(`${key}.pub`, { force: true });
  }, 60_000);

  it('sshd restarted mid-run: calls fail fast with a clear error, then the transport reconnects and resumes', async () => {
    const t = new SshTransport({
      cluster: 'hpcw-test',
      destination: 'hpcw-test',
      backoffMs: { initial: 200, max: 1000 },
    });
    const runner = slurmRunner(t);
    try {
      const args = squeueArgs({ user: 'me', allStates: true, jobIds: [tqdm] });
      expect((await runner.run(args)).stdout).toContain(tqdm);
      killSshd();
      const down = await t.exec(['true']);
      expect(down.code).toBeNull();
      expect(down.stderr).toMatch(
        /hpcw-test: (disconnected from hpcw-test, reconnecting|cannot connect to 127\.0\.0\.1:2222: connection refused)/,
      );
      execFileSync('bash', [resolve(import.meta.dirname, 'cluster/up')], { stdio: 'ignore', timeout: 120_000 });
      const back = await until(
        async () => {
          try {
            return (await runner.run(args)).stdout;
          } catch {
            return null;
          }
        },
        30_000,
        300,
      );
      expect(back).toContain(tqdm);
      expect(t.stats.reconnects).toBe(1);
      expect(t.stats.connections).toBe(2);
    } finally {
      await t.close();
    }
  }, 180_000);
});

/** Stops the test sshd and its per-connection children, by pid (never by name). */
function killSshd(): void {
  const pid = Number(readFileSync(join(STATE, 'pids/sshd.pid'), 'utf8'));
  const kids = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return Number(readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
  for (const p of [pid, ...kids]) {
    try {
      process.kill(p, 'SIGTERM');
    } catch {}
  }
  const gone = (p: number) => {
    try {
      return readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.startsWith('Z');
    } catch {
      return true;
    }
  };
  const end = Date.now() + 10_000;
  while (Date.now() < end && ![pid, ...kids].every(gone)) spawnSync('sleep', ['0.1']);
}

// Temp configs live under STATE; remove ours so repeated runs stay tidy.
afterAll(() => {
  for (const d of readdirSync(STATE))
    if (d.includes(`-${process.pid}`) && d.startsWith('it-')) rmSync(join(STATE, d), { recursive: true, force: true });
});
