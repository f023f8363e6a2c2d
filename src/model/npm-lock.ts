// package.json vs package-lock.json, the fast path (libraries.md §4): direct dependencies of the
// root and of each workspace against the lock's `packages` (lockfile v2/v3) or `dependencies`
// (v1) entries, with semver. This is what `npm ci` refuses ("package.json and package-lock.json
// are not in sync": Missing / Invalid). NPM001 uses it when a lock's whole graph could not be
// loaded (Project.npmGraphs, src/metadata/npm-graph.ts: arborist, in a pre-stage of the audit).
import semver from 'semver';
import { isJsonObject, type JsonObject } from '../parsers/json.js';
import type { NpmGraph } from './npm-graph-types.js';

export type DriftKind = 'missing' | 'invalid' | 'extraneous' | 'workspace-missing';

export interface NpmDrift {
  readonly kind: DriftKind;
  readonly name: string;
  /** The section of package.json it is declared in (for extraneous: the lock's root section). */
  readonly section: string;
  readonly spec: string | null;
  readonly locked: string | null;
  /** Repo-relative folder of the package.json ('' for the root; a workspace path otherwise). */
  readonly workspace: string;
}

type Json = JsonObject;
const isObject = isJsonObject;
const SECTIONS = ['dependencies', 'devDependencies', 'optionalDependencies'] as const;


/** Workspace folders (relative to the root package.json) the lock knows. */
export function lockWorkspaces(lock: Json): string[] {
  const packages = isObject(lock.packages) ? lock.packages : {};
  return Object.keys(packages).filter((k) => k !== '' && !k.includes('node_modules/') && !k.startsWith('node_modules'));
}

/**
 * Drift between a package.json (plus its workspaces' package.json files, by folder) and the lock.
 * Null when the lock is not something this reads (unknown lockfileVersion).
 */
export function lockDrift(pkg: Json, lock: Json, workspaces: ReadonlyMap<string, Json> = new Map()): NpmDrift[] | null {
  const version = typeof lock.lockfileVersion === 'number' ? lock.lockfileVersion : 1;
  const out: NpmDrift[] = [];
  if (version >= 2 && isObject(lock.packages)) {
    const packages = lock.packages;
    const entry = (path: string): Json | null => (isObject(packages[path]) ? (packages[path] as Json) : null);
    const resolveIn = (folder: string, name: string): Json | null => {
      // Node's lookup: the package's own node_modules, then each parent's, up to the root.
      const parts = folder === '' ? [] : folder.split('/');
      for (let i = parts.length; i >= 0; i--) {
        const base = parts.slice(0, i).join('/');
        const found = entry(`${base === '' ? '' : `${base}/`}node_modules/${name}`);
        if (found) return found.link === true && typeof found.resolved === 'string' ? (entry(found.resolved) ?? found) : found;
      }
      return null;
    };
    checkPackage(pkg, '', (name) => resolveIn('', name), entry(''), out);
    for (const [folder, wsPkg] of workspaces) {
      const wsEntry = entry(folder);
      if (!wsEntry) {
        out.push({ kind: 'workspace-missing', name: typeof wsPkg.name === 'string' ? wsPkg.name : folder, section: 'workspaces', spec: null, locked: null, workspace: folder });
        continue;
      }
      checkPackage(wsPkg, folder, (name) => resolveIn(folder, name), wsEntry, out);
    }
    return out;
  }
  if (version === 1 && isObject(lock.dependencies)) {
    const deps = lock.dependencies;
    checkPackage(pkg, '', (name) => (isObject(deps[name]) ? (deps[name] as Json) : null), null, out);
    return out;
  }
  return null;
}

function checkPackage(pkg: Json, folder: string, lookup: (name: string) => Json | null, lockRoot: Json | null, out: NpmDrift[]): void {
  const declared = new Set<string>();
  for (const section of SECTIONS) {
    const deps = isObject(pkg[section]) ? (pkg[section] as Json) : {};
    for (const [name, rawSpec] of Object.entries(deps)) {
      declared.add(name);
      if (typeof rawSpec !== 'string') continue;
      const found = lookup(name);
      if (!found) {
        // npm locks every platform's optional packages, and npm ci fails without one ("Missing: fsevents@ from lock file").
        out.push({ kind: 'missing', name, section, spec: rawSpec, locked: null, workspace: folder });
        continue;
      }
      const range = semverRange(rawSpec);
      const locked = typeof found.version === 'string' ? found.version : null;
      if (range === null || locked === null || found.link === true) continue;
      if (semver.valid(locked) && !semver.satisfies(locked, range, { includePrerelease: true })) {
        out.push({ kind: 'invalid', name, section, spec: rawSpec, locked, workspace: folder });
      }
    }
  }
  if (lockRoot) {
    for (const section of SECTIONS) {
      const deps = isObject(lockRoot[section]) ? (lockRoot[section] as Json) : {};
      for (const name of Object.keys(deps)) {
        if (!declared.has(name) && isObject(pkg.peerDependencies) && Object.hasOwn(pkg.peerDependencies, name)) continue;
        if (!declared.has(name)) out.push({ kind: 'extraneous', name, section, spec: typeof deps[name] === 'string' ? (deps[name] as string) : null, locked: null, workspace: folder });
      }
    }
  }
}

/** A semver range npm would match against a registry version; null for tags, git, file:, aliases. */
function semverRange(spec: string): string | null {
  const alias = /^npm:(?:@[^/]+\/)?[^@]+@(.+)$/.exec(spec);
  const text = (alias ? alias[1] : spec)?.trim() ?? '';
  if (text === '' || text === '*' || text === 'latest') return null;
  return semver.validRange(text) ? text : null;
}

/**
 * Whether `npm ci` accepts the lock as it is: from its dependency graph when it was loaded (no
 * error-level problem: a missing or invalid edge other than an optional peer), else from the
 * direct dependencies. False when either file is unreadable.
 */
export function lockInSync(pkg: Json | null, lock: Json | null, graph: NpmGraph | undefined): boolean {
  if (!pkg || !lock) return false;
  if (graph?.ok) return graph.problems.every((p) => p.type === 'peerOptional');
  if (graph && (graph.code === 'EOVERRIDE' || graph.code === 'EMISSINGTARGET')) return false;
  const drift = lockDrift(pkg, lock);
  return drift !== null && !drift.some((d) => d.kind !== 'extraneous');
}

/**
 * Could arborist find anything wrong with this lock (NPM001's graph)? A conservative pre-check, so
 * that a lock `npm ci` accepts costs no arborist load: the lock's root entry against package.json,
 * then every edge arborist's loadVirtual would create (the root's and each workspace's
 * package.json, each locked package's dependencies, optional and peer dependencies), resolved as
 * arborist resolves them (own node_modules, then each parent's) and tested as its dep-valid.js
 * tests them (`semver.satisfies(version, range, loose)`); a lockfile v1 as arborist migrates it
 * (nested `dependencies`, `requires`), where a package nothing reaches is a reason too. Anything
 * this does not model exactly (overrides other than `name: spec`, a spec that is not a registry range, bundled
 * or shrinkwrapped packages, links to folders that are not workspaces) is a reason to load the
 * graph. Null: nothing to report; otherwise the first reason found.
 */
export function graphSignal(pkg: Json, lock: Json, workspaces: ReadonlyMap<string, Json>, legacyPeerDeps: boolean): string | null {
  const v1 = lock.lockfileVersion !== 2 && lock.lockfileVersion !== 3;
  let packages: Json;
  if (v1) {
    // Shrinkwrap.js migrates a v1 lock: nested `dependencies` become locations, `requires` the edges.
    if (lock.lockfileVersion !== 1) return `lockfile version ${String(lock.lockfileVersion)}`;
    if (lock.requires !== true) return 'a lockfile from before npm 5.1 (no requires)';
    if (pkg.overrides !== undefined || pkg.workspaces !== undefined) return 'overrides or workspaces with a lockfile v1';
    const converted = lock.dependencies === undefined ? {} : isObject(lock.dependencies) ? v1Packages(lock.dependencies) : null;
    if (!converted) return 'a lockfile v1 entry the pre-check does not model';
    packages = converted;
  } else {
    if (!isObject(lock.packages)) return 'no packages';
    packages = lock.packages;
  }
  const entry = (location: string): Json | null => (isObject(packages[location]) ? (packages[location] as Json) : null);
  const root = v1 ? {} : entry('');
  if (!root) return 'no root entry';
  // Overrides the pre-check models: `name: spec` for every edge below the root (not `$ref`s, not
  // nested or version-keyed ones, not for a direct dependency of the root, which npm must match).
  const overrides = new Map<string, string>();
  if (pkg.overrides !== undefined) {
    if (!isObject(pkg.overrides)) return 'overrides';
    for (const [key, value] of Object.entries(pkg.overrides)) {
      if (typeof value !== 'string' || value.startsWith('$') || !/^(?:@[^/@]+\/)?[^@]+$/.test(key)) return `override ${key}`;
      if (SECTIONS.some((section) => isObject(pkg[section]) && Object.hasOwn(pkg[section] as Json, key)) || (isObject(pkg.peerDependencies) && Object.hasOwn(pkg.peerDependencies, key))) return `override of the direct dependency ${key}`;
      if (value !== '*' && value !== '') overrides.set(key, value);
    }
  }
  for (const section of v1 ? [] : ([...SECTIONS, 'peerDependencies', 'peerDependenciesMeta', 'workspaces'] as const)) {
    if (!sameJson(pkg[section], root[section])) return `package.json ${section} changed since the lock`;
  }
  const targets = new Map<string, string[]>();
  // The package.json each location's edges come from: the root's, a workspace's, else the lock's.
  const manifests = new Map<string, Json>([['', pkg], ...workspaces]);
  const isTop = (location: string): boolean => !location.split('/').includes('node_modules');
  const parentOf = (location: string): string | null => {
    if (location === '') return null;
    const nested = /^(?:(.*)\/)?node_modules\/(?:@[^/]+\/)?[^/]+$/.exec(location);
    if (nested) return nested[1] ?? '';
    const parts = location.split('/');
    for (let i = parts.length - 1; i > 0; i--) if (entry(parts.slice(0, i).join('/'))) return parts.slice(0, i).join('/');
    return '';
  };
  const resolve = (from: string, name: string): { location: string; entry: Json } | null => {
    for (let at: string | null = from; at !== null; at = parentOf(at)) {
      const location = `${at === '' ? '' : `${at}/`}node_modules/${name}`;
      const found = entry(location);
      if (found) return { location, entry: found };
    }
    return null;
  };
  // Workspaces: a link in the root's node_modules to each folder.
  for (const [folder, ws] of workspaces) {
    const link = typeof ws.name === 'string' ? entry(`node_modules/${ws.name}`) : null;
    if (!link || link.link !== true || link.resolved !== folder || !entry(folder)) return `workspace ${folder} not linked in the lock`;
  }
  const workspaceNames = new Set([...workspaces.values()].map((ws) => ws.name).filter((n): n is string => typeof n === 'string'));
  const check = (from: string, manifest: Json): string | null => {
    const bundled = manifest.bundleDependencies ?? manifest.bundledDependencies;
    if (bundled !== undefined && bundled !== false) return `${from || 'the root'} bundles dependencies`;
    if (manifest.acceptDependencies !== undefined) return `${from || 'the root'} has acceptDependencies`;
    // node.js _loadDeps: peer, then prod, optional and (for tops) dev; a later section replaces an earlier edge.
    const edges = new Map<string, { spec: unknown; optional: boolean; peer: boolean }>();
    const section = (name: string): Json => (isObject(manifest[name]) ? (manifest[name] as Json) : {});
    if (!legacyPeerDeps) {
      const meta = section('peerDependenciesMeta');
      for (const [name, spec] of Object.entries(section('peerDependencies'))) edges.set(name, { spec, optional: isObject(meta[name]) && (meta[name] as Json).optional === true, peer: true });
    }
    for (const [name, spec] of Object.entries(section('dependencies'))) edges.set(name, { spec, optional: false, peer: false });
    for (const [name, spec] of Object.entries(section('optionalDependencies'))) edges.set(name, { spec, optional: true, peer: false });
    if (isTop(from)) for (const [name, spec] of Object.entries(section('devDependencies'))) edges.set(name, { spec, optional: false, peer: false });
    for (const [name, edge] of edges) {
      if (from === '' && workspaceNames.has(name)) continue; // a workspace edge, checked above
      if (typeof edge.spec !== 'string') return `${name}: spec is not a string`;
      const spec = from === '' ? edge.spec : (overrides.get(name) ?? edge.spec);
      const found = resolve(from, name);
      if (!found) {
        if (edge.optional && edge.peer) continue; // npm ci skips a missing optional peer (not a missing optional dependency)
        return `${from || 'the root'} needs ${name}, which the lock lacks`;
      }
      let target = found.entry;
      let targetLocation = found.location;
      if (target.link === true) {
        if (typeof target.resolved !== 'string' || !entry(target.resolved) || !manifests.has(target.resolved)) return `${name} links to a folder that is not a workspace`;
        targetLocation = target.resolved;
        target = manifests.get(targetLocation) as Json;
      }
      if (!specAccepts(spec, targetLocation, target)) return `${from || 'the root'} needs ${name}@${spec}`;
      targets.set(from, [...(targets.get(from) ?? []), targetLocation]);
    }
    return null;
  };
  for (const [location, raw] of [['', pkg] as const, ...Object.entries(packages)]) {
    if (location === '' && raw !== pkg) continue;
    if (!isObject(raw)) return `${location}: not an object`;
    if (raw.link === true) {
      if (typeof raw.resolved !== 'string' || !entry(raw.resolved)) return `${location} links to a location the lock lacks`;
      continue;
    }
    if (raw.extraneous === true || raw.inBundle === true || raw.hasShrinkwrap === true) return `${location} is extraneous, bundled or shrinkwrapped`;
    const manifest = isTop(location) ? manifests.get(location) : raw;
    if (!manifest) return `${location}: no package.json for a folder in the lock`;
    const problem = check(location, manifest);
    if (problem) return problem;
  }
  if (v1) {
    // arborist may recompute a v1 lock's flags: a package nothing reaches from the root is stale.
    const reached = new Set<string>(['']);
    const queue = [''];
    for (let at = queue.shift(); at !== undefined; at = queue.shift()) {
      for (const next of targets.get(at) ?? []) {
        if (reached.has(next)) continue;
        reached.add(next);
        queue.push(next);
      }
    }
    const stale = Object.keys(packages).find((location) => !reached.has(location));
    if (stale !== undefined) return `${stale} is reached from nothing`;
  }
  return null;
}

/** A v1 lock's nested `dependencies` as v2 locations; null for what the pre-check does not model (bundled, git or aliased versions). */
function v1Packages(dependencies: Json): Json | null {
  const out: Json = {};
  const walk = (prefix: string, deps: Json): boolean => {
    for (const [name, raw] of Object.entries(deps)) {
      if (!isObject(raw) || raw.bundled === true || typeof raw.version !== 'string' || semver.valid(raw.version) === null) return false;
      const location = `${prefix}node_modules/${name}`;
      out[location] = { version: raw.version, ...(isObject(raw.requires) ? { dependencies: raw.requires } : {}), ...(raw.optional === true ? { optional: true } : {}) };
      if (raw.dependencies !== undefined && !(isObject(raw.dependencies) && walk(`${location}/`, raw.dependencies))) return false;
    }
    return true;
  };
  return walk('', dependencies) ? out : null;
}

/** dep-valid.js for what the pre-check models: registry ranges and versions, `*`, and npm: aliases. */
function specAccepts(spec: string, location: string, target: Json): boolean {
  const alias = /^npm:((?:@[^/@]+\/)?[^@]+)(?:@(.*))?$/.exec(spec);
  const range = (alias ? (alias[2] ?? '') : spec).trim();
  // dep-valid.js checks versions only (the folder is the edge's name); an alias that names another
  // package than the lock entry's is still a reason to load the graph.
  if (alias) {
    const own = typeof target.name === 'string' ? target.name : location.slice(location.lastIndexOf('node_modules/') + 'node_modules/'.length);
    if (alias[1] !== own) return false;
  }
  if (range === '' || range === '*') return true;
  const version = typeof target.version === 'string' ? target.version : null;
  if (version === null || semver.validRange(range, true) === null) return false;
  return semver.satisfies(version, range, true);
}

function sameJson(a: unknown, b: unknown): boolean {
  const empty = (v: unknown): boolean => v === undefined || (isObject(v) && Object.keys(v).length === 0) || (Array.isArray(v) && v.length === 0);
  if (empty(a) && empty(b)) return true;
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (!isObject(v)) return v;
  return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])]));
}
