import { describe, expect, it } from 'vitest';
import { SKILL_MD } from '../src/diagnose/skill-text.js';
import { DIAGNOSIS_CLASSES, DIAGNOSIS_SCHEMA, diagnosisMarkdown, parseStructured } from '../src/diagnose/structured.js';

const good = {
  class: 'GPU OOM',
  evidence: ['RuntimeError: CUDA out of memory.'],
  root_cause: 'Batch too large.',
  fix: ['batch size 32'],
  confidence: 'high',
};

describe('structured diagnosis', () => {
  it('accepts the schema shape and drops extra fields', () => {
    expect(parseStructured({ ...good, extra: 1 })).toEqual(good);
  });

  it('rejects anything else, so the prose answer is used instead', () => {
    for (const bad of [
      null,
      'text',
      [good],
      { ...good, evidence: 'one line' },
      { ...good, confidence: 'sure' },
      { ...good, fix: [1] },
      { ...good, class: undefined },
    ]) {
      expect(parseStructured(bad)).toBeNull();
    }
  });

  it('renders the markdown the skill asks for in prose', () => {
    expect(diagnosisMarkdown(parseStructured(good)!)).toBe(
      '**Class**: GPU OOM (confidence: high)\n**Evidence**:\n> RuntimeError: CUDA out of memory.\n**Root cause**: Batch too large.\n**Fix**:\n- batch size 32',
    );
  });

  it('offers exactly the classes the skill lists, and requires every field', () => {
    for (const c of DIAGNOSIS_CLASSES) expect(SKILL_MD).toContain(c);
    expect([...DIAGNOSIS_SCHEMA.required].sort()).toEqual(Object.keys(DIAGNOSIS_SCHEMA.properties).sort());
  });
});
