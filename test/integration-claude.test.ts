/**
 * hpc-watch with the REAL claude CLI (pinned, offline, against the Messages-API stand-in) and the
 * real SLURM cluster: a job that leaks secrets into its log and dies with a CUDA OOM.
 * - `hpc-watch diagnose`: the skill is loaded, the bundle reaches the model exactly once, no
 *   secret does, the answer and its cost are shown.
 * - `hpc-watch mcp` started by claude as that user: scripted tool calls (ToolSearch, list_jobs,
 *   get_job, cancel_job on another user's job) and what Claude gets back.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { plantedSecrets } from './diagnose-helpers.js';
import { cliCopyForUsers, cliPath, describeCluster, jobDir, SLURM_CONF, submit, until } from './helpers/cluster.js';
import { contentText, type RecordedRequest, startStandin } from './helpers/messages-standin.js';
import { claudeEnv, count, describeRealClaude, runAsync } from './helpers/real-claude.js';

const secrets = plantedSecrets();
const LEAKY = `#!/bin/bash
#SBATCH --job-name=leaky-train
#SBATCH --mem=128M
#SBATCH --time=00:05:00
echo "Logging in to the Hub with token $LEAK_HF"
echo "openai.api_key = \\"$LEAK_OPENAI\\""
exec /usr/bin/python3 -u -c 'import os; raise RuntimeError("CUDA out of memory. Tried to allocate 2.00 GiB; run " + os.environ["LEAK_HF"])'
`;
const ANSWER = {
  class: 'GPU OOM',
  evidence: ['RuntimeError: CUDA out of memory.'],
  root_cause: 'The batch does not fit.',
  fix: ['halve the batch size'],
  confidence: 'high',
};

function sacctState(id: string): string {
  return execFileSync('sacct', ['-n', '-X', '-P', '-j', id, '-o', 'State'], {
    encoding: 'utf8',
    env: { ...process.env, SLURM_CONF },
  }).trim();
}

const noSecret = (text: string) => {
  for (const v of [secrets.huggingface, secrets.openai])
    expect(text.includes(v), 'a planted secret was sent').toBe(false);
};

/** The tool result Claude sent back in this request (the last user message's tool_result). */
const toolResult = (r: RecordedRequest): { text: string; isError: boolean } => {
  const last = r.body.messages!.at(-1)!.content as { type: string; content: unknown; is_error?: boolean }[];
  const block = last.find((b) => b.type === 'tool_result')!;
  return { text: contentText(block.content), isError: block.is_error === true };
};

describeCluster('hpc-watch with the real claude CLI against the real cluster', () =>
  describeRealClaude('claude', (bin) => {
    let tmp = '';
    let failed = '';
    let theirs = '';

    beforeAll(() => {
      tmp = mkdtempSync(join(tmpdir(), 'hpcw-it-claude-'));
      const dir = jobDir();
      writeFileSync(join(dir, 'leaky.sbatch'), LEAKY);
      failed = submit(dir, [
        `--export=ALL,LEAK_HF=${secrets.huggingface},LEAK_OPENAI=${secrets.openai}`,
        'leaky.sbatch',
      ]);
      theirs = submit(jobDir('hpcuser2'), ['--hold', 'pending.sbatch'], 'hpcuser2');
    });
    afterAll(() => {
      spawnSync('scancel', [theirs], { env: { ...process.env, SLURM_CONF } });
      rmSync(tmp, { recursive: true, force: true });
    });

    it('diagnose: the skill loads, the bundle is sent once and no secret, the answer and cost are shown', async () => {
      await until(() => sacctState(failed) === 'FAILED', 90_000);
      const standin = await startStandin({
        rules: [{ when: { tool: 'StructuredOutput' }, reply: { structured: ANSWER } }],
      });
      try {
        const proj = join(tmp, 'proj');
        mkdirSync(proj, { recursive: true });
        const env = {
          ...claudeEnv(standin.url, join(tmp, 'home')),
          SLURM_CONF,
          XDG_CACHE_HOME: join(tmp, 'cache'),
          HPCW_CLAUDE_CMD: bin,
        };
        const run = (args: string[]) => runAsync(process.execPath, [cliPath(), ...args], { cwd: proj, env });
        expect((await run(['skill', 'install'])).status).toBe(0);
        const r = await run(['diagnose', failed]);
        expect(r.stderr).toBe('');
        expect(r.status).toBe(0);
        expect(r.stdout).toContain('**Class**: GPU OOM (confidence: high)');
        expect(r.stdout).toMatch(/\ncost \$\d+\.\d{4} · \d+ in \/ \d+ out tokens · \d+ secrets redacted\n$/);

        const [req, ...more] = standin.messages();
        expect(more).toHaveLength(0);
        const body = JSON.stringify(req!.body);
        expect(body).toContain('<command-name>/monitor-slurm</command-name>');
        expect(body).toContain(`Job id: ${failed}\\n`);
        // The bundle's first line names the job; it is in the request once.
        expect(count(body, `id=${failed} name=leaky-train state=FAILED`)).toBe(1);
        expect(body).toContain('RuntimeError: CUDA out of memory');
        expect(body).toContain('[REDACTED:huggingface]');
        noSecret(body);
        const tokens = /· (\d+) in \/ (\d+) out tokens/.exec(r.stdout)!;
        expect(Number(tokens[1])).toBe(req!.usage!.input_tokens);
        expect(Number(tokens[2])).toBe(req!.usage!.output_tokens);
      } finally {
        await standin.close();
      }
    }, 150_000);

    it('skill install --hook: every session starts with the brief in the model’s context', async () => {
      const standin = await startStandin({ default: { text: 'ok' } });
      try {
        const proj = join(tmp, 'hook-proj');
        const home = join(tmp, 'hook-home');
        mkdirSync(proj, { recursive: true });
        mkdirSync(home, { recursive: true });
        const env = { ...claudeEnv(standin.url, home), SLURM_CONF, XDG_CACHE_HOME: join(tmp, 'hook-cache') };
        const install = await runAsync(process.execPath, [cliPath(), 'skill', 'install', '--hook'], { cwd: proj, env });
        expect(install.stdout).toContain('added a SessionStart hook (--summary --brief)');
        const r = await runAsync(
          bin,
          ['-p', 'hi', '--output-format', 'json', '--no-session-persistence', '--tools', '', '--max-turns', '2'],
          { cwd: proj, env },
        );
        expect(JSON.parse(r.stdout)).toMatchObject({ subtype: 'success', result: 'ok' });
        const [req] = standin.messages();
        expect(JSON.stringify(req!.body.messages)).toMatch(
          /SessionStart:startup hook success: hpc-watch: \d+ running, \d+ pending; \d+ failed recently/,
        );
      } finally {
        await standin.close();
      }
    }, 150_000);

    it('mcp: list_jobs and get_job name the failed job and its category, no secret; cancel_job refuses another user’s job', async () => {
      await until(() => sacctState(failed) === 'FAILED', 90_000);
      const tool = (name: string) => `mcp__hpc-watch__${name}`;
      const standin = await startStandin({
        turns: [
          {
            tool_use: [
              {
                name: 'ToolSearch',
                input: { query: `select:${tool('list_jobs')},${tool('get_job')},${tool('cancel_job')}` },
              },
            ],
          },
          { tool_use: [{ name: tool('list_jobs'), input: { state: 'failed' } }] },
          { tool_use: [{ name: tool('get_job'), input: { job_id: failed } }] },
          { tool_use: [{ name: tool('cancel_job'), input: { job_id: theirs } }] },
          { text: 'done' },
        ],
      });
      try {
        const cacheDir = join(tmp, 'mcp-cache');
        mkdirSync(cacheDir, { recursive: true });
        chmodSync(cacheDir, 0o777);
        // The server runs as the job's owner, as it would in that user's Claude Code.
        const server = {
          command: 'runuser',
          args: [
            '-u',
            'hpcuser',
            '--',
            'env',
            '-i',
            'HOME=/home/hpcuser',
            'PATH=/usr/local/bin:/usr/bin:/bin',
            `SLURM_CONF=${SLURM_CONF}`,
            `XDG_CACHE_HOME=${cacheDir}`,
            process.execPath,
            cliCopyForUsers(),
            'mcp',
          ],
        };
        const home = join(tmp, 'mcp-home');
        mkdirSync(home, { recursive: true });
        const r = await runAsync(
          bin,
          [
            '-p',
            'Which of my SLURM jobs failed, and why?',
            '--output-format',
            'json',
            '--no-session-persistence',
            '--max-turns',
            '8',
            '--mcp-config',
            JSON.stringify({ mcpServers: { 'hpc-watch': server } }),
            '--strict-mcp-config',
            '--allowedTools',
            [tool('list_jobs'), tool('get_job'), tool('cancel_job')].join(','),
          ],
          { cwd: home, env: claudeEnv(standin.url, home) },
        );
        const result = JSON.parse(r.stdout);
        expect(result).toMatchObject({ subtype: 'success', is_error: false, result: 'done', permission_denials: [] });

        const reqs = standin.messages();
        expect(reqs).toHaveLength(5);
        const list = toolResult(reqs[2]!);
        expect(list.isError).toBe(false);
        const listed = JSON.parse(list.text);
        const job = listed.jobs.find((j: { job_id: string }) => j.job_id === failed);
        expect(job).toMatchObject({
          name: 'leaky-train',
          state: 'FAILED',
          user: 'hpcuser',
          failure: { category: 'oom_gpu' },
        });
        expect(
          listed.jobs.every(
            (j: { state: string }) =>
              j.state.startsWith('FAILED') ||
              j.state.startsWith('CANCELLED') ||
              j.state.startsWith('TIMEOUT') ||
              j.state.startsWith('OUT_OF_MEMORY') ||
              j.state.startsWith('NODE_FAIL'),
          ),
        ).toBe(true);

        const got = toolResult(reqs[3]!);
        expect(got.isError).toBe(false);
        const gotJob = JSON.parse(got.text);
        expect(gotJob).toMatchObject({
          job_id: failed,
          name: 'leaky-train',
          state: 'FAILED',
          exit_code: '1:0',
          failure: { category: 'oom_gpu' },
        });
        // The root-cause line carried the token: Claude sees it redacted.
        expect(gotJob.failure.line).toBe(
          'RuntimeError: CUDA out of memory. Tried to allocate 2.00 GiB; run [REDACTED:huggingface]',
        );
        expect(got.text).toContain('slurm-');

        const cancel = toolResult(reqs[4]!);
        expect(cancel).toEqual({
          isError: true,
          text: `job ${theirs} belongs to hpcuser2, not to you (hpcuser on local); hpc-watch cancels only your own jobs`,
        });
        expect(sacctState(theirs)).toBe('PENDING');
        for (const q of reqs) noSecret(JSON.stringify(q.body));
      } finally {
        await standin.close();
      }
    }, 150_000);
  }),
);
