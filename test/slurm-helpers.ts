import { readdirSync, readFileSync } from 'node:fs';

const DIR = new URL('../fixtures/slurm/', import.meta.url);

/** A fixture from fixtures/slurm/ as text. */
export function fx(name: string): string {
  return readFileSync(new URL(name, DIR), 'utf8');
}

/** Fixture names in fixtures/slurm/ (or a subdirectory) matching re. */
export function fxList(re: RegExp, sub = ''): string[] {
  return readdirSync(new URL(sub, DIR))
    .filter((f) => re.test(f))
    .sort()
    .map((f) => `${sub}${f}`);
}

/** Captured reference outputs were taken on a UTC machine; parse them at +00:00. */
export const UTC = 0;
