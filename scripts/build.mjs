// Bundles the CLI with esbuild: one ESM entry plus lazily loaded chunks, so the
// headless paths (--version, --summary, inspect) never parse Ink or React.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

const { version } = JSON.parse(readFileSync('package.json', 'utf8'));

rmSync('dist', { recursive: true, force: true });
const result = await build({
  entryPoints: { cli: 'src/cli.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  chunkNames: 'chunks/[name]-[hash]',
  // ssh2 ships a native binding and cannot be bundled; it is loaded lazily.
  external: ['ssh2', 'cpu-features'],
  alias: { 'react-devtools-core': './src/stubs/react-devtools-core.ts', ws: './src/stubs/ws.ts' },
  define: { 'process.env.NODE_ENV': '"production"', __HPCW_VERSION__: JSON.stringify(version) },
  banner: {
    js: "#!/usr/bin/env node\nimport {createRequire as __cr} from 'node:module';const require=__cr(import.meta.url);",
  },
  logLevel: 'warning',
  metafile: true,
});
// What the bundle imports at run time, for test/package.test.ts (not shipped).
mkdirSync('.build', { recursive: true });
writeFileSync('.build/meta.json', JSON.stringify(result.metafile));
