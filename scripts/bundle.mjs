// Bundles what tsc compiled into dist/ for the package: the CLI into dist/bin/ (one file for the
// start-up path instead of ~300 modules: loading those was most of a small run's time, 0.39 s for
// --version against 0.11 s for `node -e 0`; see bench/RESULTS.md), and the library entry
// dist/index.js in place, sharing the CLI's chunks. The package ships these bundles and the .d.ts
// files, none of the other compiled modules (package.json "files"); they stay in dist/ for the tests.
// ink/React (only -i), pip-requirements-js (loaded lazily by the requirements parser) and
// @npmcli/arborist (loaded by the npm graph child, only for a lock that needs it) stay external,
// so they are still loaded only when used; they are the package's only dependencies.
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { build } from 'rolldown';

const OUT = 'dist/bin';
const LIBRARY = 'dist/index.js';
const EXTERNAL_PACKAGES = ['ink', 'react', 'pip-requirements-js', '@npmcli/arborist'];
const BANNER = '// driftcheck library bundle (scripts/bundle.mjs)';

// The library is bundled from tsc's dist/index.js onto itself: a second bundling without tsc first
// would read the bundle, whose chunks are about to be deleted.
if (readFileSync(LIBRARY, 'utf8').startsWith(BANNER)) {
  console.error(`${LIBRARY} is already a bundle: run \`npm run build\` (tsc, then this script)`);
  process.exit(1);
}

await rm(OUT, { recursive: true, force: true });
await build({
  input: {
    index: LIBRARY,
    'bin/driftcheck': 'dist/cli/bin.js',
    // run by index-cache.js as a child process, next to it (`./index-fetch.js`)
    'bin/index-fetch': 'dist/metadata/index-fetch.js',
    // run by npm-graph.js as a child process, next to it (`./npm-graph-child.js`)
    'bin/npm-graph-child': 'dist/metadata/npm-graph-child.js',
    // started by discover-parallel.js as a worker thread, next to it (`./scan-worker.js`)
    'bin/scan-worker': 'dist/parallel/scan-worker.js',
  },
  platform: 'node',
  external: (id) => EXTERNAL_PACKAGES.some((name) => id === name || id.startsWith(`${name}/`)),
  logLevel: 'warn',
  output: {
    dir: 'dist',
    format: 'esm',
    entryFileNames: '[name].js',
    // Every shared chunk beside the workers, which the chunks find through import.meta.url.
    chunkFileNames: 'bin/[name].js',
    // For `--debug` in a checkout (process.setSourceMapsEnabled); the package does not ship them.
    sourcemap: true,
    banner: (chunk) => (chunk.name === 'index' && chunk.isEntry ? BANNER : ''),
  },
});
