// Thousands of chained build stages (issue #22): the stage walks (the FROM chain, the stages whose
// venv/site-packages are copied in) are iterative and expand each stage once, so a 4,000-stage
// Dockerfile neither overflows the stack nor re-walks the chain per stage, and reports normally.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from '../helpers/in-process.js';

const N = 4000;
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A project whose Dockerfile has N stages; `stage(i)` gives the lines of stage i >= 1. */
function project(stage: (i: number) => string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'driftcheck-stages-'));
  dirs.push(dir);
  const lines = ['FROM python:3.12-slim AS s0', 'RUN python -m venv /opt/venv', 'COPY requirements.txt .', 'RUN /opt/venv/bin/pip install -r requirements.txt'];
  for (let i = 1; i < N; i++) lines.push(...stage(i));
  lines.push('COPY app.py .', 'CMD ["python", "app.py"]');
  writeFileSync(join(dir, 'Dockerfile'), lines.join('\n') + '\n');
  writeFileSync(join(dir, 'requirements.txt'), 'requests==2.31.0\n');
  writeFileSync(join(dir, 'app.py'), 'import requests\nimport yaml\n');
  return dir;
}

async function audit(dir: string): Promise<{ ruleId: string; message: string }[]> {
  const result = await runCliInProcess(['.', '--no-cache', '--format', 'json'], { cwd: dir });
  expect(result.stderr).not.toContain('RangeError');
  expect(result.stderr).not.toContain('internal error');
  return (JSON.parse(result.stdout) as { findings: { ruleId: string; message: string }[] }).findings;
}

describe(`${N} chained stages`, () => {
  it('each FROM the previous: audits and reports normally', async () => {
    const findings = await audit(project((i) => [`FROM s${i - 1} AS s${i}`, `RUN echo ${i}`]));
    const ids = findings.map((f) => f.ruleId);
    expect(ids).toContain('PROD005'); // root in the final stage, from the chain's root image
    expect(findings.some((f) => f.message.includes('yaml'))).toBe(true); // import not installed anywhere in the chain
    expect(findings.some((f) => f.message.includes('requests'))).toBe(false); // installed at the root of the chain
  }, 60_000);

  it("each copying the previous stage's venv: audits and reports normally", async () => {
    const findings = await audit(project((i) => [`FROM python:3.12-slim AS s${i}`, `COPY --from=s${i - 1} /opt/venv /opt/venv`]));
    expect(findings.map((f) => f.ruleId)).toContain('PROD005');
    expect(findings.some((f) => f.message.includes('yaml'))).toBe(true);
    expect(findings.some((f) => f.message.includes('requests'))).toBe(false);
  }, 60_000);
});
