// Module hooks that record every file URL Node loads (registered by load-recorder.mjs).
import { appendFileSync } from 'node:fs';

let out = null;

export function initialize(data) {
  out = data.out;
}

export async function load(url, context, next) {
  if (out && url.startsWith('file:')) appendFileSync(out, `${url}\n`);
  return next(url, context);
}
