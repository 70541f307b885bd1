/**
 * The rules of docs/ARCHITECTURE.md as data, and the check of an import graph against them. The
 * tables in the document are the source: change the map, and the test follows.
 */
import { type Graph, runtimeClosure } from './import-graph.js';

export interface Allowance {
  /** `parsers/` (a directory), `src/store.ts` (a file), `ink` (a package), `node:`. */
  spec: string;
  typesOnly: boolean;
}

export interface LayerRule {
  modules: string[];
  allow: Allowance[];
}

export interface HeadlessRule {
  modules: string[];
  never: string[];
}

export interface Architecture {
  layers: LayerRule[];
  headless: HeadlessRule[];
}

const ALWAYS = ['src/errors.ts'];

function tableAfter(md: string, heading: string): string[][] {
  const start = md.indexOf(heading);
  if (start < 0) throw new Error(`docs/ARCHITECTURE.md has no "${heading}" section`);
  const rows: string[][] = [];
  for (const line of md.slice(start).split('\n').slice(1)) {
    if (line.startsWith('## ')) break;
    if (!line.startsWith('|') || /^\|\s*-/.test(line)) continue;
    rows.push(
      line
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim()),
    );
  }
  return rows.slice(1); // the header row
}

function items(cell: string): Allowance[] {
  return [...cell.matchAll(/`([^`]+)`(\s*\(types\))?/g)].map((m) => ({ spec: m[1]!, typesOnly: Boolean(m[2]) }));
}

/** Reads the two tables of docs/ARCHITECTURE.md. */
export function parseArchitecture(md: string): Architecture {
  const layers = tableAfter(md, '## Modules and what they may import').map((r) => ({
    modules: items(r[0] ?? '').map((i) => i.spec),
    allow: items(r[2] ?? ''),
  }));
  const headless = tableAfter(md, '## Headless modules').map((r) => ({
    modules: items(r[0] ?? '').map((i) => i.spec),
    never: items(r[1] ?? '').map((i) => i.spec),
  }));
  return { layers, headless };
}

const isRepoPath = (p: string) => /^(src|parsers|components)\//.test(p);

/** Whether `target` (a repo path, `node:x` or a package specifier) is what `spec` names. */
export function matches(spec: string, target: string): boolean {
  if (spec === 'node:') return target.startsWith('node:');
  if (spec.endsWith('/')) return target.startsWith(spec);
  if (isRepoPath(spec)) return target === spec;
  // A package: `zustand` covers `zustand/vanilla`, `date-fns` covers `date-fns/format`.
  return target === spec || target.startsWith(`${spec}/`);
}

/** The row that places `file`: the most specific module pattern that matches it. */
export function ruleFor(arch: Architecture, file: string): LayerRule | null {
  let best: { rule: LayerRule; len: number } | null = null;
  for (const rule of arch.layers) {
    for (const m of rule.modules) {
      if (matches(m, file) && (!best || m.length > best.len)) best = { rule, len: m.length };
    }
  }
  return best?.rule ?? null;
}

/** Every import the architecture forbids, and every file it does not place, as readable lines. */
export function violations(arch: Architecture, g: Graph): string[] {
  const out: string[] = [];
  for (const [file, edges] of g) {
    const rule = ruleFor(arch, file);
    if (!rule) {
      out.push(`${file}: not placed by any row of docs/ARCHITECTURE.md`);
      continue;
    }
    const nodeRestricted = rule.allow.find((a) => a.spec === 'node:');
    for (const e of edges) {
      if (isRepoPath(e.to) && ruleFor(arch, e.to) === rule) continue;
      if (ALWAYS.includes(e.to)) continue;
      if (e.to.startsWith('node:') && !nodeRestricted) continue;
      const ok = rule.allow.some((a) => matches(a.spec, e.to) && (!a.typesOnly || e.typeOnly));
      if (!ok)
        out.push(
          `${file} imports ${e.to}${e.typeOnly ? ' (types)' : ''}: not allowed by its row (${rule.modules.join(', ')})`,
        );
    }
  }
  for (const h of arch.headless) {
    for (const file of g.keys()) {
      if (!h.modules.some((m) => matches(m, file))) continue;
      for (const loaded of runtimeClosure(g, file)) {
        const bad = h.never.find((n) => matches(n, loaded));
        if (bad) out.push(`${file} loads ${loaded} at run time (headless modules never load ${bad})`);
      }
    }
  }
  return out;
}
