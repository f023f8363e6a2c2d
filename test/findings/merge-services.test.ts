import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/findings/fingerprint.js';
import { mergeServiceFindings } from '../../src/findings/merge-services.js';
import type { Finding } from '../../src/findings/types.js';

function finding(service: string | null, over: Partial<Finding> = {}): Finding {
  const name = service ?? 'none';
  return {
    ruleId: 'DEP001', ruleName: 'missing-dependency', severity: 'error',
    file: 'shared/db.py', line: 3, column: 8, endLine: 3, endColumn: 15,
    message: `"chromadb" is imported but the image of service "${name}" never installs it`,
    service,
    evidence: [
      { file: 'shared/db.py', line: 3, message: 'imports chromadb' },
      { file: `${name}/Dockerfile`, line: 4, message: `image installs ${name}/requirements.txt` },
    ],
    fix: null, suppressed: false, package: 'chromadb', module: 'chromadb',
    ...over,
  };
}

describe('one finding per fact (#15.3)', () => {
  it('merges the findings that differ only in their service, the first service anchoring', () => {
    const merged = mergeServiceFindings([finding('worker'), finding('api'), finding('beat')]);
    expect(merged).toHaveLength(1);
    const [one] = merged as [Finding];
    expect(one.service).toBe('api');
    expect(one.services).toEqual(['api', 'beat', 'worker']);
    expect(one.message).toBe('"chromadb" is imported but the image of service "api" never installs it; the same holds for services "beat" and "worker"');
    // The shared import line once, then each service's own install line.
    expect(one.evidence.map((e) => e.file)).toEqual(['shared/db.py', 'api/Dockerfile', 'beat/Dockerfile', 'worker/Dockerfile']);
  });

  it('keeps the fingerprint of the first service\'s own finding, whatever other services come and go', () => {
    const alone = finding('api');
    const [merged] = mergeServiceFindings([finding('api'), finding('worker')]) as [Finding];
    expect(fingerprint(merged)).toBe(fingerprint(alone));
    expect(merged.message).not.toBe(alone.message);
  });

  it('keeps apart what is another fact: another module, severity, line, suppression or message', () => {
    const api = finding('api');
    const others: Finding[] = [
      finding('worker', { module: 'numpy', package: 'numpy' }),
      finding('worker', { severity: 'info' }),
      finding('worker', { line: 9, endLine: 9 }),
      finding('worker', { suppressed: { kind: 'config', reason: null } }),
      finding('worker', { message: '"chromadb" is imported but the image of service "worker" installs it only as a dependency of x' }),
    ];
    for (const other of others) expect(mergeServiceFindings([api, other])).toHaveLength(2);
  });

  it('leaves repository-level findings and two findings of one service alone', () => {
    expect(mergeServiceFindings([finding(null), finding(null)])).toHaveLength(2);
    const twice = mergeServiceFindings([finding('api', { sites: [{ file: 'a.py', line: 1 }] }), finding('api', { file: 'a.py', line: 1, sites: [{ file: 'a.py', line: 1 }] })]);
    expect(twice).toHaveLength(2);
    expect(twice.every((f) => f.services === undefined)).toBe(true);
  });

  it('merges findings anchored at different import sites of the same code, shown where most services anchor', () => {
    const sites = [{ file: 'shared/a.py', line: 3 }, { file: 'shared/b.py', line: 7 }];
    const merged = mergeServiceFindings([
      finding('api', { file: 'shared/b.py', line: 7, endLine: 7, sites }),
      finding('beat', { file: 'shared/a.py', line: 3, sites }),
      finding('worker', { file: 'shared/a.py', line: 3, sites }),
    ]);
    expect(merged).toHaveLength(1);
    expect([merged[0]?.file, merged[0]?.service]).toEqual(['shared/a.py', 'beat']);
    expect(merged[0]?.services).toEqual(['beat', 'api', 'worker']);
  });

  it('merges fixes into one that edits every image\'s file, and gives none when edits collide', () => {
    const fixOf = (file: string, start: number, text: string, applicability: 'safe' | 'unsafe' = 'safe') => ({ title: `Add chromadb to ${file}`, applicability, edits: [{ file, start, end: start, text }] });
    const [both] = mergeServiceFindings([finding('api', { fix: fixOf('api/requirements.txt', 10, 'chromadb\n') }), finding('worker', { fix: fixOf('worker/requirements.txt', 4, 'chromadb\n', 'unsafe') })]) as [Finding];
    expect(both.fix?.edits.map((e) => e.file)).toEqual(['api/requirements.txt', 'worker/requirements.txt']);
    expect(both.fix?.applicability).toBe('unsafe');
    const [same] = mergeServiceFindings([finding('api', { fix: fixOf('requirements.txt', 10, 'chromadb\n') }), finding('worker', { fix: fixOf('requirements.txt', 10, 'chromadb\n') })]) as [Finding];
    expect(same.fix?.edits).toHaveLength(1);
    const [clash] = mergeServiceFindings([finding('api', { fix: fixOf('requirements.txt', 10, 'chromadb==1\n') }), finding('worker', { fix: fixOf('requirements.txt', 10, 'chromadb==2\n') })]) as [Finding];
    expect(clash.fix).toBeNull();
    const [half] = mergeServiceFindings([finding('api', { fix: fixOf('requirements.txt', 10, 'chromadb\n') }), finding('worker')]) as [Finding];
    expect(half.fix).toBeNull();
  });
});
