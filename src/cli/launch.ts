#!/usr/bin/env node
// The installed driftcheck command: scripts/bundle.mjs bundles this file alone into
// dist/bin/driftcheck.js, and the CLI itself (start.ts and everything it imports) into
// dist/bin/core.cjs beside it. This file imports nothing but Node's own modules.
//
// Start-up: Node 20 has no module compile cache (module.enableCompileCache arrived in Node 22.1),
// so core.cjs is compiled through vm.Script with V8 code cache data (core.cjs.cache) that the
// build produced by running the CLI once: the functions a run needs are deserialized instead of
// parsed and compiled (bench/RESULTS.md has the figures). Code cache data is code, so it is a
// build output beside the bundle, never written at run time and never read from the user cache
// folder (a shared or restored cache folder must not be able to inject code).
//
// scripts/bundle.mjs writes core.cjs as the exact text V8 compiles (the CommonJS wrapper is in the
// file, so the 1.5 MB text is compiled as read, never copied into a wrapped string) and ends it
// with a build id line, a digest of the text above it. The cache file's header holds the same id
// and a digest of its data: the data is used only for the bundle it was made for (the id, read
// from the bundle's last line rather than a digest of the whole bundle computed at every start)
// and only whole (V8 checks its version, flags and the source's length, not a checksum of the
// data). A missing, truncated, corrupt or stale file is ignored and the bundle is compiled as
// usual. An edit of the bundle that keeps its last line and its length is not detected.
import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readFileSync, readSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

type Start = (argv: readonly string[], loadInteractive: () => Promise<never>) => Promise<number>;

const HERE = dirname(fileURLToPath(import.meta.url));
const CORE = join(HERE, 'core.cjs');
const CACHE = `${CORE}.cache`;
const MAGIC = Buffer.from('driftcheck code cache 2\n');
/** The bundle's last line: `BUILD_LINE` and the build id (ID_BYTES hex digits), then a newline. */
const BUILD_LINE = Buffer.from('// driftcheck build ');
const ID_BYTES = 32;
const DIGEST_BYTES = 32;
/** The data for a ~1.4 MB bundle is ~1–2 MB; anything much larger is not ours. */
const MAX_CACHE_BYTES = 64 * 1024 * 1024;
/** Set by scripts/bundle.mjs only: run once and write core.cjs.cache from what the run compiled. */
const WRITE_ENV = 'DRIFTCHECK_BUILD_CODE_CACHE';
/**
 * DRIFTCHECK_CODE_CACHE=off compiles the bundle without the cache (for same-run comparisons in
 * bench/); =report says on stderr whether the cache was used, and why not.
 */
const MODE = process.env['DRIFTCHECK_CODE_CACHE'];

const argv = process.argv.slice(2);
const loaded = load();
// The interactive view is an ES module beside this one (ink and React are ES modules): this
// module imports it for the bundle, which cannot use import() (see load()).
const INTERACTIVE = './run.js';
const code = await loaded.start(argv, () => import(INTERACTIVE) as Promise<never>);
if (loaded.script && process.env[WRITE_ENV] === '1') {
  try {
    if (loaded.id === null) throw new Error('the bundle has no build id line');
    writeCache(loaded.id, loaded.script);
  } catch (error) {
    // The build says so (no cache written); the run's own result stands.
    process.stderr.write(`driftcheck: could not write ${CACHE}: ${(error as NodeJS.ErrnoException).code ?? String(error)}\n`);
  }
}
process.exitCode = code;

interface Loaded {
  readonly start: Start;
  readonly script: vm.Script | null;
  /** The bundle's build id (null: none, or --debug). */
  readonly id: string | null;
}

function load(): Loaded {
  const loaded = loadCore();
  if (MODE === 'report') process.stderr.write(`driftcheck: code cache ${loaded.cache}\n`);
  return loaded;
}

function loadCore(): Loaded & { readonly cache: string } {
  // The script gets no dynamic import() (Node 20's vm needs an experimental loader for it, and
  // loses it for code from the cache): the one module the bundle loads that way, the interactive
  // view, comes through start()'s loader. With --debug, the plain require() lets Node read the
  // bundle's source map for stack traces (as a CommonJS module the file exports its wrapper).
  if (argv.includes('--debug')) {
    process.setSourceMapsEnabled(true);
    return { start: call(createRequire(import.meta.url)('./core.cjs')), script: null, id: null, cache: 'not used (--debug)' };
  }
  const source = readFileSync(CORE);
  const id = buildIdOf(source);
  const cachedData = process.env[WRITE_ENV] === '1' || MODE === 'off' || id === null ? undefined : readCache(id);
  // The file is the wrapper function's expression (see scripts/bundle.mjs): the script's value.
  const script = new vm.Script(source.toString('utf8'), { filename: CORE, ...(cachedData ? { cachedData } : {}) });
  const run = script.runInThisContext() as unknown;
  const start = call(run);
  const cache = MODE === 'off' ? 'not used (DRIFTCHECK_CODE_CACHE=off)' : cachedData === undefined ? 'not used (absent or invalid)' : script.cachedDataRejected === true ? 'not used (rejected by V8)' : 'used';
  return { start, script, id, cache };
}

type Wrapper = (exports: object, require: NodeJS.Require, module: object, filename: string, dirname: string) => void;

/** Runs the bundle's wrapper function as Node's loader runs a module's; its start(). */
function call(wrapper: unknown): Start {
  if (typeof wrapper !== 'function') throw new Error(`${CORE} is not a driftcheck bundle (run \`npm run build\`)`);
  const module = { exports: {} as { start?: Start } };
  (wrapper as Wrapper).call(module.exports, module.exports, createRequire(CORE), module, CORE, HERE);
  if (typeof module.exports.start !== 'function') throw new Error(`${CORE} does not export start()`);
  return module.exports.start;
}

/** The build id on the bundle's last line, or null (not a bundle the build finished). */
function buildIdOf(source: Buffer): string | null {
  const at = source.length - BUILD_LINE.length - ID_BYTES - 1;
  if (at < 1 || source[at - 1] !== 0x0a || source[source.length - 1] !== 0x0a || !source.subarray(at, at + BUILD_LINE.length).equals(BUILD_LINE)) return null;
  const id = source.toString('latin1', at + BUILD_LINE.length, source.length - 1);
  return /^[0-9a-f]+$/.test(id) ? id : null;
}

function digest(data: Buffer): Buffer {
  return createHash('sha256').update(data).digest();
}

/** The code cache data when the file is ours, whole and made for the bundle with this id; else undefined. */
function readCache(id: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(CACHE, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return undefined; // none (a build without it), or a link
  }
  try {
    const stat = fstatSync(fd);
    const head = MAGIC.length + ID_BYTES + DIGEST_BYTES;
    if (!stat.isFile() || stat.size <= head || stat.size > MAX_CACHE_BYTES) return undefined;
    const bytes = Buffer.allocUnsafeSlow(stat.size); // every byte is read below, or it is not used
    let read = 0;
    while (read < bytes.length) {
      const n = readSync(fd, bytes, read, bytes.length - read, read);
      if (n === 0) return undefined;
      read += n;
    }
    if (!bytes.subarray(0, MAGIC.length).equals(MAGIC) || bytes.toString('latin1', MAGIC.length, MAGIC.length + ID_BYTES) !== id) return undefined;
    const data = bytes.subarray(head);
    return digest(data).equals(bytes.subarray(MAGIC.length + ID_BYTES, head)) ? data : undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** Build step: the data for every function this run compiled, written atomically. */
function writeCache(id: string, script: vm.Script): void {
  const data = script.createCachedData();
  const temp = `${CACHE}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, Buffer.concat([MAGIC, Buffer.from(id, 'latin1'), digest(data), data]), { flag: 'wx' });
    renameSync(temp, CACHE);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
