// Bundles the compiled CLI (dist/, from tsc) into dist/bin/: one file for the start-up path
// instead of ~300 modules. Loading those modules was most of a run's time on a small repository
// (0.39 s for --version against 0.11 s for `node -e 0`); see bench/RESULTS.md.
// ink/React (only -i), arborist and pip-requirements-js (loaded lazily by the rules that need them)
// stay external, so they are still loaded only when used.
import { rm } from 'node:fs/promises';
import { build } from 'rolldown';

const OUT = 'dist/bin';
const LAZY_PACKAGES = ['ink', 'react', 'react/jsx-runtime', '@npmcli/arborist', 'pip-requirements-js'];

await rm(OUT, { recursive: true, force: true });
await build({
  input: {
    driftcheck: 'dist/cli/bin.js',
    // run by index-cache.js as a child process, next to it (`./index-fetch.js`)
    'index-fetch': 'dist/metadata/index-fetch.js',
    // run by npm-graph.js as a child process, next to it (`./npm-graph-child.js`)
    'npm-graph-child': 'dist/metadata/npm-graph-child.js',
    // started by discover-parallel.js as a worker thread, next to it (`./scan-worker.js`)
    'scan-worker': 'dist/parallel/scan-worker.js',
  },
  platform: 'node',
  external: (id) => LAZY_PACKAGES.some((name) => id === name || id.startsWith(`${name}/`)),
  logLevel: 'warn',
  output: {
    dir: OUT,
    format: 'esm',
    entryFileNames: '[name].js',
    chunkFileNames: '[name].js',
    sourcemap: true,
  },
});
