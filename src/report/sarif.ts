// The SARIF 2.1.0 report (GitHub code scanning, IDE viewers): a pure function of one audit result.
// One run; driver.rules comes from the registry plus the PARSE/INTERNAL pseudo-rules; every result
// carries its evidence chain as relatedLocations, its fix as text replacements, its suppression,
// and a partialFingerprint that survives line shifts. No absolute paths, no timestamps.
import type { ArtifactChange, Fix as SarifFix, Location, Log, Replacement, ReportingDescriptor, Result, Run } from 'sarif';
import type { AuditReport } from '../audit.js';
import { findingFingerprints } from '../findings/fingerprint.js';
import type { Finding, Fix, Severity } from '../findings/types.js';
import type { RuleCategory } from '../rules/define-rule.js';
import { INTERNAL_RULE, PARSE_RULE, RULES } from '../rules/index.js';
import { HOMEPAGE, VERSION } from '../version.js';

// The fingerprints are shared with GitLab, baselines and --changed-since (src/findings/fingerprint.ts).
export { findingFingerprints };

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
export const FINGERPRINT_KEY = 'driftcheck/v1';
const SRCROOT = '%SRCROOT%';

export interface SarifOptions {
  /**
   * Prepended to every repo-relative path (POSIX, ending in "/"), so that uris are relative to the
   * checkout when the audited root is a subdirectory of it. Default: none.
   */
  readonly pathPrefix?: string;
}

interface RuleDescription {
  readonly id: string;
  readonly name: string;
  readonly severity: Severity;
  readonly category: RuleCategory | 'parse' | 'internal';
  readonly summary: string;
  readonly docs: string;
  readonly security?: { readonly severity: number; readonly cwe: readonly number[] };
}

/**
 * Where a rule is documented: its row of the README's rule table (anchor = lower-case id), the
 * pseudo-rules the table itself. `user-content-` is the prefix npmjs.com and GitHub give the ids
 * of a README's HTML anchors and headings; GitHub also resolves the bare name, npmjs.com does not.
 */
export function ruleHelpUri(id: string): string {
  const anchor = id === PARSE_RULE.id || id === INTERNAL_RULE.id ? 'rules' : id.toLowerCase();
  return `${HOMEPAGE}#user-content-${anchor}`;
}

const PSEUDO_RULES: readonly RuleDescription[] = [
  {
    id: PARSE_RULE.id,
    name: PARSE_RULE.name,
    severity: 'error',
    category: 'parse',
    summary: 'A file driftcheck reads could not be parsed',
    docs: `## What it does
Reports a file driftcheck could not fully parse (a requirements line, a Dockerfile instruction, a
compose file, a Python module), with the line and column of the problem. The other files are still
audited.

## Why is this bad?
The same input usually breaks the real tool too (pip, docker build, docker compose, python), and
whatever driftcheck could not read it could not check.

## Fix
Correct the syntax at the reported position.`,
  },
  {
    id: INTERNAL_RULE.id,
    name: INTERNAL_RULE.name,
    severity: 'error',
    category: 'internal',
    summary: 'A driftcheck rule failed while checking this repository',
    docs: `## What it does
Reports a rule that failed with an internal error. The other rules still ran.

## Why is this bad?
The failed rule's findings are missing from this report. This is a bug in driftcheck: please
report it with the message shown.`,
  },
];

export function sarifReport(result: AuditReport, options: SarifOptions = {}): string {
  return `${JSON.stringify(sarifLog(result, options), null, 2)}\n`;
}

export function sarifLog(result: AuditReport, options: SarifOptions = {}): Log {
  const prefix = options.pathPrefix ?? '';
  const descriptions = ruleDescriptions();
  const index = new Map(descriptions.map((d, i) => [d.id, i]));
  const fingerprints = findingFingerprints(result.findings);
  const run: Run = {
    tool: {
      driver: {
        name: 'driftcheck',
        informationUri: HOMEPAGE,
        version: VERSION,
        semanticVersion: VERSION,
        rules: descriptions.map(reportingDescriptor),
      },
    },
    invocations: [
      {
        executionSuccessful: true,
        ...(result.warnings.length > 0
          ? {
              toolExecutionNotifications: result.warnings.map((w) => ({
                level: 'warning' as const,
                message: { text: w.message },
                locations: [{ physicalLocation: { artifactLocation: artifactLocation(w.file, prefix) } }],
              })),
            }
          : {}),
      },
    ],
    // Only a description: the root's absolute location is deliberately not recorded.
    originalUriBaseIds: { [SRCROOT]: { description: { text: 'The root of the audited repository' } } },
    results: result.findings.map((finding, i) => sarifResult(finding, index, fingerprints[i] ?? '', prefix)),
    columnKind: 'utf16CodeUnits',
  };
  return { $schema: SARIF_SCHEMA_URI, version: '2.1.0', runs: [run] };
}

function ruleDescriptions(): RuleDescription[] {
  return [...RULES.map((r) => ({ ...r.meta })), ...PSEUDO_RULES];
}

function reportingDescriptor(rule: RuleDescription): ReportingDescriptor {
  return {
    id: rule.id,
    name: rule.name,
    shortDescription: { text: rule.summary },
    fullDescription: { text: fullDescription(rule) },
    help: { text: rule.docs, markdown: rule.docs },
    helpUri: ruleHelpUri(rule.id),
    defaultConfiguration: { level: LEVEL[rule.severity] },
    properties: rule.security
      ? {
          tags: [rule.category, ...(rule.category === 'security' ? [] : ['security']), ...rule.security.cwe.map((id) => `external/cwe/cwe-${id}`)],
          // GitHub reads a string with one decimal (as CodeQL writes it): "7.5".
          'security-severity': rule.security.severity.toFixed(1),
        }
      : { tags: [rule.category] },
  };
}

/** The "What it does" section of the docs as one plain paragraph; the summary if there is none. */
function fullDescription(rule: RuleDescription): string {
  const match = /^## What it does\s*\n([\s\S]*?)(?=^## |$(?![\s\S]))/m.exec(rule.docs);
  const text = (match?.[1] ?? '').replace(/\s+/g, ' ').trim();
  return text === '' ? rule.summary : text;
}

const LEVEL: Readonly<Record<Severity, 'error' | 'warning' | 'note'>> = { error: 'error', warning: 'warning', info: 'note' };

function sarifResult(finding: Finding, index: ReadonlyMap<string, number>, fingerprint: string, prefix: string): Result {
  const ruleIndex = index.get(finding.ruleId);
  const related: Location[] = finding.evidence.map((e, i) => ({
    id: i + 1,
    physicalLocation: { artifactLocation: artifactLocation(e.file, prefix), region: { startLine: Math.max(1, e.line) } },
    message: { text: e.message },
  }));
  const fixes = finding.fix ? sarifFix(finding.fix, prefix) : null;
  return {
    ruleId: finding.ruleId,
    ...(ruleIndex === undefined ? {} : { ruleIndex }),
    level: LEVEL[finding.severity],
    message: { text: messageText(finding, prefix) },
    locations: [
      {
        physicalLocation: {
          artifactLocation: artifactLocation(finding.file, prefix),
          region: {
            startLine: Math.max(1, finding.line),
            startColumn: Math.max(1, finding.column),
            endLine: Math.max(1, finding.endLine),
            endColumn: Math.max(1, finding.endColumn),
          },
        },
      },
    ],
    ...(related.length > 0 ? { relatedLocations: related } : {}),
    partialFingerprints: { [FINGERPRINT_KEY]: fingerprint },
    ...(fixes ? { fixes: [fixes] } : {}),
    ...(finding.suppressed
      ? {
          suppressions: [
            {
              kind: finding.suppressed.kind === 'inline' ? ('inSource' as const) : ('external' as const),
              ...(finding.suppressed.reason ? { justification: finding.suppressed.reason } : {}),
              properties: { driftcheckKind: finding.suppressed.kind },
            },
          ],
        }
      : {}),
    properties: {
      ruleName: finding.ruleName,
      ...(finding.service !== null ? { service: finding.service } : {}),
      ...(finding.services && finding.services.length > 1 ? { services: finding.services } : {}),
      ...(finding.fix ? { fixApplicability: finding.fix.applicability } : {}),
    },
  };
}

/**
 * The finding's message followed by its evidence chain, each link an embedded link to the matching
 * relatedLocation ("[file:line](id)"), which is how GitHub code scanning shows related locations.
 */
function messageText(finding: Finding, prefix: string): string {
  if (finding.evidence.length === 0) return finding.message;
  const chain = finding.evidence.map((e, i) => `-> [${escapeLinkText(`${prefix}${e.file}:${e.line}`)}](${i + 1}) ${e.message}`);
  return [finding.message, ...chain].join('\n');
}

function escapeLinkText(text: string): string {
  return text.replace(/[[\]\\]/g, (c) => `\\${c}`);
}

/**
 * A fix as SARIF replacements. TextEdit offsets are 0-based UTF-16 offsets into the file's text
 * with any byte order mark removed (see SourceFile.text) - the same text that line/column regions
 * address - so charOffset/charLength do not count a leading BOM. Fixes without edits (pure
 * suggestions) have nothing to replace and are left out.
 */
function sarifFix(fix: Fix, prefix: string): SarifFix | null {
  const byFile = new Map<string, Replacement[]>();
  const edits = [...fix.edits].sort((a, b) => compare(a.file, b.file) || a.start - b.start || a.end - b.end);
  for (const edit of edits) {
    const list = byFile.get(edit.file) ?? [];
    list.push({ deletedRegion: { charOffset: edit.start, charLength: Math.max(0, edit.end - edit.start) }, insertedContent: { text: edit.text } });
    byFile.set(edit.file, list);
  }
  if (byFile.size === 0) return null;
  const artifactChanges: ArtifactChange[] = [...byFile].map(([file, replacements]) => ({ artifactLocation: artifactLocation(file, prefix), replacements }));
  return { description: { text: fix.title }, artifactChanges, properties: { applicability: fix.applicability } };
}

/** A repo-relative POSIX path as a relative URI reference under %SRCROOT% (each segment percent-encoded). */
function artifactLocation(file: string, prefix: string): { uri: string; uriBaseId: string } {
  return { uri: toUri(`${prefix}${file}`), uriBaseId: SRCROOT };
}

export function toUri(path: string): string {
  const segments = path.replace(/\\/g, '/').split('/').filter((s, i, all) => s !== '' || i === all.length - 1);
  const uri = segments.map((s) => encodeURIComponent(s)).join('/');
  return uri === '' ? '.' : uri;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
