// The result cache (src/cache/result-cache.ts), through the real CLI: a warm run prints exactly
// what a fresh audit prints, any change to an input is seen, fresh (racy) inputs and corrupt
// entries never produce a stale report, and concurrent runs agree.
import { spawn } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { audit } from '../src/audit.js';
import { readCachedReport, writeCachedReport } from '../src/cache/result-cache.js';
import { openParseCache } from '../src/cache/parse-cache.js';
import { auditInParallel } from '../src/engine/pipeline.js';
import { simulateTimestampResolution } from '../src/discover.js';
import { atomicWrite } from '../src/util/safe-fs.js';
import { CLI, REPO_ROOT, type RunResult } from './helpers/cli.js';
import { runCliInProcess } from './helpers/in-process.js';

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

/** Sets every file's mtime an hour back, so the inputs are not "racy" and a run may be stored. */
function age(dir: string): void {
  const past = new Date(Date.now() - 3_600_000);
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) utimesSync(join(entry.parentPath, entry.name), past, past);
  }
}

/** A copy of a fixture with old mtimes, and an empty cache directory of its own. */
function agedCopy(fixture: string): { dir: string; cache: string } {
  const dir = tempDir('driftcheck-cache-tree-');
  cpSync(join(REPO_ROOT, 'fixtures/projects', fixture), dir, { recursive: true });
  age(dir);
  return { dir, cache: tempDir('driftcheck-cache-dir-') };
}

const cli = (args: readonly string[], dir: string, cache: string): Promise<RunResult> => runCliInProcess(['.', ...args], { cwd: dir, env: { DRIFTCHECK_CACHE_DIR: cache } });
const entries = (cache: string): string[] => {
  try {
    return readdirSync(join(cache, 'results')).filter((name) => name.endsWith('.json'));
  } catch {
    return [];
  }
};

/** An entry: a header line (key, signature, extra files) and the report line (result-cache.ts). */
function readEntry<R>(path: string): { header: Record<string, unknown>; report: R } {
  const [header, report, ...rest] = readFileSync(path, 'utf8').split('\n');
  expect(rest, 'two lines').toEqual([]);
  return { header: JSON.parse(header ?? '') as Record<string, unknown>, report: JSON.parse(report ?? '') as R };
}
function writeEntry(path: string, entry: { header: Record<string, unknown>; report: unknown }): void {
  writeFileSync(path, `${JSON.stringify(entry.header)}\n${JSON.stringify(entry.report)}`);
}

const FIXTURES = readdirSync(join(REPO_ROOT, 'fixtures/projects')).sort();

describe('warm runs print what a fresh audit prints', () => {
  for (const fixture of FIXTURES) {
    it(fixture, async () => {
      const { dir, cache } = agedCopy(fixture);
      for (const args of [['--format', 'json'], ['--format', 'sarif'], ['--quiet', '--fail-on', 'warning']]) {
        const fresh = await cli([...args, '--no-cache'], dir, cache);
        expect(entries(cache).length, '--no-cache refreshes the entry').toBeGreaterThan(0);
        const cold = await cli(args, dir, cache);
        const warm = await cli(args, dir, cache);
        expect(cold).toEqual(fresh);
        expect(warm).toEqual(fresh);
      }
      expect(entries(cache).length).toBeGreaterThan(0);
    });
  }
});

describe('the cache is really used, and never trusted when it should not be', () => {
  it('a warm run answers from the entry (a doctored entry shows through)', async () => {
    const { dir, cache } = agedCopy('sutazai');
    await cli(['--format', 'json'], dir, cache);
    const [name] = entries(cache);
    const path = join(cache, 'results', name ?? '');
    const entry = readEntry<{ findings: { message: string }[] }>(path);
    const first = entry.report.findings[0];
    if (!first) throw new Error('sutazai has findings');
    first.message = 'DOCTORED';
    writeEntry(path, entry);
    expect((await cli(['--format', 'json'], dir, cache)).stdout).toContain('DOCTORED');
    expect((await cli(['--format', 'json', '--no-cache'], dir, cache)).stdout).not.toContain('DOCTORED');
    // The --no-cache run replaced the stale entry: the next cached run is fresh too (#22 point 9).
    expect((await cli(['--format', 'json'], dir, cache)).stdout).not.toContain('DOCTORED');
  });

  it('sees an edited file, a new file and a removed file', async () => {
    const { dir, cache } = agedCopy('sutazai');
    const fresh = (): Promise<RunResult> => cli(['--format', 'json', '--no-cache'], dir, cache);
    const check = async (): Promise<void> => {
      age(dir); // old mtimes again: only size, ctime and inode can tell
      const cached = await cli(['--format', 'json'], dir, cache);
      expect(cached).toEqual(await fresh());
    };
    await cli(['--format', 'json'], dir, cache);
    const before = (await cli(['--format', 'json'], dir, cache)).stdout;

    // an edited file (main.py now also imports a module that does not exist yet)
    appendFileSync(join(dir, 'backend/app/main.py'), '\nimport left_pad_for_python\nfrom app import extra\n');
    await check();
    expect((await cli(['--format', 'json'], dir, cache)).stdout).toContain('left_pad_for_python');

    // a new file, nothing else touched
    writeFileSync(join(dir, 'backend/app/extra.py'), 'import another_missing_thing\n');
    await check();
    expect((await cli(['--format', 'json'], dir, cache)).stdout).toContain('another_missing_thing');

    // a removed file
    rmSync(join(dir, 'backend/app/extra.py'));
    await check();
    expect((await cli(['--format', 'json'], dir, cache)).stdout).not.toContain('another_missing_thing');
    expect((await cli(['--format', 'json'], dir, cache)).stdout).not.toBe(before);
  });

  it("sees an edit of a JavaScript file a Node service's entry reaches (read on demand, not discovered)", async () => {
    const dir = tempDir('driftcheck-cache-node-');
    cpSync(join(REPO_ROOT, 'fixtures/rules/node-module-missing-in-image/flags-undeclared-require'), dir, { recursive: true });
    age(dir);
    const cache = tempDir('driftcheck-cache-dir-');
    const args = ['--select', 'NPM004', '--format', 'json'];
    expect((await cli(args, dir, cache)).stdout).toContain('requires pg');
    expect(entries(cache)).toHaveLength(1);
    writeFileSync(join(dir, 'lib.js'), "const { Pool } = require('express');\nexports.connect = async () => new Pool();\n");
    age(dir);
    const warm = await cli(args, dir, cache);
    expect(warm).toEqual(await cli([...args, '--no-cache'], dir, cache));
    expect(warm.stdout).not.toContain('requires pg');
  });

  it('on a miss, discovery replays the walk of the check: the same report as --no-cache, warnings in order', async () => {
    const { dir, cache } = agedCopy('sutazai');
    const args = ['--format', 'json', '--max-files', '9'];
    await cli(args, dir, cache);
    expect(entries(cache)).toHaveLength(1);
    // Then a warning from reading (a binary .py file) before one from the walk itself (the file limit).
    writeFileSync(join(dir, 'agents/blob.py'), Buffer.from([0x69, 0x6d, 0x00, 0x70]));
    appendFileSync(join(dir, 'agents/worker.py'), '\nimport left_pad_for_python\n');
    const missed = await cli([...args, '--debug'], dir, cache);
    expect(missed.stderr).toContain('debug: result cache: miss; discovery replayed the walk of its check');
    const fresh = await cli([...args, '--no-cache', '--debug'], dir, cache);
    expect(fresh.stderr).not.toContain('replayed the walk');
    expect(missed.stdout).toBe(fresh.stdout);
    expect(missed.status).toBe(fresh.status);
    const warnings = (JSON.parse(missed.stdout) as { warnings: { message: string }[] }).warnings.map((w) => w.message);
    expect(warnings.findIndex((m) => m.startsWith('binary file'))).toBeGreaterThanOrEqual(0);
    expect(warnings.findIndex((m) => m.startsWith('binary file'))).toBeLessThan(warnings.findIndex((m) => m.startsWith('file limit of 9')));
    expect(missed.stdout).toContain('left_pad_for_python');
  });

  it('options and config are part of the key', async () => {
    const { dir, cache } = agedCopy('sutazai');
    const all = await cli(['--format', 'json'], dir, cache);
    const some = await cli(['--format', 'json', '--select', 'PROD'], dir, cache);
    expect(some.stdout).not.toBe(all.stdout);
    expect(some).toEqual(await cli(['--format', 'json', '--select', 'PROD', '--no-cache'], dir, cache));
    writeFileSync(join(dir, '.driftcheck.yaml'), 'rules:\n  DEP001: off\n');
    age(dir);
    expect(await cli(['--format', 'json'], dir, cache)).toEqual(await cli(['--format', 'json', '--no-cache'], dir, cache));
    expect((await cli(['--format', 'json'], dir, cache)).stdout).not.toContain('"DEP001"');
  });

  it('signs a file read on demand by the stat taken as it was read', () => {
    const dir = tempDir('driftcheck-cache-tree-');
    const cache = tempDir('driftcheck-cache-dir-');
    // deps.pip is no name discovery reads: only the install step's -r reads it, on demand.
    writeFileSync(join(dir, 'Dockerfile'), 'FROM python:3.12-slim\nCOPY deps.pip .\nRUN pip install -r deps.pip\nCOPY app.py .\nCMD ["python", "app.py"]\n');
    writeFileSync(join(dir, 'app.py'), 'import yaml\n');
    writeFileSync(join(dir, 'deps.pip'), 'requests==2.32.3\n');
    age(dir);
    const options = { root: dir };
    const startedAt = Date.now();
    const result = audit(options);
    expect(result.inputs.some((input) => input.rel === 'deps.pip')).toBe(false);
    expect(result.project.files.has('deps.pip')).toBe(true);
    // Replaced after it was read, keeping its old mtime (an extraction, touch -d): not this result's input.
    writeFileSync(join(dir, 'deps.pip'), 'requests==2.32.3\nPyYAML==6.0.2\n');
    const past = new Date(Date.now() - 3_600_000);
    utimesSync(join(dir, 'deps.pip'), past, past);
    writeCachedReport(cache, options, result, startedAt);
    expect(readCachedReport(cache, options)).toBeNull();
  });

  it('does not store a run when a file whose text was not held changed before it could be signed', async () => {
    const dir = tempDir('driftcheck-cache-tree-');
    const cache = tempDir('driftcheck-cache-dir-');
    writeFileSync(join(dir, 'Dockerfile'), 'FROM python:3.12-slim\nCOPY app.py .\nCMD ["python", "-m", "app"]\n');
    // No finding in app.py, and run as a module: nothing reads its text during the audit.
    writeFileSync(join(dir, 'app.py'), 'import os\n');
    age(dir); // old mtimes, fresh ctimes: app.py is signed by its text, read again (not held)
    const options = { root: dir };
    const startedAt = Date.now();
    const result = await auditInParallel({ ...options, parseMemo: openParseCache(join(cache, 'parsed'), dir, true, startedAt) }, 1);
    expect(result.findings.filter((f) => f.file === 'app.py')).toEqual([]);
    writeFileSync(join(dir, 'app.py'), 'import re\n');
    utimesSync(join(dir, 'app.py'), new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000));
    expect(() => writeCachedReport(cache, options, result, startedAt)).not.toThrow();
    expect(readCachedReport(cache, options)).toBeNull();
    // Unchanged, the same run is stored: the test above is not vacuous.
    const again = await auditInParallel({ ...options, parseMemo: openParseCache(join(cache, 'parsed'), dir, true, startedAt) }, 1);
    writeCachedReport(cache, options, again, startedAt);
    expect(readCachedReport(cache, options)?.findings).toEqual(again.findings);
  });

  it('does not store a run whose inputs were modified moments ago (racy mtimes)', async () => {
    const dir = tempDir('driftcheck-cache-racy-');
    cpSync(join(REPO_ROOT, 'fixtures/projects/sutazai'), dir, { recursive: true });
    const cache = tempDir('driftcheck-cache-dir-');
    await cli(['--format', 'json'], dir, cache);
    expect(entries(cache)).toEqual([]);
  });

  // Issue #22 (9b). On this test machine's filesystem ctime moves by nanoseconds on every write, so
  // the stale case cannot happen for real here: stampOf is made to truncate times to whole seconds,
  // as FAT/HFS+/some network mounts store them, and the replacement is made within the same second.
  it('a same-size replacement keeping mtime within the same second (1 s timestamps) is not served stale', async () => {
    simulateTimestampResolution(1000);
    try {
      for (let attempt = 0; ; attempt++) {
        const dir = tempDir('driftcheck-cache-coarse-');
        const cache = tempDir('driftcheck-cache-dir-');
        writeFileSync(join(dir, 'Dockerfile'), 'FROM python:3.12-slim\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY app.py .\nUSER app\nCMD ["python", "app.py"]\n');
        writeFileSync(join(dir, 'requirements.txt'), 'requests==2.32.3\n');
        writeFileSync(join(dir, 'app.py'), 'import requests\n');
        await cli(['--format', 'json', '--no-cache'], dir, cache); // warm the modules: the runs below take milliseconds
        await new Promise((resolve) => setTimeout(resolve, 1005 - (Date.now() % 1000))); // just after a second starts
        age(dir); // old mtimes (so the run is stored); ctime is now
        const app = join(dir, 'app.py');
        const before = statSync(app);
        expect((await cli(['--format', 'json'], dir, cache)).stdout).not.toContain('reqwests');
        expect(entries(cache).length, 'an old mtime: the run is stored').toBe(1);
        // Its files' ctimes are fresh: signed by their text too. Doctored, to show a hit below.
        const path = join(cache, 'results', entries(cache)[0] ?? '');
        const entry = readEntry<{ services: { entry: string }[] }>(path);
        expect(entry.header['digested']).toContain('app.py');
        for (const service of entry.report.services) service.entry = 'DOCTORED';
        writeEntry(path, entry);
        expect((await cli(['--format', 'json'], dir, cache)).stdout, 'unchanged: served from the cache').toContain('DOCTORED');
        // `cp -p` of a same-size file: same inode, size and mtime; ctime moves, but not to another second.
        writeFileSync(app, 'import reqwests\n');
        utimesSync(app, before.atime, before.mtime);
        const after = statSync(app);
        const sameSecond = Math.floor(after.ctimeMs / 1000) === Math.floor(before.ctimeMs / 1000);
        if (!sameSecond && attempt < 4) continue; // a slow moment straddled a second: try again
        expect(sameSecond, 'the replacement landed in the same second').toBe(true);
        expect([after.ino, after.size, after.mtimeMs]).toEqual([before.ino, before.size, before.mtimeMs]);
        const warm = await cli(['--format', 'json'], dir, cache);
        expect(warm.stdout).toContain('reqwests');
        expect(warm.stdout).not.toContain('DOCTORED');
        expect(warm).toEqual(await cli(['--format', 'json', '--no-cache'], dir, cache));
        return;
      }
    } finally {
      simulateTimestampResolution(0);
    }
  });

  it('ignores a corrupt or truncated entry', async () => {
    const { dir, cache } = agedCopy('sutazai');
    const fresh = await cli(['--format', 'json'], dir, cache);
    const [name] = entries(cache);
    const path = join(cache, 'results', name ?? '');
    const [header = '', report = ''] = readFileSync(path, 'utf8').split('\n');
    const junks = [
      '', '{', 'null', '{"format":1}', readFileSync(path, 'utf8').slice(0, 1000), '\u0000\u0001binary',
      header, `${header}\n`, `${header}\n${report.slice(0, report.length >> 1)}`, `${header}\nnull`, `${header}\n{"root":"."}`,
    ];
    for (const junk of junks) {
      writeFileSync(path, junk);
      const run = await cli(['--format', 'json'], dir, cache);
      expect(run).toEqual(fresh);
    }
  });

  it('writes an entry without fsync (a cut-short entry is a miss, above); other atomic writes still sync', () => {
    const fsModule = createRequire(import.meta.url)('node:fs') as { fsyncSync: (fd: number) => void };
    const original = fsModule.fsyncSync;
    let syncs = 0;
    fsModule.fsyncSync = (fd) => {
      syncs++;
      original(fd);
    };
    syncBuiltinESMExports();
    try {
      const { dir, cache } = agedCopy('sutazai');
      const options = { root: dir };
      writeCachedReport(join(cache, 'results'), options, audit(options), Date.now());
      expect(entries(cache)).toHaveLength(1);
      expect(syncs).toBe(0);
      atomicWrite(join(dir, 'written.txt'), 'x');
      expect(syncs).toBe(1);
    } finally {
      fsModule.fsyncSync = original;
      syncBuiltinESMExports();
    }
  });

  it('concurrent cold runs agree and leave one whole entry', async () => {
    const { dir, cache } = agedCopy('monorepo-shared-requirements');
    const runAsync = (): Promise<{ status: number | null; stdout: string }> =>
      new Promise((resolve) => {
        const child = spawn(process.execPath, [CLI, '.', '--format', 'json'], { cwd: dir, env: { ...process.env, DRIFTCHECK_CACHE_DIR: cache } });
        let stdout = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.on('close', (status) => resolve({ status, stdout }));
      });
    const runs = await Promise.all(Array.from({ length: 6 }, runAsync));
    // In process, with a cache folder of its own: --no-cache refreshes entries, and the in-process
    // build signs them differently from the spawned one.
    const fresh = await cli(['--format', 'json', '--no-cache'], dir, `${cache}-fresh`);
    for (const run of runs) expect(run).toEqual({ status: fresh.status, stdout: fresh.stdout });
    const names = readdirSync(join(cache, 'results'));
    expect(names.filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect(names.length).toBe(1);
    expect(() => readEntry(join(cache, 'results', names[0] ?? ''))).not.toThrow();
    expect(statSync(join(cache, 'results', names[0] ?? '')).size).toBeGreaterThan(100);
  });
});
