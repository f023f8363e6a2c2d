// SARIF reporter unit tests (schema validity over every fixture is in all-fixtures.test.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Log } from 'sarif';
import { describe, expect, it } from 'vitest';
import { findingFingerprints, sarifLog, toUri } from '../../src/report/sarif.js';
import { RULES } from '../../src/rules/index.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { runCliInProcess } from '../helpers/in-process.js';
import { auditResult, finding } from './synthetic.js';
import { validateSarif } from './validate.js';

describe('sarif report', () => {
  it('lists every registry rule plus PARSE and INTERNAL, with levels mapped', async () => {
    const log = sarifLog(auditResult([]));
    const rules = log.runs[0]?.tool.driver.rules ?? [];
    expect(rules.map((r) => r.id)).toEqual([...RULES.map((r) => r.meta.id), 'PARSE', 'INTERNAL']);
    for (const rule of RULES) {
      const descriptor = rules.find((r) => r.id === rule.meta.id);
      expect(descriptor?.help?.markdown).toBe(rule.meta.docs);
      expect(descriptor?.shortDescription?.text).toBe(rule.meta.summary);
      expect(descriptor?.properties?.tags?.[0]).toBe(rule.meta.category);
      expect(descriptor?.defaultConfiguration?.level).toBe({ error: 'error', warning: 'warning', info: 'note' }[rule.meta.severity]);
    }
    expect(validateSarif(log)).toEqual([]);
  });

  it('links the driver to the package page and every rule to its anchor in the README', () => {
    const driver = sarifLog(auditResult([])).runs[0]?.tool.driver;
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { name: string };
    expect(driver?.informationUri).toBe(`https://www.npmjs.com/package/${pkg.name}`);
    const anchors = readmeAnchors(readFileSync(join(REPO_ROOT, 'README.md'), 'utf8'));
    expect(anchors.size).toBeGreaterThan(RULES.length);
    for (const rule of driver?.rules ?? []) {
      const [page, fragment = ''] = (rule.helpUri ?? '').split('#');
      expect(page, rule.id).toBe(driver?.informationUri);
      // npmjs.com and GitHub both give README anchors this prefix (GitHub also keeps the bare name).
      expect(fragment, rule.id).toMatch(/^user-content-/);
      expect(anchors.has(fragment.replace(/^user-content-/, '')), `${rule.id}: #${fragment} is not an anchor in README.md`).toBe(true);
    }
    // Each registry rule has its own anchor, on the rule's own row of the table.
    const rows = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8').split('\n');
    for (const rule of RULES) {
      const fragment = (driver?.rules ?? []).find((r) => r.id === rule.meta.id)?.helpUri?.split('#user-content-')[1] ?? '';
      const row = rows.find((line) => line.includes(`name="${fragment}"`));
      expect(row, rule.meta.id).toMatch(new RegExp(`^\\| <a name="${fragment}"></a>${rule.meta.id} \\| ${rule.meta.name} \\|`));
    }
  });

  it('scores the security rules on GitHub\'s security-severity scale and tags them security', () => {
    const rules = sarifLog(auditResult([])).runs[0]?.tool.driver.rules ?? [];
    const scored = rules.filter((r) => r.properties?.['security-severity'] !== undefined);
    // GitHub's bands: 9.0+ critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low.
    const band = (score: number): string => (score >= 9 ? 'critical' : score >= 7 ? 'high' : score >= 4 ? 'medium' : 'low');
    expect(Object.fromEntries(scored.map((r) => [r.id, band(Number(r.properties?.['security-severity']))]))).toEqual({ PROD002: 'high', PROD005: 'medium', PROD011: 'high' });
    for (const rule of scored) {
      expect(rule.properties?.['security-severity'], rule.id).toMatch(/^(10\.0|\d\.\d)$/);
      expect(rule.properties?.tags, rule.id).toContain('security');
      expect(rule.properties?.tags?.filter((t) => /^external\/cwe\/cwe-\d+$/.test(t)).length, rule.id).toBeGreaterThan(0);
    }
    // A rule in the security category always has a score; an unscored rule is not tagged security.
    for (const rule of RULES.filter((r) => r.meta.category === 'security')) expect(scored.map((r) => r.id)).toContain(rule.meta.id);
    for (const rule of rules.filter((r) => !scored.includes(r))) expect(rule.properties?.tags, rule.id).not.toContain('security');
    expect(rules.find((r) => r.id === 'PROD011')?.properties?.tags).toEqual(['security', 'external/cwe/cwe-798']);
    expect(validateSarif(sarifLog(auditResult([])))).toEqual([]);
  });

  it('writes fixes as replacements (BOM-free char offsets), suppressions by kind, and the evidence as related locations', async () => {
    const log = sarifLog(
      auditResult([
        finding({
          evidence: [
            { file: 'Dockerfile', line: 9, message: 'image installs requirements.txt' },
            { file: 'requirements.txt', line: 1, message: 'chromadb is not in it' },
          ],
          fix: {
            title: 'Add chromadb==0.5.0 to requirements.txt',
            applicability: 'safe',
            edits: [
              { file: 'requirements.txt', start: 20, end: 20, text: 'chromadb==0.5.0\n' },
              { file: 'requirements.txt', start: 0, end: 5, text: '' },
            ],
          },
        }),
        finding({ file: 'b.py', suppressed: { kind: 'inline', reason: 'optional speedup' } }),
        finding({ file: 'c.py', suppressed: { kind: 'config', reason: null } }),
        finding({ file: 'd.py', fix: { title: 'Run as a non-root user', applicability: 'display-only', edits: [] } }),
      ]),
    );
    expect(validateSarif(log)).toEqual([]);
    const [withFix, inline, config, suggestion] = log.runs[0]?.results ?? [];
    expect(withFix?.fixes?.[0]).toEqual({
      description: { text: 'Add chromadb==0.5.0 to requirements.txt' },
      artifactChanges: [
        {
          artifactLocation: { uri: 'requirements.txt', uriBaseId: '%SRCROOT%' },
          replacements: [
            { deletedRegion: { charOffset: 0, charLength: 5 }, insertedContent: { text: '' } },
            { deletedRegion: { charOffset: 20, charLength: 0 }, insertedContent: { text: 'chromadb==0.5.0\n' } },
          ],
        },
      ],
      properties: { applicability: 'safe' },
    });
    expect(withFix?.relatedLocations?.map((l) => [l.id, l.physicalLocation?.artifactLocation?.uri, l.physicalLocation?.region?.startLine, l.message?.text])).toEqual([
      [1, 'Dockerfile', 9, 'image installs requirements.txt'],
      [2, 'requirements.txt', 1, 'chromadb is not in it'],
    ]);
    expect(withFix?.message.text).toBe(`${finding().message}\n-> [Dockerfile:9](1) image installs requirements.txt\n-> [requirements.txt:1](2) chromadb is not in it`);
    expect(withFix?.suppressions).toBeUndefined();
    expect(inline?.suppressions).toEqual([{ kind: 'inSource', justification: 'optional speedup', properties: { driftcheckKind: 'inline' } }]);
    expect(config?.suppressions).toEqual([{ kind: 'external', properties: { driftcheckKind: 'config' } }]);
    expect(suggestion?.fixes).toBeUndefined();
    expect(suggestion?.properties).toMatchObject({ fixApplicability: 'display-only' });
  });

  it('maps info to note and keeps 1-based regions', async () => {
    const [result] = sarifLog(auditResult([finding({ severity: 'info', line: 2, column: 1, endLine: 4, endColumn: 3 })])).runs[0]?.results ?? [];
    expect(result?.level).toBe('note');
    expect(result?.locations?.[0]?.physicalLocation?.region).toEqual({ startLine: 2, startColumn: 1, endLine: 4, endColumn: 3 });
  });

  it('encodes paths as relative URI references', async () => {
    expect(toUri('my dir/a#b%.py')).toBe('my%20dir/a%23b%25.py');
    expect(toUri('c:weird/x.py')).toBe('c%3Aweird/x.py');
    expect(toUri('/abs/x')).toBe('abs/x');
    expect(toUri('.')).toBe('.');
  });

  it('fingerprints ignore position but not rule, file, service or message', async () => {
    const base = finding();
    const [a, moved, otherRule, otherFile, otherService, otherMessage] = findingFingerprints([
      base,
      finding({ line: 99, column: 1, endLine: 99, endColumn: 2 }),
      finding({ ruleId: 'DEP003' }),
      finding({ file: 'x.py' }),
      finding({ service: 'worker' }),
      finding({ message: 'other' }),
    ]);
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(findingFingerprints([finding({ line: 99 })])[0]).toBe(a);
    expect(moved).not.toBe(a); // second identical finding in one report: occurrence 2
    expect(new Set([a, otherRule, otherFile, otherService, otherMessage]).size).toBe(5);
  });
});

describe('sarif format through the CLI', () => {
  it('writes a valid log that --output can save', async () => {
    const run = await runCliInProcess([join(REPO_ROOT, 'fixtures/projects/broken-inputs'), '--format', 'sarif', '--fail-on', 'never']);
    const log = JSON.parse(run.stdout) as Log;
    expect(validateSarif(log)).toEqual([]);
    expect((log.runs[0]?.results ?? []).some((r) => r.ruleId === 'PARSE')).toBe(true);
    expect(run.stdout).not.toContain(REPO_ROOT);
  });
});

/** Anchors a README offers: HTML `<a name|id="...">` and GitHub's heading ids (lower case, punctuation dropped, spaces to hyphens). */
function readmeAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  for (const match of markdown.matchAll(/<a\s+(?:name|id)="([^"]+)"/g)) anchors.add(match[1] ?? '');
  for (const match of markdown.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    anchors.add((match[1] ?? '').toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').trim().replace(/\s/g, '-'));
  }
  return anchors;
}
