// The JSON report: a contract other tools read (version 2; schema/report.schema.json). Stable key order, repo-relative
// POSIX paths, no timestamps.
import type { AuditReport } from '../audit.js';
import { VERSION } from '../version.js';
import { summarize } from './summary.js';

export function jsonReport(result: AuditReport, displayRoot: string): string {
  const body = {
    version: 2,
    tool: { name: 'driftcheck', version: VERSION },
    root: displayRoot,
    findings: result.findings.map((f) => ({
      ruleId: f.ruleId,
      ruleName: f.ruleName,
      severity: f.severity,
      file: f.file,
      line: f.line,
      column: f.column,
      endLine: f.endLine,
      endColumn: f.endColumn,
      message: f.message,
      service: f.service,
      services: f.services ?? (f.service === null ? [] : [f.service]),
      evidence: f.evidence.map((e) => ({ file: e.file, line: e.line, message: e.message })),
      fix: f.fix ? { title: f.fix.title, applicability: f.fix.applicability } : null,
      suppressed: f.suppressed !== false,
      ...(f.suppressed ? { suppression: { kind: f.suppressed.kind, reason: f.suppressed.reason } } : {}),
    })),
    services: result.services,
    warnings: result.warnings,
    ...(result.notes && result.notes.length > 0 ? { notes: result.notes.map((n) => ({ file: n.file, message: n.message })) } : {}),
    summary: summarize(result),
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}
