// --format github: workflow-command annotations, escaped the way @actions/core escapes them.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { escapeData, escapeProperty, githubReport } from '../../src/report/github.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { runCliInProcess } from '../helpers/in-process.js';
import { auditResult, finding } from './synthetic.js';

const SUTAZAI = join(REPO_ROOT, 'fixtures/projects/sutazai');
const ANNOTATION = /^::(error|warning|notice) (file=[^,:]+,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,)?title=[^,:]+::.+$/;

describe('github escaping', () => {
  it('escapes data: % first, then CR and LF; leaves : and , alone', async () => {
    expect(escapeData('100% done\r\nnext: a, b')).toBe('100%25 done%0D%0Anext: a, b');
    expect(escapeData('%0A is not a newline')).toBe('%250A is not a newline');
  });

  it('escapes properties: additionally : and ,', async () => {
    expect(escapeProperty('a:b,c%d\ne')).toBe('a%3Ab%2Cc%25d%0Ae');
  });

  it('escapes a finding whose message, file and evidence contain %, \\n, : and ,', async () => {
    const out = githubReport(
      auditResult([
        finding({
          file: 'odd,dir/x:y%.py',
          message: '50% of "a:b, c"\nsecond line',
          evidence: [{ file: 'req,s.txt', line: 2, message: 'pins a==1: 100%' }],
          fix: { title: 'Add a, b', applicability: 'safe', edits: [] },
        }),
      ]),
    );
    expect(out).toBe(
      '::error file=odd%2Cdir/x%3Ay%25.py,line=3,col=8,endLine=3,endColumn=16,title=DEP001 missing-dependency::' +
        '50%25 of "a:b, c"%0Asecond line%0A-> req,s.txt:2 pins a==1: 100%25%0Afix (safe): Add a, b\n',
    );
    expect(out.trimEnd().split('\n')).toHaveLength(1);
  });

  it('maps severities to error, warning and notice, and skips suppressed findings', async () => {
    const out = githubReport(
      auditResult([
        finding({ severity: 'error' }),
        finding({ severity: 'warning' }),
        finding({ severity: 'info' }),
        finding({ suppressed: { kind: 'inline', reason: 'optional' } }),
      ]),
    );
    expect(out.split('\n').filter(Boolean).map((l) => l.slice(0, l.indexOf(' ')))).toEqual(['::error', '::warning', '::notice']);
  });

  it('leaves out file and line for repository-wide findings (file ".")', async () => {
    const out = githubReport(auditResult([finding({ ruleId: 'INTERNAL', ruleName: 'internal-error', file: '.', message: 'rule X failed' })]));
    expect(out).toBe('::error title=INTERNAL internal-error::rule X failed\n');
  });

  it('prefixes paths so they are relative to the workspace', async () => {
    const out = githubReport(auditResult([finding({ evidence: [{ file: 'requirements.txt', line: 1, message: 'x' }] })]), { pathPrefix: 'services/api/' });
    expect(out).toContain('file=services/api/app/main.py,');
    expect(out).toContain('-> services/api/requirements.txt:1 x');
  });
});

describe('github format through the CLI', () => {
  it('prints one annotation per unsuppressed finding, with the evidence chain', async () => {
    const json = JSON.parse((await runCliInProcess(['.', '--format', 'json'], { cwd: SUTAZAI })).stdout) as { findings: { suppressed: boolean; evidence: unknown[] }[] };
    const run = await runCliInProcess(['.', '--format', 'github'], { cwd: SUTAZAI });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    const lines = run.stdout.split('\n').filter(Boolean);
    expect(lines).toHaveLength(json.findings.filter((f) => !f.suppressed).length);
    for (const line of lines) expect(line).toMatch(ANNOTATION);
    expect(run.stdout).toContain('::error file=backend/app/api/mesh.py,line=3,col=8,endLine=3,endColumn=16,title=DEP001 missing-dependency::');
    expect(run.stdout).toContain('%0A-> docker/backend/Dockerfile:10 image installs backend/requirements.txt%0A');
  });

  it('uses paths relative to the working directory when auditing a subdirectory', async () => {
    const run = await runCliInProcess(['fixtures/projects/sutazai', '--format', 'github']);
    for (const line of run.stdout.split('\n').filter(Boolean)) expect(line).toMatch(/^::\w+ file=fixtures\/projects\/sutazai\//);
  });

  it('prints nothing for a clean repository', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'driftcheck-github-'));
    try {
      writeFileSync(join(dir, 'app.py'), 'import os\n');
      const run = await runCliInProcess(['.', '--format', 'github'], { cwd: dir });
      expect(run).toEqual({ status: 0, stdout: '', stderr: '' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
