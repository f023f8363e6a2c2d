import type { AuditProgress, AuditReport } from '../audit.js';
import type { Finding } from '../findings/types.js';

export interface Summary {
  readonly total: number;
  readonly errors: number;
  readonly warnings: number;
  readonly infos: number;
  readonly suppressed: number;
  readonly fixable: { readonly safe: number; readonly unsafe: number; readonly displayOnly: number };
  readonly services: number;
  readonly files: number;
}

export function visible(result: AuditReport): Finding[] {
  return result.findings.filter((f) => !f.suppressed);
}

export function summarize(result: AuditReport): Summary {
  const shown = visible(result);
  const count = (pred: (f: Finding) => boolean): number => shown.filter(pred).length;
  return {
    total: shown.length,
    errors: count((f) => f.severity === 'error'),
    warnings: count((f) => f.severity === 'warning'),
    infos: count((f) => f.severity === 'info'),
    suppressed: result.findings.length - shown.length,
    fixable: {
      safe: count((f) => f.fix?.applicability === 'safe'),
      unsafe: count((f) => f.fix?.applicability === 'unsafe'),
      displayOnly: count((f) => f.fix?.applicability === 'display-only'),
    },
    services: result.services.filter((s) => s.kind !== 'project').length,
    files: result.files.length,
  };
}

/** The marker after a finding: `[*]` safe fix, `[unsafe fix]`, `[suggestion]`, or nothing. */
export function fixMarker(finding: Finding): string {
  switch (finding.fix?.applicability) {
    case 'safe':
      return '[*]';
    case 'unsafe':
      return '[unsafe fix]';
    case 'display-only':
      return '[suggestion]';
    default:
      return '';
  }
}

/** One line on how far an audit has got (the CLI's progress line, the interactive report's spinner). */
export function progressSummary(progress: AuditProgress): string {
  const files = `${progress.files} file${progress.files === 1 ? '' : 's'}`;
  switch (progress.step) {
    case 'reading':
      return `reading files… ${progress.files} read`;
    case 'building':
      return `${files} read; building services…`;
    case 'checking': {
      const services = progress.services ?? 0;
      const rules = progress.rules ? ` ${progress.rules.done}/${progress.rules.total}` : '';
      return `${files} read, ${services} service${services === 1 ? '' : 's'} built; checking rules${rules}…`;
    }
  }
}
