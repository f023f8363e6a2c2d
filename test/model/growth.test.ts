// Super-linear work on large legal input (issue #22): thousands of chained stages, and thousands of
// compose services sharing one compose file, Dockerfile and requirements. No wall-time limits: the
// CPU time of an audit of n and of 4n is compared, best of 3, with a generous ratio (as the
// "roughly linear time" test in test/parsers/compose.test.ts does).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { audit } from '../../src/engine/pipeline.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const DOCKERFILE = ['FROM python:3.12-slim AS s0', 'WORKDIR /app', 'COPY requirements.txt .', 'RUN pip install -r requirements.txt'];

function write(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'driftcheck-growth-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries({ 'requirements.txt': 'requests==2.31.0\nflask==3.0.0\n', 'app.py': 'import requests\n', ...files })) writeFileSync(join(dir, name), text);
  return dir;
}

function chain(n: number): string {
  const lines = [...DOCKERFILE];
  for (let i = 1; i < n; i++) lines.push(`FROM s${i - 1} AS s${i}`, `RUN echo ${i}`);
  lines.push('COPY app.py .', 'CMD ["python", "app.py"]');
  return write({ Dockerfile: lines.join('\n') + '\n' });
}

function compose(n: number): string {
  const lines = ['services:'];
  for (let i = 0; i < n; i++) lines.push(`  s${i}:`, '    build: .');
  return write({ 'compose.yaml': lines.join('\n') + '\n', Dockerfile: [...DOCKERFILE, 'COPY app.py .', 'CMD ["python", "app.py"]'].join('\n') + '\n' });
}

const cpuMs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

function time(root: string): number {
  let best = Infinity;
  for (let k = 0; k < 3; k++) {
    const t0 = cpuMs();
    audit({ root });
    best = Math.min(best, cpuMs() - t0);
  }
  return best;
}

describe('audit work grows roughly linearly', () => {
  it('with the number of chained stages', () => {
    const small = chain(1000);
    const big = chain(4000);
    time(small); // warm up
    const ratio = time(big) / Math.max(1, time(small));
    // 4x the stages: ~4 now; 17.9 when each stage re-walked its chain and FROM scanned every stage
    expect(ratio).toBeLessThan(10);
    expect(audit({ root: big }).findings.map((f) => f.ruleId)).toContain('DEP002'); // flask: pinned, never imported
  }, 120_000);

  it('with the number of compose services sharing one Dockerfile and requirements', () => {
    const small = compose(500);
    const big = compose(4000);
    time(small); // warm up
    const ratio = time(big) / Math.max(1, time(small));
    // 8x the services: 3-4 alone, up to ~7 beside a parallel test run (CPU time counts the
    // garbage collector's threads); ~27 when every service re-scanned the compose file and copied
    // its words (8.1 at 4x, where a loaded run of linear code also reached 7.1)
    expect(ratio).toBeLessThan(16);
    expect(audit({ root: big }).services).toHaveLength(4000);
  }, 120_000);
});
