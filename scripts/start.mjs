// `npm start`: build, then run hpc-watch — against SLURM when `squeue` is on PATH,
// otherwise against the built-in demo cluster, so a fresh machine shows something real.
import { spawnSync } from 'node:child_process';

const build = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const args = process.argv.slice(2);
const hasSlurm = spawnSync('squeue', ['--version'], { stdio: 'ignore' }).status === 0;
if (!hasSlurm && !args.includes('--demo') && !args.some((a) => a.startsWith('--host'))) {
  process.stderr.write('hpc-watch: no squeue on PATH, starting the built-in demo cluster (--demo)\n');
  args.push('--demo');
}
const run = spawnSync(process.execPath, ['dist/cli.js', ...args], { stdio: 'inherit' });
process.exit(run.status ?? 1);
