// --workers (issue #8): the Python files are read and scanned on worker threads as well as the
// main thread, and the report must not depend on it. Every project fixture, and a generated tree
// large enough to be split into many batches (with unreadable, binary, empty and out-of-root
// Python files mixed in, so warnings are shared out too), gives byte-identical output with 1, 2
// and 3 threads; --debug shows that the workers really took batches.
import { chmodSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error the bench generator is plain JavaScript
import { generate, resolveParams } from '../bench/generate.mjs';
import { REPO_ROOT } from './helpers/cli.js';
import { runCliInProcess } from './helpers/in-process.js';

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

// In process, but main() as built (dist/), whose worker threads start dist/parallel/scan-worker.js.
const audit = (dir: string, workers: number, format: string) => runCliInProcess([dir, '--no-cache', '--debug', '--format', format, '--workers', String(workers)], { built: true });
const debugLine = (stderr: string) => /debug: Python files in (\d+) batches, (\d+) of them on (\d+) worker/.exec(stderr);

describe('the same report with 1, 2 or 3 threads', () => {
  for (const fixture of readdirSync(join(REPO_ROOT, 'fixtures/projects')).sort()) {
    it(fixture, async () => {
      const dir = join(REPO_ROOT, 'fixtures/projects', fixture);
      const one = await audit(dir, 1, 'json');
      expect(debugLine(one.stderr)?.[3]).toBe('0');
      expect((await audit(dir, 2, 'json')).stdout).toBe(one.stdout);
    });
  }

  it('a generated tree split into many batches, with unreadable and odd Python files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'driftcheck-workers-'));
    temps.push(dir);
    generate(dir, resolveParams({ services: 12, pyPerService: 40, seed: 3 }), { force: true });
    const app = join(dir, 'services', readdirSync(join(dir, 'services')).sort()[3] ?? '');
    writeFileSync(join(app, 'binary_mod.py'), Buffer.from([0x69, 0x6d, 0x00, 0x70]));
    writeFileSync(join(app, 'empty_mod.py'), '');
    writeFileSync(join(app, 'bom_mod.py'), '\ufeffimport requests\r\nimport not_installed_anywhere\r\n');
    symlinkSync('/etc/hostname', join(app, 'outside.py'));
    const unreadable = join(app, 'unreadable.py');
    writeFileSync(unreadable, 'import os\n');
    chmodSync(unreadable, 0o000);

    const reports = [];
    for (const workers of [1, 2, 3]) reports.push({ workers, json: await audit(dir, workers, 'json'), text: await audit(dir, workers, 'text') });
    const [one, ...others] = reports;
    expect(JSON.parse(one?.json.stdout ?? '{}').findings.length).toBeGreaterThan(0);
    expect(one?.text.stdout).toContain('binary_mod.py');
    expect(one?.text.stdout).toContain('outside.py');
    for (const other of others) {
      expect(other.json.stdout, `--workers ${other.workers} json`).toBe(one?.json.stdout);
      expect(other.text.stdout, `--workers ${other.workers} text`).toBe(one?.text.stdout);
      expect(other.json.status).toBe(one?.json.status);
      const [, batches, onWorkers, workers] = debugLine(other.json.stderr) ?? [];
      expect(Number(batches)).toBeGreaterThan(5);
      expect(Number(workers)).toBe(other.workers - 1);
      expect(Number(onWorkers), 'batches scanned on worker threads').toBeGreaterThan(0);
    }
  });

  it('rejects a --workers value that is not a positive whole number', async () => {
    const result = await runCliInProcess([join(REPO_ROOT, 'fixtures/projects/sutazai'), '--workers', '0']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--workers expects a positive whole number/);
  });
});

describe('with worker threads, a run after one edit reads and scans only that file (issue #18)', () => {
  it("workers send digests, not texts; their models go to the parse cache; the next run reads none of the unchanged files", { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'driftcheck-workers-edit-'));
    const cache = mkdtempSync(join(tmpdir(), 'driftcheck-workers-cache-'));
    temps.push(dir, cache);
    generate(dir, resolveParams({ services: 6, pyPerService: 40, seed: 5 }), { force: true });
    // Stats are remembered only once older than 2 s at the start of a run.
    await new Promise((resolve) => setTimeout(resolve, 2300));
    const cached = (workers: number) => runCliInProcess([dir, '--debug', '--format', 'json', '--workers', String(workers)], { built: true, env: { DRIFTCHECK_CACHE_DIR: cache } });
    const counts = (stderr: string) => {
      const parse = /python (\d+) parsed, (\d+) reused; .*; (\d+) files not read/.exec(stderr);
      return { parsed: Number(parse?.[1]), reused: Number(parse?.[2]), unread: Number(parse?.[3]), onWorkers: Number(debugLine(stderr)?.[2]) };
    };
    const first = await cached(3);
    const python = counts(first.stderr);
    expect(python.onWorkers, 'batches scanned on worker threads').toBeGreaterThan(0);
    expect(python.parsed).toBeGreaterThan(200);
    const service = join(dir, 'services', readdirSync(join(dir, 'services')).sort()[2] ?? '', 'app');
    const edited = readdirSync(service).sort().find((name) => name.endsWith('.py')) ?? '';
    writeFileSync(join(service, edited), '\nimport not_installed_anywhere\n', { flag: 'a' });
    const second = await cached(3);
    expect(counts(second.stderr)).toEqual({ parsed: 1, reused: python.parsed - 1, unread: python.parsed - 1, onWorkers: 0 });
    const fresh = await audit(dir, 1, 'json');
    expect(second.stdout).toContain('not_installed_anywhere');
    expect({ status: second.status, stdout: second.stdout }).toEqual({ status: fresh.status, stdout: fresh.stdout });
  });
});
