// The library: `import { audit, textReport } from 'driftcheck'`. The same functions the CLI
// (src/cli/main.ts) puts together; it is exported too, for embedding the whole command.
export { audit, auditInParallel, type AuditOptions, type AuditReport, type AuditResult, type ServiceSummary } from './engine/pipeline.js';
export { applyBaseline, baselineOf, BaselineError, matchBaseline, newSince, readBaseline, writeBaseline, type Baseline, type BaselineEntry, type BaselineMatch } from './engine/baseline.js';
export { main, type CliIo } from './cli/main.js';
export { ConfigError, loadConfig, type RuleLookup } from './config/load.js';
export { DEFAULT_CONFIG, type Config, type IgnoreEntry, type RuleSetting } from './config/types.js';
export type { DiscoverOptions } from './discover.js';
export { findingFingerprints, fingerprint } from './findings/fingerprint.js';
export { mergeServiceFindings } from './findings/merge-services.js';
export { SEVERITY_RANK, type Applicability, type Evidence, type Finding, type Fix, type Position, type Severity, type Span, type SuppressionKind, type TextEdit } from './findings/types.js';
export { computeFixes, type AppliedFix, type FixOptions, type FixOutcome } from './fix/apply.js';
export { unifiedDiff, unifiedDiffBytes } from './fix/patch.js';
export { WriteError, writeFixes } from './fix/write.js';
export { conciseReport, type ConciseOptions } from './report/concise.js';
export { githubReport, type GithubOptions } from './report/github.js';
export { gitlabIssues, gitlabReport, type GitlabIssue, type GitlabOptions, type GitlabSeverity } from './report/gitlab.js';
export { jsonReport } from './report/json.js';
export { junitReport, type JunitOptions } from './report/junit.js';
export { checkstyleReport, type CheckstyleOptions } from './report/checkstyle.js';
export { markdownReport, type MarkdownOptions } from './report/markdown.js';
export { prometheusReport, type PrometheusOptions } from './report/prometheus.js';
export { sarifLog, sarifReport, type SarifOptions } from './report/sarif.js';
export { FORMATS, REPORTERS, type Format, type Reporter, type ReportOptions } from './report/index.js';
export { textReport, type TextOptions } from './report/text.js';
export type { ConfigShorthand, Rule, RuleCategory, RuleMeta } from './rules/define-rule.js';
export { findRule, ruleLookup, RULES } from './rules/index.js';
export { VERSION } from './version.js';
