// Suppression: inline directives (`# driftcheck: ignore[...]`, `# hadolint ignore=` mapped to our
// rules), `ignore:` entries of the config, and the unused-suppression pass (SUP001), which needs
// the findings of every rule a directive names, selected or not.
import type { Finding } from '../findings/types.js';
import type { Project } from '../model/types.js';
import type { Directive } from '../parsers/types.js';
import type { Config } from '../config/types.js';
import type { DirectiveSite, Rule } from '../rules/define-rule.js';
import { RULES, findRule, hadolintEquivalents, suggestRule } from '../rules/index.js';
import { pathGlobMatcher } from '../util/paths.js';
import { normalizeName } from '../util/names.js';
import { makeFinding, runRule, settingOf, withConfiguredSeverity } from './run-rules.js';

/**
 * Marks findings suppressed inline, then (when SUP001 is selected) adds its findings for the
 * directives that suppressed nothing, then applies the config's `ignore:` entries.
 */
export function suppress(project: Project, findings: readonly Finding[], rules: readonly Rule[], config: Config): Finding[] {
  const matched = new Set<Directive>();
  const inline = applyInlineSuppressions(project, findings, matched);
  // The rule that judges the directives themselves (SUP001), found through the registry.
  const sup = rules.find((rule) => rule.reviewSuppressions !== undefined);
  if (sup) {
    // Judging `ignore[X]` needs X's findings even when X is not selected: run it unseen.
    const named = new Set(directiveSites(project).flatMap((site) => site.directive.rules.map((r) => findRule(r)?.meta.id ?? '')));
    const unseen = RULES.filter((rule) => named.has(rule.meta.id) && !rules.includes(rule) && settingOf(rule, config) !== 'off');
    applyInlineSuppressions(project, unseen.flatMap((rule) => runRule(rule, project)), matched);
    for (const f of unusedSuppressionFindings(sup, project, [...rules, ...unseen], matched)) inline.push(withConfiguredSeverity(f, sup, config));
  }
  return applyConfigIgnores(inline, config);
}

/** `ignore:` entries suppress (kind "config") findings matching every field the entry gives. */
export function applyConfigIgnores(findings: readonly Finding[], config: Config): Finding[] {
  if (config.ignore.length === 0) return [...findings];
  // Globs are relative to the config's folder, which may be above the audited root (pathBase).
  const entries = config.ignore.map((entry) => ({ entry, path: entry.path === null ? null : pathGlobMatcher(entry.path) }));
  return findings.map((finding) => {
    if (finding.suppressed) return finding;
    const hit = entries.find(({ entry, path }) =>
      (path === null || path(`${config.pathBase}${finding.file}`)) &&
      (entry.package === null || finding.package === entry.package || moduleNames(finding).includes(entry.package)) &&
      (entry.rules.length === 0 || entry.rules.some((r) => r.toUpperCase() === finding.ruleId || r.toLowerCase() === finding.ruleName)),
    );
    return hit ? { ...finding, suppressed: { kind: 'config', reason: hit.entry.reason ?? `ignored by ${config.source ?? 'the config'}` } } : finding;
  });
}

/** The module a finding is about, normalised like a package name, dotted and top-level (`azure.storage.blob`, `azure`). */
function moduleNames(finding: Finding): string[] {
  const module = finding.module ?? '';
  return module === '' ? [] : [normalizeName(module), normalizeName(module.split('.')[0] ?? module)];
}

function directivesOf(project: Project, file: string): readonly Directive[] {
  return (
    project.python.get(file)?.directives ??
    project.requirements.get(file)?.directives ??
    project.dockerfiles.get(file)?.directives ??
    project.compose.get(file)?.directives ??
    []
  );
}

// hadolint codes that mean the same thing as one of ours (each rule's `meta.hadolint`), so
// existing pragmas keep working.
const HADOLINT_EQUIVALENTS = hadolintEquivalents();

export function applyInlineSuppressions(project: Project, findings: readonly Finding[], matched: Set<Directive>): Finding[] {
  return findings.map((finding) => {
    const directive = directivesOf(project, finding.file).find((d) => d.line === finding.line && covers(d, finding));
    if (directive) matched.add(directive);
    // A finding shown at one of several sites: a directive for it at another site is in use too
    // (it suppresses the finding once the site shown goes away), though it suppresses nothing now.
    for (const site of finding.sites ?? []) {
      for (const d of directivesOf(project, site.file)) if (d.line === site.line && covers(d, finding)) matched.add(d);
    }
    return directive ? { ...finding, suppressed: { kind: 'inline', reason: directive.reason } } : finding;
  });
}

function directiveSites(project: Project): DirectiveSite[] {
  const files = [...project.python.keys(), ...project.requirements.keys(), ...project.dockerfiles.keys(), ...project.compose.keys()].sort();
  return files.flatMap((file) => directivesOf(project, file).map((directive) => ({ file, directive })));
}

/** SUP001: directives that suppressed nothing, judged only for rules that ran. */
function unusedSuppressionFindings(sup: Rule, project: Project, rules: readonly Rule[], matched: ReadonlySet<Directive>): Finding[] {
  const ran = (name: string): boolean => rules.some((r) => r.meta.id === name.toUpperCase() || r.meta.name === name.toLowerCase());
  const known = (name: string): boolean => findRule(name) !== undefined;
  const sites = directiveSites(project);
  const suggest = (name: string): string | undefined => suggestRule(name, { families: false });
  return (sup.reviewSuppressions?.({ project, sites, matched, ran, known, suggest }) ?? []).map((d) => makeFinding(project, sup.meta, d));
}

function covers(directive: Directive, finding: Finding): boolean {
  if (directive.source === 'hadolint') return directive.rules.some((code) => HADOLINT_EQUIVALENTS.get(code.toUpperCase())?.includes(finding.ruleId));
  return directive.rules.some((rule) => rule.toUpperCase() === finding.ruleId || rule.toLowerCase() === finding.ruleName);
}
