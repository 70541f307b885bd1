/**
 * `hpc-watch redact [FILE...]`: prints files (or stdin) with every secret replaced by
 * `[REDACTED:kind]`, line for line, so a log can be pasted into an issue or a chat. The same
 * redaction guards diagnosis bundles, notifications and MCP results. Never loads Ink.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { applyRedactions, type SecretSpan } from '../../parsers/redact.js';
import type { CliOptions } from '../cli-args.js';
import { outboundSpans } from '../redact.js';

// Text already written is kept this long as context for the next chunk, so a secret whose name or
// key header sits just before a chunk boundary (netrc `login` line, `-----BEGIN … KEY-----`) is still seen.
const CONTEXT = 64 * 1024;
const CHUNK = 1024 * 1024;

/**
 * Redacts a byte stream in line-aligned chunks, in constant memory. Bytes are read as latin1, one
 * char per byte, so everything that is not a secret — invalid UTF-8 included — comes out unchanged.
 */
export async function redactStream(
  input: AsyncIterable<Buffer | string>,
  write: (b: Buffer) => void | Promise<void>,
  find: (text: string) => SecretSpan[],
): Promise<number> {
  let context = '';
  let pending = '';
  let count = 0;
  const flush = async (upto: number) => {
    const chunk = pending.slice(0, upto);
    pending = pending.slice(upto);
    const text = context + chunk;
    const r = applyRedactions(text, find(text), context.length);
    count += r.count;
    await write(Buffer.from(r.text, 'latin1'));
    context = text.slice(Math.max(0, text.length - CONTEXT));
  };
  for await (const part of input) {
    pending += typeof part === 'string' ? Buffer.from(part).toString('latin1') : part.toString('latin1');
    if (pending.length < CHUNK) continue;
    const nl = pending.lastIndexOf('\n');
    await flush(nl === -1 ? pending.length : nl + 1);
  }
  if (pending.length > 0) await flush(pending.length);
  return count;
}

function writer(): (b: Buffer) => Promise<void> {
  return (b) =>
    new Promise((resolve) => {
      if (process.stdout.write(b)) resolve();
      else process.stdout.once('drain', resolve);
    });
}

/** Exit 0 when every input was read; a missing or unreadable file is one line on stderr and exit 2. */
export async function runRedact(opts: CliOptions): Promise<number> {
  const find = outboundSpans(process.env);
  const inputs = opts.positionals.length > 0 ? opts.positionals : ['-'];
  let failed = 0;
  let total = 0;
  for (const file of inputs) {
    if (file === '-') {
      total += await redactStream(process.stdin, writer(), find);
      continue;
    }
    try {
      const st = await stat(file);
      if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
      total += await redactStream(createReadStream(file), writer(), find);
    } catch (err) {
      failed++;
      const e = err as NodeJS.ErrnoException;
      const why =
        e.code === 'ENOENT'
          ? 'no such file'
          : e.code === 'EACCES'
            ? 'permission denied'
            : e.code === 'EISDIR'
              ? 'is a directory'
              : e.message.split('\n')[0];
      process.stderr.write(`hpc-watch: ${file}: ${why}\n`);
    }
  }
  if (process.stderr.isTTY) process.stderr.write(`hpc-watch: ${total} secret${total === 1 ? '' : 's'} redacted\n`);
  return failed ? 2 : 0;
}
