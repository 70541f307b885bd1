/**
 * Asking the user for a passphrase or a one-time code. The terminal prompter runs
 * before the TUI starts; the TUI may later supply its own (an Ink prompt).
 */
import { sanitizeField } from '../../parsers/sanitize.js';

/** One question from an SSH server or for a key passphrase. */
export interface PromptRequest {
  /** Which cluster is asking, e.g. `lumi`. */
  cluster: string;
  /** The question, e.g. `Password: ` or `Duo passcode: `. */
  message: string;
  /** false for secrets: nothing typed is shown. */
  echo: boolean;
  /** The server's name/instructions for keyboard-interactive, if any. */
  instructions?: string;
}

/** Something that can ask the user; resolves null when the user cancels or cannot be asked. */
export interface Prompter {
  prompt(req: PromptRequest): Promise<string | null>;
}

/** A prompter that can never ask (no terminal): authentication that needs a human fails clearly. */
export const noPrompter: Prompter = { prompt: async () => null };

/** A prompter whose backend can be swapped: the terminal before the TUI starts, an Ink prompt (or none) after. */
export interface SwitchablePrompter extends Prompter {
  /** Routes later prompts to `p`; null means nobody can be asked. */
  set(p: Prompter | null): void;
  /** Prompts being answered right now (startup waits for them before handing the terminal to the TUI). */
  readonly active: number;
}

/** Creates a SwitchablePrompter that starts with `initial`. */
export function switchablePrompter(initial: Prompter | null = null): SwitchablePrompter {
  let current = initial;
  let active = 0;
  return {
    get active() {
      return active;
    },
    set(p) {
      current = p;
    },
    async prompt(req) {
      if (!current) return null;
      active++;
      try {
        return await current.prompt(req);
      } finally {
        active--;
      }
    },
  };
}

/**
 * The prompter every SSH connection of this process uses (reconnects included). hpc-watch
 * points it at the terminal while connecting, then at nothing; the TUI may `set()` an Ink prompt.
 */
export const sessionPrompter: SwitchablePrompter = switchablePrompter();

/** Serialises prompts: clusters connect in parallel but the user answers one question at a time. */
export function serialPrompter(inner: Prompter): Prompter {
  let chain: Promise<unknown> = Promise.resolve();
  return {
    prompt(req) {
      const next = chain.then(() => inner.prompt(req));
      chain = next.catch(() => null);
      return next;
    },
  };
}

/** Reads answers from the controlling terminal with echo off for secrets; null when stdin is not a TTY. */
export function terminalPrompter(
  input: NodeJS.ReadStream = process.stdin,
  output: NodeJS.WriteStream = process.stderr,
): Prompter | null {
  if (!input.isTTY || typeof input.setRawMode !== 'function') return null;
  return serialPrompter({
    prompt: (req) =>
      new Promise((resolve) => {
        // Server-sent text: no escape sequence of theirs reaches our terminal.
        if (req.instructions?.trim()) output.write(`${sanitizeField(req.instructions.trim())}\n`);
        output.write(`[${sanitizeField(req.cluster)}] ${sanitizeField(req.message)}`);
        const wasRaw = input.isRaw;
        input.setRawMode(true);
        input.resume();
        let answer = '';
        const done = (value: string | null) => {
          input.off('data', onData);
          input.setRawMode(wasRaw);
          input.pause();
          output.write('\n');
          resolve(value);
        };
        const onData = (chunk: Buffer) => {
          for (const ch of chunk.toString('utf8')) {
            if (ch === '\r' || ch === '\n') return done(answer);
            // Ctrl-C / Ctrl-D: the user gives up on this host; the others still connect.
            if (ch === '\x03' || ch === '\x04') return done(null);
            if (ch === '\x7f' || ch === '\b') {
              if (answer.length > 0) {
                answer = [...answer].slice(0, -1).join('');
                if (req.echo) output.write('\b \b');
              }
              continue;
            }
            if (ch < ' ') continue;
            answer += ch;
            if (req.echo) output.write(ch);
          }
        };
        input.on('data', onData);
      }),
  });
}
