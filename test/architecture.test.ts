/** docs/ARCHITECTURE.md kept true: the import graph of src/, parsers/ and components/ against its tables. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArchitecture, ruleFor, violations } from './helpers/architecture.js';
import { type Edge, type Graph, readGraph } from './helpers/import-graph.js';

const ROOT = resolve(import.meta.dirname, '..');
const arch = parseArchitecture(readFileSync(resolve(ROOT, 'docs/ARCHITECTURE.md'), 'utf8'));
const graph = readGraph(ROOT);

describe('the architecture', () => {
  it('the map has its layers and its headless rule', () => {
    expect(arch.layers.length).toBeGreaterThanOrEqual(15);
    expect(ruleFor(arch, 'parsers/log.ts')?.modules).toEqual(['parsers/']);
    expect(arch.headless[0]?.never).toEqual(expect.arrayContaining(['ink', 'react', 'components/']));
  });

  it('reads the real graph: hundreds of edges, static, dynamic and type-only', () => {
    const edges = [...graph.values()].flat();
    expect(graph.size).toBeGreaterThan(100);
    expect(edges.some((e) => e.dynamic && e.to === 'src/tui/start.ts')).toBe(true);
    expect(graph.get('src/tui/view-model/keys.ts')).toContainEqual({ to: 'ink', typeOnly: true, dynamic: false });
  });

  it('every import in the code is one the map allows, and every file is placed', () => {
    expect(violations(arch, graph)).toEqual([]);
  });
});

describe('the check catches what the map forbids (synthetic graphs)', () => {
  const imp = (to: string, typeOnly = false, dynamic = false): Edge => ({ to, typeOnly, dynamic });
  const check = (g: Record<string, Edge[]>) => violations(arch, new Map(Object.entries(g)) as Graph);

  it('a lawful graph passes', () => {
    expect(
      check({
        'parsers/a.ts': [imp('parsers/b.ts'), imp('node:fs', true)],
        'parsers/b.ts': [],
        'src/headless/x.ts': [imp('src/session.ts'), imp('parsers/a.ts')],
        'src/session.ts': [imp('src/slurm/poller.ts')],
        'src/slurm/poller.ts': [imp('src/transport/types.ts', true)],
        'components/A.tsx': [imp('ink'), imp('src/tui/view-model/rows.ts')],
      }),
    ).toEqual([]);
  });

  it.each([
    ['parsers importing the store', { 'parsers/a.ts': [imp('src/store.ts')] }, /parsers\/a\.ts imports src\/store\.ts/],
    ['parsers doing I/O', { 'parsers/a.ts': [imp('node:fs')] }, /parsers\/a\.ts imports node:fs/],
    [
      'transport importing the poller',
      { 'src/transport/a.ts': [imp('src/slurm/poller.ts')] },
      /src\/transport\/a\.ts imports src\/slurm/,
    ],
    [
      'a view importing a transport',
      { 'components/A.tsx': [imp('src/transport/local.ts')] },
      /components\/A\.tsx imports src\/transport/,
    ],
    ['a view-model importing React', { 'src/tui/view-model/a.ts': [imp('react')] }, /view-model\/a\.ts imports react/],
    ['headless importing Ink directly', { 'src/headless/a.ts': [imp('ink')] }, /src\/headless\/a\.ts imports ink/],
    ['a file the map does not place', { 'src/misc.ts': [] }, /src\/misc\.ts: not placed/],
  ])('%s', (_name, g, message) => {
    expect(check(g).join('\n')).toMatch(message);
  });

  it('headless loading Ink through another module, even one allowed to import it', () => {
    const v = check({
      'src/mcp/server.ts': [imp('src/headless/summary.ts')],
      'src/headless/summary.ts': [imp('src/diagnose/run.ts', false, true)],
      'src/diagnose/run.ts': [imp('src/tui/view-model/cells.ts')],
      'src/tui/view-model/cells.ts': [imp('ink')],
    });
    expect(v).toContain('src/mcp/server.ts loads ink at run time (headless modules never load ink)');
    expect(v.join('\n')).toMatch(/src\/diagnose\/run\.ts imports src\/tui\/view-model\/cells\.ts/);
  });

  it('type-only imports load nothing at run time', () => {
    expect(check({ 'src/diagnose/a.ts': [imp('src/store.ts', true)], 'src/store.ts': [imp('zustand')] })).toEqual([]);
  });
});
