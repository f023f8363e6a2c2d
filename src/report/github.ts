// GitHub Actions workflow commands: one ::error / ::warning / ::notice annotation per unsuppressed
// finding, with the evidence chain (and the fix, if any) on the lines after the message.
// Escaping follows @actions/core (toolkit command.ts): data escapes % \r \n; property values
// additionally escape : and ,.
import type { AuditReport } from '../audit.js';
import type { Finding, Severity } from '../findings/types.js';
import { visible } from './summary.js';

export interface GithubOptions {
  /** Prepended to every repo-relative path (POSIX, ending in "/"): paths must be relative to the workspace. */
  readonly pathPrefix?: string;
}

const COMMAND: Readonly<Record<Severity, 'error' | 'warning' | 'notice'>> = { error: 'error', warning: 'warning', info: 'notice' };

export function githubReport(result: AuditReport, options: GithubOptions = {}): string {
  return visible(result)
    .map((finding) => `${annotation(finding, options.pathPrefix ?? '')}\n`)
    .join('');
}

function annotation(finding: Finding, prefix: string): string {
  const properties: [string, string][] = [];
  if (finding.file !== '.' && finding.file !== '') {
    properties.push(['file', `${prefix}${finding.file}`]);
    properties.push(['line', String(finding.line)]);
    properties.push(['col', String(finding.column)]);
    properties.push(['endLine', String(finding.endLine)]);
    properties.push(['endColumn', String(finding.endColumn)]);
  }
  properties.push(['title', `${finding.ruleId} ${finding.ruleName}`]);
  const lines = [
    finding.message,
    ...finding.evidence.map((e) => `-> ${prefix}${e.file}:${e.line} ${e.message}`),
    ...(finding.fix ? [`fix (${finding.fix.applicability}): ${finding.fix.title}`] : []),
  ];
  const props = properties.map(([key, value]) => `${key}=${escapeProperty(value)}`).join(',');
  return `::${COMMAND[finding.severity]} ${props}::${escapeData(lines.join('\n'))}`;
}

export function escapeData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(value: string): string {
  return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
