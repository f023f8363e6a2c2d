// Loads one lock's dependency graph with @npmcli/arborist's `loadVirtual` (the tree `npm ci` starts
// from: package.json + package-lock.json, no node_modules, no network) and lists the edges npm ci
// would have to resolve again. Asynchronous, and the only file that imports arborist (lazily):
// npm-graph.ts runs it in a child process for the synchronous audit, or in process for the
// asynchronous one. Arborist reads from a temporary copy of the request's texts, never from the
// audited tree: it sees exactly what the audit sees (fix passes, in-memory overrides), and cannot
// follow a link out of the repository.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { NpmGraph, NpmGraphExtraneous, NpmGraphProblem, NpmGraphRequest } from '../model/npm-graph-types.js';

/** The part of arborist's Node and Edge this reads (its own types are not shipped; @types is years old). */
interface ArbEdge {
  readonly name: string;
  readonly spec: string;
  readonly rawSpec: string;
  readonly type: NpmGraphProblem['type'];
  readonly error: NpmGraphProblem['error'] | null;
  readonly to: ArbNode | null;
}
interface ArbNode {
  readonly location: string;
  readonly name: string;
  readonly packageName?: string;
  readonly version?: string;
  readonly extraneous: boolean;
  readonly isLink: boolean;
  readonly target: ArbNode;
  readonly inShrinkwrap?: boolean;
  readonly package: { readonly bundleDependencies?: unknown };
  readonly edgesOut: ReadonlyMap<string, ArbEdge>;
  readonly edgesIn: ReadonlySet<ArbEdge>;
  readonly inventory: ReadonlyMap<string, ArbNode>;
  readonly meta?: { readonly originalLockfileVersion?: number };
}
type ArboristClass = new (options: { path: string; legacyPeerDeps: boolean; workspacesEnabled?: boolean }) => { loadVirtual(): Promise<ArbNode> };

let arborist: Promise<ArboristClass> | null = null;

function loadArborist(): Promise<ArboristClass> {
  // require, not import(): arborist is CommonJS, and the CLI bundle runs as a vm.Script where
  // import() is not available (src/cli/launch.ts, scripts/bundle.mjs).
  arborist ??= Promise.resolve().then(() => createRequire(import.meta.url)('@npmcli/arborist') as ArboristClass);
  return arborist;
}

export async function loadNpmGraph(request: NpmGraphRequest): Promise<NpmGraph> {
  let Arborist: ArboristClass;
  try {
    Arborist = await loadArborist();
  } catch (error) {
    return { ok: false, code: 'LOADER', message: `cannot load @npmcli/arborist (${error instanceof Error ? error.message : String(error)})` };
  }
  const temp = await mkdtemp(join(tmpdir(), 'driftcheck-npm-'));
  try {
    const repo = join(temp, 'repo');
    for (const [path, text] of Object.entries(request.files).sort(([a], [b]) => (a < b ? -1 : 1))) {
      const abs = join(repo, path);
      await mkdir(dirname(abs), { recursive: true });
      await writeFile(abs, text);
    }
    const path = join(repo, request.dir);
    const tree = await new Arborist({ path, legacyPeerDeps: request.legacyPeerDeps }).loadVirtual();
    return graphOf(tree, path);
  } catch (error) {
    const code = typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : 'ELOAD';
    const message = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
    return { ok: false, code, message: message.split(temp).join('') };
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

/**
 * The edges `npm ci` would resolve again (build-ideal-tree.js `#problemEdges`, on the nodes its
 * depth walk from the root reaches): missing (a missing optional dependency too) or invalid,
 * except a missing optional peer, a bundled dependency and one inside a package that ships its
 * own shrinkwrap. An invalid `peerOptional` edge is kept (npm ls reports it; NPM001 says npm ci
 * accepts it). test/npm-agreement.test.ts checks each against `npm ci --offline --dry-run`.
 */
function graphOf(tree: ArbNode, root: string): NpmGraph {
  // A workspace edge's spec is `file:<absolute folder>`: written relative to the package.json instead.
  const relative = (spec: string): string => spec.split(`${root}/`).join('').split(root).join('.');
  const problems: NpmGraphProblem[] = [];
  const seen = new Set<ArbNode>();
  const queue: ArbNode[] = [tree];
  while (queue.length > 0) {
    const node = (queue.shift() as ArbNode).target;
    if (seen.has(node)) continue;
    seen.add(node);
    const bundled = new Set(Array.isArray(node.package.bundleDependencies) && node.location !== '' ? (node.package.bundleDependencies as unknown[]) : []);
    for (const edge of [...node.edgesOut.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (edge.to) queue.push(edge.to);
      if (bundled.has(edge.name) || edge.to?.inShrinkwrap === true) continue;
      // arborist calls a missing optional dependency valid, but npm ci still wants it in the lock
      // (every platform's optional packages are locked): "Missing: fsevents@ from lock file". A
      // peer nested under its dependent (PEER LOCAL) is one npm ci installs as it is.
      const error = edge.to === null && edge.type === 'optional' ? 'MISSING' : edge.error;
      if (error === null || error === 'PEER LOCAL') continue;
      problems.push({
        error,
        from: node.location,
        fromName: node.packageName ?? node.name,
        fromVersion: node.version ?? null,
        name: edge.name,
        spec: relative(specOf(edge)),
        rawSpec: relative(edge.rawSpec),
        type: edge.type,
        to: edge.to ? edge.to.location : null,
        toVersion: edge.to?.version ?? null,
      });
    }
  }
  const extraneous: NpmGraphExtraneous[] = [];
  for (const node of tree.inventory.values()) {
    // The top of each group of stale packages: extraneous, and nothing (not even another stale package) depends on it.
    if (!node.extraneous || node.isLink || node.location === '' || node.edgesIn.size > 0) continue;
    extraneous.push({ location: node.location, name: node.packageName ?? node.name, version: node.version ?? null });
  }
  extraneous.sort((a, b) => (a.location < b.location ? -1 : 1));
  return { ok: true, lockfileVersion: tree.meta?.originalLockfileVersion ?? 0, packages: tree.inventory.size, problems, extraneous };
}

/** The spec after overrides; arborist throws for an override `$ref` that names nothing. */
function specOf(edge: ArbEdge): string {
  try {
    return edge.spec;
  } catch {
    return edge.rawSpec;
  }
}
