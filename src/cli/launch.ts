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
// folder (a shared or restored cache folder must not be able to inject code). It is used only
// when its digest (over the bundle's text and the data) matches: a truncated, corrupt or stale
// file is ignored and the bundle is compiled as usual. V8 itself refuses data from another V8
// version or other flags.
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
const MAGIC = Buffer.from('driftcheck code cache 1\n');
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
    writeCache(loaded.source, loaded.script);
  } catch (error) {
    // The build says so (no cache written); the run's own result stands.
    process.stderr.write(`driftcheck: could not write ${CACHE}: ${(error as NodeJS.ErrnoException).code ?? String(error)}\n`);
  }
}
process.exitCode = code;

interface Loaded {
  readonly start: Start;
  readonly script: vm.Script | null;
  readonly source: Buffer;
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
  // bundle's source map for stack traces.
  if (argv.includes('--debug')) {
    process.setSourceMapsEnabled(true);
    return { start: (createRequire(import.meta.url)('./core.cjs') as { start: Start }).start, script: null, source: Buffer.alloc(0), cache: 'not used (--debug)' };
  }
  const source = readFileSync(CORE);
  const cachedData = process.env[WRITE_ENV] === '1' || MODE === 'off' ? undefined : readCache(source);
  const script = new vm.Script(wrap(source.toString('utf8')), { filename: CORE, ...(cachedData ? { cachedData } : {}) });
  const module = { exports: {} as { start?: Start } };
  const run = script.runInThisContext() as (exports: object, require: NodeJS.Require, module: object, filename: string, dirname: string) => void;
  run.call(module.exports, module.exports, createRequire(CORE), module, CORE, HERE);
  if (typeof module.exports.start !== 'function') throw new Error(`${CORE} does not export start()`);
  const cache = MODE === 'off' ? 'not used (DRIFTCHECK_CODE_CACHE=off)' : cachedData === undefined ? 'not used (absent or invalid)' : script.cachedDataRejected === true ? 'not used (rejected by V8)' : 'used';
  return { start: module.exports.start, script, source, cache };
}

/** The CommonJS wrapper, as Node's loader applies it (the code cache is made for this exact text). */
function wrap(code: string): string {
  return `(function (exports, require, module, __filename, __dirname) { ${code}\n});`;
}

function digest(source: Buffer, data: Buffer): Buffer {
  return createHash('sha256').update(source).update(data).digest();
}

/** The code cache data when the file is ours, whole and made for this bundle; else undefined. */
function readCache(source: Buffer): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(CACHE, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return undefined; // none (a build without it), or a link
  }
  try {
    const stat = fstatSync(fd);
    const head = MAGIC.length + DIGEST_BYTES;
    if (!stat.isFile() || stat.size <= head || stat.size > MAX_CACHE_BYTES) return undefined;
    const bytes = Buffer.alloc(stat.size);
    let read = 0;
    while (read < bytes.length) {
      const n = readSync(fd, bytes, read, bytes.length - read, read);
      if (n === 0) return undefined;
      read += n;
    }
    if (!bytes.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
    const data = bytes.subarray(head);
    return digest(source, data).equals(bytes.subarray(MAGIC.length, head)) ? data : undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** Build step: the data for every function this run compiled, written atomically. */
function writeCache(source: Buffer, script: vm.Script): void {
  const data = script.createCachedData();
  const temp = `${CACHE}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, Buffer.concat([MAGIC, digest(source, data), data]), { flag: 'wx' });
    renameSync(temp, CACHE);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
