// --python-env: Requires-Dist read from an installed environment's *.dist-info/METADATA.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';

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

  it('uses the environment given on the command line', () => {
    const result = runCli(['.', '--select', 'PIN002', '--python-env', env], { cwd: project });
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain("acme-core==1.4.0 does not satisfy acme-client 2.1.0's requirement acme-core<2,>=1.5");
    expect(result.stdout).toContain('lib/python3.12/site-packages/acme_client-2.1.0.dist-info/METADATA');
  });

  it('finds nothing without it, and warns about a path with no site-packages', () => {
    expect(runCli(['.', '--select', 'PIN002'], { cwd: project }).stdout).toContain('No problems found');
    const missing = runCli(['.', '--select', 'PIN002', '--python-env', join(root, 'nowhere')], { cwd: project });
    expect(missing.stdout).toContain('--python-env: no site-packages with *.dist-info found there; ignored');
    expect(missing.stderr).toBe('');
  });
});
