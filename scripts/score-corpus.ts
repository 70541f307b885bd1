/**
 * Prints one JSON object per labelled log in a directory (default: the shared dev corpus next to
 * this checkout), the shape `inspect --json` emits, for the corpus's score.py:
 * `npx tsx scripts/score-corpus.ts DIR | score.py DIR /dev/stdin`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { analyzeLog } from '../parsers/log.js';

const dir = resolve(process.argv[2] ?? resolve(import.meta.dirname, '../../shared/corpus'));
for (const name of readdirSync(dir)
  .filter((f) => f.endsWith('.log'))
  .sort()) {
  const a = analyzeLog(new Uint8Array(readFileSync(join(dir, name))));
  process.stdout.write(`${JSON.stringify({ file: name, ...a })}\n`);
}
