/**
 * Host key checks against OpenSSH known_hosts files: hashed `|1|salt|hmac` names,
 * `[host]:port`, comma lists with `!negation`, `@revoked` and `@cert-authority`.
 * ssh2 negotiates plain host keys only (no `*-cert-v01@openssh.com` algorithms), so
 * a host that is trusted only through `@cert-authority` cannot be verified here.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { wildcardMatch } from './ssh-config-parse.js';

/** Where a decision came from: file and 1-based line. */
export interface KnownHostsLine {
  file: string;
  line: number;
}

/** The outcome of a check; `ok` means the offered key is listed for this host. */
export type HostKeyCheck =
  | ({ status: 'ok' } & KnownHostsLine)
  | ({ status: 'revoked' } & KnownHostsLine)
  | ({ status: 'mismatch'; knownType: string } & KnownHostsLine)
  | { status: 'unknown'; otherTypes: string[]; certAuthority: KnownHostsLine | null };

/** The key type named inside an SSH public key blob (`ssh-ed25519`, `rsa-sha2-…` keys are `ssh-rsa`). */
export function keyType(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const n = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + n).toString('latin1');
}

/** `SHA256:…` exactly as `ssh-keygen -lf` prints it. */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** The name OpenSSH looks up: `host`, or `[host]:port` off port 22. */
export function hostEntryName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function hashedMatch(field: string, name: string): boolean {
  const parts = field.split('|');
  if (parts.length !== 4 || parts[1] !== '1') return false;
  const salt = Buffer.from(parts[2]!, 'base64');
  const want = Buffer.from(parts[3]!, 'base64');
  const got = createHmac('sha1', salt).update(name).digest();
  return got.length === want.length && got.equals(want);
}

/** Whether a known_hosts host field names `name`; patterns are plain-text only. */
export function hostFieldMatches(field: string, name: string): boolean {
  if (field.startsWith('|')) return hashedMatch(field, name);
  let hit = false;
  for (const pat of field.split(',')) {
    const neg = pat.startsWith('!');
    const p = neg ? pat.slice(1) : pat;
    if (wildcardMatch(p, name)) {
      if (neg) return false;
      hit = true;
    }
  }
  return hit;
}

interface Entry extends KnownHostsLine {
  marker: '' | '@revoked' | '@cert-authority';
  hosts: string;
  type: string;
  key: Buffer;
}

function* entries(file: string): Generator<Entry> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return;
  }
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const words = lines[i]!.trim().split(/\s+/);
    if (!words[0] || words[0].startsWith('#')) continue;
    const marker = words[0] === '@revoked' || words[0] === '@cert-authority' ? words.shift()! : '';
    if (words.length < 3) continue;
    yield {
      file,
      line: i + 1,
      marker: marker as Entry['marker'],
      hosts: words[0]!,
      type: words[1]!,
      key: Buffer.from(words[2]!, 'base64'),
    };
  }
}

/**
 * Checks `key` for `host:port` (use HostKeyAlias as host when set). A `@revoked` key is refused
 * even when another line lists it; otherwise a listed key is ok and a different key of the same type
 * is a mismatch, as in OpenSSH.
 */
export function checkHostKey(files: readonly string[], host: string, port: number, key: Buffer): HostKeyCheck {
  const name = hostEntryName(host, port);
  const type = keyType(key);
  let ok: KnownHostsLine | null = null;
  let mismatch: (KnownHostsLine & { knownType: string }) | null = null;
  let ca: KnownHostsLine | null = null;
  const others = new Set<string>();
  for (const file of files) {
    for (const e of entries(file)) {
      if (!hostFieldMatches(e.hosts, name)) continue;
      if (e.marker === '@revoked') {
        if (e.key.equals(key)) return { status: 'revoked', file: e.file, line: e.line };
        continue;
      }
      if (e.marker === '@cert-authority') {
        ca ??= { file: e.file, line: e.line };
        continue;
      }
      if (e.key.equals(key)) ok ??= { file: e.file, line: e.line };
      else if (e.type === type) mismatch ??= { file: e.file, line: e.line, knownType: e.type };
      else others.add(e.type);
    }
  }
  if (ok) return { status: 'ok', ...ok };
  if (mismatch) return { status: 'mismatch', ...mismatch };
  return { status: 'unknown', otherTypes: [...others], certAuthority: ca };
}

/** Host key types already trusted for this host, so ssh2 can be asked to prefer them (as OpenSSH does). */
export function knownKeyTypes(files: readonly string[], host: string, port: number): string[] {
  const name = hostEntryName(host, port);
  const types: string[] = [];
  for (const file of files) {
    for (const e of entries(file)) {
      if (e.marker === '' && hostFieldMatches(e.hosts, name) && !types.includes(e.type)) types.push(e.type);
    }
  }
  return types;
}

/** Appends an entry like OpenSSH's accept-new: hashed when HashKnownHosts is on; creates ~/.ssh 0700. */
export function appendKnownHost(file: string, host: string, port: number, key: Buffer, hashed: boolean): void {
  const name = hostEntryName(host, port);
  let field = name;
  if (hashed) {
    const salt = randomBytes(20);
    field = `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
  }
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  let prefix = '';
  if (existsSync(file)) {
    const text = readFileSync(file);
    if (text.length > 0 && text[text.length - 1] !== 0x0a) prefix = '\n';
  }
  appendFileSync(file, `${prefix}${field} ${keyType(key)} ${key.toString('base64')}\n`, { mode: 0o600 });
}
