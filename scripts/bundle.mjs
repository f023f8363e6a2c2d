// Bundles the compiled CLI (dist/, from tsc) into dist/bin/: one file for the start-up path
// instead of ~300 modules. Loading those modules was most of a run's time on a small repository
// (0.39 s for --version against 0.11 s for `node -e 0`); see bench/RESULTS.md.
//
// - dist/bin/driftcheck.js: the command, src/cli/launch.ts alone (Node built-ins only). It loads
// - dist/bin/core.cjs: the CLI (src/cli/start.ts and all it imports) as one CommonJS file, compiled
//   through vm.Script with the V8 code cache data
// - dist/bin/core.cjs.cache, written here by running the CLI once on the example fixture.
// - dist/bin/run.js (the interactive view: ink/React, imported only by -i), scan-worker.js
//   (worker threads) and index-fetch.js (the --index-url child process): ES modules, as before.
// ink/React, arborist and pip-requirements-js stay external, so they are loaded only when used.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'rolldown';

const OUT = 'dist/bin';
const LAZY_PACKAGES = ['ink', 'react', 'react/jsx-runtime', '@npmcli/arborist', 'pip-requirements-js'];
const lazy = (id) => LAZY_PACKAGES.some((name) => id === name || id.startsWith(`${name}/`));
const WARM_UP = 'fixtures/projects/sutazai';

await rm(OUT, { recursive: true, force: true });

// The ES module entries.
await build({
  input: {
    // the interactive view: main.ts imports it with import('../tui/run.js'), core.cjs with import('./run.js')
    run: 'dist/tui/run.js',
    // run by index-cache.js as a child process, next to it (`./index-fetch.js`)
    'index-fetch': 'dist/metadata/index-fetch.js',
    // started by discover-parallel.js as a worker thread, next to it (`./scan-worker.js`)
    'scan-worker': 'dist/parallel/scan-worker.js',
  },
  platform: 'node',
  external: lazy,
  logLevel: 'warn',
  output: { dir: OUT, format: 'esm', entryFileNames: '[name].js', chunkFileNames: '[name].js', sourcemap: true },
});

// The CLI as one CommonJS file: vm.Script compiles scripts, not ES modules, and only a script can
// be given code cache data on Node 20.
await build({
  input: { core: 'dist/cli/start.js' },
  platform: 'node',
  external: lazy,
  logLevel: 'warn',
  plugins: [
    {
      name: 'interactive-view-stays-apart',
      resolveId(source) {
        return source === '../tui/run.js' ? { id: './run.js', external: true } : null;
      },
    },
  ],
  // ASCII only (strings escaped, comments but licences left out): V8 keeps a one-byte source, which
  // decodes, hashes and compiles faster than a two-byte one, and a smaller file to read.
  output: { dir: OUT, format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false, sourcemap: true, charset: 'ascii', comments: { legal: true, annotation: false, jsdoc: false } },
});

// launch.ts runs core.cjs as a vm.Script, where import() fails: the one import() main.ts has is
// the fallback behind start()'s loader of the interactive view. Refuse any other.
const core = readFileSync(join(OUT, 'core.cjs'), 'utf8');
const dynamicImports = core.match(/\bimport\((?!"\.\/run\.js"\))/g) ?? [];
if (dynamicImports.length > 0) throw new Error(`bundle: core.cjs has ${dynamicImports.length} import() besides the interactive view's; vm.Script cannot run them (src/cli/launch.ts)`);

if (/[^\x00-\x7f]/.test(core)) console.warn('bundle: core.cjs is not ASCII-only: V8 holds it as a two-byte string (slower start-up)');

// The command itself.
await build({
  input: { driftcheck: 'dist/cli/launch.js' },
  platform: 'node',
  logLevel: 'warn',
  output: { dir: OUT, format: 'esm', entryFileNames: '[name].js', sourcemap: false },
});

// The code cache: what one run on the example fixture compiled (a checkout without the fixture
// warms up on --version). A failure here leaves the CLI without a cache, never broken.
const cacheDir = mkdtempSync(join(tmpdir(), 'driftcheck-bundle-'));
try {
  const args = existsSync(WARM_UP) ? [WARM_UP, '--no-cache', '--no-color'] : ['--version'];
  const run = spawnSync(process.execPath, [join(OUT, 'driftcheck.js'), ...args], {
    env: { ...process.env, DRIFTCHECK_BUILD_CODE_CACHE: '1', DRIFTCHECK_CACHE_DIR: cacheDir, NO_COLOR: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  });
  if (run.status !== 0 && run.status !== 1) console.warn(`bundle: no code cache (the warm-up run exited ${run.status}): ${run.stderr.trim()}`);
  else if (!existsSync(join(OUT, 'core.cjs.cache'))) console.warn('bundle: no code cache was written (Node without vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER?)');
} finally {
  rmSync(cacheDir, { recursive: true, force: true });
}
