/**
 * A local stand-in for the Anthropic Messages API, so the real `claude` CLI runs offline in tests
 * and the bench (ANTHROPIC_BASE_URL=<url>). It records every request and answers from a script:
 * text, scripted tool calls, or an HTTP error, streamed (SSE, what the CLI asks for) or not.
 * `usage.input_tokens` is the request's JSON length / 4 — the same estimate as the excerpt's
 * token budget — and the CLI prices it at list prices into `total_cost_usd`; each record keeps
 * what it billed.
 *
 * Which reply: the first rule whose `when` matches, else `turns[k]` where k = the number of
 * assistant messages already in the request (the conversation is the cursor: no server state),
 * else `default`, else a fixed text.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Reply {
  text?: string;
  tool_use?: { name: string; input: unknown; id?: string }[];
  /** Answer by calling the `StructuredOutput` tool that `--json-schema` adds. */
  structured?: unknown;
  stop_reason?: string;
  status?: number;
  error?: { type: string; message: string };
}

export interface When {
  /** A tool of this name is offered in `tools`. */
  tool?: string;
  /** The last user message contains this. */
  last_user_includes?: string;
}

export interface Script {
  rules?: { when: When; reply: Reply }[];
  turns?: Reply[];
  default?: Reply;
}

export interface RecordedRequest {
  method: string;
  path: string;
  body: MessagesBody;
  reply: Reply | null;
  /** What this answer billed: the CLI's reported tokens must add up to these. */
  usage: { input_tokens: number; output_tokens: number } | null;
}

export interface MessagesBody {
  model?: string;
  system?: unknown;
  messages?: { role: string; content: unknown }[];
  tools?: { name: string; input_schema?: unknown }[];
  stream?: boolean;
  [k: string]: unknown;
}

export interface Standin {
  url: string;
  requests: RecordedRequest[];
  /** The `/v1/messages` requests only. */
  messages(): RecordedRequest[];
  close(): Promise<void>;
}

const DEFAULT_TEXT = 'stand-in answer';
const tok = (s: string) => Math.max(1, Math.ceil(s.length / 4));
const newId = (p: string) => `${p}_01${randomUUID().replace(/-/g, '').slice(0, 22)}`;

/** The text of a message's content (text blocks and tool results), for matching and asserting. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((b: { type?: string; text?: string; content?: unknown }) =>
      b?.type === 'text' ? (b.text ?? '') : b?.type === 'tool_result' ? contentText(b.content) : '',
    )
    .join('\n');
}

function matches(when: When, body: MessagesBody): boolean {
  if (when.tool && !(body.tools ?? []).some((t) => t.name === when.tool)) return false;
  if (when.last_user_includes) {
    const last = (body.messages ?? []).filter((m) => m.role === 'user').at(-1);
    if (!last || !contentText(last.content).includes(when.last_user_includes)) return false;
  }
  return true;
}

function pickReply(script: Script, body: MessagesBody): Reply {
  for (const r of script.rules ?? []) if (matches(r.when, body)) return r.reply;
  const k = (body.messages ?? []).filter((m) => m.role === 'assistant').length;
  return script.turns?.[k] ?? script.default ?? { text: DEFAULT_TEXT };
}

type Block = { type: 'text'; text: string } | { type: 'tool_use'; id: string; name: string; input: unknown };

function blocksOf(reply: Reply): Block[] {
  const blocks: Block[] = [];
  if (reply.text !== undefined) blocks.push({ type: 'text', text: reply.text });
  for (const t of reply.tool_use ?? [])
    blocks.push({ type: 'tool_use', id: t.id ?? newId('toolu'), name: t.name, input: t.input ?? {} });
  if (reply.structured !== undefined)
    blocks.push({ type: 'tool_use', id: newId('toolu'), name: 'StructuredOutput', input: reply.structured });
  if (blocks.length === 0) blocks.push({ type: 'text', text: DEFAULT_TEXT });
  return blocks;
}

function sse(res: ServerResponse, event: string, data: object): void {
  res.write(`event: ${event}\ndata: ${JSON.stringify({ type: event, ...data })}\n\n`);
}

function answer(res: ServerResponse, raw: string, body: MessagesBody, reply: Reply, rec: RecordedRequest): void {
  const blocks = blocksOf(reply);
  const usage = {
    input_tokens: tok(raw),
    output_tokens: blocks.reduce((n, b) => n + tok(b.type === 'text' ? b.text : JSON.stringify(b.input)), 0),
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
  };
  rec.usage = { input_tokens: usage.input_tokens, output_tokens: usage.output_tokens };
  const stop_reason = reply.stop_reason ?? (blocks.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn');
  const model = body.model ?? 'claude-standin';
  const id = newId('msg');
  if (!body.stream) {
    res.writeHead(200, { 'content-type': 'application/json', 'request-id': newId('req') });
    res.end(
      JSON.stringify({
        id,
        type: 'message',
        role: 'assistant',
        model,
        content: blocks,
        stop_reason,
        stop_sequence: null,
        usage,
      }),
    );
    return;
  }
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'request-id': newId('req'),
  });
  sse(res, 'message_start', {
    message: {
      id,
      type: 'message',
      role: 'assistant',
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { ...usage, output_tokens: 1 },
    },
  });
  blocks.forEach((b, index) => {
    if (b.type === 'text') {
      sse(res, 'content_block_start', { index, content_block: { type: 'text', text: '' } });
      sse(res, 'content_block_delta', { index, delta: { type: 'text_delta', text: b.text } });
    } else {
      sse(res, 'content_block_start', {
        index,
        content_block: { type: 'tool_use', id: b.id, name: b.name, input: {} },
      });
      sse(res, 'content_block_delta', {
        index,
        delta: { type: 'input_json_delta', partial_json: JSON.stringify(b.input) },
      });
    }
    sse(res, 'content_block_stop', { index });
  });
  sse(res, 'message_delta', {
    delta: { stop_reason, stop_sequence: null },
    usage: { output_tokens: usage.output_tokens },
  });
  sse(res, 'message_stop', {});
  res.end();
}

function fail(res: ServerResponse, status: number, type: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'request-id': newId('req') });
  res.end(JSON.stringify({ type: 'error', error: { type, message } }));
}

/** Starts the stand-in on 127.0.0.1 (a free port). */
export async function startStandin(script: Script = {}): Promise<Standin> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(parts).toString('utf8');
      let body: MessagesBody = {};
      try {
        body = raw ? (JSON.parse(raw) as MessagesBody) : {};
      } catch {
        // recorded as an empty body; the CLI never sends invalid JSON
      }
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const rec: RecordedRequest = { method: req.method ?? '', path, body, reply: null, usage: null };
      requests.push(rec);
      if (req.method === 'POST' && path === '/v1/messages') {
        const reply = pickReply(script, body);
        rec.reply = reply;
        if (reply.status)
          return fail(res, reply.status, reply.error?.type ?? 'api_error', reply.error?.message ?? 'stand-in error');
        return answer(res, raw, body, reply, rec);
      }
      // Older CLIs pre-connect with `HEAD /`.
      if (req.method === 'HEAD' || path === '/') {
        res.writeHead(200);
        return res.end();
      }
      return fail(res, 404, 'not_found_error', `stand-in: no route for ${req.method} ${path}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    messages: () => requests.filter((r) => r.path === '/v1/messages'),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
