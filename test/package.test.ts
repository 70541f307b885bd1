/**
 * What `npm pack` ships: only what runs (dist/, package.json, README, LICENSE), and as runtime
 * dependencies only what the bundle leaves out (ssh2). Everything else is bundled by esbuild, so
 * a global install stays small and `npx hpc-watch` starts without a dependency tree.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliPath } from './helpers/cluster.js';

const ROOT = resolve(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  bin: Record<string, string>;
};

describe('the package', () => {
  it('the tarball holds only what runs', () => {
    cliPath();
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    const files = (JSON.parse(out) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE', 'dist/cli.js']));
    expect(files.filter((f) => !/^(package\.json|README\.md|LICENSE|dist\/.+\.js)$/.test(f))).toEqual([]);
    expect(files.some((f) => f.startsWith('dist/chunks/'))).toBe(true);
    expect(pkg.bin['hpc-watch']).toBe('dist/cli.js');
  });

  it('the bundle imports nothing at run time but node builtins and its runtime dependencies', () => {
    cliPath();
    // esbuild's own record of the build: every import it left external.
    const meta = JSON.parse(readFileSync(join(ROOT, '.build/meta.json'), 'utf8')) as {
      outputs: Record<string, { imports: { path: string; external?: boolean }[] }>;
    };
    const builtins = new Set(builtinModules);
    const external = Object.values(meta.outputs)
      .flatMap((o) => o.imports)
      .filter((i) => i.external && !i.path.startsWith('node:') && !builtins.has(i.path))
      .map((i) => (i.path.startsWith('@') ? i.path.split('/').slice(0, 2).join('/') : i.path.split('/')[0]!));
    expect(new Set(external)).toEqual(new Set(['ssh2']));
    expect(Object.keys(pkg.dependencies)).toEqual(['ssh2']);
  });

  it('Ink and its helpers measure text with the stand-in, which alone loads string-width', () => {
    cliPath();
    const meta = JSON.parse(readFileSync(join(ROOT, '.build/meta.json'), 'utf8')) as {
      inputs: Record<string, { imports: { path: string; original?: string }[] }>;
    };
    const importers = Object.entries(meta.inputs).flatMap(([file, i]) =>
      i.imports.filter((x) => x.original === 'string-width').map((x) => [file, x.path] as const),
    );
    expect(importers.map(([file]) => file)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/node_modules\/ink\//),
        expect.stringMatching(/node_modules\/wrap-ansi\//),
      ]),
    );
    for (const [file, to] of importers)
      expect(to).toBe(
        file === 'parsers/string-width.ts' ? 'node_modules/string-width/index.js' : 'parsers/string-width.ts',
      );
  });

  it("loads Ink's layout engine without fetch (which would load undici on every start)", () => {
    cliPath();
    const chunk = readdirSync(join(ROOT, 'dist/chunks')).find((f) =>
      readFileSync(join(ROOT, 'dist/chunks', f), 'utf8').includes('yoga'),
    );
    expect(chunk).toBeDefined();
    const script = `let n = 0; const f = globalThis.fetch; globalThis.fetch = (...a) => { n++; return f(...a); };
      await import(${JSON.stringify(join(ROOT, 'dist/chunks', chunk!))}); console.log(n);`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(out.trim()).toBe('0');
  });
});
