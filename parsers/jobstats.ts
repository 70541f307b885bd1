/**
 * Princeton jobstats' per-job summary, which its EpilogSlurmctld stores in the job's AdminComment:
 * `JS1:` + base64(gzip(compact JSON)), or `JS1:Short` / `JS1:None` when there is nothing to say.
 * The JSON (memory in bytes, times in seconds, GPU utilisation in percent, time-averaged):
 * `{"gpus": n, "total_time": elapsed, "nodes": {"<host>": {"cpus", "total_time" (CPU-seconds),
 * "total_memory", "used_memory", "gpu_utilization": {"<minor>": %}, "gpu_total_memory": {…},
 * "gpu_used_memory": {…}}}}`. Written from that documented format; no jobstats code is used.
 */

/** One GPU as jobstats saw it. */
export interface JobstatsGpu {
  /** Mean utilisation over the job, 0–100. */
  util: number | null;
  usedBytes: number | null;
  totalBytes: number | null;
}

/** The summary, added up over nodes. */
export interface Jobstats {
  elapsedS: number | null;
  cpus: number;
  cpuUsedS: number | null;
  memUsedBytes: number | null;
  memTotalBytes: number | null;
  gpus: JobstatsGpu[];
}

/** Turns gzip bytes into text; the caller owns the decompressor (parsers do no I/O and import no zlib). */
export type Inflate = (gz: Uint8Array) => string | null;

const MAX_COMMENT = 1 << 20;

/** The gzip bytes inside a `JS1:` AdminComment; null for `JS1:Short`, `JS1:None`, other comments and junk. */
export function jobstatsPayload(comment: string | null | undefined): Uint8Array | null {
  if (typeof comment !== 'string' || !comment.startsWith('JS1:') || comment.length > MAX_COMMENT) return null;
  const b64 = comment.slice(4).trim();
  // base64 of gzip always starts with H4sI (1f 8b 08); anything else is not a summary.
  if (!b64.startsWith('H4sI') || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return null;
  try {
    const bin = atob(b64);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  } catch {
    return null;
  }
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : null);

function add(a: number | null, b: number | null): number | null {
  if (b === null) return a;
  return (a ?? 0) + b;
}

function record(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** The summary in jobstats' JSON; null when it is not that JSON. */
export function parseJobstatsJson(text: string): Jobstats | null {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return null;
  }
  const top = record(doc);
  if (top.nodes === undefined) return null;
  const out: Jobstats = {
    elapsedS: num(top.total_time),
    cpus: 0,
    cpuUsedS: null,
    memUsedBytes: null,
    memTotalBytes: null,
    gpus: [],
  };
  for (const node of Object.values(record(top.nodes))) {
    const n = record(node);
    out.cpus += num(n.cpus) ?? 0;
    out.cpuUsedS = add(out.cpuUsedS, num(n.total_time));
    out.memUsedBytes = add(out.memUsedBytes, num(n.used_memory));
    out.memTotalBytes = add(out.memTotalBytes, num(n.total_memory));
    const util = record(n.gpu_utilization);
    const used = record(n.gpu_used_memory);
    const total = record(n.gpu_total_memory);
    for (const minor of new Set([...Object.keys(util), ...Object.keys(used), ...Object.keys(total)])) {
      out.gpus.push({ util: num(util[minor]), usedBytes: num(used[minor]), totalBytes: num(total[minor]) });
    }
  }
  return out;
}

/** The jobstats summary in an AdminComment, or null (none, `Short`, `None`, undecodable). */
export function decodeJobstats(comment: string | null | undefined, inflate: Inflate | undefined): Jobstats | null {
  const gz = inflate ? jobstatsPayload(comment) : null;
  if (gz === null || !inflate) return null;
  let text: string | null;
  try {
    text = inflate(gz);
  } catch {
    return null;
  }
  return text === null ? null : parseJobstatsJson(text);
}
