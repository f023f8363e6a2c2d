// The fix engine drops a fix whose finding is still there after the fix was applied (#15 point 4):
// it is never applied again, the patch holds only the fixes that worked, and a warning says so.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { audit } from '../../src/engine/pipeline.js';
import { computeFixes } from '../../src/fix/apply.js';
import { defineRule, type Rule, type RuleMeta } from '../../src/rules/define-rule.js';
import { RULES } from '../../src/rules/index.js';

const meta = (id: string, name: string): RuleMeta => ({ id, name, severity: 'warning', category: 'correctness', fix: 'sometimes', summary: 'test', docs: '' });

// Its fix adds a comment line, and it reports again whatever the file holds: the fix never works.
const stubborn = defineRule({
  meta: meta('TEST901', 'stubborn-test-rule'),
  check: ({ project, report }) => {
    if (!project.files.has('requirements.txt')) return;
    report({
      file: 'requirements.txt', span: { start: 0, end: 1 }, message: 'always here',
      fix: { title: 'Add a comment', applicability: 'safe', edits: [{ file: 'requirements.txt', start: 0, end: 0, text: '# touched\n' }] },
    });
  },
});

// Its fix appends the line whose absence it reports: it works in one pass.
const honest = defineRule({
  meta: meta('TEST902', 'honest-test-rule'),
  check: ({ project, report }) => {
    const file = project.files.get('requirements.txt');
    if (!file || file.text.includes('httpx==0.28.1')) return;
    report({
      file: 'requirements.txt', span: { start: 0, end: 1 }, message: 'httpx is missing',
      fix: { title: 'Add httpx', applicability: 'safe', edits: [{ file: 'requirements.txt', start: file.text.length, end: file.text.length, text: 'httpx==0.28.1\n' }] },
    });
  },
});

const registry = RULES as Rule[];
afterEach(() => {
  for (const rule of [stubborn, honest]) if (registry.includes(rule)) registry.splice(registry.indexOf(rule), 1);
});

describe('computeFixes', () => {
  it('drops a fix whose finding remains, keeps the ones that work, and says which it dropped', () => {
    registry.push(stubborn, honest);
    const root = mkdtempSync(join(tmpdir(), 'driftcheck-dropped-'));
    writeFileSync(join(root, 'requirements.txt'), 'fastapi==0.115.6\n');
    const options = { root, select: ['TEST901', 'TEST902'] };
    const first = audit(options);
    expect(first.findings.map((f) => f.ruleId).sort()).toEqual(['TEST901', 'TEST902']);
    const outcome = computeFixes(options, first, { unsafe: false });
    expect(outcome.changes.map((c) => [c.original.path, c.text])).toEqual([['requirements.txt', 'fastapi==0.115.6\nhttpx==0.28.1\n']]);
    expect(outcome.applied.map((a) => a.ruleId)).toEqual(['TEST902']);
    expect(outcome.warnings).toEqual([expect.stringMatching(/^dropped "Add a comment" \(TEST901 requirements\.txt\): its finding remained after the fix was applied$/)]);
    expect(outcome.after.findings.map((f) => f.ruleId)).toEqual(['TEST901']);
  });
});
