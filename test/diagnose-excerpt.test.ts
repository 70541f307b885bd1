import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clipTokens, collapse, estimateTokens, isProgressLine } from '../src/diagnose/collapse.js';
import { buildExcerpt, type ExcerptInput, type ExcerptLog } from '../src/diagnose/excerpt.js';
import { redactLines } from '../src/diagnose/redact-lines.js';
import { outboundRedactor } from '../src/redact.js';
import { failedJob, OOM_LINE, oomTraceback, plantedSecrets, secretLines } from './diagnose-helpers.js';
import { runs } from './helpers/prop.js';

const failure = { category: 'oom_gpu' as const, line: OOM_LINE, exception: 'torch.OutOfMemoryError' };

function log(path: string, lines: string[], tb: [number, number] | null, failureIndex: number | null): ExcerptLog {
  return { path, lines, failureIndex, tracebackStart: tb?.[0] ?? null, tracebackEnd: tb?.[1] ?? null };
}

function input(stderrLines: string[], stdoutLines: string[], over: Partial<ExcerptInput> = {}): ExcerptInput {
  const tbStart = stderrLines.indexOf('Traceback (most recent call last):');
  const fi = stderrLines.lastIndexOf(OOM_LINE);
  return {
    job: failedJob(),
    facts: {
      stdoutPath: '/home/u/bert/logs/4103.out',
      stderrPath: '/home/u/bert/logs/4103.err',
      stdoutSize: 1234,
      stderrSize: 99_000_000,
      exitNote: 'exit 1',
      failure,
      progress: {
        current: 15,
        total: 100,
        unit: 'batch',
        rate: 4.9,
        rate_unit: 'batch/s',
        eta_s: 17,
        elapsed_s: 3,
        epoch: 1,
        epoch_total: 3,
      },
      metrics: { loss: 0.52 },
      framework: 'tqdm',
    },
    stdout: log('/home/u/bert/logs/4103.out', stdoutLines, null, null),
    stderr: log(
      '/home/u/bert/logs/4103.err',
      stderrLines,
      tbStart >= 0 && fi >= 0 ? [tbStart, fi] : null,
      fi >= 0 ? fi : null,
    ),
    ...over,
  };
}

const bar = (i: number, n = 50_000) =>
  `Epoch 0:  ${Math.floor((100 * i) / n)}%|██▌       | ${i}/${n} [00:${String(i % 60).padStart(2, '0')}<01:00,  4.90batch/s]`;

describe('buildExcerpt', () => {
  it('holds the job metadata, the root-cause line and the whole traceback', () => {
    const stderr = ['Loading bert-large-uncased', bar(1), bar(2), bar(3), ...oomTraceback(), ''];
    const ex = buildExcerpt(input(stderr, ['batch size 64, fp32', 'step 1 loss 0.7']));
    expect(ex.text).toMatch(/^### JOB\n/);
    for (const f of [
      'id=4103',
      'name=finetune-bert',
      'state=FAILED',
      'exit=1:0',
      'derived=0:0',
      'elapsed=0:28/2:00:00',
      'partition=gpu',
      'nodelist=gpu-017',
      'req_mem=512M',
      'alloc_tres=cpu=1,mem=512M,node=1,billing=1,gres/gpu=1',
      'max_rss=498M',
      'workdir=/home/u/bert',
      'cmd=/home/u/bert/train.sbatch',
      'stdout=/home/u/bert/logs/4103.out',
      'stderr=/home/u/bert/logs/4103.err (94.4 MB)',
    ]) {
      expect(ex.text).toContain(f);
    }
    expect(ex.text).toContain(
      `### FAILURE\ncategory=oom_gpu exception=torch.OutOfMemoryError\nroot cause (stderr, line 12 of 13 read): ${OOM_LINE}`,
    );
    expect(ex.text).toContain(`### TRACEBACK (stderr lines 5-12)\n${oomTraceback().join('\n')}\n`);
    expect(ex.text).toContain('### LOG stdout');
    expect(ex.text).toContain('### PROGRESS\nframework=tqdm progress=15/100 batch (15%)');
    expect(ex.text).toContain('metrics: loss=0.52');
    expect(ex.tokens).toBe(estimateTokens(ex.text));
    expect(ex.hash).toMatch(/^[0-9a-f]{40}$/);
  });

  it('stays under budget with 50k progress lines and a traceback, folding the bar to its last state', () => {
    const stderr = [...Array.from({ length: 50_000 }, (_, i) => bar(i + 1)), ...oomTraceback()];
    const stdout = Array.from({ length: 20_000 }, (_, i) => `step ${i} loss ${(1 / (i + 1)).toFixed(5)} lr 3e-4`);
    for (const budget of [6000, 2500, 1000]) {
      const ex = buildExcerpt(input(stderr, stdout, { budgetTokens: budget }));
      expect(ex.tokens).toBeLessThanOrEqual(budget);
      expect(ex.text).toContain(OOM_LINE);
      expect(ex.text).toContain('id=4103');
    }
    const ex = buildExcerpt(input(stderr, stdout));
    expect(ex.text).toContain(`${bar(50_000)}  [last of 50000 progress updates]`);
    expect(ex.text).toMatch(/\[… \d+ similar lines\]/);
    expect(ex.text).toContain('step 19999 loss');
  });

  it('collapses repeated lines with a count', () => {
    const warn = 'UserWarning: torch.cuda.amp.GradScaler is deprecated';
    const stderr = [...Array.from({ length: 500 }, () => warn), ...oomTraceback()];
    const ex = buildExcerpt(input(stderr, []));
    expect(ex.text).toContain(`${warn}  [×500]`);
    expect(ex.text.split(warn).length - 1).toBe(1);
    // Scattered repeats too: a warning between progress redraws.
    const mixed = Array.from({ length: 300 }, (_, i) => (i % 2 ? warn : `step ${i} done, tokens=${i * 7}`));
    const ex2 = buildExcerpt(input([...mixed, ...oomTraceback()], []));
    expect(ex2.text).toContain(`${warn}  [×150]`);
  });

  it('never cuts the root-cause line or JOB, even with a huge traceback and tiny budget', () => {
    const frames = Array.from({ length: 3000 }, (_, i) => `  File "/x/mod${i}.py", line ${i}, in f${i}`);
    const stderr = ['Traceback (most recent call last):', ...frames, OOM_LINE];
    const ex = buildExcerpt(input(stderr, [], { budgetTokens: 1000 }));
    expect(ex.tokens).toBeLessThanOrEqual(1000);
    expect(ex.text).toContain(OOM_LINE);
    expect(ex.text).toContain('max_rss=498M');
    expect(ex.text).toMatch(/traceback lines omitted/);
    // The end of the traceback is kept in preference to its start.
    expect(ex.text).toContain('mod2999.py');
  });

  it('describes a failure that only SLURM knows (TIMEOUT with a quiet log)', () => {
    const job = failedJob({ state: 'TIMEOUT', reason: 'TimeLimit', exit_code: '0:0' });
    const ex = buildExcerpt({
      ...input(['training...', bar(10, 100)], []),
      job,
      facts: {
        ...input([], []).facts,
        failure: { category: 'timeout', line: 'slurm: State=TIMEOUT Reason=TimeLimit', exception: null },
      },
    });
    expect(ex.text).toContain(
      'root cause (from SLURM accounting; the logs do not explain it): slurm: State=TIMEOUT Reason=TimeLimit',
    );
    expect(ex.text).not.toContain('### TRACEBACK');
  });

  it('uses one LOG section when stdout and stderr are the same file', () => {
    const lines = ['start', ...oomTraceback()];
    const base = input(lines, []);
    const ex = buildExcerpt({
      ...base,
      facts: { ...base.facts, stderrPath: base.facts.stdoutPath },
      stdout: { ...base.stderr!, path: base.facts.stdoutPath! },
      stderr: null,
    });
    expect(ex.text).toContain('stdout+stderr=/home/u/bert/logs/4103.out');
    expect(ex.text).toContain('root cause (stdout+stderr, line');
    expect(ex.text.match(/### LOG/g)?.length ?? 0).toBeLessThanOrEqual(1);
  });

  it('strips terminal escapes from log lines', () => {
    const ex = buildExcerpt(input(['\x1b[31mred\x1b[0m text \x1b]0;title\x07', ...oomTraceback()], []));
    expect(ex.text).toContain('red text');
    expect(ex.text).not.toMatch(/\x1b/);
  });

  it('hashes the same failure alike across array tasks, times and pids, not across exit codes or memory', () => {
    const mk = (id: string, pid: number, ts: string, over = {}) =>
      buildExcerpt(
        input(
          [`[${ts}] worker pid ${pid} starting on gpu-0${pid % 9}`, bar(pid % 50, 50), ...oomTraceback()],
          [`job ${id} at ${ts}`],
          {
            job: failedJob({
              job_id: id,
              raw_job_id: String(5000 + pid),
              array_job_id: '77',
              array_task_id: id.split('_')[1],
              elapsed_s: pid,
              nodes: `gpu-0${pid % 9}`,
              max_rss: `${pid}M`,
              ...over,
            }),
          },
        ),
      ).hash;
    const a = mk('77_1', 1234, '2026-11-28 10:00:01');
    expect(mk('77_2', 5678, '2026-11-28 11:22:33')).toBe(a);
    expect(mk('77_3', 91, '2026-11-29 00:00:00', { exit_code: '137:0' })).not.toBe(a);
    expect(mk('77_4', 92, '2026-11-29 00:00:00', { req_mem: '4G' })).not.toBe(a);
  });

  it('redacts before cutting, so a secret across the line-length cut never leaks a prefix', () => {
    const secret = `sk-ant-api03-${'Q'.repeat(80)}`;
    const long = `${'x'.repeat(570)} key ${secret} tail`;
    const ex = buildExcerpt(input([long, ...oomTraceback()], [], { redact: outboundRedactor({}) }));
    expect(ex.text).not.toContain('sk-ant-api03-QQ');
    expect(ex.text).toContain('[REDACTED:anthropic]');
    expect(ex.redactions).toBeGreaterThanOrEqual(1);
  });

  it('keeps line indexes when a multi-line secret is redacted', () => {
    const lines = [
      'a',
      '-----BEGIN PRIVATE KEY-----',
      'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=',
      '-----END PRIVATE KEY-----',
      'b',
    ];
    const out = redactLines(lines, (t) => outboundRedactor({})(t).text);
    expect(out).toHaveLength(5);
    expect(out[0]).toBe('a');
    expect(out[4]).toBe('b');
    expect(out.join('\n')).not.toContain('QUJDREVGR0hJ');
  });

  it('keeps line count and never leaks a planted secret, whatever the mix of lines (property)', () => {
    const sec = plantedSecrets();
    const red = outboundRedactor({ SVC_TOKEN: sec.envValue });
    const pool = [...secretLines(sec), 'plain', '', `AKIA${'Q'.repeat(16)} tail`];
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom(...pool), fc.string({ maxLength: 30 })), { maxLength: 40 }),
        (ls) => {
          const out = redactLines(ls, (t) => red(t).text);
          expect(out).toHaveLength(ls.length);
          const joined = out.join('\n');
          // A bare base64 line is only key material inside a BEGIN/END block, so it is not checked alone.
          for (const [k, v] of Object.entries(sec)) if (k !== 'pemBody') expect(joined).not.toContain(v);
        },
      ),
      runs(300),
    );
    const block = redactLines(
      ['x', ...secretLines(sec).slice(9, 13), `AKIA${'Q'.repeat(16)} tail`],
      (t) => red(t).text,
    );
    expect(block).toEqual(['x', '[REDACTED:private-key]', '', '', '', '[REDACTED:aws-access-key-id] tail']);
  });

  it('stays within any budget on arbitrary input (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'binary', maxLength: 400 }), { maxLength: 300 }),
        fc.array(fc.string({ maxLength: 100 }), { maxLength: 100 }),
        fc.integer({ min: 0, max: 9000 }),
        fc.option(fc.nat(400)),
        (err, out, budget, fi) => {
          const f = fi !== null && fi < err.length ? fi : null;
          const ex = buildExcerpt({
            ...input([], []),
            stderr: log('/e', err, f !== null ? [Math.max(0, f - 3), f] : null, f),
            stdout: log('/o', out, null, null),
            facts: {
              ...input([], []).facts,
              failure: f !== null ? { category: 'python_exception', line: err[f]!, exception: null } : failure,
            },
            budgetTokens: budget,
            redact: outboundRedactor({}),
          });
          expect(ex.tokens).toBeLessThanOrEqual(Math.max(1000, budget));
          expect(ex.text.startsWith('### JOB\n')).toBe(true);
        },
      ),
      runs(150),
    );
  });
});

describe('collapse helpers', () => {
  it('recognises progress bars of several frameworks', () => {
    expect(isProgressLine(bar(5))).toBe(true);
    expect(isProgressLine('  12/100 [==>...........................] - ETA: 3s - loss: 0.3')).toBe(true);
    expect(isProgressLine('Epoch 1/3 ━━━━━━━━━━━━━━━━ 120/500 0:00:12')).toBe(true);
    expect(isProgressLine('RuntimeError: CUDA error: device-side assert triggered')).toBe(false);
  });

  it('keeps the last state of each bar in a run of nested bars', () => {
    const lines = [
      'x',
      'Epoch 1:  10%|█| 1/10 [00:01<00:09]',
      'Batch:  50%|█| 5/10 [00:01<00:01]',
      'Epoch 1:  20%|█| 2/10 [00:02<00:08]',
      'Batch: 100%|█| 10/10 [00:02<00:00]',
      'y',
    ];
    const items = collapse(lines, 0, lines.length);
    expect(items.map((i) => i.text)).toEqual([
      'x',
      'Epoch 1:  20%|█| 2/10 [00:02<00:08]',
      'Batch: 100%|█| 10/10 [00:02<00:00]  [last of 4 progress updates]',
      'y',
    ]);
  });

  it('clips to a token count without splitting surrogate pairs', () => {
    const s = '😀'.repeat(100);
    const c = clipTokens(s, 20);
    expect(estimateTokens(c)).toBeLessThanOrEqual(20);
    expect(c).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });
});
