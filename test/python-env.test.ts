// --python-env: Requires-Dist read from an installed environment's *.dist-info/METADATA.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliInProcess } from './helpers/in-process.js';

describe('--python-env', () => {
  const root = mkdtempSync(join(tmpdir(), 'driftcheck-pyenv-'));
  const project = join(root, 'project');
  const env = join(root, 'env');
  mkdirSync(project);
  writeFileSync(join(project, 'requirements.txt'), 'acme-client==2.1.0\nacme-core==1.4.0\n');
  writeFileSync(join(project, 'Dockerfile'), 'FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY main.py .\nCMD ["python", "main.py"]\n');
  writeFileSync(join(project, 'main.py'), 'print("hi")\n');
  const info = join(env, 'lib', 'python3.12', 'site-packages', 'acme_client-2.1.0.dist-info');
  mkdirSync(info, { recursive: true });
  writeFileSync(join(info, 'METADATA'), 'Metadata-Version: 2.1\nName: acme-client\nVersion: 2.1.0\nRequires-Dist: acme-core<2,>=1.5\n');

  it('uses the environment given on the command line', async () => {
    const result = await runCliInProcess(['.', '--select', 'PIN002', '--python-env', env], { cwd: project });
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain("acme-core==1.4.0 does not satisfy acme-client 2.1.0's requirement acme-core<2,>=1.5");
    expect(result.stdout).toContain('lib/python3.12/site-packages/acme_client-2.1.0.dist-info/METADATA');
  });

  it('finds nothing without it, and warns about a path with no site-packages', async () => {
    expect((await runCliInProcess(['.', '--select', 'PIN002'], { cwd: project })).stdout).toContain('No problems found');
    const missing = await runCliInProcess(['.', '--select', 'PIN002', '--python-env', join(root, 'nowhere')], { cwd: project });
    expect(missing.stdout).toContain('--python-env: no site-packages with *.dist-info found there; ignored');
    expect(missing.stderr).toBe('');
  });
});

describe('--python-env for the module map and DEP003 (top_level.txt, RECORD, Requires-Dist)', () => {
  const root = mkdtempSync(join(tmpdir(), 'driftcheck-pyenv-map-'));
  const project = join(root, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'requirements.txt'), 'acme-sdk==3.0.0\nwidgets-framework==1.2.0\n');
  writeFileSync(join(project, 'Dockerfile'), 'FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY main.py .\nUSER 1000\nCMD ["python", "main.py"]\n');
  writeFileSync(join(project, 'main.py'), 'import acmecloud\nimport widgets\nimport gizmo_core\n\nprint(acmecloud, widgets, gizmo_core)\n');
  // Auto-found: .venv under the audited root.
  const site = join(project, '.venv', 'lib', 'python3.12', 'site-packages');
  const dist = (dir: string, files: Record<string, string>): void => {
    mkdirSync(join(site, dir), { recursive: true });
    for (const [name, text] of Object.entries(files)) writeFileSync(join(site, dir, name), text);
  };
  dist('acme_sdk-3.0.0.dist-info', { METADATA: 'Metadata-Version: 2.1\nName: acme-sdk\nVersion: 3.0.0\n', 'top_level.txt': 'acmecloud\n' });
  dist('widgets_framework-1.2.0.dist-info', {
    METADATA: 'Metadata-Version: 2.1\nName: widgets-framework\nVersion: 1.2.0\nRequires-Dist: gizmo-core>=2\n',
    RECORD: 'widgets/__init__.py,sha256=x,10\nwidgets_framework-1.2.0.dist-info/METADATA,,\n',
  });
  dist('gizmo_core-2.4.0.dist-info', { METADATA: 'Metadata-Version: 2.1\nName: gizmo-core\nVersion: 2.4.0\n', 'top_level.txt': 'gizmo_core\n' });

  it('maps imports through the environment and sees its Requires-Dist', async () => {
    const out = await runCliInProcess(['.', '--select', 'DEP001,DEP002,DEP003', '--no-color', '-q'], { cwd: project });
    expect(out.stderr).toBe('');
    // acmecloud -> acme-sdk (top_level.txt), widgets -> widgets-framework (RECORD): installed and used.
    expect(out.stdout).not.toMatch(/DEP001|DEP002/);
    expect(out.stdout).toContain('DEP003 "gizmo_core" (distribution gizmo-core) is imported directly but the image of service "Dockerfile" installs it only as a dependency of widgets-framework');
  });

  it('without the environment the same imports are unproven: notes, never errors or "unused"', async () => {
    const bare = mkdtempSync(join(tmpdir(), 'driftcheck-pyenv-bare-'));
    for (const name of ['requirements.txt', 'Dockerfile', 'main.py']) writeFileSync(join(bare, name), readFileSync(join(project, name)));
    // The text report (not -q, whose concise lines carry no severity).
    const out = await runCliInProcess(['.', '--select', 'DEP001,DEP002', '--no-color'], { cwd: bare });
    // acme-sdk's dependencies are unknown without the env: the module may come from it.
    expect(out.stdout).toMatch(/info +DEP001 "acmecloud" is imported .*it may still come from acme-sdk/);
    expect(out.stdout).not.toMatch(/ error +DEP/);
    expect(out.stdout).not.toContain('DEP002 "acme-sdk"');
  });
});
