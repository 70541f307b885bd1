/**
 * Prints one JSON object per corpus log, the shape `inspect --json` emits, for
 * /work/shared/corpus/score.py: `npx tsx scripts/score-corpus.ts | score.py CORPUS /dev/stdin`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { analyzeLog } from '../parsers/log.js';

const dir = resolve(process.argv[2] ?? '/work/shared/corpus');
for (const name of readdirSync(dir).filter((f) => f.endsWith('.log')).sort()) {
  const a = analyzeLog(new Uint8Array(readFileSync(join(dir, name))));
  process.stdout.write(`${JSON.stringify({ file: name, ...a })}\n`);
}
