// --format markdown: a PR comment / step summary. Golden for the sutazai scenario; unit tests for
// escaping and for the optional sections.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cell, code, markdownReport } from '../../src/report/markdown.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { runCliInProcess } from '../helpers/in-process.js';
import { expectGolden } from '../helpers/golden.js';
import { auditResult, finding } from './synthetic.js';

const SUTAZAI = join(REPO_ROOT, 'fixtures/projects/sutazai');

describe('markdown format through the CLI', () => {
  it('matches the sutazai golden (test/report/sutazai.md)', async () => {
    const run = await runCliInProcess(['.', '--format', 'markdown'], { cwd: SUTAZAI });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    expectGolden(join(REPO_ROOT, 'test/report/sutazai.md'), run.stdout);
  });

  it('is deterministic and embeds exactly the --diff patch', async () => {
    const first = (await runCliInProcess(['.', '--format', 'markdown'], { cwd: SUTAZAI })).stdout;
    expect((await runCliInProcess(['.', '--format', 'markdown'], { cwd: SUTAZAI })).stdout).toBe(first);
    const patch = (await runCliInProcess(['.', '--diff'], { cwd: SUTAZAI })).stdout;
    expect(patch).not.toBe('');
    expect(first).toContain(`\`\`\`diff\n${patch}\`\`\`\n`);
  });

  it('includes unsafe fixes in the patch with --unsafe-fixes', async () => {
    const out = (await runCliInProcess(['.', '--format', 'markdown', '--unsafe-fixes'], { cwd: SUTAZAI })).stdout;
    expect(out).toContain((await runCliInProcess(['.', '--diff', '--unsafe-fixes'], { cwd: SUTAZAI })).stdout);
    expect(out).toContain('including unsafe fixes');
  });

  it('says so when nothing is found, without tables or patch', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'driftcheck-md-'));
    try {
      writeFileSync(join(dir, 'app.py'), 'import os\n');
      const run = await runCliInProcess(['.', '--format', 'markdown'], { cwd: dir });
      expect(run.status).toBe(0);
      expect(run.stdout).toBe('## driftcheck: no problems found\n\n0 services, 1 file checked.\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('markdown report', () => {
  it('counts a finding that holds for several services in each of their rows, once in the total (#15.3)', () => {
    const services = ['api', 'worker'].map((name) => ({ name, kind: 'compose' as const, composeFile: 'compose.yml', dockerfile: 'Dockerfile', target: null, entry: null }));
    const out = markdownReport(auditResult([finding({ services: ['api', 'worker'] })], services), { patch: '' });
    expect(out).toContain('| api | 1 | 0 | 0 |');
    expect(out).toContain('| worker | 1 | 0 | 0 |');
    expect(out).toContain('| **Total** | **1** | **0** | **0** |');
  });

  it('omits the patch block when there is no patch', async () => {
    const out = markdownReport(auditResult([finding()]), { patch: '' });
    expect(out).toContain('| 1 | error | DEP001 missing-dependency | `app/main.py:3` | api |');
    expect(out).not.toContain('Fix patch');
    expect(out).not.toContain('```');
  });

  it('escapes pipes, Markdown and HTML in table cells and keeps one row per finding', async () => {
    const out = markdownReport(auditResult([finding({ message: 'a | b <script> *x* __init__ `c`\nnext', service: 'w|x' })]));
    const row = out.split('\n').find((l) => l.startsWith('| 1 |')) ?? '';
    expect(row).toContain('a \\| b \\<script> \\*x\\* \\_\\_init\\_\\_ \\`c\\`<br>next');
    expect(row).toContain('| w\\|x |');
    expect(row.split(/(?<!\\)\|/).length).toBe(9); // 7 cells between 8 unescaped pipes
  });

  it('never mentions anyone: npm scopes become code spans', async () => {
    expect(cell('needs @types/node and @babel/core, mail me@example.com')).toBe('needs `@types/node` and `@babel/core`, mail me@example.com');
  });

  it('code spans survive backticks and pipes', async () => {
    expect(code('a`b', false)).toBe('``a`b``');
    expect(code('`x', false)).toBe('`` `x ``');
    expect(code('a|b', true)).toBe('`a\\|b`');
  });

  it('puts evidence and the patch in collapsible blocks, fenced longer than any backtick run in the patch', async () => {
    const patch = 'diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-```\n+````\n';
    const out = markdownReport(auditResult([finding({ evidence: [{ file: 'requirements.txt', line: 1, message: 'chromadb is not in it' }] })]), { patch });
    expect(out).toContain('<details>\n<summary>Evidence chains (1)</summary>\n\n');
    expect(out).toContain('- `requirements.txt:1` chromadb is not in it');
    expect(out).toContain(`<summary>Fix patch (1 file)</summary>`);
    expect(out).toContain(`\`\`\`\`\`diff\n${patch}\`\`\`\`\`\n`);
  });

  it('counts by service and severity, with a repository row for findings outside services', async () => {
    const out = markdownReport(
      auditResult(
        [finding(), finding({ severity: 'warning' }), finding({ service: null, severity: 'info', ruleId: 'PIN001', ruleName: 'conflicting-pins' })],
        [
          { name: 'api', kind: 'compose', composeFile: 'docker-compose.yml', dockerfile: 'Dockerfile', target: null, entry: null },
          { name: 'db', kind: 'compose', composeFile: 'docker-compose.yml', dockerfile: null, target: null, entry: null },
        ],
      ),
    );
    expect(out).toContain('| api | 1 | 1 | 0 |\n| db | 0 | 0 | 0 |\n| (repository) | 0 | 0 | 1 |\n| **Total** | **1** | **1** | **1** |');
  });

  it('lists errors first and leaves suppressed findings out of the tables', async () => {
    const out = markdownReport(
      auditResult([finding({ severity: 'info', file: 'a.py' }), finding({ severity: 'error', file: 'b.py' }), finding({ file: 'c.py', suppressed: { kind: 'inline', reason: null } })]),
    );
    expect(out.indexOf('`b.py:3`')).toBeLessThan(out.indexOf('`a.py:3`'));
    expect(out).not.toContain('c.py');
    expect(out).toContain('1 suppressed (not shown)');
  });
});
