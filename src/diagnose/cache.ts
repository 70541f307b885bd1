/**
 * Answers kept by excerpt hash under `<cacheDir>/diagnoses/<hash>.json`, so the same failure (ten
 * array tasks dying alike, a second `d` press) is never paid for twice. Files are private (0600 in
 * a 0700 dir): a diagnosis quotes log lines. A broken or foreign file is a miss, never an error.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from '../paths.js';

/** One cached answer. */
export interface CachedDiagnosis {
  version: 1;
  hash: string;
  jobId: string;
  cluster: string;
  text: string;
  /** The fields (StructuredDiagnosis) when the model gave them; absent in older entries. */
  structured?: unknown;
  costUsd: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  model: string | null;
  /** ISO 8601. */
  createdAt: string;
  excerptTokens: number;
}

const HASH_RE = /^[0-9a-f]{16,64}$/;

/** Directory of the diagnosis cache. */
export function diagnosisCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheDir(env), 'diagnoses');
}

function fileFor(hash: string, env: NodeJS.ProcessEnv): string | null {
  return HASH_RE.test(hash) ? join(diagnosisCacheDir(env), `${hash}.json`) : null;
}

/** The cached answer for this excerpt hash, or null. */
export function readCachedDiagnosis(hash: string, env: NodeJS.ProcessEnv = process.env): CachedDiagnosis | null {
  const file = fileFor(hash, env);
  if (!file) return null;
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as CachedDiagnosis;
    if (v?.version !== 1 || v.hash !== hash || typeof v.text !== 'string' || v.text === '') return null;
    return v;
  } catch {
    return null;
  }
}

/** Stores an answer (atomically); a read-only cache dir only costs the next call, so errors are swallowed. */
export function writeCachedDiagnosis(entry: CachedDiagnosis, env: NodeJS.ProcessEnv = process.env): boolean {
  const file = fileFor(entry.hash, env);
  if (!file) return false;
  try {
    mkdirSync(diagnosisCacheDir(env), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(entry, null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, file);
    return true;
  } catch {
    return false;
  }
}
