#!/usr/bin/env node
// The command line: argv -> audit -> report -> exit code. The only place that exits.
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { audit, auditInParallel, type AuditOptions, type AuditReport, type AuditResult } from '../audit.js';
import { cacheable, readCachedReport, resultCacheDir, writeCachedReport } from '../cache/result-cache.js';
import { DEFAULT_DISCOVER_OPTIONS, type DiscoverOptions } from '../discover.js';
import { BaselineError, applyBaseline, readBaseline, writeBaseline } from '../baseline.js';
import { ConfigError, loadConfig } from '../config/load.js';
import type { Config } from '../config/types.js';
import { SEVERITY_RANK, type Severity } from '../findings/types.js';
import { computeFixes } from '../fix/apply.js';
import { unifiedDiff } from '../fix/patch.js';
import { WriteError, writeFixes } from '../fix/write.js';
import { githubReport } from '../report/github.js';
import { gitlabReport } from '../report/gitlab.js';
import { jsonReport } from '../report/json.js';
import { markdownReport } from '../report/markdown.js';
import { sarifReport } from '../report/sarif.js';
import { textReport } from '../report/text.js';
import { findRule } from '../rules/index.js';
import { atomicWrite, errorCode, isInside, writeRefusal } from '../util/safe-fs.js';
import { VERSION } from '../version.js';
import { HELP, parseCliArgs, type CliOptions } from './args.js';
import { changedSince, onlyChanged } from './changed.js';
import { UsageError } from './errors.js';
import { rulesTable } from './rules-table.js';

function main(argv: readonly string[]): number | Promise<number> {
  const options = parseCliArgs(argv);
  switch (options.command) {
    case 'help':
      process.stdout.write(HELP);
      return 0;
    case 'version':
      process.stdout.write(`driftcheck ${VERSION}\n`);
      return 0;
    case 'rules':
      process.stdout.write(rulesTable());
      return 0;
    case 'explain':
      return explain(options.rule ?? '');
    case 'audit':
      if (options.interactive) {
        if (process.stdout.isTTY === true && process.stdin.isTTY === true) return runInteractive(options);
        process.stderr.write('driftcheck: --interactive needs a terminal (stdin and stdout must be TTYs); printing the text report\n');
      }
      return runAudit(options);
  }
}

function explain(id: string): number {
  const rule = findRule(id);
  if (!rule) throw new UsageError(`unknown rule "${id}"; run "driftcheck rules" for the list`);
  const { meta } = rule;
  process.stdout.write(`# ${meta.id} ${meta.name}\n\nSeverity: ${meta.severity} · Fix: ${meta.fix} · Category: ${meta.category}\n\n${meta.docs}\n`);
  return 0;
}

async function runAudit(options: CliOptions): Promise<number> {
  if (!existsSync(options.path) || !statSync(options.path).isDirectory()) throw new UsageError(`"${options.path}" is not a directory`);
  const changed = options.changedSince === null ? null : changedSince(options.path, options.changedSince);
  const config = loadConfig(options.path, options.config, (id) => findRule(id) !== undefined, discoverOptions(options).maxFileBytes);
  const auditOptions = auditOptionsOf(options, config);
  const failOn = options.failOn ?? config.failOn ?? 'error';
  const wantsFixes = options.diff || options.patch !== null || options.fix;
  // Fixes, markdown (its patch) and --changed-since need the parsed project, which the cache does not keep.
  const needsProject = wantsFixes || changed !== null || options.format === 'markdown';
  const cache = options.cache && !needsProject && cacheable(auditOptions) ? resultCacheDir() : null;
  const cached = cache === null ? null : readCachedReport(cache, auditOptions);
  if (cached !== null) return report(options, auditOptions, cached, failOn);
  const startedAt = Date.now();
  let result = await auditInParallel(auditOptions, options.workers, (stats) => {
    if (options.debug) process.stderr.write(`debug: Python files in ${stats.batches} batches, ${stats.batchesOnWorkers} of them on ${stats.workers} worker thread(s)\n`);
  });
  if (cache !== null) writeCachedReport(cache, auditOptions, result, startedAt);
  if (wantsFixes) {
    const outcome = computeFixes(auditOptions, result, { unsafe: options.unsafeFixes });
    for (const warning of outcome.warnings) process.stderr.write(`warning: ${warning}\n`);
    const patch = unifiedDiff(outcome.changes);
    if (options.diff) {
      process.stdout.write(patch);
      process.stderr.write(`${outcome.applied.length} fix${outcome.applied.length === 1 ? '' : 'es'} in ${outcome.changes.length} file${outcome.changes.length === 1 ? '' : 's'}${outcome.changes.length ? ' (nothing written; apply with git apply or patch -p1)' : ''}\n`);
      return patch === '' ? 0 : 1;
    }
    if (options.patch !== null) {
      writeUserFile(options.patch, patch, options.path);
      process.stderr.write(`wrote ${options.patch}: ${outcome.applied.length} fixes in ${outcome.changes.length} files\n`);
    }
    if (options.fix) {
      const written = writeFixes(options.path, outcome.changes);
      process.stderr.write(`fixed ${outcome.applied.length} finding${outcome.applied.length === 1 ? '' : 's'} in ${written.length} file${written.length === 1 ? '' : 's'}\n`);
      result = audit(auditOptions);
    }
  }
  if (changed !== null) result = onlyChanged(result, changed);
  return report(options, auditOptions, result, failOn);
}

/** Baseline handling, rendering and the exit code: the same for a fresh and a cached result. */
function report(options: CliOptions, auditOptions: AuditOptions, result: AuditReport, failOn: Severity | 'never'): number {
  if (options.updateBaseline) {
    const path = options.baseline ?? join(options.path, '.driftcheck-baseline.json');
    const count = writeBaseline(path, result.findings, { root: options.path, explicit: options.baseline !== null });
    process.stderr.write(`wrote ${path}: ${count} finding${count === 1 ? '' : 's'} in the baseline\n`);
    return 0;
  }
  const shown = options.baseline === null ? result : { ...result, findings: applyBaseline(result.findings, readBaseline(options.baseline)) };
  emit(options, render(options, auditOptions, shown));
  return exitCode(shown, failOn);
}

/** Only this path loads ink and React (lazily), so other runs never pay for them. */
async function runInteractive(options: CliOptions): Promise<number> {
  if (!existsSync(options.path) || !statSync(options.path).isDirectory()) throw new UsageError(`"${options.path}" is not a directory`);
  const changed = options.changedSince === null ? null : changedSince(options.path, options.changedSince);
  const config = loadConfig(options.path, options.config, (id) => findRule(id) !== undefined, discoverOptions(options).maxFileBytes);
  const tui = await importIgnoringCi(() => import('../tui/run.js'));
  const result = await tui.runInteractive({
    auditOptions: auditOptionsOf(options, config),
    root: options.path.replace(/\\/g, '/'),
    ...(changed === null ? {} : { postprocess: (r: AuditResult) => onlyChanged(r, changed) }),
  });
  return exitCode(result, options.failOn ?? config.failOn ?? 'error');
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

function auditOptionsOf(options: CliOptions, config: Config): AuditOptions {
  return {
    root: options.path, select: options.select, ignore: options.ignore, config, discover: discoverOptions(options),
    ...(options.pythonEnv !== null ? { pythonEnv: options.pythonEnv } : {}), ...(options.indexUrl !== null ? { indexUrl: options.indexUrl } : {}),
  };
}

function discoverOptions(options: CliOptions): DiscoverOptions {
  return {
    maxFileBytes: options.maxFileBytes ?? DEFAULT_DISCOVER_OPTIONS.maxFileBytes,
    maxFiles: options.maxFiles ?? DEFAULT_DISCOVER_OPTIONS.maxFiles,
  };
}

function render(options: CliOptions, auditOptions: AuditOptions, result: AuditReport | AuditResult): string {
  const displayRoot = options.path.replace(/\\/g, '/');
  if (options.format === 'json') return jsonReport(result, displayRoot);
  // CI formats want paths relative to the checkout (the working directory), not to the audited
  // root: prefix them with the root's relative path when it lies inside the working directory.
  const fromCwd = relative(process.cwd(), resolve(options.path)).split(sep).join('/');
  const pathPrefix = fromCwd === '' || fromCwd === '..' || fromCwd.startsWith('../') || isAbsolute(fromCwd) ? '' : `${fromCwd}/`;
  if (options.format === 'sarif') return sarifReport(result, { pathPrefix });
  if (options.format === 'github') return githubReport(result, { pathPrefix });
  if (options.format === 'gitlab') return gitlabReport(result, { pathPrefix });
  if (options.format === 'markdown' && 'project' in result) {
    const patch = unifiedDiff(computeFixes(auditOptions, result, { unsafe: options.unsafeFixes }).changes);
    return markdownReport(result, { patch, unsafeFixes: options.unsafeFixes, pathPrefix });
  }
  const color = options.color ?? (options.output === null && process.stdout.isTTY === true && !process.env['NO_COLOR']);
  return textReport(result, { color, displayRoot, quiet: options.quiet });
}

function emit(options: CliOptions, text: string): void {
  if (options.output) writeUserFile(options.output, text, options.path);
  else process.stdout.write(text);
}

/**
 * --output and --patch. A path inside the audited root (which the repository controls) must
 * resolve inside it and is written atomically, never through a symlink; a path outside it is the
 * user's own choice (a CI artifact folder, /dev/stdout) and is written as given.
 */
function writeUserFile(path: string, text: string, root: string): void {
  if (!isInside(resolve(path), resolve(root))) {
    writeFileSync(path, text);
    return;
  }
  const refusal = writeRefusal(path, root, false);
  if (refusal !== null) throw new UsageError(`${path}: ${refusal}`);
  try {
    atomicWrite(path, text);
  } catch (error) {
    throw new UsageError(`${path}: cannot write (${errorCode(error)})`);
  }
}

function exitCode(result: AuditReport, failOn: Severity | 'never'): number {
  if (failOn === 'never') return 0;
  const threshold = SEVERITY_RANK[failOn];
  return result.findings.some((f) => !f.suppressed && SEVERITY_RANK[f.severity] >= threshold) ? 1 : 0;
}

// A reader that stops early (`driftcheck --format json | head`) is not an error: stop quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

const debug = process.argv.includes('--debug');
// The CLI runs bundled (dist/bin/); with --debug, stack traces name the TypeScript-compiled files.
if (debug) process.setSourceMapsEnabled(true);
try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  const known = error instanceof UsageError || error instanceof WriteError || error instanceof ConfigError || error instanceof BaselineError;
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`driftcheck: ${known ? '' : 'internal error: '}${message}\n`);
  if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  else if (!known) process.stderr.write('(run with --debug for a stack trace)\n');
  process.exitCode = 2;
}
