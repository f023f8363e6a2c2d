// schema/report.schema.json describes the version-1 JSON contract exactly (every fixture's report
// is validated in all-fixtures.test.ts); here: the committed goldens, and that it rejects drift.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.js';
import { validateReport } from './validate.js';

const SUTAZAI = JSON.parse(readFileSync(join(REPO_ROOT, 'fixtures/projects/sutazai/expected.json'), 'utf8')) as Record<string, unknown> & { findings: Record<string, unknown>[] };
const clone = (): typeof SUTAZAI => structuredClone(SUTAZAI);

describe('report schema', () => {
  it('accepts every committed expected.json', () => {
    const dir = join(REPO_ROOT, 'fixtures/projects');
    for (const name of readdirSync(dir)) {
      const file = join(dir, name, 'expected.json');
      if (existsSync(file)) expect(validateReport(JSON.parse(readFileSync(file, 'utf8'))), name).toEqual([]);
    }
  });

  it.each([
    ['an unknown top-level key', (r: ReturnType<typeof clone>) => (r['extra'] = 1)],
    ['another version', (r: ReturnType<typeof clone>) => (r['version'] = 1)],
    ['a finding without services', (r: ReturnType<typeof clone>) => delete r.findings[0]!['services']],
    ['an unknown finding key', (r: ReturnType<typeof clone>) => (r.findings[0]!['bogus'] = true)],
    ['a bad severity', (r: ReturnType<typeof clone>) => (r.findings[0]!['severity'] = 'fatal')],
    ['line 0', (r: ReturnType<typeof clone>) => (r.findings[0]!['line'] = 0)],
    ['an absolute path', (r: ReturnType<typeof clone>) => (r.findings[0]!['file'] = '/etc/passwd')],
    ['a missing service key', (r: ReturnType<typeof clone>) => delete r.findings[0]!['service']],
    ['a bad fix applicability', (r: ReturnType<typeof clone>) => (r.findings[0]!['fix'] = { title: 'x', applicability: 'maybe' })],
    ['suppressed without a suppression', (r: ReturnType<typeof clone>) => (r.findings[0]!['suppressed'] = true)],
    ['a suppression on an unsuppressed finding', (r: ReturnType<typeof clone>) => (r.findings[0]!['suppression'] = { kind: 'inline', reason: null })],
    ['a summary without fixable', (r: ReturnType<typeof clone>) => delete (r['summary'] as Record<string, unknown>)['fixable']],
  ])('rejects %s', (_, mutate) => {
    const report = clone();
    mutate(report);
    expect(validateReport(report).length).toBeGreaterThan(0);
  });

  it('accepts a suppressed finding with its suppression', () => {
    const report = clone();
    report.findings[0]!['suppressed'] = true;
    report.findings[0]!['suppression'] = { kind: 'baseline', reason: null };
    expect(validateReport(report)).toEqual([]);
  });
});
