// The pipeline, as a library: discover -> parse -> model -> rules -> suppress -> sort.
// No printing and no process.exit here; the CLI decides what to show and how to exit.
import { realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_DISCOVER_OPTIONS, discover, readSource, stampOf, type DiscoveredInput, type FileStamp, type DiscoverOptions, type Discovery } from './discover.js';
import type { Finding, Severity, Span } from './findings/types.js';
import { loadMetadata, prefetchPinnedMetadata } from './metadata/load.js';
import { buildProject } from './model/project.js';
import type { Project } from './model/types.js';
import { discoverInParallel, type ScanStats, type Threads } from './parallel/discover-parallel.js';
import type { Directive, PythonFileModel } from './parsers/types.js';
import type { ReportDescriptor, Rule } from './rules/define-rule.js';
import { INTERNAL_RULE, PARSE_RULE, RULES, findRule } from './rules/index.js';
import { unusedSuppressions } from './rules/suppressions/unused-suppression.js';
import { makeSourceFile, type SourceFile } from './source.js';
import { escapesRoot, pathGlobMatcher } from './util/paths.js';
import { normalizeName } from './util/names.js';
import { DEFAULT_CONFIG, type Config, type RuleSetting } from './config/types.js';

export interface AuditOptions {
  readonly root: string;
  /** Rule ids or names to run (default: all). */
  readonly select?: readonly string[];
  readonly ignore?: readonly string[];
  /** In-memory file contents that replace what is on disk (used by the fix engine's passes). */
  readonly overrides?: ReadonlyMap<string, string>;
  readonly moduleMap?: Readonly<Record<string, string | readonly string[]>>;
  readonly discover?: DiscoverOptions;
  /** The validated `.driftcheck.yaml` (see src/config); defaults when absent. */
  readonly config?: Config;
  /** An installed environment to read package metadata from (default: .venv/venv under root). */
  readonly pythonEnv?: string;
  /** Opt-in package index (PEP 691 JSON) for Requires-Dist; cached on disk. */
  readonly indexUrl?: string;
  /** Where index responses are cached (default: DRIFTCHECK_CACHE_DIR, else the user cache folder). */
  readonly indexCacheDir?: string;
}

export interface ServiceSummary {
  readonly name: string;
  readonly kind: 'compose' | 'dockerfile' | 'project';
  readonly composeFile: string | null;
  readonly dockerfile: string | null;
  readonly entry: string | null;
}

/** What reporters print: plain data, so a cached run can hand it back unchanged. */
export interface AuditReport {
  readonly root: string;
  readonly findings: readonly Finding[];
  readonly files: readonly { readonly path: string; readonly kind: string }[];
  readonly services: readonly ServiceSummary[];
  readonly warnings: readonly { readonly file: string; readonly message: string }[];
}

export interface AuditResult extends AuditReport {
  /** The parsed project, for the fix engine and interactive views; not serialised. */
  readonly project: Project;
  /** The files discovery tried to read, with their stats (the result cache's signature). */
  readonly inputs: readonly DiscoveredInput[];
  /** Files read on demand beyond discovery, with the stat taken as each was read (null if none). */
  readonly extraStamps: ReadonlyMap<string, FileStamp | null>;
}

export function audit(options: AuditOptions): AuditResult {
  return auditDiscovered(options, discover(options.root, options.discover ?? DEFAULT_DISCOVER_OPTIONS), new Map());
}

/**
 * The same audit with the Python files read and scanned on `threads` threads (`auto`: every core
 * once the tree is large enough). The result is identical to `audit`'s.
 */
export async function auditInParallel(options: AuditOptions, threads: Threads, onStats?: (stats: ScanStats) => void): Promise<AuditResult> {
  const discovered = await discoverInParallel(options.root, options.discover ?? DEFAULT_DISCOVER_OPTIONS, threads);
  onStats?.(discovered.stats);
  return auditDiscovered(options, discovered, discovered.python);
}

function auditDiscovered(options: AuditOptions, discovered: Discovery, scannedPython: ReadonlyMap<string, PythonFileModel>): AuditResult {
  const root = options.root;
  const files = applyOverrides(discovered.files, options.overrides);
  const rootReal = realpathSync(root);
  const config = options.config ?? DEFAULT_CONFIG;
  const warnings = [...discovered.warnings];
  const extraStamps = new Map<string, FileStamp | null>();
  const maxFileBytes = (options.discover ?? DEFAULT_DISCOVER_OPTIONS).maxFileBytes;
  const tooLarge = new Set(discovered.inputs.filter((input) => (input.stamp?.size ?? 0) > maxFileBytes).map((input) => input.rel));
  const metadata = loadMetadata(root, files, warnings, options.pythonEnv === undefined ? undefined : resolve(options.pythonEnv), options.indexUrl, options.indexCacheDir);
  const project = buildProject({
    metadata,
    root,
    fileRoles: config,
    files,
    scannedPython: options.overrides?.size ? withoutPaths(scannedPython, options.overrides) : scannedPython,
    warnings,
    moduleMap: { ...config.moduleMap, ...options.moduleMap },
    // An oversized file still exists: a COPY puts it in the image.
    otherPaths: tooLarge.size ? [...discovered.otherPaths, ...tooLarge] : discovered.otherPaths,
    tooLarge,
    readExtra: (repoPath, kind) => {
      if (escapesRoot(repoPath)) return null;
      const override = options.overrides?.get(repoPath);
      if (override !== undefined) return makeSourceFile(repoPath, kind, override);
      const stamp: { value: FileStamp | null } = { value: null };
      const file = readSource(join(root, repoPath), repoPath, kind, true, rootReal, options.discover ?? DEFAULT_DISCOVER_OPTIONS, [], (stat) => (stamp.value = stampOf(stat)));
      extraStamps.set(repoPath, stamp.value);
      if (!file && (stamp.value?.size ?? 0) > maxFileBytes) tooLarge.add(repoPath);
      return file;
    },
  });

  if (options.indexUrl) warnings.push(...prefetchPinnedMetadata(project, options.indexUrl, options.indexCacheDir).map((message) => ({ file: '.', message })));
  const findings: Finding[] = [...parseFindings(project)];
  const rules = selectedRules(options, config);
  for (const rule of rules) findings.push(...runRule(rule, project).map((f) => withConfiguredSeverity(f, rule, config)));
  const matched = new Set<Directive>();
  const inline = applyInlineSuppressions(project, findings, matched);
  const sup = rules.find((rule) => rule.meta.id === UNUSED_SUPPRESSION_ID);
  if (sup) {
    // Judging `ignore[X]` needs X's findings even when X is not selected: run it unseen.
    const named = new Set(directiveSites(project).flatMap((site) => site.directive.rules.map((r) => findRule(r)?.meta.id ?? '')));
    const unseen = RULES.filter((rule) => named.has(rule.meta.id) && !rules.includes(rule) && settingOf(rule, config) !== 'off');
    applyInlineSuppressions(project, unseen.flatMap((rule) => runRule(rule, project)), matched);
    inline.push(...unusedSuppressionFindings(project, [...rules, ...unseen], matched).map((f) => withConfiguredSeverity(f, sup, config)));
  }
  const suppressed = applyConfigIgnores(inline, config);
  return {
    root,
    findings: sortFindings(suppressed),
    files: [...project.files.values()].map((f) => ({ path: f.path, kind: f.kind })).sort((a, b) => (a.path < b.path ? -1 : 1)),
    services: project.services.map((s) => ({
      name: s.name, kind: s.kind, composeFile: s.composeFile, dockerfile: s.dockerfilePath,
      entry: s.entry ? `${s.entry.runner} ${s.entry.module ?? s.entry.script ?? ''}`.trim() : null,
    })),
    warnings: project.warnings,
    project,
    inputs: discovered.inputs,
    extraStamps,
  };
}

function withoutPaths<T>(map: ReadonlyMap<string, T>, paths: ReadonlyMap<string, unknown>): ReadonlyMap<string, T> {
  return new Map([...map].filter(([path]) => !paths.has(path)));
}

function applyOverrides(files: readonly SourceFile[], overrides: ReadonlyMap<string, string> | undefined): SourceFile[] {
  if (!overrides || overrides.size === 0) return [...files];
  return files.map((f) => {
    const text = overrides.get(f.path);
    return text === undefined ? f : makeSourceFile(f.path, f.kind, text, f.encoding, f.target);
  });
}

export function selectedRules(options: Pick<AuditOptions, 'select' | 'ignore'>, config: Config = DEFAULT_CONFIG): Rule[] {
  const matches = (rule: Rule, list: readonly string[]): boolean =>
    list.some((item) => {
      const wanted = item.toUpperCase();
      return rule.meta.id === wanted || rule.meta.name === item.toLowerCase() || (wanted.length < rule.meta.id.length && rule.meta.id.startsWith(wanted));
    });
  return RULES.filter(
    (rule) => (!options.select?.length || matches(rule, options.select)) && !(options.ignore && matches(rule, options.ignore)) && settingOf(rule, config) !== 'off',
  );
}

function settingOf(rule: Rule, config: Config): RuleSetting | undefined {
  return config.rules[rule.meta.id] ?? config.rules[rule.meta.name] ?? config.rules[rule.meta.id.toLowerCase()];
}

/** `rules: {DEP004: info}` sets the severity of every finding of that rule. */
function withConfiguredSeverity(finding: Finding, rule: Rule, config: Config): Finding {
  const setting = settingOf(rule, config);
  return setting && setting !== 'off' ? { ...finding, severity: setting } : finding;
}

/** `ignore:` entries suppress (kind "config") findings matching every field the entry gives. */
function applyConfigIgnores(findings: readonly Finding[], config: Config): Finding[] {
  if (config.ignore.length === 0) return [...findings];
  const entries = config.ignore.map((entry) => ({ entry, path: entry.path === null ? null : pathGlobMatcher(entry.path) }));
  return findings.map((finding) => {
    if (finding.suppressed) return finding;
    const hit = entries.find(({ entry, path }) =>
      (path === null || path(finding.file)) &&
      (entry.package === null || finding.package === entry.package) &&
      (entry.rules.length === 0 || entry.rules.some((r) => r.toUpperCase() === finding.ruleId || r.toLowerCase() === finding.ruleName)),
    );
    return hit ? { ...finding, suppressed: { kind: 'config', reason: hit.entry.reason ?? `ignored by ${config.source ?? 'the config'}` } } : finding;
  });
}

function parseFindings(project: Project): Finding[] {
  return project.diagnostics.map(({ file, diagnostic }) =>
    makeFinding(project, { id: PARSE_RULE.id, name: PARSE_RULE.name, severity: diagnostic.severity }, {
      file, span: diagnostic.span, message: diagnostic.message, severity: diagnostic.severity,
    }, { line: diagnostic.line, column: diagnostic.column }),
  );
}

function runRule(rule: Rule, project: Project): Finding[] {
  const out: Finding[] = [];
  const meta = { id: rule.meta.id, name: rule.meta.name, severity: rule.meta.severity };
  try {
    rule.check({ project, report: (descriptor) => out.push(makeFinding(project, meta, descriptor)) });
  } catch (error) {
    // A failing rule must not take the audit down: it becomes a finding and the rest goes on.
    const message = error instanceof Error ? error.message : String(error);
    out.push(makeFinding(project, { id: INTERNAL_RULE.id, name: INTERNAL_RULE.name, severity: 'error' }, {
      file: '.', span: { start: 0, end: 0 }, message: `rule ${rule.meta.id} (${rule.meta.name}) failed: ${message}`,
    }));
  }
  return out;
}

function makeFinding(
  project: Project,
  meta: { id: string; name: string; severity: Severity },
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
  };
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

// hadolint codes that mean the same thing as one of ours, so existing pragmas keep working.
const HADOLINT_EQUIVALENTS: Readonly<Record<string, readonly string[]>> = {
  DL3002: ['PROD005'],
  DL3007: ['PROD004'],
  DL3006: ['PROD004'],
  DL3025: ['PROD009'],
  DL3016: ['NPM002'],
};

function applyInlineSuppressions(project: Project, findings: readonly Finding[], matched: Set<Directive>): Finding[] {
  return findings.map((finding) => {
    const directive = directivesOf(project, finding.file).find((d) => d.line === finding.line && covers(d, finding));
    if (directive) matched.add(directive);
    return directive ? { ...finding, suppressed: { kind: 'inline', reason: directive.reason } } : finding;
  });
}

const UNUSED_SUPPRESSION_ID = 'SUP001';

function directiveSites(project: Project): { file: string; directive: Directive }[] {
  const files = [...project.python.keys(), ...project.requirements.keys(), ...project.dockerfiles.keys(), ...project.compose.keys()].sort();
  return files.flatMap((file) => directivesOf(project, file).map((directive) => ({ file, directive })));
}

/** SUP001: directives that suppressed nothing, judged only for rules that ran. */
function unusedSuppressionFindings(project: Project, rules: readonly Rule[], matched: ReadonlySet<Directive>): Finding[] {
  const ran = (name: string): boolean => rules.some((r) => r.meta.id === name.toUpperCase() || r.meta.name === name.toLowerCase());
  const known = (name: string): boolean => findRule(name) !== undefined;
  const sites = directiveSites(project);
  const meta = { id: UNUSED_SUPPRESSION_ID, name: 'unused-suppression', severity: 'warning' as const };
  return unusedSuppressions(project, sites, matched, ran, known).map((d) => makeFinding(project, meta, d));
}

function covers(directive: Directive, finding: Finding): boolean {
  if (directive.source === 'hadolint') return directive.rules.some((code) => HADOLINT_EQUIVALENTS[code.toUpperCase()]?.includes(finding.ruleId));
  return directive.rules.some((rule) => rule.toUpperCase() === finding.ruleId || rule.toLowerCase() === finding.ruleName);
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

export type { Span };
