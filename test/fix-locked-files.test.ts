// #15 point 4: fixes never guess a distribution and never edit a file a tool generates or checks.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliInProcess } from './helpers/in-process.js';

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'driftcheck-locked-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const DOCKERFILE = (install: string): string => `FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN ${install}\nCOPY app/ app/\nUSER 10001\nCMD ["uvicorn", "app.main:app"]\n`;
const HASH = 'a'.repeat(64);

describe('fixes that cannot break a build', () => {
  it('never appends to or re-pins a hash-checked requirements file, and says what to run', async () => {
    const root = tree({
      Dockerfile: DOCKERFILE('pip install --require-hashes -r requirements.txt'),
      'requirements.txt': `fastapi==0.115.0 \\\n    --hash=sha256:${HASH}\nuvicorn==0.30.0 \\\n    --hash=sha256:${HASH}\n`,
      'other/requirements.txt': 'redis==5.0.4\n',
      'app/__init__.py': '',
      'app/main.py': 'import redis\nfrom fastapi import FastAPI\napp = FastAPI()\n',
    });
    const report = await runCliInProcess(['.', '--select', 'DEP001'], { cwd: root });
    expect(report.stdout).toContain('DEP001 "redis" is imported');
    expect(report.stdout).not.toContain('fix (');
    const out = await runCliInProcess(['.', '--diff', '--unsafe-fixes'], { cwd: root });
    expect(out.stdout).not.toContain('requirements.txt');
  });

  it('shows the requirements.in edit for a compiled requirements.txt, and applies none', async () => {
    const root = tree({
      Dockerfile: DOCKERFILE('pip install -r requirements.txt'),
      'requirements.in': 'fastapi\nuvicorn\n',
      'requirements.txt': 'fastapi==0.115.0\n    # via -r requirements.in\nuvicorn==0.30.0\n    # via -r requirements.in\n',
      'other/requirements.txt': 'redis==5.0.4\n',
      'app/__init__.py': '',
      'app/main.py': 'import redis\nfrom fastapi import FastAPI\napp = FastAPI()\n',
    });
    const report = await runCliInProcess(['.', '--select', 'DEP001'], { cwd: root });
    expect(report.stdout).toContain('fix (display-only): Add redis==5.0.4 to requirements.in (pinned as in other/requirements.txt), then regenerate requirements.txt');
    const out = await runCliInProcess(['.', '--diff', '--unsafe-fixes'], { cwd: root });
    expect(out.stdout).toBe('');
  });

  it('never adds a distribution whose name is only a guess from the import', async () => {
    const root = tree({
      Dockerfile: DOCKERFILE('pip install -r requirements.txt'),
      'requirements.txt': 'fastapi==0.115.0\nuvicorn==0.30.0\n',
      'app/__init__.py': '',
      'app/main.py': 'import acme_internal_toolkit\nfrom fastapi import FastAPI\napp = FastAPI()\n',
    });
    const report = await runCliInProcess(['.', '-q', '--select', 'DEP001'], { cwd: root });
    expect(report.stdout).toMatch(/DEP001 "acme_internal_toolkit"/);
    const diff = await runCliInProcess(['.', '--diff', '--unsafe-fixes'], { cwd: root });
    expect(diff.stdout).not.toContain('acme');
  });
});

describe('the fix engine guards generated files for every rule', () => {
  it('drops a removal from a compiled requirements.txt and says what to regenerate', async () => {
    const root = tree({
      Dockerfile: DOCKERFILE('pip install -r requirements.txt'),
      'requirements.in': 'fastapi\nuvicorn\nmarkdown\n',
      'requirements.txt': 'fastapi==0.115.0\n    # via -r requirements.in\nmarkdown==3.7\n    # via -r requirements.in\nuvicorn==0.30.0\n    # via -r requirements.in\n',
      'app/__init__.py': '',
      'app/main.py': 'from fastapi import FastAPI\napp = FastAPI()\n',
    });
    const report = await runCliInProcess(['.', '-q', '--select', 'DEP002'], { cwd: root });
    expect(report.stdout).toContain('DEP002 "markdown"');
    const out = await runCliInProcess(['.', '--diff', '--unsafe-fixes', '--select', 'DEP002'], { cwd: root });
    expect(out.stdout).toBe('');
    expect(out.stderr).toContain('edits requirements.txt, which is compiled (# via); change its source and regenerate it');
  });
});
