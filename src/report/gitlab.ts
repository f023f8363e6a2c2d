// GitLab Code Quality report (artifacts:reports:codequality): a JSON array with one issue per
// unsuppressed finding. Fingerprints are the same line-shift-stable hashes as SARIF's.
import type { AuditReport } from '../audit.js';
import type { Severity } from '../findings/types.js';
import { findingFingerprints } from '../findings/fingerprint.js';

export interface GitlabOptions {
  /** Prepended to every repo-relative path (POSIX, ending in "/"): paths must be relative to the project root. */
  readonly pathPrefix?: string;
}

export type GitlabSeverity = 'info' | 'minor' | 'major' | 'critical' | 'blocker';

export interface GitlabIssue {
  readonly description: string;
  readonly check_name: string;
  readonly fingerprint: string;
  readonly severity: GitlabSeverity;
  readonly location: { readonly path: string; readonly lines: { readonly begin: number; readonly end: number } };
}

const SEVERITY: Readonly<Record<Severity, GitlabSeverity>> = { error: 'major', warning: 'minor', info: 'info' };

export function gitlabIssues(result: AuditReport, options: GitlabOptions = {}): GitlabIssue[] {
  const prefix = options.pathPrefix ?? '';
  const fingerprints = findingFingerprints(result.findings);
  return result.findings.flatMap((finding, i) => {
    if (finding.suppressed) return [];
    return [
      {
        description: `${finding.ruleId} ${finding.message}`,
        check_name: finding.ruleId,
        fingerprint: fingerprints[i] ?? '',
        severity: SEVERITY[finding.severity],
        location: {
          path: finding.file === '.' && prefix !== '' ? prefix.replace(/\/$/, '') : `${prefix}${finding.file}`,
          lines: { begin: Math.max(1, finding.line), end: Math.max(1, finding.line, finding.endLine) },
        },
      },
    ];
  });
}

export function gitlabReport(result: AuditReport, options: GitlabOptions = {}): string {
  return `${JSON.stringify(gitlabIssues(result, options), null, 2)}\n`;
}
