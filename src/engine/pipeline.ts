// The pipeline, as a library: discover -> parse -> model -> rules -> suppress -> sort.
// Rules run in run-rules.ts; suppression (inline, config, SUP001) is suppressions.ts.
// No printing and no process.exit here; the CLI decides what to show and how to exit.
import { lstatSync, realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_DISCOVER_OPTIONS, discover, readSource, stampOf, type DiscoveredInput, type FileStamp, type DiscoverOptions, type Discovery, type RecordedWalk } from '../discover.js';
import type { Finding, Span } from '../findings/types.js';
import { loadMetadata, prefetchPinnedMetadata } from '../metadata/load.js';
import { npmGraphsOf, preloadNpmGraphs } from '../metadata/npm-graph.js';
import { buildProject } from '../model/project.js';
import { MODEL_PARTS, type ModelPart, type Project } from '../model/types.js';
import type { Rule } from '../rules/define-rule.js';
import { discoverInParallel, type ScanStats, type Threads } from '../parallel/discover-parallel.js';
import type { ParseMemo } from '../parsers/memo.js';
import type { PythonFileModel } from '../parsers/types.js';
import { makeSourceFile, type SourceFile } from '../source.js';
import { appendAll } from '../util/arrays.js';
import { escapesRoot } from '../util/paths.js';
import { DEFAULT_CONFIG, type Config } from '../config/types.js';
import { parseFindings, runRules, selectedRules, sortFindings } from './run-rules.js';
import { suppress } from './suppressions.js';

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
  /**
   * Build only the parts of the model that the selected rules declare in `meta.needs` (the
   * findings are the same; `result.project` lacks the other parts, e.g. every Docker service's
   * `runFiles` is empty). For callers that read the findings only; default false.
   */
  readonly trimModel?: boolean;
  /**
   * Parses Python, requirements, Dockerfile and compose texts, remembering models across runs
   * (src/cache/parse-cache.ts); default: every file is parsed. The findings are the same.
   */
  readonly parseMemo?: ParseMemo;
  /**
   * A walk of the tree taken moments before with the same root and discovery options (the result
   * cache's check, on a miss): discovery replays it instead of walking again. Used by
   * `auditInParallel` only.
   */
  readonly walk?: RecordedWalk;
}

export interface ServiceSummary {
  readonly name: string;
  readonly kind: 'compose' | 'dockerfile' | 'project';
  readonly composeFile: string | null;
  readonly dockerfile: string | null;
  /** compose's `build.target`: the stage built; null for the whole Dockerfile. */
  readonly target: string | null;
  readonly entry: string | null;
}

/** What reporters print: plain data, so a cached run can hand it back unchanged. */
export interface AuditReport {
  readonly root: string;
  readonly findings: readonly Finding[];
  readonly files: readonly { readonly path: string; readonly kind: string }[];
  readonly services: readonly ServiceSummary[];
  readonly warnings: readonly { readonly file: string; readonly message: string }[];
  /** What the report header says about the configuration (`[tool.deptry]` settings read); absent when nothing. */
  readonly notes?: readonly { readonly file: string; readonly message: string }[];
}

export interface AuditResult extends AuditReport {
  /** The parsed project, for the fix engine and interactive views; not serialised. */
  readonly project: Project;
  /** The files discovery tried to read, with their stats (the result cache's signature). */
  readonly inputs: readonly DiscoveredInput[];
  /** Files read on demand beyond discovery, with the stat taken as each was read (null if none). */
  readonly extraStamps: ReadonlyMap<string, FileStamp | null>;
}

/**
 * How far an audit has got, for a progress line or a spinner: the step it is on now, the files
 * read so far and, once the model is built, the services it holds.
 */
export interface AuditProgress {
  readonly step: 'reading' | 'building' | 'checking';
  readonly files: number;
  readonly services: number | null;
  /** While checking: rules run so far, of how many. */
  readonly rules?: { readonly done: number; readonly total: number };
}

/** Called as the audit moves on; the audit yields to the event loop after each call. */
export type ProgressListener = (progress: AuditProgress) => void;

/**
 * Discovery as the config wants it: its `exclude` patterns join `--exclude`'s, and deptry's
 * `exclude` (config.gitignoreCode false) lets ignore files hide no code. The same answer for the
 * same options, so the result cache lists what discovery reads.
 */
export function discoverOptionsOf(options: Pick<AuditOptions, 'discover' | 'config'>): DiscoverOptions {
  const base = options.discover ?? DEFAULT_DISCOVER_OPTIONS;
  const exclude = [...new Set([...(base.exclude ?? []), ...(options.config?.exclude ?? [])])];
  return {
    ...base,
    ...(exclude.length > 0 ? { exclude } : {}),
    ...(options.config?.gitignoreCode === false ? { gitignoreCode: false } : {}),
  };
}

export function audit(options: AuditOptions): AuditResult {
  const steps = auditSteps(options, discover(options.root, discoverOptionsOf(options)), new Map());
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * The same audit with the Python files read and scanned on `threads` threads (`auto`: every core
 * once the tree is large enough). The result is identical to `audit`'s. With `onProgress`, the
 * audit reports each step and yields to the event loop between steps (and between batches of
 * Python files), so a caller's timers run: a spinner turns, a progress line is drawn.
 */
export async function auditInParallel(options: AuditOptions, threads: Threads, onStats?: (stats: ScanStats) => void, onProgress?: ProgressListener): Promise<AuditResult> {
  const onRead = onProgress && ((files: number): Promise<void> => {
    onProgress({ step: 'reading', files, services: null });
    return yieldToEventLoop();
  });
  const discovered = await discoverInParallel(options.root, discoverOptionsOf(options), threads, onRead, options.parseMemo, options.walk);
  onStats?.(discovered.stats);
  // The asynchronous part of the audit, before it: the npm graphs (arborist) of the locks that need them.
  if (needsNpmGraphs(options)) await preloadNpmGraphs(applyOverrides(discovered.files, options.overrides));
  const steps = auditSteps(options, discovered, discovered.python);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (onProgress) {
      onProgress(step.value);
      await yieldToEventLoop();
    }
  }
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The audit after discovery, one step at a time: it yields before each long step (the same code runs with or without pauses). */
function* auditSteps(options: AuditOptions, discovered: Discovery, scannedPython: ReadonlyMap<string, PythonFileModel>): Generator<AuditProgress, AuditResult, void> {
  const root = options.root;
  const files = applyOverrides(discovered.files, options.overrides);
  const rootReal = realpathSync(root);
  const config = options.config ?? DEFAULT_CONFIG;
  const warnings = [...discovered.warnings];
  const extraStamps = new Map<string, FileStamp | null>();
  const maxFileBytes = (options.discover ?? DEFAULT_DISCOVER_OPTIONS).maxFileBytes;
  const tooLarge = new Set(discovered.inputs.filter((input) => (input.stamp?.size ?? 0) > maxFileBytes).map((input) => input.rel));
  const rules = selectedRules(options, config);
  yield { step: 'building', files: files.length, services: null };
  const metadata = loadMetadata(root, files, warnings, options.pythonEnv === undefined ? undefined : resolve(options.pythonEnv), options.indexUrl, options.indexCacheDir);
  const project = buildProject({
    metadata,
    npmGraphs: needsNpmGraphs(options) ? npmGraphsOf(files) : new Map(),
    root,
    fileRoles: config,
    projectOptions: config,
    files,
    scannedPython: options.overrides?.size ? withoutPaths(scannedPython, options.overrides) : scannedPython,
    warnings,
    moduleMap: { ...config.moduleMap, ...options.moduleMap },
    // An oversized file still exists: a COPY puts it in the image.
    otherPaths: tooLarge.size ? [...discovered.otherPaths, ...tooLarge] : discovered.otherPaths,
    tooLarge,
    unwalkedDirs: discovered.unwalkedDirs ?? [],
    // Only asked for paths under a folder the walk did not enter (an ignored, untracked one): one
    // lstat, never a walk.
    onDisk: (repoPath) => {
      if (escapesRoot(repoPath)) return null;
      try {
        const stat = lstatSync(join(root, repoPath));
        return stat.isDirectory() ? 'dir' : 'file';
      } catch {
        return null;
      }
    },
    ...(options.parseMemo ? { parseMemo: options.parseMemo } : {}),
    ...(options.trimModel ? { parts: modelPartsFor(rules) } : {}),
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
  const findings: Finding[] = parseFindings(project);
  for (const [done, rule] of rules.entries()) {
    yield { step: 'checking', files: files.length, services: project.services.length, rules: { done, total: rules.length } };
    appendAll(findings, runRules([rule], project, config));
  }
  const suppressed = suppress(project, findings, rules, config);
  return {
    root,
    findings: sortFindings(suppressed),
    files: [...project.files.values()].map((f) => ({ path: f.path, kind: f.kind })).sort((a, b) => (a.path < b.path ? -1 : 1)),
    services: project.services.map((s) => ({
      name: s.name, kind: s.kind, composeFile: s.composeFile, dockerfile: s.dockerfilePath, target: s.compose?.build?.target ?? null,
      entry: s.entry ? `${s.entry.runner} ${s.entry.module ?? s.entry.script ?? ''}`.trim() : null,
    })),
    warnings: project.warnings,
    ...(config.notes.length > 0 ? { notes: config.notes } : {}),
    project,
    inputs: discovered.inputs,
    extraStamps,
  };
}

/**
 * The model parts the rules read: the union of their `meta.needs`, every part when one of them
 * declares nothing, and every part for the rule that reviews suppressions (SUP001), which runs the
 * rules its directives name, selected or not.
 */
export function modelPartsFor(rules: readonly Rule[]): ReadonlySet<ModelPart> {
  const parts = new Set<ModelPart>();
  for (const rule of rules) {
    const needs = rule.reviewSuppressions ? undefined : rule.meta.needs;
    for (const part of needs ?? MODEL_PARTS) parts.add(part);
  }
  return parts;
}

/**
 * Whether a selected rule reads the npm lock graphs (its meta says so), or the rule that reviews
 * suppressions is selected (it runs the rules its directives name, NPM001 among them).
 */
function needsNpmGraphs(options: AuditOptions): boolean {
  return selectedRules(options, options.config ?? DEFAULT_CONFIG).some((rule) => rule.meta.npmGraphs === true || rule.reviewSuppressions !== undefined);
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

export { selectedRules, sortFindings };
export type { Span };
