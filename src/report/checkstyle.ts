// Checkstyle XML for tools that read it (Jenkins warnings-ng, reviewdog, SonarQube's external
// issues, Danger): one <file> per path, one <error> per unsuppressed finding with its line,
// column, severity (error, warning, info), message and source (driftcheck.<rule id>).
import type { AuditReport } from '../audit.js';
import type { Finding } from '../findings/types.js';
import { pathOf } from './junit.js';
import { visible } from './summary.js';
import { openTag, XML_DECLARATION } from './xml.js';

export interface CheckstyleOptions {
  /** Prepended to every repo-relative path (POSIX, ending in "/"): paths relative to the checkout. */
  readonly pathPrefix?: string;
}

export function checkstyleReport(result: AuditReport, options: CheckstyleOptions = {}): string {
  const prefix = options.pathPrefix ?? '';
  const byFile = new Map<string, Finding[]>();
  for (const finding of visible(result)) {
    const file = pathOf(finding.file, prefix);
    byFile.set(file, [...(byFile.get(file) ?? []), finding]);
  }
  const lines = [XML_DECLARATION, '<checkstyle version="4.3">'];
  for (const file of [...byFile.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    lines.push(`  ${openTag('file', { name: file })}>`);
    for (const f of byFile.get(file) ?? []) {
      lines.push(`    ${openTag('error', { line: Math.max(1, f.line), column: Math.max(1, f.column), severity: f.severity, message: f.message, source: `driftcheck.${f.ruleId}` })}/>`);
    }
    lines.push('  </file>');
  }
  lines.push('</checkstyle>');
  return `${lines.join('\n')}\n`;
}
