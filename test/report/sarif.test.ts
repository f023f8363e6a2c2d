// SARIF reporter unit tests (schema validity over every fixture is in all-fixtures.test.ts).
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
      expect(descriptor?.properties?.tags).toEqual([rule.meta.category]);
      expect(descriptor?.defaultConfiguration?.level).toBe({ error: 'error', warning: 'warning', info: 'note' }[rule.meta.severity]);
    }
    expect(log.runs[0]?.tool.driver).not.toHaveProperty('informationUri');
    expect(validateSarif(log)).toEqual([]);
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
