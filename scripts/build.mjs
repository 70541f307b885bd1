// Bundles the CLI with esbuild: one ESM entry plus lazily loaded chunks, so the
// headless paths (--version, --summary, inspect) never parse Ink or React.

import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { build } from 'esbuild';

const { version } = JSON.parse(readFileSync('package.json', 'utf8'));

// Yoga's Emscripten loader reads its inline wasm with fetch() on a data: URL when fetch exists, and
// fetch loads undici: ~80 ms of every TUI start. Its own base64 path (used where fetch is missing)
// gives the same bytes. The build fails if the pattern moves, rather than silently losing this.
const yogaWithoutFetch = {
  name: 'yoga-without-fetch',
  setup(b) {
    b.onLoad({ filter: /yoga-wasm-base64-esm\.js$/ }, (args) => {
      const src = readFileSync(args.path, 'utf8');
      const pattern = 'w||"function"!=typeof fetch?';
      if (src.split(pattern).length !== 2)
        throw new Error(`yoga-without-fetch: expected ${pattern} once in ${args.path}`);
      return { contents: src.replace(pattern, 'w||true?'), loader: 'js' };
    });
  },
};

// Every importer of string-width (Ink, wrap-ansi, cli-truncate…) gets parsers/string-width.ts, which
// gives the same answers without segmenting plain text on every frame; it alone imports the real one.
const fastWidth = resolve('parsers/string-width.ts');
const stringWidthStandIn = {
  name: 'string-width-stand-in',
  setup(b) {
    b.onResolve({ filter: /^string-width$/ }, (args) =>
      args.importer === fastWidth ? undefined : { path: fastWidth },
    );
  },
};

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
  plugins: [stringWidthStandIn, yogaWithoutFetch],
});
// What the bundle imports at run time, for test/package.test.ts (not shipped).
mkdirSync('.build', { recursive: true });
writeFileSync('.build/meta.json', JSON.stringify(result.metafile));
