/**
 * The diagnosis as fields: the JSON schema handed to `claude --json-schema` (Claude Code then
 * offers the model a `StructuredOutput` tool and validates its input), the check of what came
 * back, and the markdown the TUI and plain output show. A model that answers in prose instead
 * leaves `structured_output` out; the prose is then the answer (see claude.ts).
 */

export const DIAGNOSIS_CLASSES = [
  'GPU OOM',
  'host OOM',
  'time limit',
  'node failure/preemption',
  'NCCL/communication',
  'CUDA error',
  'missing module/dependency',
  'file/path/permission',
  'disk quota',
  'data/NaN',
  'code bug',
  'other',
] as const;

/** One diagnosis as fields (the skill's part A, in order). */
export interface StructuredDiagnosis {
  class: string;
  evidence: string[];
  root_cause: string;
  fix: string[];
  confidence: 'low' | 'medium' | 'high';
}

// Descriptions stay short: the schema is sent with every diagnosis.
export const DIAGNOSIS_SCHEMA = {
  type: 'object',
  properties: {
    class: { type: 'string', enum: DIAGNOSIS_CLASSES },
    evidence: { type: 'array', items: { type: 'string' }, description: 'one or two bundle lines, verbatim' },
    root_cause: { type: 'string', description: 'at most 3 sentences' },
    fix: { type: 'array', items: { type: 'string' }, description: 'concrete changes' },
    confidence: { type: 'string', enum: ['low', 'medium', 'high'] },
  },
  required: ['class', 'evidence', 'root_cause', 'fix', 'confidence'],
  additionalProperties: false,
} as const;

const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** The fields when `v` has the schema's shape, else null (then the prose answer is used). */
export function parseStructured(v: unknown): StructuredDiagnosis | null {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return null;
  const o = v as Record<string, unknown>;
  if (typeof o.class !== 'string' || typeof o.root_cause !== 'string' || !strings(o.evidence) || !strings(o.fix))
    return null;
  if (o.confidence !== 'low' && o.confidence !== 'medium' && o.confidence !== 'high') return null;
  return { class: o.class, evidence: o.evidence, root_cause: o.root_cause, fix: o.fix, confidence: o.confidence };
}

/** The fields as the markdown the skill asks for in prose, so every surface shows one format. */
export function diagnosisMarkdown(d: StructuredDiagnosis): string {
  const out = [`**Class**: ${d.class} (confidence: ${d.confidence})`, '**Evidence**:'];
  for (const e of d.evidence) out.push(`> ${e}`);
  out.push(`**Root cause**: ${d.root_cause}`, '**Fix**:');
  for (const f of d.fix) out.push(`- ${f}`);
  return out.join('\n');
}
