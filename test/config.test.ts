import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCli } from '../src/cli-args.js';
import { loadConfig, resolveSettings } from '../src/config.js';
import { UserError } from '../src/errors.js';
import { pollOnce, type Session } from '../src/session.js';
import { SlurmError } from '../src/slurm/client.js';
import { createJobStore } from '../src/store.js';

const dirs: string[] = [];
const file = (text: string) => {
  const d = mkdtempSync(join(tmpdir(), 'hpcw-cfg-'));
  dirs.push(d);
  const p = join(d, 'config.json');
  writeFileSync(p, text);
  return p;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('config file', () => {
  it('fills in what the command line did not say', () => {
    const cfg = file(
      '{"interval": 60, "tailBytes": "4M", "autoDiagnose": true, "clusters": [{"name": "lumi", "host": "lumi.csc.fi"}]}',
    );
    const o = resolveSettings(parseCli(['--summary', '--config', cfg]));
    expect(o.intervalS).toBe(60);
    expect(o.tailBytes).toBe(4 * 1024 ** 2);
    expect(o.autoDiagnose).toBe(true);
    expect(o.clusters).toEqual([{ name: 'lumi', host: 'lumi.csc.fi', transport: 'ssh2', slurmClusters: undefined }]);
    const flags = resolveSettings(parseCli(['--summary', '--config', cfg, '--interval', '20', '--tail-bytes', '512K']));
    expect(flags.intervalS).toBe(20);
    expect(flags.tailBytes).toBe(512 * 1024);
  });

  it('a broken default config is ignored with a warning when --host says where to look, an error otherwise', () => {
    const home = mkdtempSync(join(tmpdir(), 'hpcw-cfg-home-'));
    dirs.push(home);
    const env = { HOME: home, XDG_CONFIG_HOME: home };
    mkdirSync(join(home, 'hpc-watch'));
    writeFileSync(join(home, 'hpc-watch', 'config.json'), '{oops');
    const withHost = resolveSettings(parseCli(['--summary', '--host', 'lumi']), env);
    expect(withHost.clusters.map((c) => c.host)).toEqual(['lumi']);
    expect(withHost.warnings).toEqual([expect.stringMatching(/not valid JSON.*ignored, using --host only/)]);
    expect(() => resolveSettings(parseCli(['--summary']), env)).toThrow(/not valid JSON/);
    expect(() =>
      resolveSettings(
        parseCli(['--summary', '--host', 'lumi', '--config', join(home, 'hpc-watch', 'config.json')]),
        env,
      ),
    ).toThrow(/not valid JSON/);
  });

  it.each([
    ['{"interval": 1}', /interval/],
    ['{"tailBytes": "huge"}', /tailBytes/],
    ['{"intervall": 10}', /unknown key "intervall"/],
    ['[1,2]', /JSON object/],
    ['{oops', /not valid JSON/],
    ['{"clusters": [{"name": "a b"}]}', /name/],
  ])('%s is a one-line error', (text, msg) => {
    expect(() => loadConfig(file(text))).toThrow(UserError);
    expect(() => loadConfig(file(text))).toThrow(msg);
  });

  it('a missing default file is an empty config, a missing explicit one an error', () => {
    expect(loadConfig(null, { HOME: '/nonexistent', XDG_CONFIG_HOME: '/nonexistent' })).toEqual({});
    expect(() => loadConfig('/nonexistent/config.json')).toThrow(/no such file/);
  });
});

describe('pollOnce over several clusters', () => {
  const session = (ticks: (() => Promise<void>)[]): Session =>
    ({
      store: createJobStore(),
      clusters: ticks.map((tick, i) => ({ name: `c${i}`, poller: { tick } })),
      close: async () => {},
    }) as unknown as Session;
  const fails = (msg: string) => async () => {
    throw new SlurmError('not-installed', msg);
  };

  it('one cluster without SLURM does not fail the others', async () => {
    await expect(pollOnce(session([async () => {}, fails('squeue not found')]))).resolves.toBeUndefined();
  });

  it('when every cluster fails, one line names each', async () => {
    await expect(pollOnce(session([fails('squeue not found'), fails('c1: connection refused')]))).rejects.toThrow(
      'c0: squeue not found; c1: connection refused',
    );
  });
});
