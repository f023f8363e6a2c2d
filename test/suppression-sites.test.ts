// Issue #22 (8): DEP001 reports a missing module at its first import site only, so the same
// suppression on its other import sites must not be called unused (SUP001's safe fix would delete
// it, and the finding would come back once the first site goes away).
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliInProcess } from './helpers/in-process.js';

const DIRECTIVE = '# driftcheck: ignore[DEP001] -- installed by the platform';

function scenario(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'driftcheck-supsites-')), 'app');
  mkdirSync(dir);
  writeFileSync(join(dir, 'Dockerfile'), 'FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\nUSER app\nCMD ["python", "main.py"]\n');
  writeFileSync(join(dir, 'requirements.txt'), 'fastapi==0.115.6\n');
  writeFileSync(join(dir, 'main.py'), `import fastapi\nimport chromadb  ${DIRECTIVE}\nimport helper\n`);
  writeFileSync(join(dir, 'helper.py'), `import chromadb  ${DIRECTIVE}\n`);
  return dir;
}

interface JsonFinding { ruleId: string; file: string; line: number; suppressed: boolean }

describe('a suppression on every import site of a missing module', () => {
  it('is used on each site: no SUP001, DEP001 suppressed', async () => {
    const dir = scenario();
    const out = await runCliInProcess(['.', '--no-cache', '--format', 'json'], { cwd: dir });
    const findings = (JSON.parse(out.stdout) as { findings: JsonFinding[] }).findings;
    expect(findings.filter((f) => f.ruleId === 'SUP001')).toEqual([]);
    expect(findings.filter((f) => f.ruleId === 'DEP001').map((f) => f.suppressed)).toEqual([true]);
  });

  it('--fix leaves both comments, and each still suppresses once the other site is gone', async () => {
    const dir = scenario();
    await runCliInProcess(['.', '--no-cache', '--fix'], { cwd: dir });
    expect(readFileSync(join(dir, 'main.py'), 'utf8')).toContain(`import chromadb  ${DIRECTIVE}\n`);
    expect(readFileSync(join(dir, 'helper.py'), 'utf8')).toBe(`import chromadb  ${DIRECTIVE}\n`);
    // The first site (helper.py) goes away: main.py's directive takes over.
    writeFileSync(join(dir, 'helper.py'), 'VALUE = 1\n');
    const out = await runCliInProcess(['.', '--no-cache', '--format', 'json'], { cwd: dir });
    const findings = (JSON.parse(out.stdout) as { findings: JsonFinding[] }).findings;
    expect(findings.filter((f) => f.ruleId === 'DEP001' && !f.suppressed)).toEqual([]);
    expect(findings.filter((f) => f.ruleId === 'SUP001')).toEqual([]);
  });

  it('the same for first-party code the image lacks (MOD001, shown at its first import site)', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'driftcheck-supsites-')), 'fp');
    mkdirSync(dir);
    const directive = '# driftcheck: ignore[MOD001] -- mounted at run time';
    writeFileSync(join(dir, 'Dockerfile'), 'FROM python:3.12-slim\nWORKDIR /app\nCOPY main.py helper.py ./\nUSER app\nCMD ["python", "main.py"]\n');
    writeFileSync(join(dir, 'main.py'), `import lib  ${directive}\nimport helper\n`);
    writeFileSync(join(dir, 'helper.py'), `import lib  ${directive}\n`);
    writeFileSync(join(dir, 'lib.py'), 'X = 1\n');
    const out = await runCliInProcess(['.', '--no-cache', '--format', 'json'], { cwd: dir });
    const findings = (JSON.parse(out.stdout) as { findings: JsonFinding[] }).findings;
    expect(findings.filter((f) => f.ruleId === 'SUP001')).toEqual([]);
    expect(findings.filter((f) => f.ruleId === 'MOD001').map((f) => f.suppressed)).toEqual([true]);
  });
});
