// The npm dependency graphs of an audit (NPM001 on the whole lock): one per package-lock.json or
// npm-shrinkwrap.json with a package.json beside it, loaded only when there is one and a
// pre-check (model/npm-lock.ts `graphSignal`) finds something arborist could report. Loading
// (@npmcli/arborist, asynchronous, ~0.4 s to import) happens before the synchronous audit, as
// metadata does: `preloadNpmGraphs` in process for auditInParallel (the CLI, the interactive
// report), and `npmGraphsOf`, which the audit itself calls, answers from what was preloaded, else
// runs the loader in a child process (npm-graph-child.js beside this module), else (the sources
// run untranspiled, or the child failed) says so and NPM001 keeps to direct dependencies.
// The graph is a function of the texts only, so results are kept by their hash across the fix
// engine's passes.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { NpmGraph, NpmGraphRequest } from '../model/npm-graph-types.js';
import { graphSignal } from '../model/npm-lock.js';
import { isJsonObject, parseJsonObject, type JsonObject } from '../parsers/json.js';
import type { SourceFile } from '../source.js';
import { compileGlob } from '../util/glob.js';
import { childProcess } from '../util/lazy-builtins.js';
import { escapesRoot, isUnder, repoDirname, repoJoin } from '../util/paths.js';

const LOCK_NAMES = ['npm-shrinkwrap.json', 'package-lock.json'];
/** package.json files copied for workspaces and links; beyond this the lock is left to the fast path. */
const MAX_PACKAGE_FILES = 2000;
const MEMO_SIZE = 64;

/**
 * What to load for each lock in `files` (sorted by lock path). A lock is left out when
 * `graphSignal` finds nothing arborist could report (the usual case: npm wrote the lock from this
 * package.json, and nothing has changed since), and when it cannot be loaded safely: its
 * package.json is unreadable, or a workspace pattern or link leaves the repository (arborist would
 * read outside the copy). NPM001 then compares direct dependencies only.
 */
export function npmGraphRequests(files: readonly SourceFile[]): NpmGraphRequest[] {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const locks = files.filter((f) => f.kind === 'package-lock').sort((a, b) => (a.path < b.path ? -1 : 1));
  const out: NpmGraphRequest[] = [];
  for (const lock of locks) {
    const dir = repoDirname(lock.path);
    // npm reads npm-shrinkwrap.json first; a package-lock.json beside one is ignored.
    const chosen = LOCK_NAMES.map((name) => repoJoin(dir, name)).find((path) => byPath.get(path)?.kind === 'package-lock');
    if (chosen !== lock.path) continue;
    const pkgPath = repoJoin(dir, 'package.json');
    const pkgFile = byPath.get(pkgPath);
    const pkg = pkgFile ? parseJsonObject(pkgFile.text) : null;
    const lockJson = parseJsonObject(lock.text);
    if (!pkgFile || !pkg || !lockJson) continue;
    if (!contained(dir, pkg, lockJson)) continue;
    const texts: Record<string, string> = { [pkgPath]: pkgFile.text, [lock.path]: lock.text };
    const extra = files.filter((f) => f.kind === 'package-json' && f.path !== pkgPath && isUnder(f.path, dir) && !f.path.includes('node_modules/'));
    const linked = linkTargets(dir, lockJson).map((folder) => byPath.get(repoJoin(folder, 'package.json'))).filter((f): f is SourceFile => f !== undefined);
    const packages = [...new Set([...extra, ...linked])];
    if (packages.length > MAX_PACKAGE_FILES) continue;
    for (const f of packages) texts[f.path] = f.text;
    const npmrc = byPath.get(repoJoin(dir, '.npmrc'));
    const legacy = npmrc !== undefined && legacyPeerDeps(npmrc.text);
    const workspaces = workspaceManifests(dir, pkg, packages);
    if (workspaces !== null && graphSignal(pkg, lockJson, workspaces, legacy) === null) continue;
    out.push({ lockPath: lock.path, dir, files: texts, legacyPeerDeps: legacy });
  }
  return out;
}

/**
 * The workspaces arborist maps from package.json `workspaces` (folder relative to `dir` → its
 * package.json), among `packages`; null when a pattern is one the shared glob matcher does not
 * read as npm does (a negation).
 */
function workspaceManifests(dir: string, pkg: JsonObject, packages: readonly SourceFile[]): Map<string, JsonObject> | null {
  const raw = pkg.workspaces;
  const listed = Array.isArray(raw) ? raw : isJsonObject(raw) && Array.isArray(raw.packages) ? raw.packages : [];
  if (listed.some((p) => typeof p !== 'string' || p.startsWith('!'))) return null;
  const patterns = (listed as string[]).map((p) => compileGlob(p.replace(/^\.\//, '').replace(/\/+$/, ''), { doubleStar: true }));
  const out = new Map<string, JsonObject>();
  const prefix = dir === '' ? '' : `${dir}/`;
  for (const f of packages) {
    if (!f.path.startsWith(prefix) || !f.path.endsWith('/package.json')) continue;
    const folder = f.path.slice(prefix.length, -'/package.json'.length);
    if (!patterns.some((matches) => matches(folder))) continue;
    const json = parseJsonObject(f.text);
    if (!json) return null;
    out.set(folder, json);
  }
  return out;
}

/** `legacy-peer-deps=true` (npm's ini: `key = value`, `;`/`#` comments, last one wins). */
export function legacyPeerDeps(npmrc: string): boolean {
  let value = false;
  for (const line of npmrc.split(/\r?\n|\r/)) {
    const m = /^\s*legacy-peer-deps\s*=\s*"?([^"#;\s]*)"?\s*(?:[#;].*)?$/.exec(line);
    if (m) value = m[1] === 'true';
  }
  return value;
}

/** Repo folders the lock links to (workspaces, `file:` packages). */
function linkTargets(dir: string, lock: Record<string, unknown>): string[] {
  const packages = isJsonObject(lock.packages) ? lock.packages : {};
  const out = new Set<string>();
  for (const [location, entry] of Object.entries(packages)) {
    if (location === '') continue;
    if (!location.includes('node_modules/') && !location.startsWith('node_modules')) out.add(repoJoin(dir, location));
    if (isJsonObject(entry) && entry.link === true && typeof entry.resolved === 'string') out.add(repoJoin(dir, entry.resolved));
  }
  return [...out];
}

/** No workspace pattern, lock location or link that resolves outside the repository. */
function contained(dir: string, pkg: Record<string, unknown>, lock: Record<string, unknown>): boolean {
  const raw = pkg.workspaces;
  const patterns = Array.isArray(raw) ? raw : isJsonObject(raw) && Array.isArray(raw.packages) ? raw.packages : [];
  if (patterns.some((p) => typeof p !== 'string' || p.startsWith('/') || escapesRoot(repoJoin(dir, p)) || p.split('/').includes('..'))) return false;
  const packages = isJsonObject(lock.packages) ? lock.packages : {};
  for (const [location, entry] of Object.entries(packages)) {
    if (location.startsWith('/') || escapesRoot(repoJoin(dir, location))) return false;
    if (isJsonObject(entry) && typeof entry.resolved === 'string' && entry.link === true && (entry.resolved.startsWith('/') || escapesRoot(repoJoin(dir, entry.resolved)))) return false;
  }
  return true;
}

const memo = new Map<string, NpmGraph>();

function keyOf(request: NpmGraphRequest): string {
  return createHash('sha256').update(JSON.stringify([request.dir, request.legacyPeerDeps, Object.entries(request.files).sort(([a], [b]) => (a < b ? -1 : 1))])).digest('hex');
}

function remember(key: string, graph: NpmGraph): void {
  if (memo.size >= MEMO_SIZE) memo.delete(memo.keys().next().value as string);
  memo.set(key, graph);
}

/**
 * Loads every graph not already known, for the audit that follows: in the child process (the
 * event loop keeps turning: the progress line, the interactive report's spinner), or in this
 * process when the sources run untranspiled.
 */
export async function preloadNpmGraphs(files: readonly SourceFile[]): Promise<void> {
  const missing = npmGraphRequests(files).filter((r) => !memo.has(keyOf(r)));
  if (missing.length === 0) return;
  const child = childPath();
  if (child === null) {
    const { loadNpmGraph } = await import('./npm-graph-load.js');
    for (const request of missing) remember(keyOf(request), await loadNpmGraph(request));
    return;
  }
  const output = await new Promise<string | null>((resolve) => {
    const proc = childProcess().spawn(process.execPath, [child], { stdio: ['pipe', 'pipe', 'ignore'] });
    const chunks: Buffer[] = [];
    proc.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    proc.on('error', () => resolve(null));
    proc.on('close', (code) => resolve(code === 0 ? Buffer.concat(chunks).toString('utf8') : null));
    proc.stdin.on('error', () => undefined);
    proc.stdin.end(JSON.stringify(missing));
  });
  rememberAll(missing, parseGraphs(output, missing.length));
}

/**
 * The graph of each lock in `files`, by lock path: preloaded, else loaded now by the child
 * process. A lock absent from the result is not loaded (see npmGraphRequests); a graph with
 * `ok: false` says why it could not be.
 */
export function npmGraphsOf(files: readonly SourceFile[]): Map<string, NpmGraph> {
  const requests = npmGraphRequests(files);
  const missing = requests.filter((r) => !memo.has(keyOf(r)));
  const fresh = new Map<NpmGraphRequest, NpmGraph>();
  if (missing.length > 0) {
    const child = childPath();
    const result = child === null ? null : childProcess().spawnSync(process.execPath, [child], { input: JSON.stringify(missing), encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
    const graphs = child === null ? null : parseGraphs(result?.status === 0 ? result.stdout : null, missing.length);
    missing.forEach((r, i) => fresh.set(r, graphs?.[i] ?? { ok: false, code: 'LOADER', message: child === null ? 'the npm graph loader is not built (the sources run untranspiled)' : 'the npm graph loader failed' }));
    if (graphs) rememberAll(missing, graphs);
  }
  const out = new Map<string, NpmGraph>();
  for (const r of requests) {
    const graph = memo.get(keyOf(r)) ?? fresh.get(r);
    if (graph) out.set(r.lockPath, graph);
  }
  return out;
}

/** The child's answer: one graph per request, or null when it is not that. */
function parseGraphs(output: string | null, count: number): NpmGraph[] | null {
  if (output === null) return null;
  try {
    const value: unknown = JSON.parse(output);
    return Array.isArray(value) && value.length === count && value.every(isJsonObject) ? (value as NpmGraph[]) : null;
  } catch {
    return null;
  }
}

function rememberAll(requests: readonly NpmGraphRequest[], graphs: readonly NpmGraph[] | null): void {
  if (graphs) requests.forEach((r, i) => remember(keyOf(r), graphs[i] as NpmGraph));
}

/** The child beside this module in both builds (dist/bin/ bundle, dist/metadata/ from tsc); null when the sources run untranspiled. */
function childPath(): string | null {
  const path = fileURLToPath(new URL('./npm-graph-child.js', import.meta.url));
  return existsSync(path) ? path : null;
}
