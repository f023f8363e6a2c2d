// JUnit XML for CI systems that show test reports (GitLab artifacts:reports:junit, Jenkins, Azure
// Pipelines, CircleCI): one <testsuite> per rule, one <testcase> per finding with a <failure>
// (its type is the severity), suppressed findings as <skipped>. A run without findings is one
// passing test case, so consumers that refuse an empty report still read it.
import type { AuditReport } from '../audit.js';
import type { Finding } from '../findings/types.js';
import { RULES } from '../rules/index.js';
import { openTag, XML_DECLARATION, xmlText } from './xml.js';

export interface JunitOptions {
  /** Prepended to every repo-relative path (POSIX, ending in "/"): paths relative to the checkout. */
  readonly pathPrefix?: string;
}

const ORDER = new Map(RULES.map((r, i) => [r.meta.id, i]));

export function junitReport(result: AuditReport, options: JunitOptions = {}): string {
  const prefix = options.pathPrefix ?? '';
  const byRule = new Map<string, Finding[]>();
  for (const finding of result.findings) byRule.set(finding.ruleId, [...(byRule.get(finding.ruleId) ?? []), finding]);
  const rules = [...byRule.keys()].sort((a, b) => (ORDER.get(a) ?? ORDER.size) - (ORDER.get(b) ?? ORDER.size) || (a < b ? -1 : a > b ? 1 : 0));
  const total = result.findings.length;
  const skipped = result.findings.filter((f) => f.suppressed).length;
  const lines = [XML_DECLARATION];
  lines.push(`${openTag('testsuites', { name: 'driftcheck', tests: Math.max(total, 1), failures: total - skipped, errors: 0, skipped })}>`);
  if (total === 0) {
    lines.push(`  ${openTag('testsuite', { name: 'driftcheck', tests: 1, failures: 0, errors: 0, skipped: 0 })}>`);
    lines.push(`    ${openTag('testcase', { name: 'no findings', classname: 'driftcheck' })}/>`);
    lines.push('  </testsuite>');
  }
  for (const rule of rules) {
    const findings = byRule.get(rule) ?? [];
    const ruleSkipped = findings.filter((f) => f.suppressed).length;
    const name = `${rule} ${findings[0]?.ruleName ?? ''}`.trim();
    lines.push(`  ${openTag('testsuite', { name, tests: findings.length, failures: findings.length - ruleSkipped, errors: 0, skipped: ruleSkipped })}>`);
    for (const finding of findings) lines.push(...testcase(finding, prefix));
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}

function testcase(finding: Finding, prefix: string): string[] {
  const file = pathOf(finding.file, prefix);
  const where = `${file}:${finding.line}:${finding.column}`;
  const open = `    ${openTag('testcase', { name: `${where} ${finding.message}`, classname: `driftcheck.${finding.ruleId}`, file, line: finding.line })}>`;
  if (finding.suppressed) {
    const reason = finding.suppressed.reason ? `: ${finding.suppressed.reason}` : '';
    return [open, `      ${openTag('skipped', { message: `suppressed (${finding.suppressed.kind})${reason}` })}/>`, '    </testcase>'];
  }
  const body = [
    `${finding.ruleId} ${finding.ruleName} (${finding.severity})`,
    `${where}: ${finding.message}`,
    ...(finding.service !== null ? [`service: ${finding.service}`] : []),
    ...finding.evidence.map((e) => `-> ${pathOf(e.file, prefix)}:${e.line} ${e.message}`),
    ...(finding.fix ? [`fix (${finding.fix.applicability}): ${finding.fix.title}`] : []),
  ].join('\n');
  return [open, `      ${openTag('failure', { message: finding.message, type: finding.severity })}>${xmlText(body)}</failure>`, '    </testcase>'];
}

/** A repo-relative path under the prefix; the root itself ('.') is the prefix's folder. */
export function pathOf(file: string, prefix: string): string {
  if (file === '.' || file === '') return prefix === '' ? '.' : prefix.replace(/\/$/, '');
  return `${prefix}${file}`;
}
