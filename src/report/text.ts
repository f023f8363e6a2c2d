// The default report: grouped by service, then file; severity, rule id, message, evidence chain
// and a fix marker. Colour only when asked (the CLI asks on a TTY without NO_COLOR).
import type { AuditReport } from '../audit.js';
import type { Finding, Severity } from '../findings/types.js';
import { fixMarker, summarize, visible } from './summary.js';

export interface TextOptions {
  readonly color: boolean;
  readonly displayRoot: string;
  readonly quiet?: boolean;
}

const CODES = { red: 31, yellow: 33, blue: 34, cyan: 36, dim: 2, bold: 1, green: 32 } as const;
export type Style = keyof typeof CODES;

/** ANSI styling, or none. */
export function painter(color: boolean): (style: Style, text: string) => string {
  return (style, text) => (color ? `\u001b[${CODES[style]}m${text}\u001b[0m` : text);
}

export function textReport(result: AuditReport, options: TextOptions): string {
  const paint = painter(options.color);
  const findings = visible(result);
  const lines: string[] = [];
  // The header: where settings came from besides driftcheck's own config (`[tool.deptry]`).
  for (const note of result.notes ?? []) lines.push(`${paint('dim', 'note:')} ${note.file}: ${note.message}`);
  if ((result.notes ?? []).length > 0) lines.push('');
  for (const [service, byFile] of groupByServiceAndFile(findings)) {
    lines.push(paint('bold', serviceHeading(result, service)));
    for (const [file, list] of byFile) {
      lines.push(`  ${paint('cyan', file)}`);
      for (const finding of list) lines.push(...findingLines(finding, paint, options.quiet === true));
    }
    lines.push('');
  }
  for (const warning of result.warnings) lines.push(`${paint('yellow', 'warning:')} ${warning.file}: ${warning.message}`);
  lines.push(summaryLine(result, paint));
  return `${lines.join('\n')}\n`;
}

function groupByServiceAndFile(findings: readonly Finding[]): Map<string, Map<string, Finding[]>> {
  const groups = new Map<string, Map<string, Finding[]>>();
  const ordered = [...findings].sort((a, b) => serviceOrder(a) - serviceOrder(b) || compare(a.service ?? '', b.service ?? ''));
  for (const finding of ordered) {
    const service = finding.service ?? '';
    const byFile = groups.get(service) ?? new Map<string, Finding[]>();
    const list = byFile.get(finding.file) ?? [];
    list.push(finding);
    byFile.set(finding.file, list);
    groups.set(service, byFile);
  }
  return groups;
}

function serviceOrder(finding: Finding): number {
  return finding.service === null ? 1 : 0;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function serviceHeading(result: AuditReport, name: string): string {
  if (name === '') return 'Repository';
  const service = result.services.find((s) => s.name === name);
  if (!service) return `Service ${name}`;
  const parts = [service.composeFile, service.dockerfile].filter((p): p is string => p !== null);
  const target = service.target ? `, target ${service.target}` : '';
  const from = parts.length > 0 ? ` (${parts.join(' -> ')}${target})` : '';
  return `Service ${name}${from}`;
}

const SEVERITY_STYLE: Readonly<Record<Severity, Style>> = { error: 'red', warning: 'yellow', info: 'blue' };

function findingLines(finding: Finding, paint: (s: Style, t: string) => string, quiet: boolean): string[] {
  const where = `${finding.line}:${finding.column}`.padEnd(7);
  const severity = paint(SEVERITY_STYLE[finding.severity], finding.severity.padEnd(7));
  const marker = fixMarker(finding);
  const head = `    ${where} ${severity} ${paint('bold', finding.ruleId)} ${finding.message}${marker ? ` ${paint('green', marker)}` : ''}`;
  if (quiet) return [head];
  const evidence = finding.evidence.map((e) => `${' '.repeat(12)}${paint('dim', `-> ${e.file}:${e.line} ${clipEvidence(e.message)}`)}`);
  const fix = finding.fix ? [`${' '.repeat(12)}${paint('dim', `fix (${finding.fix.applicability}): ${finding.fix.title}`)}`] : [];
  return [head, ...evidence, ...fix];
}

/** Longest evidence text shown: a generated 50 KB command line stays one readable line (JSON keeps it whole). */
const MAX_EVIDENCE_CHARS = 240;

/** Evidence on one line: a multi-line `sh -c` command would break the report's indentation. */
function clipEvidence(message: string): string {
  const oneLine = message.replace(/[ \t]*\r?\n\s*/g, ' ');
  return oneLine.length <= MAX_EVIDENCE_CHARS ? oneLine : `${oneLine.slice(0, MAX_EVIDENCE_CHARS - 1)}…`;
}

/** `Found 3 problems (…)` or `No problems found (…)`: the last line of the text and concise reports. */
export function summaryLine(result: AuditReport, paint: (s: Style, t: string) => string): string {
  const s = summarize(result);
  if (s.total === 0) return paint('green', `No problems found (${s.services} service${s.services === 1 ? '' : 's'}, ${s.files} files checked${s.suppressed ? `, ${s.suppressed} suppressed` : ''}).`);
  const counts = [`${s.errors} error${s.errors === 1 ? '' : 's'}`, `${s.warnings} warning${s.warnings === 1 ? '' : 's'}`, `${s.infos} info`].join(', ');
  const fixes: string[] = [];
  if (s.fixable.safe > 0) fixes.push(`${s.fixable.safe} fixable with --fix`);
  if (s.fixable.unsafe > 0) fixes.push(`${s.fixable.unsafe} ${s.fixable.safe > 0 ? 'more ' : ''}with --unsafe-fixes`);
  const suppressed = s.suppressed > 0 ? `; ${s.suppressed} suppressed` : '';
  return `Found ${s.total} problem${s.total === 1 ? '' : 's'} (${counts})${suppressed}.${fixes.length ? ` [*] ${fixes.join(', ')}.` : ''}`;
}
