// --format gitlab: GitLab Code Quality issues (shape over every fixture is in all-fixtures.test.ts).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gitlabIssues } from '../../src/report/gitlab.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { runCliInProcess } from '../helpers/in-process.js';
import { auditResult, finding } from './synthetic.js';

describe('gitlab report', () => {
  it('maps severities error/warning/info to major/minor/info and leaves suppressed findings out', async () => {
    const issues = gitlabIssues(
      auditResult([
        finding({ severity: 'error' }),
        finding({ severity: 'warning', line: 5, endLine: 7 }),
        finding({ severity: 'info', file: 'requirements.txt' }),
        finding({ severity: 'error', suppressed: { kind: 'baseline', reason: null } }),
      ]),
    );
    expect(issues.map((i) => i.severity)).toEqual(['major', 'minor', 'info']);
    expect(issues[1]?.location).toEqual({ path: 'app/main.py', lines: { begin: 5, end: 7 } });
    expect(issues[0]).toMatchObject({ check_name: 'DEP001', description: `DEP001 ${finding().message}` });
    expect(new Set(issues.map((i) => i.fingerprint)).size).toBe(3);
  });

  it('keeps fingerprints when lines move, and tells identical findings apart', async () => {
    const [a] = gitlabIssues(auditResult([finding({ line: 3, endLine: 3 })]));
    const [b] = gitlabIssues(auditResult([finding({ line: 40, endLine: 40, column: 1 })]));
    expect(a?.fingerprint).toBe(b?.fingerprint);
    const twins = gitlabIssues(auditResult([finding({ line: 3 }), finding({ line: 9 })]));
    expect(twins[0]?.fingerprint).toBe(a?.fingerprint);
    expect(twins[1]?.fingerprint).not.toBe(a?.fingerprint);
  });

  it('prefixes paths so they are relative to the project root', async () => {
    const [issue] = gitlabIssues(auditResult([finding()]), { pathPrefix: 'services/api/' });
    expect(issue?.location.path).toBe('services/api/app/main.py');
  });
});

describe('gitlab format through the CLI', () => {
  it('prints an empty array for a clean repository', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'driftcheck-gitlab-'));
    try {
      writeFileSync(join(dir, 'app.py'), 'import os\n');
      expect(await runCliInProcess(['.', '--format', 'gitlab'], { cwd: dir })).toEqual({ status: 0, stdout: '[]\n', stderr: '' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('uses paths relative to the working directory when auditing a subdirectory', async () => {
    const issues = JSON.parse((await runCliInProcess(['fixtures/projects/sutazai', '--format', 'gitlab'])).stdout) as { location: { path: string } }[];
    expect(issues.length).toBeGreaterThan(0);
    for (const issue of issues) expect(issue.location.path).toMatch(/^fixtures\/projects\/sutazai\/[^/]/);
    const local = JSON.parse((await runCliInProcess(['.', '--format', 'gitlab'], { cwd: join(REPO_ROOT, 'fixtures/projects/sutazai') })).stdout) as { location: { path: string } }[];
    expect(local.map((i) => `fixtures/projects/sutazai/${i.location.path}`)).toEqual(issues.map((i) => i.location.path));
  });
});
