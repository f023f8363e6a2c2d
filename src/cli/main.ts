// The command line: argv -> audit -> report -> exit code, as one function of argv and an io
// object (streams, working directory, environment, terminals). bin.ts calls it with the real
// process; the tests call it in process. Nothing here exits or reads the process's globals.
import { opendirSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { audit, auditInParallel, discoverOptionsOf, selectedRules, type AuditOptions, type AuditReport, type AuditResult } from '../engine/pipeline.js';
import { openParseCache, parseCacheDir } from '../cache/parse-cache.js';
import { cacheable, lookupCachedReport, resultCacheDir, writeCachedReport } from '../cache/result-cache.js';
import { cacheDir } from '../metadata/index-cache.js';
import { DEFAULT_DISCOVER_OPTIONS, type DiscoverOptions } from '../discover.js';
import { BaselineError, matchBaseline, readBaseline, writeBaseline, type Baseline, type BaselineEntry } from '../engine/baseline.js';
import { ConfigError, loadConfig } from '../config/load.js';
import type { Config } from '../config/types.js';
import { SEVERITY_RANK, type Finding, type Severity } from '../findings/types.js';
import { mergeServiceFindings } from '../findings/merge-services.js';
import { computeFixes } from '../fix/apply.js';
import { unifiedDiff, unifiedDiffBytes } from '../fix/patch.js';
import { WriteError, writeFixes } from '../fix/write.js';
import { REPORTERS } from '../report/index.js';
import { statisticsReport } from '../report/statistics.js';
import { findRule, INTERNAL_RULE, PARSE_RULE, renameHint, ruleLookup } from '../rules/index.js';
import { atomicWrite, errorCode, isInside, writeRefusal } from '../util/safe-fs.js';
import { workTreePrefix } from '../util/work-tree.js';
import { VERSION } from '../version.js';
import { FileChangedError } from '../source.js';
import { HELP, parseCliArgs, type CliOptions } from './args.js';
import { auditBase, changedPaths, gitBase, introduced, touchedBy, type GitBase } from './changed.js';
import { progressDelay, progressLine } from './progress.js';
import { UsageError } from './errors.js';
import { rulesJson, rulesTable } from './rules-table.js';

/** What the CLI touches outside its arguments: the process's, or a test's stand-ins. */
export interface CliIo {
  /** Bytes for a patch, which keeps each file's own encoding. */
  readonly stdout: (text: string | Uint8Array) => void;
  readonly stderr: (text: string) => void;
  /** Relative paths on the command line are resolved against this folder. */
  readonly cwd: string;
  /** NO_COLOR, DRIFTCHECK_CACHE_DIR, XDG_CACHE_HOME, … */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdoutIsTTY: boolean;
  readonly stdinIsTTY: boolean;
  /** A terminal gets a progress line during a long audit (absent: false). */
  readonly stderrIsTTY?: boolean;
  /**
   * Loads the interactive view (default: `import('../tui/run.js')`). The bundled command passes
   * its own: the bundle runs as a vm.Script (src/cli/launch.ts), where import() is not available.
   */
  readonly loadInteractive?: () => Promise<InteractiveView>;
}

type InteractiveView = typeof import('../tui/run.js');

/** One run of the CLI: the exit code (2 for a usage, config, baseline or write error, or a bug). */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    return await dispatch(parseCliArgs(argv), io);
  } catch (error) {
    const known = error instanceof UsageError || error instanceof WriteError || error instanceof ConfigError || error instanceof BaselineError || error instanceof FileChangedError;
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`driftcheck: ${known ? '' : 'internal error: '}${message}\n`);
    if (argv.includes('--debug') && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
    else if (!known) io.stderr('(run with --debug for a stack trace)\n');
    return 2;
  }
}

function dispatch(options: CliOptions, io: CliIo): number | Promise<number> {
  switch (options.command) {
    case 'help':
      io.stdout(HELP);
      return 0;
    case 'version':
      io.stdout(`driftcheck ${VERSION}\n`);
      return 0;
    case 'rules':
      io.stdout(options.format === 'json' ? rulesJson() : rulesTable());
      return 0;
    case 'explain':
      return explain(options.rule ?? '', io);
    case 'audit':
      if (options.interactive) {
        if (io.stdoutIsTTY && io.stdinIsTTY) return runInteractive(options, io);
        io.stderr('driftcheck: --interactive needs a terminal (stdin and stdout must be TTYs); printing the text report\n');
      }
      return runAudit(options, io);
  }
}

function explain(id: string, io: CliIo): number {
  const rule = findRule(id);
  if (!rule) throw new UsageError(`unknown rule "${id}"${renameHint(id)}; run "driftcheck rules" for the list`);
  const { meta } = rule;
  io.stdout(`# ${meta.id} ${meta.name}\n\nSeverity: ${meta.severity} · Fix: ${meta.fix} · Category: ${meta.category}\n\n${meta.docs}\n`);
  return 0;
}

/** A path from the command line, for the file system: relative ones are relative to io.cwd. */
function at(io: CliIo, path: string): string {
  return resolve(io.cwd, path);
}

/** The audited folder: it must exist, be a directory and be readable (else exit 2 naming it). */
function checkedRoot(options: CliOptions, io: CliIo): string {
  const root = at(io, options.path);
  try {
    if (!statSync(root).isDirectory()) throw new UsageError(`"${options.path}" is not a directory`);
    opendirSync(root).closeSync(); // EACCES here, not a warning about "." later
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = errorCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new UsageError(`"${options.path}" is not a directory`);
    throw new UsageError(`"${options.path}": cannot read the directory (${code})`);
  }
  return root;
}

/** The environment, with --cache-dir as DRIFTCHECK_CACHE_DIR (results and index responses). */
function envOf(options: CliOptions, io: CliIo): CliIo['env'] {
  return options.cacheDir === null ? io.env : { ...io.env, DRIFTCHECK_CACHE_DIR: at(io, options.cacheDir) };
}

async function runAudit(options: CliOptions, io: CliIo): Promise<number> {
  const root = checkedRoot(options, io);
  const env = envOf(options, io);
  const base = options.changedSince === null ? null : gitBase(root, options.changedSince, options.path, io.env, !options.onlyChanged);
  const config = loadConfig(root, options.config, ruleLookup, { cwd: io.cwd, maxBytes: discoverOptions(options).maxFileBytes });
  // --changed-since reads every service's run files (serviceInputs); otherwise only the selected
  // rules' model parts are built (--select PROD004 builds no import closure).
  const auditOptions: AuditOptions = { ...auditOptionsOf(options, config, root, io, env), trimModel: base === null };
  const failOn = options.failOn ?? config.failOn ?? 'error';
  const wantsFixes = options.diff || options.patch !== null || options.fix;
  // Fixes, markdown (its patch) and --changed-since need the parsed project, which the cache does not keep.
  const needsProject = wantsFixes || base !== null || options.format === 'markdown';
  const cache = !needsProject && cacheable(auditOptions) ? resultCacheDir(env) : null;
  // --no-cache never answers from the cache, but refreshes its entry (a stale one is replaced).
  const lookup = cache === null || !options.cache ? null : lookupCachedReport(cache, auditOptions);
  if (lookup?.report) return report(options, auditOptions, lookup.report, failOn, io);
  // The base revision's findings (--changed-since without --only-changed), audited first from git objects.
  const before = base === null || options.onlyChanged || options.updateBaseline ? null : await auditBase(root, base, auditOptions, options.workers, io.env);
  const startedAt = Date.now();
  const progress = progressLine(io.stderr, io.stderrIsTTY === true, progressDelay(io.env));
  // Models parsed by the last run on this root, by text digest (--no-cache: none read, all stored).
  const parseCache = openParseCache(parseCacheDir(cacheDir(env)), root, options.cache, startedAt);
  let result: AuditResult;
  try {
    // On a miss, discovery replays the walk the cache's check took instead of walking again.
    result = await auditInParallel({ ...auditOptions, parseMemo: parseCache, ...(lookup?.walk ? { walk: lookup.walk } : {}) }, options.workers, (stats) => {
      if (!options.debug) return;
      progress.clear();
      if (stats.walkReplayed) io.stderr('debug: result cache: miss; discovery replayed the walk of its check\n');
      io.stderr(`debug: Python files in ${stats.batches} batches, ${stats.batchesOnWorkers} of them on ${stats.workers} worker thread(s)\n`);
    }, progress.listener);
  } finally {
    progress.clear();
  }
  parseCache.save();
  if (options.debug) {
    const counts = Object.entries(parseCache.counts).map(([kind, c]) => `${kind} ${c.parsed} parsed, ${c.reused} reused`).join('; ');
    io.stderr(`debug: parse cache: ${counts}; ${parseCache.unread()} files not read (stat unchanged)\n`);
  }
  if (cache !== null) writeCachedReport(cache, auditOptions, result, startedAt);
  if (wantsFixes) {
    const outcome = computeFixes(auditOptions, result, { unsafe: options.unsafeFixes });
    for (const warning of outcome.warnings) io.stderr(`warning: ${warning}\n`);
    // Inside a git work tree, paths start at its top level: the patch applies from the repository root.
    const pathPrefix = workTreePrefix(root, io.env);
    const patch = unifiedDiffBytes(outcome.changes, { pathPrefix });
    if (options.diff) {
      io.stdout(patch);
      // --diff makes a patch, it is not the check: 0 when it printed one (so `--diff > fix.patch &&
      // git apply fix.patch` applies it), 1 when there was nothing to fix (stdout empty: git apply
      // would reject it), 2 on an error. The audit's exit code is the plain run's (or --patch FILE's).
      if (patch.length === 0) {
        io.stderr('nothing to fix: no patch printed\n');
        return options.exitZero ? 0 : 1;
      }
      const where = pathPrefix === '' ? '' : ' from the repository root';
      io.stderr(`${outcome.applied.length} fix${outcome.applied.length === 1 ? '' : 'es'} in ${outcome.changes.length} file${outcome.changes.length === 1 ? '' : 's'} (nothing written; apply with git apply or patch -p1${where})\n`);
      return 0;
    }
    if (options.patch !== null) {
      writeUserFile(at(io, options.patch), patch, root, options.patch);
      io.stderr(`wrote ${options.patch}: ${outcome.applied.length} fixes in ${outcome.changes.length} files\n`);
    }
    if (options.fix) {
      const written = writeFixes(root, outcome.changes, (line) => io.stderr(`note: ${line}\n`));
      io.stderr(`fixed ${outcome.applied.length} finding${outcome.applied.length === 1 ? '' : 's'} in ${written.length} file${written.length === 1 ? '' : 's'}\n`);
      result = audit(auditOptions);
    }
  }
  return report(options, auditOptions, result, failOn, io, narrowing(root, base, before, result));
}

/**
 * What --changed-since keeps of a finding list: the findings the base audit (`before`) did not
 * have, or with --only-changed every finding touched by a changed file. null: everything.
 */
function narrowing(root: string, base: GitBase | null, before: readonly Finding[] | null, result: AuditResult): ((findings: readonly Finding[]) => Finding[]) | null {
  if (base === null) return null;
  if (before !== null) return (findings) => introduced(findings, before);
  const touched = touchedBy(result, changedPaths(root, base));
  return (findings) => findings.filter(touched);
}

/**
 * Baseline handling, --changed-since narrowing, rendering and the exit code: the same for a fresh
 * and a cached result. The baseline sees every finding (so its stale entries are real), then the
 * list is narrowed.
 */
function report(
  options: CliOptions, auditOptions: AuditOptions, result: AuditReport, failOn: Severity | 'never', io: CliIo,
  narrow: ((findings: readonly Finding[]) => Finding[]) | null = null,
): number {
  const where = baselineFile(options, auditOptions.config?.baseline ?? null, io);
  if (options.updateBaseline) {
    const path = where?.label ?? join(options.path, '.driftcheck-baseline.json');
    const count = writeBaseline(where?.path ?? at(io, path), result.findings, { root: at(io, options.path), explicit: where?.explicit ?? false, label: path });
    io.stderr(`wrote ${path}: ${count} finding${count === 1 ? '' : 's'} in the baseline\n`);
    return 0;
  }
  let shown: AuditReport = result;
  if (where !== null) {
    const baseline = readBaseline(where.path, where.label, where.explicit ? null : realpathSync(at(io, options.path)));
    if (baseline.format === 1) io.stderr(`note: ${where.label}: a format-1 baseline (counts per file and rule); its findings are matched by rule, file and message; rewrite it with --update-baseline\n`);
    const ran = ranRules(auditOptions);
    const matched = matchBaseline(result.findings, baseline, (id) => ran.has(id));
    shown = { ...result, findings: matched.findings, warnings: [...result.warnings, ...matched.stale.map((entry) => staleWarning(entry, where.label))] };
  }
  if (narrow !== null) shown = { ...shown, findings: narrow(shown.findings) };
  // One finding per fact: after the baseline and narrowing, which see each service's finding.
  shown = { ...shown, findings: mergeServiceFindings(shown.findings) };
  emit(options, options.statistics ? statisticsReport(shown, options.format === 'json' ? 'json' : 'text') : render(options, auditOptions, shown, io), io);
  return options.exitZero ? 0 : exitCode(shown, failOn);
}

/**
 * The baseline in use: --baseline FILE (relative to the working directory, anywhere), else the
 * config's `baseline:` (relative to the audited root, and kept inside it); null for none.
 */
function baselineFile(options: CliOptions, fromConfig: string | null, io: CliIo): { path: string; label: string; explicit: boolean } | null {
  if (options.baseline !== null) return { path: at(io, options.baseline), label: options.baseline, explicit: true };
  if (fromConfig === null) return null;
  const label = options.path === '.' ? fromConfig : `${options.path.replace(/\\/g, '/').replace(/\/$/, '')}/${fromConfig}`;
  return { path: at(io, join(options.path, fromConfig)), label, explicit: false };
}

/** Rule ids whose findings this audit could have: a baseline entry of another rule is unchecked, not stale. */
function ranRules(auditOptions: AuditOptions): Set<string> {
  return new Set([...selectedRules(auditOptions, auditOptions.config).map((r) => r.meta.id), PARSE_RULE.id, INTERNAL_RULE.id]);
}

/** A stale entry as a report warning (the text summary lists them; JSON carries them in `warnings`). */
function staleWarning(entry: BaselineEntry, label: string): { file: string; message: string } {
  const times = entry.count > 1 ? ` (${entry.count} findings)` : '';
  return { file: entry.file, message: `stale baseline entry in ${label}, no such finding any more${times}: ${entry.ruleId} ${entry.message}; --update-baseline drops it` };
}

/** Only this path loads ink and React (lazily), so other runs never pay for them. */
async function runInteractive(options: CliOptions, io: CliIo): Promise<number> {
  const root = checkedRoot(options, io);
  const base = options.changedSince === null ? null : gitBase(root, options.changedSince, options.path, io.env, !options.onlyChanged);
  const config = loadConfig(root, options.config, ruleLookup, { cwd: io.cwd, maxBytes: discoverOptions(options).maxFileBytes });
  const env = envOf(options, io);
  const auditOptions = auditOptionsOf(options, config, root, io, env);
  const before = base === null || options.onlyChanged ? null : await auditBase(root, base, auditOptions, options.workers, io.env);
  // The same baseline and --changed-since view as the report, applied to every audit the view runs.
  const where = baselineFile(options, config.baseline, io);
  const baseline: Baseline | null = where === null ? null : readBaseline(where.path, where.label, where.explicit ? null : realpathSync(root));
  const tui = await importIgnoringCi(() => io.loadInteractive?.() ?? import('../tui/run.js'));
  const result = await tui.runInteractive({
    auditOptions,
    root: options.path.replace(/\\/g, '/'),
    cwd: io.cwd,
    threads: options.workers,
    postprocess: (r: AuditResult): AuditResult => {
      const findings = baseline === null ? r.findings : matchBaseline(r.findings, baseline).findings;
      const narrow = narrowing(root, base, before, r);
      return { ...r, findings: mergeServiceFindings(narrow === null ? findings : narrow(findings)) };
    },
  });
  return options.exitZero ? 0 : exitCode(result, options.failOn ?? config.failOn ?? 'error');
}

/**
 * ink decides once, when it is first imported, whether it runs "in CI" (a CI or
 * CONTINUOUS_INTEGRATION variable) and then renders nothing until exit. The user asked for -i on a
 * real terminal, so hide those variables while ink loads and put them back afterwards.
 */
async function importIgnoringCi<T>(load: () => Promise<T>): Promise<T> {
  const saved = { CI: process.env['CI'], CONTINUOUS_INTEGRATION: process.env['CONTINUOUS_INTEGRATION'] };
  delete process.env['CI'];
  delete process.env['CONTINUOUS_INTEGRATION'];
  try {
    return await load();
  } finally {
    for (const [key, value] of Object.entries(saved)) if (value !== undefined) process.env[key] = value;
  }
}

function auditOptionsOf(options: CliOptions, config: Config, root: string, io: CliIo, env: CliIo['env']): AuditOptions {
  return {
    root, select: options.select, ignore: options.ignore, config,
    // With the config's: its `exclude`, and deptry's `exclude`, which replaces .gitignore for code.
    discover: discoverOptionsOf({ config, discover: discoverOptions(options) }),
    ...(options.pythonEnv !== null ? { pythonEnv: at(io, options.pythonEnv) } : {}),
    ...(options.indexUrl !== null ? { indexUrl: options.indexUrl, indexCacheDir: cacheDir(env) } : {}),
  };
}

function discoverOptions(options: CliOptions): DiscoverOptions {
  return {
    maxFileBytes: options.maxFileBytes ?? DEFAULT_DISCOVER_OPTIONS.maxFileBytes,
    maxFiles: options.maxFiles ?? DEFAULT_DISCOVER_OPTIONS.maxFiles,
    ...(options.exclude.length > 0 ? { exclude: options.exclude } : {}),
  };
}

function render(options: CliOptions, auditOptions: AuditOptions, result: AuditReport | AuditResult, io: CliIo): string {
  // Markdown needs the parsed project for its patch (a cached result has none: text instead).
  const format = options.format === 'markdown' && !('project' in result) ? 'text' : options.format;
  // CI formats want paths relative to the checkout (the working directory), not to the audited
  // root: prefix them with the root's relative path when it lies inside the working directory.
  const fromCwd = relative(io.cwd, at(io, options.path)).split(sep).join('/');
  const pathPrefix = fromCwd === '' || fromCwd === '..' || fromCwd.startsWith('../') || isAbsolute(fromCwd) ? '' : `${fromCwd}/`;
  // The patch shown in markdown applies from the repository root too (see --diff).
  const patch = format === 'markdown' && 'project' in result ? unifiedDiff(computeFixes(auditOptions, result, { unsafe: options.unsafeFixes }).changes, { pathPrefix: workTreePrefix(auditOptions.root, io.env) }) : '';
  return REPORTERS[format](result, {
    displayRoot: options.path.replace(/\\/g, '/'),
    pathPrefix,
    color: colorOf(options, io),
    quiet: options.quiet,
    patch,
    unsafeFixes: options.unsafeFixes,
  });
}

/**
 * --color=always/never (and --no-color) win; then, for stdout only, FORCE_COLOR (non-empty: on,
 * but 0 or false: off; it beats NO_COLOR, as in Node), then NO_COLOR (non-empty: off), then
 * whether stdout is a terminal. A report written with --output is plain unless --color=always.
 */
function colorOf(options: CliOptions, io: CliIo): boolean {
  if (options.color !== null) return options.color;
  if (options.output !== null) return false;
  const force = io.env['FORCE_COLOR']?.trim().toLowerCase();
  if (force) return force !== '0' && force !== 'false';
  if (io.env['NO_COLOR']) return false;
  return io.stdoutIsTTY;
}

function emit(options: CliOptions, text: string, io: CliIo): void {
  if (options.output) writeUserFile(at(io, options.output), text, at(io, options.path), options.output);
  else io.stdout(text);
}

/**
 * --output and --patch. A path inside the audited root (which the repository controls) must
 * resolve inside it and is written atomically, never through a symlink; a path outside it is the
 * user's own choice (a CI artifact folder, /dev/stdout) and is written as given.
 */
/** `label`: the path as the user wrote it, for messages. */
function writeUserFile(path: string, text: string | Buffer, root: string, label: string): void {
  if (!isInside(resolve(path), resolve(root))) {
    try {
      writeFileSync(path, text);
    } catch (error) {
      throw new UsageError(`${label}: cannot write (${writeProblem(error)})`);
    }
    return;
  }
  const refusal = writeRefusal(path, root, false);
  if (refusal !== null) throw new UsageError(`${label}: ${refusal}`);
  try {
    atomicWrite(path, text);
  } catch (error) {
    throw new UsageError(`${label}: cannot write (${writeProblem(error)})`);
  }
}

/** Why a file could not be written, in words as well as the code. */
function writeProblem(error: unknown): string {
  const code = errorCode(error);
  const words: Readonly<Record<string, string>> = { ENOENT: 'its folder does not exist', EISDIR: 'it is a directory', ENOTDIR: 'a part of its path is not a directory', EACCES: 'permission denied', EROFS: 'read-only file system' };
  return words[code] ? `${code}: ${words[code]}` : code;
}

function exitCode(result: AuditReport, failOn: Severity | 'never'): number {
  if (failOn === 'never') return 0;
  const threshold = SEVERITY_RANK[failOn];
  return result.findings.some((f) => !f.suppressed && SEVERITY_RANK[f.severity] >= threshold) ? 1 : 0;
}
