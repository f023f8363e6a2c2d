// A requirements file driftcheck did not read is unknown, not absent (issue #22): one over
// --max-file-size that an install step names, and a `-r https://…` include (pip fetches URLs),
// make the service's installs unknown (an info) instead of PIN004 "does not exist" and false DEP001s.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from './helpers/in-process.js';

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function repo(requirementsFile: string, requirements: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'driftcheck-unread-'));
  temps.push(dir);
  writeFileSync(join(dir, 'Dockerfile'), `FROM python:3.12-slim\nCOPY ${requirementsFile} .\nRUN pip install -r ${requirementsFile}\nCOPY app.py .\nCMD ["python", "app.py"]\n`);
  writeFileSync(join(dir, 'app.py'), 'import yaml\n');
  writeFileSync(join(dir, requirementsFile), requirements);
  return dir;
}

const padding = Array.from({ length: 100 }, (_, i) => `# padding ${i}\n`).join('');

async function findings(dir: string, ...args: string[]): Promise<{ ruleId: string; severity: string; message: string }[]> {
  const r = await runCliInProcess([dir, '--format', 'json', ...args]);
  return (JSON.parse(r.stdout) as { findings: { ruleId: string; severity: string; message: string }[] }).findings.map(({ ruleId, severity, message }) => ({ ruleId, severity, message }));
}

describe('requirements driftcheck did not read', () => {
  for (const name of ['requirements.txt', 'deps.pip']) {
    it(`${name} over --max-file-size is an unknown install, not a missing file`, async () => {
      const dir = repo(name, `PyYAML==6.0.2\n${padding}`);
      const found = await findings(dir, "--max-file-size", "200");
      expect(found.filter((f) => f.ruleId === 'PIN004')).toEqual([]);
      expect(found.filter((f) => f.ruleId === 'DEP001').map((f) => f.severity)).toEqual(['info']);
    });
  }

  it('a -r https://… include is an unknown install, not a missing file', async () => {
    const dir = repo('requirements.txt', 'requests==2.32.3\n-r https://example.com/base.txt\n');
    const found = await findings(dir);
    expect(found.filter((f) => f.ruleId === 'PIN004')).toEqual([]);
    expect(found.filter((f) => f.ruleId === 'DEP001').map((f) => f.severity)).toEqual(['info']);
  });
});
