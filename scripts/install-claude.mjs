// Installs the real Claude Code CLI, pinned (package.json config.claudeCodeVersion), into a cache
// directory for the tests and the bench, and prints the binary's path. Not a dependency of
// hpc-watch: `npm ci` stays light, and only CI (.ci/run) and developers who want the real-CLI tests
// run this. The version is pinned because an unpinned install on Node 20 silently picks an old
// 2.1.1xx (newer wrappers declare engines node >= 22). Only the platform package is installed,
// with scripts off: its native binary needs neither Node nor the wrapper's postinstall.
//   node scripts/install-claude.mjs          →
// /…/claude-code/2.1.332/node_modules/@anthropic-ai/claude-code-linux-x64/claude
import { execFileSync } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { claudeBinPath } from './claude-path.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).config.claudeCodeVersion;
const { bin, prefix, pkg } = claudeBinPath(version);

const executable = () => {
  try {
    accessSync(bin, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

if (!executable()) {
  process.stderr.write(`installing ${pkg}@${version} into ${prefix}\n`);
  execFileSync(
    'npm',
    [
      'install',
      '--prefix',
      prefix,
      '--no-save',
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      '--no-package-lock',
      `${pkg}@${version}`,
    ],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
}
const got = execFileSync(bin, ['--version'], { encoding: 'utf8', timeout: 60_000 }).trim();
if (!got.startsWith(`${version} `)) {
  process.stderr.write(`install-claude: expected ${version}, ${bin} says ${got}\n`);
  process.exit(1);
}
process.stdout.write(`${bin}\n`);
