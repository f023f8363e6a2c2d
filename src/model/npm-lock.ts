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
        // An optional dependency may be absent (another platform); a peer is not declared here.
        if (section !== 'optionalDependencies') out.push({ kind: 'missing', name, section, spec: rawSpec, locked: null, workspace: folder });
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
