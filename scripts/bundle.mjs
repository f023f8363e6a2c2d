// Bundles what tsc compiled into dist/ for the package: the CLI into dist/bin/ (one file for the
// start-up path instead of ~300 modules: loading those was most of a small run's time, 0.39 s for
// --version against 0.11 s for `node -e 0`; see bench/RESULTS.md), and the library entry
// dist/index.js in place. The package ships these bundles and the .d.ts files, none of the other
// compiled modules (package.json "files"); they stay in dist/ for the tests.
//
// - dist/bin/driftcheck.js: the command, src/cli/launch.ts alone (Node built-ins only). It loads
// - dist/bin/core.cjs: the CLI (src/cli/start.ts and all it imports) as one CommonJS file, compiled
//   through vm.Script with the V8 code cache data of
// - dist/bin/core.cjs.cache, written here by running the CLI once on the example fixture.
// - dist/index.js (the library), dist/bin/run.js (the interactive view, imported only by -i),
//   scan-worker.js (worker threads) and index-fetch.js (the --index-url child process): ES
//   modules sharing their chunks in dist/bin/.
// ink/React (only -i), pip-requirements-js (loaded lazily by the requirements parser),
// @npmcli/arborist (loaded by the npm graph child, npm-graph-child.js, only for a lock that needs it)
// and es-module-lexer, acorn and acorn-walk (required by src/parsers/js-imports.ts on the first
// JavaScript file a Node service runs: es-module-lexer compiles its WebAssembly as soon as it is
// evaluated, so bundled it would cost every run) stay external, so they are still loaded only when
// used; they are the package's only dependencies.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'rolldown';

const OUT = 'dist/bin';
const LIBRARY = 'dist/index.js';
const EXTERNAL_PACKAGES = ['ink', 'react', 'pip-requirements-js', '@npmcli/arborist', 'es-module-lexer', 'acorn', 'acorn-walk'];
const external = (id) => EXTERNAL_PACKAGES.some((name) => id === name || id.startsWith(`${name}/`));
const BANNER = '// driftcheck library bundle (scripts/bundle.mjs)';
const WARM_UP = 'fixtures/projects/sutazai';

// The library is bundled from tsc's dist/index.js onto itself: a second bundling without tsc first
// would read the bundle, whose chunks are about to be deleted.
if (readFileSync(LIBRARY, 'utf8').startsWith(BANNER)) {
  console.error(`${LIBRARY} is already a bundle: run \`npm run build\` (tsc, then this script)`);
  process.exit(1);
}

await rm(OUT, { recursive: true, force: true });

// The ES modules.
await build({
  input: {
    index: LIBRARY,
    // the interactive view: launch.ts imports it for core.cjs (`./run.js`)
    'bin/run': 'dist/tui/run.js',
    // run by index-cache.js as a child process, next to it (`./index-fetch.js`)
    'bin/index-fetch': 'dist/metadata/index-fetch.js',
    // run by npm-graph.js as a child process, next to it (`./npm-graph-child.js`)
    'bin/npm-graph-child': 'dist/metadata/npm-graph-child.js',
    // started by discover-parallel.js as a worker thread, next to it (`./scan-worker.js`)
    'bin/scan-worker': 'dist/parallel/scan-worker.js',
  },
  platform: 'node',
  external,
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

// Bundled CommonJS packages that most runs never use, evaluated on first use instead of at every
// start (their module bodies cost milliseconds: semver builds its regular expressions, dockerfile-ast
// loads vscode-languageserver-types): in core.cjs only, each import line below becomes a stand-in
// whose property reads `require()` the package, which the bundler turns into a call of the package's
// lazy initializer. The stand-in of a class is a function, so `instanceof` and static methods work.
// The build fails when a line is missing: a changed import would otherwise make the package eager
// again without anyone noticing (or use a binding the stand-in does not provide).
const LAZY_IMPORTS = [
  { module: 'dist/model/npm-lock.js', line: "import semver from 'semver';", package: 'semver', bindings: [['semver', null]] },
  { module: 'dist/rules/npm/node-version-drift.js', line: "import semver from 'semver';", package: 'semver', bindings: [['semver', null]] },
  { module: 'dist/parsers/dockerfile.js', line: "import { DockerfileParser, From, ModifiableInstruction } from 'dockerfile-ast';", package: 'dockerfile-ast', bindings: [['DockerfileParser', 'DockerfileParser'], ['From', 'From'], ['ModifiableInstruction', 'ModifiableInstruction']] },
];
const lazyImports = {
  name: 'lazy-commonjs-packages',
  transform(code, id) {
    const lazy = LAZY_IMPORTS.filter((entry) => id.endsWith(entry.module));
    if (lazy.length === 0) return null;
    let out = code;
    for (const entry of lazy) {
      if (!out.includes(entry.line)) throw new Error(`bundle: ${entry.module} no longer has the line \`${entry.line}\` (LAZY_IMPORTS in scripts/bundle.mjs)`);
      const load = `__lazy_${entry.package.replace(/\W/g, '_')}`;
      const standIns = entry.bindings.map(([local, name]) => {
        const target = name === null ? `${load}()` : `${load}()[${JSON.stringify(name)}]`;
        return `const ${local} = new Proxy(function () {}, { get: (_, key) => ${target}[key], construct: (_, args) => new (${target})(...args), apply: (_, self, args) => Reflect.apply(${target}, self, args) });`;
      });
      out = out.replace(entry.line, [`let ${load}_module;`, `const ${load} = () => (${load}_module ??= require(${JSON.stringify(entry.package)}));`, ...standIns].join('\n'));
    }
    return { code: out, map: null };
  },
};

// The CLI as one CommonJS file: vm.Script compiles scripts, not ES modules, and only a script can
// be given code cache data on Node 20.
await build({
  input: { core: 'dist/cli/start.js' },
  platform: 'node',
  external,
  logLevel: 'warn',
  plugins: [
    {
      name: 'interactive-view-stays-apart',
      resolveId(source) {
        return source === '../tui/run.js' ? { id: './run.js', external: true } : null;
      },
    },
    lazyImports,
  ],
  // ASCII only (strings escaped, comments but licences left out): V8 keeps a one-byte source, which
  // decodes, hashes and compiles faster than a two-byte one, and a smaller file to read.
  output: { dir: OUT, format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false, sourcemap: true, charset: 'ascii', comments: { legal: true, annotation: false, jsdoc: false } },
});

// launch.ts runs core.cjs as a vm.Script, where import() fails: the one import() main.ts has is
// the fallback behind start()'s loader of the interactive view. Refuse any other.
const bundled = readFileSync(join(OUT, 'core.cjs'), 'utf8');
const dynamicImports = bundled.match(/\bimport\((?!"\.\/run\.js"\))/g) ?? [];
if (dynamicImports.length > 0) throw new Error(`bundle: core.cjs has ${dynamicImports.length} import() besides the interactive view's; vm.Script cannot run them (src/cli/launch.ts)`);
if (/[^\x00-\x7f]/.test(bundled)) console.warn('bundle: core.cjs is not ASCII-only: V8 holds it as a two-byte string (slower start-up)');

// core.cjs becomes the exact text launch.ts compiles, so that the 1.5 MB text is compiled as read
// (never copied into a wrapped string): Node's CommonJS wrapper around the bundle, as an
// expression whose value is the wrapper function (a vm.Script's completion value) and which a
// require() of the file (launch.ts with --debug, for the source map) gets as its exports. The
// wrapper opens on the bundle's first line, so the source map's lines still hold. The last line is
// the build id, a digest of the text above it, which the code cache's header repeats (launch.ts).
const wrapped = `(typeof module === "object" ? module : {}).exports = (function (exports, require, module, __filename, __dirname) { ${bundled}\n});\n`;
const buildId = createHash('sha256').update(wrapped).digest('hex').slice(0, 32);
writeFileSync(join(OUT, 'core.cjs'), `${wrapped}// driftcheck build ${buildId}\n`);

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
  else if (!existsSync(join(OUT, 'core.cjs.cache'))) console.warn('bundle: no code cache was written');
} finally {
  rmSync(cacheDir, { recursive: true, force: true });
}
