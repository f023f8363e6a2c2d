// The pipeline moved to src/engine/ (see src/engine/README.md); this re-export keeps every existing
// import of '../audit.js' working.
export {
  audit, auditInParallel, selectedRules, sortFindings,
  type AuditOptions, type AuditProgress, type AuditReport, type AuditResult, type ProgressListener, type ServiceSummary, type Span,
} from './engine/pipeline.js';
