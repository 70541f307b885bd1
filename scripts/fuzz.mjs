// `npm run fuzz [-- --runs N --seed S FILE...]`: the fast-check properties of the unit suite with a
// random seed and at least 10^5 cases each. `npm test` runs the same properties with a fixed seed,
// so CI stays deterministic; a counterexample found here is turned into a plain regression test.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { runs: { type: 'string', default: '100000' }, seed: { type: 'string' } },
});
const seed = values.seed ?? String(Math.floor(Math.random() * 2 ** 31));
const files =
  positionals.length > 0
    ? positionals
    : readdirSync('test')
        .filter((f) => /\.test\.tsx?$/.test(f) && !f.startsWith('integration-'))
        .filter((f) => readFileSync(`test/${f}`, 'utf8').includes("from 'fast-check'"))
        .map((f) => `test/${f}`);
process.stdout.write(`fuzz: seed ${seed}, at least ${values.runs} runs per property, ${files.length} files\n`);
const r = spawnSync('npx', ['vitest', 'run', '--project', 'unit', '--testTimeout=0', ...files], {
  stdio: 'inherit',
  env: { ...process.env, HPCW_FUZZ: '1', HPCW_FC_SEED: seed, HPCW_FUZZ_RUNS: values.runs },
});
if (r.status !== 0) process.stdout.write(`fuzz: FAILED with seed ${seed}; rerun: npm run fuzz -- --seed ${seed}\n`);
process.exit(r.status ?? 1);
