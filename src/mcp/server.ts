/**
 * The `hpc-watch` MCP server: six tools over the session the TUI would open. Every answer — data
 * and error messages alike — goes through the one outbound redaction before it leaves; a handler
 * that throws becomes an MCP tool error with one clear line, never a dead server. Descriptions
 * are short: Claude Code sends them on every turn.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { outboundRedactor, redactDeep } from '../redact.js';
import {
  cancelOwnJob,
  diagnosisBundle,
  getJob,
  inspectLog,
  listJobs,
  type McpDeps,
  ToolError,
  tailLog,
} from './tools.js';

const jobId = z.string().describe('SLURM job id, e.g. 12345 or 12345_7');
const cluster = z.string().optional().describe('cluster name, when several are watched');
const READ_ONLY = { readOnlyHint: true, destructiveHint: false, openWorldHint: false } as const;

/** Builds the server; `version` is hpc-watch's. */
export function createMcpServer(deps: McpDeps, version: string): McpServer {
  const redactor = outboundRedactor(deps.env);
  // Values are redacted before they are serialised: redacting JSON text could eat its quotes.
  const safe = (v: unknown): string =>
    typeof v === 'string' ? redactor(v).text : JSON.stringify(redactDeep(v, redactor));
  const answer =
    <A>(fn: (deps: McpDeps, args: A) => Promise<unknown>) =>
    async (args: A): Promise<CallToolResult> => {
      try {
        return { content: [{ type: 'text', text: safe(await fn(deps, args)) }] };
      } catch (err) {
        const msg =
          err instanceof ToolError
            ? err.message
            : `hpc-watch: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}`;
        return { content: [{ type: 'text', text: safe(msg) }], isError: true };
      }
    };

  const server = new McpServer({ name: 'hpc-watch', version });
  server.registerTool(
    'list_jobs',
    {
      description:
        'The user’s SLURM jobs as `hpc-watch --summary --json`: running and pending, plus recently ended. Per job: state, elapsed/limit, progress, ETA, will_timeout, failure {category, line}, log paths. Null fields are left out.',
      inputSchema: {
        state: z.string().optional().describe('queued, running, ended, failed, or a SLURM state such as FAILED'),
        since: z.string().optional().describe('only jobs ended within this, e.g. 6h, 2d'),
        all_users: z.boolean().optional().describe('everyone’s jobs (server started with --all-users)'),
        cluster,
        limit: z.number().int().min(1).max(100).optional().describe('at most this many jobs (default 20)'),
      },
      annotations: READ_ONLY,
    },
    answer(listJobs),
  );
  server.registerTool(
    'get_job',
    {
      description:
        'One SLURM job in full: progress, metrics, ETA, time-limit risk, failure, exit note, log paths; CPU/memory/GPU efficiency once it ends, live usage while it runs, why and until when it waits. Any job id, also older ones.',
      inputSchema: { job_id: jobId, cluster },
      annotations: READ_ONLY,
    },
    answer(getJob),
  );
  server.registerTool(
    'tail_log',
    {
      description:
        'The last lines of a job’s stdout or stderr log: progress redraws collapsed, escapes removed, secrets redacted.',
      inputSchema: {
        job_id: jobId,
        cluster,
        stream: z.enum(['out', 'err']).optional().describe('out (default) or err'),
        lines: z.number().int().min(1).max(500).optional().describe('default 50'),
      },
      annotations: READ_ONLY,
    },
    answer(tailLog),
  );
  server.registerTool(
    'inspect_log',
    {
      description:
        'Parse a log file on this machine as `hpc-watch inspect --json`: framework, progress, metrics, failure.',
      inputSchema: { path: z.string().min(1).describe('path of the log file') },
      annotations: READ_ONLY,
    },
    answer(inspectLog),
  );
  server.registerTool(
    'diagnosis_bundle',
    {
      description:
        'The redacted failure bundle of a job (SLURM facts, root-cause line, traceback, log tails), as `hpc-watch diagnose --dry-run`: diagnose it here, no second model call.',
      inputSchema: { job_id: jobId, cluster },
      annotations: READ_ONLY,
    },
    answer(diagnosisBundle),
  );
  server.registerTool(
    'cancel_job',
    {
      description: 'Cancel (scancel) one of the user’s own running or pending jobs. Only when the user asks for it.',
      inputSchema: { job_id: jobId, cluster },
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    answer(cancelOwnJob),
  );
  return server;
}
