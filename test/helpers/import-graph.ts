/**
 * The project's import graph, read from the TypeScript sources: for each file under src/,
 * parsers/ and components/, what it imports (relative files, packages, node: builtins), and
 * whether only types come from there (erased at run time).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

export interface Edge {
  /** A repo-relative path (`src/store.ts`) or a bare specifier (`ink`, `node:fs`). */
  to: string;
  /** `import type …` / `export type … from`: nothing is loaded at run time. */
  typeOnly: boolean;
  dynamic: boolean;
}

export type Graph = Map<string, Edge[]>;

const ROOTS = ['src', 'parsers', 'components'];
// Static imports and re-exports (`import x from`, `import type {…} from`, `export … from`), side-effect imports,
// dynamic imports.
const STATIC = /^\s*(import|export)\s+(type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^'"]+)['"]/gm;
const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else if (/\.(ts|tsx)$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

function resolveSpec(root: string, from: string, spec: string): string {
  if (!spec.startsWith('.')) return spec;
  const abs = resolve(dirname(join(root, from)), spec).replace(/\.js$/, '');
  for (const ext of ['.ts', '.tsx']) {
    try {
      if (statSync(abs + ext).isFile()) return relative(root, abs + ext);
    } catch {
      // try the next extension
    }
  }
  return relative(root, abs);
}

/** Reads the graph of the repository at `root`. */
export function readGraph(root: string): Graph {
  const g: Graph = new Map();
  for (const top of ROOTS) {
    for (const abs of files(join(root, top))) {
      const file = relative(root, abs);
      const text = readFileSync(abs, 'utf8');
      const edges: Edge[] = [];
      for (const m of text.matchAll(STATIC)) {
        // `import { type A, type B } from` is type-only too.
        const typeOnly =
          Boolean(m[2]) || /^\s*import\s*\{\s*(?:type\s+[\w$]+\s*(?:as\s+[\w$]+\s*)?,?\s*)+\}\s*from/.test(m[0]);
        edges.push({ to: resolveSpec(root, file, m[3]!), typeOnly, dynamic: false });
      }
      for (const m of text.matchAll(DYNAMIC))
        edges.push({ to: resolveSpec(root, file, m[1]!), typeOnly: false, dynamic: true });
      g.set(file, edges);
    }
  }
  return g;
}

/** Every module `file` loads at run time, directly or through others (static and dynamic imports). */
export function runtimeClosure(g: Graph, file: string): Set<string> {
  const seen = new Set<string>();
  const stack = [file];
  while (stack.length) {
    const f = stack.pop()!;
    for (const e of g.get(f) ?? []) {
      if (e.typeOnly || seen.has(e.to)) continue;
      seen.add(e.to);
      if (g.has(e.to)) stack.push(e.to);
    }
  }
  return seen;
}
