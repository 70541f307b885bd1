/**
 * The TUI in a real terminal: tmux runs hpc-watch in a 70x30 pane, send-keys drives
 * it, capture-pane shows what a person would see. --demo needs no cluster; the
 * real-cluster run needs test/cluster/up.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { asUser, cliPath, describeCluster, jobDir, SLURM_CONF, STATE, submit, until } from './helpers/cluster.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const sessions: string[] = [];

function tmux(...args: string[]): string {
  return execFileSync('tmux', args, { encoding: 'utf8' });
}

function start(args: string[], env: Record<string, string> = {}, wrap: string[] = []): string {
  const name = `hpcw-e2e-${process.pid}-${sessions.length}`;
  sessions.push(name);
  const envArgs = Object.entries({
    CI: 'true',
    TERM: 'xterm-256color',
    XDG_CACHE_HOME: `${STATE}/e2e-cache`,
    ...env,
  }).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
  tmux(
    'new-session',
    '-d',
    '-s',
    name,
    '-x',
    '70',
    '-y',
    '30',
    ...envArgs,
    ...wrap,
    process.execPath,
    cliPath(),
    ...args,
  );
  return name;
}

const screen = (s: string) => tmux('capture-pane', '-p', '-t', s);
/** The pane with its colours and attributes, as SGR sequences. */
const styled = (s: string) => tmux('capture-pane', '-p', '-e', '-t', s);
/** SGR parameters in effect at the first match of `re` on a styled line. */
const sgrAt = (line: string, re: RegExp) => {
  const at = line.replace(/\x1b\[[0-9;]*m/g, (m) => '\0'.repeat(m.length)).search(re);
  return [...line.slice(0, at).matchAll(/\x1b\[([0-9;]*)m/g)].map((m) => m[1]).join(';');
};
const keys = (s: string, ...k: string[]) => tmux('send-keys', '-t', s, ...k);
// A lone ESC followed at once by another key reads as Alt+key in any terminal app; people pause.
const pressEscape = async (s: string) => {
  keys(s, 'Escape');
  await new Promise((r) => setTimeout(r, 300));
};
const alive = (s: string) => spawnSync('tmux', ['has-session', '-t', s]).status === 0;
const waitFor = (s: string, re: RegExp, ms = 15_000) => until(() => (re.test(screen(s)) ? screen(s) : null), ms, 200);

afterEach(() => {
  for (const s of sessions.splice(0)) spawnSync('tmux', ['kill-session', '-t', s]);
});

const describeTmux = hasTmux || process.env.CI === 'true' ? describe : describe.skip;
if (!hasTmux) console.warn('\n*** SKIPPING tmux end-to-end tests: tmux not installed ***\n');

describeTmux('TUI in tmux (--demo)', () => {
  it('shows the table, opens a job, filters and quits like a person would use it', async () => {
    const s = start(['--demo']);
    const table = await waitFor(s, /updated \d+s ago/);
    // In colour although CI is set in its environment: a failed job's state red, the cursor's row inverse.
    const colours = styled(s).split('\n');
    expect(sgrAt(colours.find((l) => l.includes('4104'))!, /FAILED|OOM/)).toMatch(/(^|;)31(;|$)/);
    expect(sgrAt(colours.find((l) => l.includes('4101'))!, /4101/)).toMatch(/(^|;)7(;|$)/);
    // 70 columns: essentials only, nothing wider than the pane, the time-limit warning visible
    for (const line of table.split('\n')) expect([...line].length).toBeLessThanOrEqual(70);
    expect(table).toMatch(/4102\s+pretrain-gpt\s+RUNNING.*⚠/);
    expect(table).toMatch(/PD Resources/);
    expect(table).toMatch(/updated \d+s ago/);

    keys(s, 'j'); // 4101 → 4102
    keys(s, 'Enter');
    const view = await waitFor(s, /finishes after the time limit/);
    expect(view).toContain('pretrain-gpt');
    expect(view).toMatch(/\d+\/20000/);
    expect(view).not.toMatch(/\x1b/);

    await pressEscape(s);
    await waitFor(s, /train-resnet50/);
    keys(s, '/', 's', 'w', 'e', 'e', 'p', 'Enter');
    const filtered = await until(
      () => {
        const t = screen(s);
        return t.includes('sweep-lr') && !t.includes('train-resnet50') ? t : null;
      },
      10_000,
      200,
    );
    expect(filtered).toMatch(/sweep/);

    await pressEscape(s);
    keys(s, '?');
    await waitFor(s, /scancel|cancel/i);
    await pressEscape(s);
    keys(s, 'q');
    await until(() => !alive(s), 5_000, 100);
  }, 60_000);

  it('quits when its terminal goes away without a SIGHUP (a pane killed under su or runuser)', async () => {
    // setsid stands in for su/runuser: hpc-watch runs in a session of its own, so closing the
    // pane sends it no SIGHUP; before, it polled the controller for ever.
    const s = start(['--demo'], {}, ['setsid', '-w']);
    await waitFor(s, /updated \d+s ago/);
    const pane = tmux('display-message', '-p', '-t', s, '#{pane_pid}').trim();
    const node = await until(
      () => spawnSync('ps', ['-o', 'pid=', '--ppid', pane], { encoding: 'utf8' }).stdout.trim(),
      5_000,
      100,
    );
    tmux('kill-session', '-t', s);
    const running = () => {
      try {
        return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${node}/stat`, 'utf8'));
      } catch {
        return false;
      }
    };
    await until(() => !running(), 10_000, 100);
  }, 30_000);

  it('quits at once on q while squeue hangs (a controller that does not answer)', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'hpcw-hang-'));
    for (const cmd of ['squeue', 'sacct']) {
      writeFileSync(join(bin, cmd), '#!/bin/sh\nexec sleep 120\n');
      chmodSync(join(bin, cmd), 0o755);
    }
    // tmux's -e does not reach PATH (the server's own wins): set it in the pane's command.
    const s = start([], {}, ['env', `PATH=${bin}:${process.env.PATH}`]);
    await waitFor(s, /loading/);
    keys(s, 'q');
    // Before, the process stayed until squeue gave up (a minute when the controller is gone).
    await until(() => !alive(s), 10_000, 100);
  }, 30_000);

  it('shows a failure banner with the root-cause line for a failed job', async () => {
    const s = start(['--demo', '4104']);
    const view = await waitFor(s, /ModuleNotFoundError: No module named 'flash_attn'/);
    expect(view).toMatch(/import_error/);
    keys(s, 'q');
  }, 30_000);
});

describeCluster('TUI in tmux against the real cluster', () => {
  it('shows a submitted job with its progress and its log', async () => {
    const dir = jobDir();
    const id = submit(dir, ['--export=ALL,EPOCHS=2,STEPS=60,STEP_SECONDS=0.3', 'train_tqdm.sbatch']);
    const s = start(['--all-users', '--interval', '2', id], { SLURM_CONF });
    const view = await waitFor(s, /Epoch \d\/2/, 40_000);
    expect(view).toContain('train-resnet50');
    expect(view).toMatch(/RUNNING|COMPLETED/);
    keys(s, 'q');
  }, 60_000);

  it("a tqdm job's table % is the run's, and its view opens on the stream with the bar", async () => {
    const dir = jobDir();
    // tqdm on stderr, apart from stdout, as people submit it; 3 epochs of 20 s.
    const id = submit(dir, [
      '--export=ALL,EPOCHS=3,STEPS=40,STEP_SECONDS=0.5',
      '--output=logs/tqdm-%j.out',
      '--error=logs/tqdm-%j.err',
      'train_tqdm.sbatch',
    ]);
    const errLog = join(dir, 'logs', `tqdm-${id}.err`);
    /** The bar tqdm last drew: epoch and the epoch's percent. */
    const lastBar = () => {
      const text = existsSync(errLog) ? readFileSync(errLog, 'utf8') : '';
      const bars = [...text.matchAll(/Epoch (\d)\/3:\s+(\d+)%/g)];
      const m = bars.at(-1);
      return m ? { epoch: Number(m[1]), pct: Number(m[2]) } : null;
    };
    const s = start(['--interval', '2', id], { SLURM_CONF });
    await waitFor(s, /RUNNING/, 90_000);
    await pressEscape(s);
    const row = new RegExp(`${id}\\s+train-resnet50\\s+RUNNING\\s+(\\d+)%`);
    // Well into epoch 1 (its bar past 45%), the table shows the run: at most a third.
    const seen = await until(
      () => {
        const table = screen(s);
        const pct = row.exec(table)?.[1];
        const bar = lastBar();
        return pct !== undefined && Number(pct) >= 15 && bar?.epoch === 1 ? { table, pct: Number(pct), bar } : null;
      },
      90_000,
      200,
    );
    expect(seen.pct).toBeLessThanOrEqual(34);
    // The table lags the file by a poll at most: its % is the file's bar over three epochs, not the bar.
    expect(seen.pct).toBeLessThanOrEqual(seen.bar.pct / 3 + 5);
    for (const line of seen.table.split('\n')) expect([...line].length).toBeLessThanOrEqual(70);

    keys(s, 'Enter');
    const view = await waitFor(s, /─ stderr tqdm-\d+\.err · progress/, 20_000);
    expect(view).toMatch(/Epoch [123]\/3: +\d+%\|/);
    expect(view).toMatch(/^epoch [123]\/3 .*\d+\/40 \d+%$/m);
    expect(view).toMatch(/^run +\S+ \d+%$/m);
    expect(view).not.toContain('Loaded dataset');
    keys(s, 'q');
    keys(s, 'q');
    await until(() => !alive(s), 5_000, 100);
    asUser('hpcuser', ['scancel', id]);
  }, 180_000);
});
