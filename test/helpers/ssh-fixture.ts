/** Shared setup for the SshTransport tests: a client key, fake servers and transports cleaned up after each test. */
import { afterEach } from 'vitest';
import type { Prompter, PromptRequest } from '../../src/transport/prompter.js';
import { SshTransport } from '../../src/transport/ssh.js';
import type { SshHostConfig } from '../../src/transport/ssh-config.js';
import { type FakeSshd, type FakeSshdOptions, hostConfig, keyPair, startFakeSshd, tempFile } from './ssh-server.js';

export const client = keyPair();
export const keyFile = tempFile('id_ed25519', client.private);

const servers: FakeSshd[] = [];
const transports: SshTransport[] = [];

/** Registers the afterEach that closes every server and transport a test made. */
export function cleanupAfterEach(): void {
  afterEach(async () => {
    await Promise.all(transports.splice(0).map((t) => t.close()));
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
}

/** A fake sshd accepting `client`'s key unless told otherwise. */
export async function server(opts: FakeSshdOptions = {}): Promise<FakeSshd> {
  const s = await startFakeSshd({ authorizedKeys: [client.public], ...opts });
  servers.push(s);
  return s;
}

/** A known_hosts file trusting `s` under `[127.0.0.1]:port`. */
export function knownHosts(s: FakeSshd, host = `[127.0.0.1]:${s.port}`): string {
  return tempFile('known_hosts', `${host} ${s.hostKeyLine}\n`);
}

/** Keeps a transport for cleanup. */
export function keep(t: SshTransport): SshTransport {
  transports.push(t);
  return t;
}

/** An SshTransport to `s` with `client`'s key and `s` trusted; override the config per test. */
export function transport(
  s: FakeSshd,
  over: Partial<SshHostConfig> = {},
  extra: Partial<ConstructorParameters<typeof SshTransport>[0]> = {},
) {
  const cfg = hostConfig(s.port, { identityFiles: [keyFile], userKnownHostsFiles: [knownHosts(s)], ...over });
  return keep(
    new SshTransport({
      cluster: 'fake',
      destination: 'fake',
      resolve: async () => cfg,
      backoffMs: { initial: 50, max: 200 },
      ...extra,
    }),
  );
}

/** Answers prompts whose message contains a key; records every request. */
export function fakePrompter(answers: Record<string, string | null>): Prompter & { asked: PromptRequest[] } {
  const asked: PromptRequest[] = [];
  return {
    asked,
    prompt: async (req) => {
      asked.push(req);
      const key = Object.keys(answers).find((k) => req.message.includes(k));
      return key === undefined ? null : answers[key]!;
    },
  };
}
