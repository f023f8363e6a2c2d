// The rule runner's contract with rules: findings carry the rule's id, a throwing rule becomes an
// internal error, and a fix from a rule whose meta says `fix: 'none'` is rejected.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { audit } from '../../src/engine/pipeline.js';
import { runRule, runRules } from '../../src/engine/run-rules.js';
import { suppress } from '../../src/engine/suppressions.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { defineRule, type RuleMeta } from '../../src/rules/define-rule.js';
import { REPO_ROOT } from '../helpers/cli.js';

const project = audit({ root: join(REPO_ROOT, 'fixtures/rules/runs-as-root/flags-no-user-on-python-slim'), select: ['PROD005'] }).project;

const META: RuleMeta = {
  id: 'TEST001', name: 'test-rule', severity: 'warning', category: 'correctness', fix: 'none', summary: 'test', docs: '',
};
const FIX = { title: 'Remove it', applicability: 'safe' as const, edits: [{ file: 'Dockerfile', start: 0, end: 1, text: '' }] };

describe('runRule', () => {
  it('makes findings from what the rule reports', () => {
    const rule = defineRule({ meta: META, check: ({ report }) => report({ file: 'Dockerfile', span: { start: 0, end: 4 }, message: 'here' }) });
    const findings = runRule(rule, project);
    expect(findings.map((f) => [f.ruleId, f.ruleName, f.severity, f.message, f.line, f.fix])).toEqual([['TEST001', 'test-rule', 'warning', 'here', 1, null]]);
  });

  it("rejects a fix from a rule whose meta says fix: 'none': an internal error naming the rule", () => {
    const rule = defineRule({
      meta: META,
      check: ({ report }) => {
        report({ file: 'Dockerfile', span: { start: 0, end: 4 }, message: 'one', fix: FIX });
        report({ file: 'Dockerfile', span: { start: 0, end: 4 }, message: 'two', fix: FIX });
      },
    });
    const findings = runRule(rule, project);
    const internal = findings.filter((f) => f.ruleId === 'INTERNAL');
    expect(internal).toHaveLength(1);
    expect(internal[0]?.severity).toBe('error');
    expect(internal[0]?.message).toContain('TEST001 (test-rule)');
    expect(internal[0]?.message).toContain("fix: 'none'");
    const own = findings.filter((f) => f.ruleId === 'TEST001');
    expect(own.map((f) => f.message)).toEqual(['one', 'two']);
    expect(own.every((f) => f.fix === null)).toBe(true);
  });

  it("keeps a display-only suggestion from a rule whose meta says fix: 'none' (never applied)", () => {
    const suggestion = { ...FIX, applicability: 'display-only' as const };
    const rule = defineRule({ meta: META, check: ({ report }) => report({ file: 'Dockerfile', span: { start: 0, end: 4 }, message: 'one', fix: suggestion }) });
    expect(runRule(rule, project).map((f) => [f.ruleId, f.fix])).toEqual([['TEST001', suggestion]]);
  });

  it('keeps a fix from a rule that declares fixes', () => {
    const rule = defineRule({ meta: { ...META, fix: 'sometimes' }, check: ({ report }) => report({ file: 'Dockerfile', span: { start: 0, end: 4 }, message: 'one', fix: FIX }) });
    expect(runRule(rule, project).map((f) => [f.ruleId, f.fix])).toEqual([['TEST001', FIX]]);
  });

  it('turns a throwing rule into an internal error naming it', () => {
    const rule = defineRule({ meta: META, check: () => { throw new Error('boom'); } });
    expect(runRule(rule, project).map((f) => [f.ruleId, f.message])).toEqual([['INTERNAL', 'rule TEST001 (test-rule) failed: boom']]);
  });
});

describe('runRules at scale (issue #22)', () => {
  it('takes 200k findings from one rule, and suppress() passes them through, without a stack overflow', () => {
    const N = 200_000;
    const rule = defineRule({
      meta: META,
      check: ({ report }) => {
        for (let i = 0; i < N; i++) report({ file: 'Dockerfile', span: { start: 0, end: 4 }, message: `m${i}` });
      },
    });
    const findings = runRules([rule], project, DEFAULT_CONFIG);
    expect(findings).toHaveLength(N);
    expect(findings[N - 1]?.message).toBe(`m${N - 1}`);
    const kept = suppress(project, findings, [rule], DEFAULT_CONFIG);
    expect(kept).toHaveLength(N);
  });
});
