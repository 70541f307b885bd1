/**
 * Secret removal for everything that leaves the process (sent to claude, or printed by --dry-run).
 * On top of the pattern rules of `redactSecrets`, the values of the user's own secret-looking
 * environment variables are removed wherever they appear: a job that echoes `$MY_SERVICE_TOKEN`
 * leaks it in a shape no pattern knows.
 */
import { type RedactionResult, redactSecrets } from '../../parsers/redact.js';

const SECRET_ENV_NAME = /(TOKEN|KEY|SECRET|PASSWORD|PASSWD|CREDENTIAL)/i;
const MIN_VALUE_LENGTH = 8;

/** Values of env vars whose names look secret (≥ 8 characters, so `KEY=1` cannot blank every `1`). */
export function secretEnvValues(env: NodeJS.ProcessEnv = process.env): string[] {
  const out = new Set<string>();
  for (const [name, value] of Object.entries(env)) {
    if (!value || value.length < MIN_VALUE_LENGTH || !SECRET_ENV_NAME.test(name)) continue;
    out.add(value);
  }
  // Longest first, so a value that contains another is removed whole.
  return [...out].sort((a, b) => b.length - a.length);
}

/** Redacts a bundle (or any text about to leave the process); `count` is what to show the user. */
export function redactBundle(text: string, env: NodeJS.ProcessEnv = process.env): RedactionResult {
  return redactSecrets(text, { extraValues: secretEnvValues(env) });
}

/** A redactor bound to one environment, computing the env values once (for buildExcerpt's `redact`). */
export function bundleRedactor(env: NodeJS.ProcessEnv = process.env): (text: string) => RedactionResult {
  const extraValues = secretEnvValues(env);
  return (text) => redactSecrets(text, { extraValues });
}
