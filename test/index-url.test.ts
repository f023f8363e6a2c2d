// --index-url against a real loopback server (never the internet): PEP 691 JSON project pages and
// PEP 658 `.metadata` files from fixtures/index, then the same audit again from the disk cache.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, REPO_ROOT } from './helpers/cli.js';

const INDEX = join(REPO_ROOT, 'fixtures/index');

function cli(args: string[], cwd: string, cacheDir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  // Asynchronous on purpose: the server lives in this process and must keep answering.
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', DRIFTCHECK_CACHE_DIR: cacheDir } }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('--index-url', () => {
  let server: Server;
  let base = '';
  const requests: string[] = [];
  let project = '';

  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = req.url ?? '/';
      requests.push(url);
      const page = /^\/simple\/([a-z0-9-]+)\/$/.exec(url);
      const file = page ? join(INDEX, 'simple', page[1] ?? '', 'index.json') : join(INDEX, url.replace(/^\/+/, ''));
      if (!url.includes('..') && existsSync(file)) {
        res.writeHead(200, { 'Content-Type': page ? 'application/vnd.pypi.simple.v1+json' : 'text/plain' });
        res.end(readFileSync(file));
      } else {
        res.writeHead(404);
        res.end('not found');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/simple/`;
    project = mkdtempSync(join(tmpdir(), 'driftcheck-index-'));
    writeFileSync(join(project, 'requirements.txt'), 'acme-client==2.1.0\nacme-core==1.4.0\nnot-on-the-index==1.0\n');
    writeFileSync(join(project, 'Dockerfile'), 'FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY main.py .\nCMD ["python", "main.py"]\n');
    writeFileSync(join(project, 'main.py'), 'print("hi")\n');
  });

  afterAll(() => {
    server.close();
  });

  it('uses the index metadata for PIN002, then serves it from the cache', async () => {
    const cache = join(project, '..', `${project.split('/').pop()}-cache`);
    mkdirSync(cache, { recursive: true });
    const first = await cli(['.', '--select', 'PIN002', '--quiet', '--index-url', base], project, cache);
    expect(first.stderr).toBe('');
    expect(first.stdout).toContain('PIN002 acme-core==1.4.0 does not satisfy acme-client 2.1.0\'s requirement acme-core>=2.0,<3');
    expect(first.code).toBe(1);
    expect(requests).toContain('/simple/acme-client/');
    expect(requests).toContain('/files/acme_client-2.1.0-py3-none-any.whl.metadata');
    expect(requests).not.toContain('/files/acme_client-2.0.0-py3-none-any.whl.metadata');
    const verbose = await cli(['.', '--select', 'PIN002', '--index-url', base], project, cache);
    expect(verbose.stdout).toContain(`from ${base.replace('/simple/', '/files/')}acme_client-2.1.0-py3-none-any.whl.metadata`);

    const served = requests.length;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const again = await cli(['.', '--select', 'PIN002', '--quiet', '--index-url', base], project, cache);
    expect(requests.length).toBe(served);
    expect(again.stderr).toBe('');
    expect(again.stdout).toBe(first.stdout);
  });

  it('says in one line when the index cannot be reached, and still audits', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'driftcheck-index-cache-'));
    // A port that was just free: nothing listens there any more.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    // Not --quiet: it prints the findings only, and this checks the warning line.
    const result = await cli(['.', '--select', 'PIN002', '--index-url', `http://127.0.0.1:${port}/simple/`, '--fail-on', 'never'], project, cache);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/warning: \.: --index-url http:\/\/127\.0\.0\.1:\d+\/simple\/: cannot reach the index \([A-Z]+\); its metadata is not used/);
    expect(result.stdout).not.toMatch(/\n\s+at /);
  });

  it('rejects a URL that is not http(s)', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'driftcheck-index-cache-'));
    const result = await cli(['.', '--index-url', 'ftp://example.invalid/simple'], project, cache);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('driftcheck: --index-url must be an http(s) URL, got "ftp://example.invalid/simple"\n');
  });
});
