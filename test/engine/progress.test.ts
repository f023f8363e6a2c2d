// The audit's progress (#18): with a listener, auditInParallel reports each step in order and
// yields to the event loop after each report, so a spinner or a progress line can be drawn while
// it runs; the result is the same as audit()'s.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error the bench generator is plain JavaScript
import { generate, resolveParams } from '../../bench/generate.mjs';
import { audit, auditInParallel, type AuditProgress, type AuditReport } from '../../src/audit.js';

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

const report = (r: AuditReport) => JSON.stringify({ findings: r.findings, files: r.files, services: r.services, warnings: r.warnings });

describe('audit progress', () => {
  it('reports reading, building and checking in order, lets the event loop run after each report, and changes nothing', async () => {
    const root = mkdtempSync(join(tmpdir(), 'driftcheck-progress-'));
    temps.push(root);
    generate(root, resolveParams({ services: 4, pyPerService: 40, seed: 5 }), { force: true }); // 160 .py files: several batches

    // A task that re-queues itself on the event loop: it runs only when the audit lets go.
    const events: (AuditProgress | 'tick')[] = [];
    let ticking = true;
    const tick = (): void => {
      events.push('tick');
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    const result = await auditInParallel({ root }, 1, undefined, (progress) => events.push(progress));
    ticking = false;

    const reports = events.filter((e): e is AuditProgress => e !== 'tick');
    const steps = reports.map((p) => p.step);
    expect(steps.join(' ')).toMatch(/^(reading )+building (checking ?)+$/);
    // files read only grow, up to what the audit holds; then the services and every rule
    const reading = reports.filter((p) => p.step === 'reading').map((p) => p.files);
    expect(reading).toEqual([...reading].sort((a, b) => a - b));
    expect(reading.length).toBeGreaterThan(3);
    expect(reading.at(-1)).toBe(result.files.length);
    const checking = reports.filter((p) => p.step === 'checking');
    expect(checking[0]?.services).toBe(result.services.length);
    expect(checking.map((p) => p.rules?.done)).toEqual(checking.map((_, i) => i));
    expect(checking[0]?.rules?.total).toBe(checking.length);
    // between any two reports the event loop ran
    const at = events.flatMap((e, i) => (e === 'tick' ? [] : [i]));
    for (let k = 0; k + 1 < at.length; k++) expect(events.slice((at[k] ?? 0) + 1, at[k + 1]), `between reports ${k} and ${k + 1}`).toContain('tick');

    expect(report(result)).toBe(report(audit({ root })));
  });
});
