// Hand-made audit results for reporter unit tests (reporters are pure functions of one result).
import type { AuditResult, ServiceSummary } from '../../src/audit.js';
import type { Finding } from '../../src/findings/types.js';

export function finding(overrides: Partial<Finding> = {}): Finding {
  return {
    ruleId: 'DEP001',
    ruleName: 'missing-dependency',
    severity: 'error',
    file: 'app/main.py',
    line: 3,
    column: 8,
    endLine: 3,
    endColumn: 16,
    message: '"chromadb" is imported but the image of service "api" never installs it',
    service: 'api',
    evidence: [],
    fix: null,
    suppressed: false,
    ...overrides,
  };
}

export function auditResult(findings: readonly Finding[], services: readonly ServiceSummary[] = []): AuditResult {
  return {
    root: '.',
    findings,
    files: [{ path: 'app/main.py', kind: 'python' }],
    services,
    warnings: [],
    // Reporters never read the parsed project.
    project: undefined as never,
  };
}
