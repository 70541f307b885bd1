/**
 * The one redaction for everything that leaves the machine: diagnosis bundles, notifications,
 * MCP results and `hpc-watch redact`. On top of the pattern rules of `redactSecrets`, the values
 * of the user's own secret-looking environment variables are removed wherever they appear: a job
 * that echoes `$MY_SERVICE_TOKEN` leaks it in a shape no pattern knows.
 */
import { findSecrets, type RedactionResult, redactSecrets, type SecretSpan } from '../parsers/redact.js';

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

/** A redactor bound to one environment (its secret values are collected once). Keeps every newline. */
export function outboundRedactor(env: NodeJS.ProcessEnv = process.env): (text: string) => RedactionResult {
  const extraValues = secretEnvValues(env);
  return (text) => redactSecrets(text, { extraValues });
}

/** The spans `outboundRedactor` would replace, for callers that redact a stream chunk by chunk. */
export function outboundSpans(env: NodeJS.ProcessEnv = process.env): (text: string) => SecretSpan[] {
  const extraValues = secretEnvValues(env);
  return (text) => findSecrets(text, { extraValues });
}

/** Redacts one text about to leave the machine; `count` is what to show the user. */
export function redactOutbound(text: string, env: NodeJS.ProcessEnv = process.env): RedactionResult {
  return outboundRedactor(env)(text);
}

/** Redacts every string inside a JSON-able value (MCP results, webhook payloads), keys kept. */
export function redactDeep<T>(value: T, redact: (text: string) => RedactionResult): T {
  if (typeof value === 'string') return redact(value).text as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, redact)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v, redact);
    return out as T;
  }
  return value;
}
