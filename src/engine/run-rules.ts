// The rule runner: which rules run (selection and config), running each one over the project, and
// turning what a rule reports (or a parse diagnostic) into a Finding with positions.
import type { Finding, Severity } from '../findings/types.js';
import type { Project } from '../model/types.js';
import { DEFAULT_CONFIG, type Config, type RuleSetting } from '../config/types.js';
import type { ReportDescriptor, Rule } from '../rules/define-rule.js';
import { INTERNAL_RULE, PARSE_RULE, RULES } from '../rules/index.js';
import { normalizeName } from '../util/names.js';

/** `select` (else the config's `select:`, else every rule), minus `ignore` and rules set to off. */
export function selectedRules(options: { readonly select?: readonly string[]; readonly ignore?: readonly string[] }, config: Config = DEFAULT_CONFIG): Rule[] {
  const select = options.select?.length ? options.select : config.select;
  const matches = (rule: Rule, list: readonly string[]): boolean =>
    list.some((item) => {
      const wanted = item.toUpperCase();
      return rule.meta.id === wanted || rule.meta.name === item.toLowerCase() || (wanted.length < rule.meta.id.length && rule.meta.id.startsWith(wanted));
    });
  return RULES.filter(
    (rule) => (select.length === 0 || matches(rule, select)) && !(options.ignore && matches(rule, options.ignore)) && settingOf(rule, config) !== 'off',
  );
}

export function settingOf(rule: Rule, config: Config): RuleSetting | undefined {
  return config.rules[rule.meta.id] ?? config.rules[rule.meta.name] ?? config.rules[rule.meta.id.toLowerCase()];
}

/** `rules: {DEP002: info}` sets the severity of every finding of that rule. */
export function withConfiguredSeverity(finding: Finding, rule: Rule, config: Config): Finding {
  const setting = settingOf(rule, config);
  return setting && setting !== 'off' ? { ...finding, severity: setting } : finding;
}

export function parseFindings(project: Project): Finding[] {
  return project.diagnostics.map(({ file, diagnostic }) =>
    makeFinding(project, { id: PARSE_RULE.id, name: PARSE_RULE.name, severity: diagnostic.severity }, {
      file, span: diagnostic.span, message: diagnostic.message, severity: diagnostic.severity,
    }, { line: diagnostic.line, column: diagnostic.column }),
  );
}

/** The findings of every rule in `rules`, in rule order, each with its configured severity. */
export function runRules(rules: readonly Rule[], project: Project, config: Config): Finding[] {
  const findings: Finding[] = [];
  for (const rule of rules) for (const f of runRule(rule, project)) findings.push(withConfiguredSeverity(f, rule, config));
  return findings;
}

/**
 * One rule's findings. A rule that throws, or reports an applicable (safe or unsafe) fix although
 * its meta says `fix: 'none'`, is a bug: it becomes an internal-error finding naming the rule, and
 * the audit goes on (a rejected fix is dropped; the finding it came with is kept). Display-only
 * suggestions are never applied, so `fix: 'none'` rules may give them (PIN006 does).
 */
export function runRule(rule: Rule, project: Project): Finding[] {
  const out: Finding[] = [];
  const meta = { id: rule.meta.id, name: rule.meta.name, severity: rule.meta.severity };
  let rejectedFix = false;
  const report = (descriptor: ReportDescriptor): void => {
    if (descriptor.fix && descriptor.fix.applicability !== 'display-only' && rule.meta.fix === 'none') {
      if (!rejectedFix) out.push(internalError(project, `rule ${rule.meta.id} (${rule.meta.name}) reported a fix, but its meta says fix: 'none'`));
      rejectedFix = true;
      out.push(makeFinding(project, meta, { ...descriptor, fix: null }));
      return;
    }
    out.push(makeFinding(project, meta, descriptor));
  };
  try {
    rule.check({ project, report });
  } catch (error) {
    // A failing rule must not take the audit down: it becomes a finding and the rest goes on.
    const message = error instanceof Error ? error.message : String(error);
    out.push(internalError(project, `rule ${rule.meta.id} (${rule.meta.name}) failed: ${message}`));
  }
  return out;
}

function internalError(project: Project, message: string): Finding {
  return makeFinding(project, { id: INTERNAL_RULE.id, name: INTERNAL_RULE.name, severity: 'error' }, { file: '.', span: { start: 0, end: 0 }, message });
}

export function makeFinding(
  project: Project,
  meta: { readonly id: string; readonly name: string; readonly severity: Severity },
  d: ReportDescriptor,
  at?: { line: number; column: number },
): Finding {
  const lines = project.files.get(d.file)?.lines;
  const start = at ?? lines?.position(d.span.start) ?? { line: 1, column: 1 };
  const end = lines?.position(Math.max(d.span.end, d.span.start)) ?? start;
  return {
    ruleId: meta.id,
    ruleName: meta.name,
    severity: d.severity ?? meta.severity,
    file: d.file,
    line: start.line,
    column: start.column,
    endLine: Math.max(end.line, start.line),
    endColumn: end.line > start.line ? end.column : Math.max(end.column, start.column),
    message: d.message,
    service: d.service ?? null,
    evidence: d.evidence ?? [],
    fix: d.fix ?? null,
    suppressed: false,
    ...(d.package ? { package: normalizeName(d.package) } : {}),
    ...(d.module ? { module: d.module } : {}),
    ...(d.sites && d.sites.length > 1 ? { sites: d.sites } : {}),
  };
}

export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      compare(a.file, b.file) || a.line - b.line || a.column - b.column || compare(a.ruleId, b.ruleId) ||
      compare(a.service ?? '', b.service ?? '') || compare(a.message, b.message),
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
