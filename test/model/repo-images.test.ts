// #16 idiom 9: a FROM naming an image this repository builds inherits that image, through several
// levels, and a FROM cycle (a builds on b, b on a) ends instead of recursing.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCliInProcess } from '../helpers/in-process.js';

let dir = '';
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = '';
});

async function findings(files: Record<string, string>): Promise<{ ruleId: string; severity: string; file: string; message: string }[]> {
  dir = mkdtempSync(join(tmpdir(), 'driftcheck-repo-images-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const result = await runCliInProcess(['.', '-f', 'json', '--select', 'DEP001,PROD005'], { cwd: dir });
  return JSON.parse(result.stdout).findings;
}

describe('images the repository builds, as base images', () => {
  it('two levels: the app image gets the grandparent\'s installs and the parent\'s USER and CMD', async () => {
    const found = await findings({
      'compose.yml': 'services:\n  python:\n    build: ./python\n    image: acme/python:1\n  worker-base:\n    build: ./worker-base\n    image: acme/worker-base:1\n  worker:\n    build: ./worker\n',
      'python/Dockerfile': 'FROM python:3.12-slim\nRUN pip install --no-cache-dir redis==5.2.1\n',
      'worker-base/Dockerfile': 'FROM acme/python:1\nRUN pip install --no-cache-dir celery==5.4.0 && useradd app\nUSER app\nWORKDIR /srv\nCMD ["celery", "-A", "tasks", "worker"]\n',
      'worker/Dockerfile': 'FROM acme/worker-base:1\nCOPY tasks.py .\n',
      'worker/tasks.py': 'import boto3\nimport redis\nfrom celery import Celery\n\napp = Celery("tasks")\n',
    });
    const worker = found.filter((f) => f.file.startsWith('worker/'));
    expect(worker.map((f) => [f.ruleId, f.severity, f.message.split(' is imported')[0]])).toEqual([['DEP001', 'error', '"boto3"']]);
  });

  it('a FROM cycle ends: both images are unknown bases (open install set, PROD005 info)', async () => {
    const found = await findings({
      'compose.yml': 'services:\n  a:\n    build: ./a\n    image: acme/a:1\n  b:\n    build: ./b\n    image: acme/b:1\n',
      'a/Dockerfile': 'FROM acme/b:1\nCOPY app.py .\nCMD ["python", "app.py"]\n',
      'b/Dockerfile': 'FROM acme/a:1\nCOPY app.py .\nCMD ["python", "app.py"]\n',
      'a/app.py': 'import requests\n',
      'b/app.py': 'import requests\n',
    });
    expect(found.map((f) => [f.ruleId, f.severity, f.file])).toEqual([
      ['DEP001', 'info', 'a/Dockerfile'],
      ['PROD005', 'info', 'a/Dockerfile'],
      ['PROD005', 'info', 'b/Dockerfile'],
    ]);
    expect((found[0] as unknown as { services: string[] }).services).toEqual(['a', 'b']);
  });
});
