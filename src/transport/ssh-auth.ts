/**
 * Authentication in OpenSSH's order: agent keys, identity files (asking for a
 * passphrase when encrypted), keyboard-interactive (2FA/OTP), then password.
 */
import { readFileSync } from 'node:fs';
import type { AnyAuthMethod, AuthenticationType, AuthHandlerMiddleware, ParsedKey, Prompt } from 'ssh2';
import type { Prompter } from './prompter.js';
import type { SshHostConfig } from './ssh-config.js';

type Ssh2 = typeof import('ssh2');

/** What the handler tried, for the failure message. */
export interface AuthTrace {
  tried: string[];
  notes: string[];
}

type Candidate = { kind: AuthenticationType; label: string; make: () => Promise<AnyAuthMethod | null> };

function publicBlob(ssh2: Ssh2, file: string): Buffer | null {
  for (const f of [`${file}.pub`, file]) {
    try {
      const k = ssh2.utils.parseKey(readFileSync(f));
      const key = Array.isArray(k) ? k[0] : k;
      if (key && !(key instanceof Error)) return key.getPublicSSH();
    } catch {
      // unreadable or encrypted without a .pub: skip
    }
  }
  return null;
}

/** An agent that offers only the keys matching the identity files (IdentitiesOnly=yes). */
function filteredAgent(ssh2: Ssh2, socket: string, allowed: Buffer[]) {
  return new (class extends ssh2.OpenSSHAgent {
    getIdentities(cb: Parameters<InstanceType<Ssh2['OpenSSHAgent']>['getIdentities']>[0]): void {
      super.getIdentities((err, keys) =>
        cb(
          err,
          keys?.filter((k) => 'getPublicSSH' in k && allowed.some((a) => a.equals((k as ParsedKey).getPublicSSH()))),
        ),
      );
    }
  })(socket);
}

/** Loads a private key, asking for its passphrase (three tries) when it is encrypted. */
async function loadKey(
  ssh2: Ssh2,
  file: string,
  cluster: string,
  prompter: Prompter,
  trace: AuthTrace,
): Promise<ParsedKey | null> {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch (err) {
    trace.notes.push(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    return null;
  }
  let parsed = ssh2.utils.parseKey(data);
  for (let attempt = 0; parsed instanceof Error && /passphrase/i.test(parsed.message) && attempt < 3; attempt++) {
    const pass = await prompter.prompt({ cluster, message: `Enter passphrase for key '${file}': `, echo: false });
    if (pass === null) {
      trace.notes.push(`${file} is encrypted and no passphrase could be asked (no terminal, or BatchMode)`);
      return null;
    }
    parsed = ssh2.utils.parseKey(data, pass);
  }
  if (parsed instanceof Error) {
    trace.notes.push(`${file}: ${parsed.message}`);
    return null;
  }
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  return key ?? null;
}

/**
 * Builds ssh2's authHandler for one host. `pause`/`resume` stop the handshake timer while a
 * human is typing, so a slow 2FA answer is not mistaken for a dead server.
 */
export function makeAuthHandler(
  ssh2: Ssh2,
  cfg: SshHostConfig,
  cluster: string,
  prompter: Prompter,
  trace: AuthTrace,
  timer: { pause(): void; resume(): void },
): AuthHandlerMiddleware {
  const ask = async (message: string, echo: boolean, instructions?: string) => {
    timer.pause();
    try {
      return await prompter.prompt({ cluster, message, echo, instructions });
    } finally {
      timer.resume();
    }
  };
  const username = cfg.user;
  const queue: Candidate[] = [];
  if (cfg.pubkeyAuth) {
    if (cfg.identityAgent) {
      const socket = cfg.identityAgent;
      const allowed = cfg.identitiesOnly
        ? cfg.identityFiles.map((f) => publicBlob(ssh2, f)).filter((b): b is Buffer => b !== null)
        : null;
      if (!allowed || allowed.length > 0) {
        const agent = allowed ? filteredAgent(ssh2, socket, allowed) : socket;
        queue.push({ kind: 'publickey', label: 'ssh-agent', make: async () => ({ type: 'agent', username, agent }) });
      }
    }
    for (const file of cfg.identityFiles) {
      queue.push({
        kind: 'publickey',
        label: file,
        make: async () => {
          const key = await loadKey(ssh2, file, cluster, { prompt: (r) => ask(r.message, r.echo) }, trace);
          return key ? { type: 'publickey', username, key } : null;
        },
      });
    }
  }
  // Up to three rounds each, like OpenSSH's NumberOfPasswordPrompts: a mistyped OTP is not the end.
  let cannotAsk = false;
  const kbd: Candidate = {
    kind: 'keyboard-interactive',
    label: 'keyboard-interactive',
    make: async () =>
      cannotAsk
        ? null
        : {
            type: 'keyboard-interactive',
            username,
            prompt: (
              name: string,
              instructions: string,
              _lang: string,
              prompts: Prompt[],
              finish: (answers: string[]) => void,
            ) => {
              void (async () => {
                const answers: string[] = [];
                for (const p of prompts) {
                  const a = await ask(p.prompt, p.echo ?? false, [name, instructions].filter(Boolean).join('\n'));
                  if (a === null) {
                    cannotAsk = true;
                    trace.notes.push(
                      'the server asked for keyboard-interactive input (password/2FA) but there was no terminal to ask in',
                    );
                    return finish([]);
                  }
                  answers.push(a);
                }
                finish(answers);
              })();
            },
          },
  };
  if (cfg.kbdInteractive) queue.push(kbd, kbd, kbd);
  const password: Candidate = {
    kind: 'password',
    label: 'password',
    make: async () => {
      if (cannotAsk) return null;
      const pw = await ask(`${cfg.user}@${cfg.hostname}'s password: `, false);
      cannotAsk ||= pw === null;
      return pw === null ? null : { type: 'password', username, password: pw };
    },
  };
  if (cfg.passwordAuth) queue.push(password, password, password);
  return (methodsLeft, _partial, next) => {
    void (async () => {
      for (;;) {
        const c = queue.shift();
        // ssh2's typings omit `false`, which is how the handler says "no more methods".
        if (!c) return next(false as unknown as AuthenticationType);
        if (methodsLeft && !methodsLeft.includes(c.kind)) continue;
        let method: AnyAuthMethod | null;
        try {
          method = await c.make();
        } catch (err) {
          trace.notes.push(`${c.label}: ${(err as Error).message}`);
          continue;
        }
        if (!method) continue;
        trace.tried.push(c.label);
        return next(method);
      }
    })();
  };
}
