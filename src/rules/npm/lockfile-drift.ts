import type { Evidence, Severity, Span } from '../../findings/types.js';
import { bundledNpmMajorAtMost } from '../../knowledge/node-versions.js';
import type { NpmGraph, NpmGraphProblem } from '../../model/npm-graph-types.js';
import { lockDrift, lockWorkspaces, type NpmDrift } from '../../model/npm-lock.js';
import type { Project } from '../../model/types.js';
import type { SourceFile } from '../../source.js';
import { compileGlob } from '../../util/glob.js';
import { imageResolve, repoDirname, repoJoin } from '../../util/paths.js';
import { defineRule, type ReportDescriptor } from '../define-rule.js';
import { npmReplaced, stageNode } from './node-image.js';

export default defineRule({
  meta: {
    id: 'NPM001',
    name: 'lockfile-drift',
    severity: 'error',
    category: 'reproducibility',
    fix: 'none',
    needs: [], // no service's run files (ModelPart)
    npmGraphs: true,
    summary: 'package.json and package-lock.json disagree (missing, out of range, stale), or the image\'s npm cannot read the lock',
    docs: `## What it does
Compares every \`package.json\` that has a \`package-lock.json\` (or \`npm-shrinkwrap.json\`) beside it
with that lock, over the whole dependency graph as npm itself loads it (@npmcli/arborist's virtual
tree: the lock plus package.json, no node_modules, no network), lockfile v1, v2 and v3:
- a dependency that nothing in the lock satisfies, at any depth: declared in package.json (or a
  workspace's) but not locked, or required by a locked package but absent (error);
- a locked version outside the range its dependent declares, at any depth, peer dependencies
  included (error); an optional peer out of range is a warning, since \`npm ci\` keeps it;
- an \`overrides\` entry the lock does not reflect (error), or one that contradicts a direct
  dependency, which npm refuses to load (error);
- a workspace the lock does not know (error);
- a locked package nothing depends on any more (warning: the lock is stale);
- a lockfile v3 in an image whose npm is 6 or older (\`FROM node:14\` and earlier), which reads only
  v1/v2 locks: \`npm ci\` fails (error), \`npm install\` ignores the lock (warning).

\`legacy-peer-deps=true\` in the project's \`.npmrc\` makes npm ignore peer dependencies, and so
does this rule. A missing optional dependency is an error too: npm locks the optional packages
of every platform, and npm ci fails without one ("Missing: fsevents@ from lock file"); a missing
optional peer is not reported (npm ci skips it). arborist is
loaded only when a quick pass over the lock (the same resolution and semver test, for what it
models exactly) finds a reason to; a lock npm wrote from the current package.json costs nothing.
When the graph cannot be loaded (a link or workspace pattern leaving the repository), only
direct dependencies are compared.

## Why is this bad?
\`npm ci\` — what a Dockerfile or CI should run — refuses to install ("\`npm ci\` can only install
packages when your package.json and package-lock.json are in sync"), and \`npm install\` silently
rewrites the lock inside the image, so the image ships versions nobody reviewed.

## Example
package.json declares \`"express": "^5.0.0"\`; package-lock.json locks express 4.21.2. Or
package.json adds \`"overrides": {"qs": "6.13.1"}\` and the lock still has qs 6.11.0 under express.

Use instead: run \`npm install\` locally and commit the updated lock.

## References
- npm documentation: npm ci; package-lock.json; overrides
- @npmcli/arborist: loadVirtual, Edge (MISSING, INVALID)`,
  },
  check({ project, report }) {
    for (const file of [...project.files.values()].filter((f) => f.kind === 'package-lock').sort((a, b) => (a.path < b.path ? -1 : 1))) {
      const dir = repoDirname(file.path);
      const pkgPath = repoJoin(dir, 'package.json');
      const lock = project.jsonAt(file.path);
      const pkg = project.jsonAt(pkgPath);
      if (!pkg || !lock || !project.files.has(pkgPath)) continue;
      const graph = project.npmGraphs.get(file.path);
      if (graph?.ok) {
        for (const finding of graphFindings(project, file, dir, graph)) report(finding);
      } else if (graph && !graph.ok && (graph.code === 'EOVERRIDE' || graph.code === 'EMISSINGTARGET')) {
        report(loadFailure(project, file, pkgPath, graph));
      } else {
        if (graph && !graph.ok) report(notLoaded(project, file, graph));
        for (const finding of directFindings(project, file, dir, pkg, lock)) report(finding);
      }
    }
    lockVersionInImages(project, report);
  },
});

// ------------------------------------------------------------------ the graph (arborist)

const SECTION: Readonly<Record<NpmGraphProblem['type'], string>> = {
  prod: 'dependencies', dev: 'devDependencies', optional: 'optionalDependencies', peer: 'peerDependencies', peerOptional: 'peerDependencies', workspace: 'workspaces',
};

function graphFindings(project: Project, lock: SourceFile, dir: string, graph: Extract<NpmGraph, { ok: true }>): ReportDescriptor[] {
  const out: ReportDescriptor[] = [];
  const pkgPath = repoJoin(dir, 'package.json');
  const invalid = new Map<string, NpmGraphProblem[]>();
  for (const p of graph.problems) {
    const overridden = p.spec !== p.rawSpec;
    const direct = !p.from.split('/').includes('node_modules');
    if (p.type === 'workspace') {
      const folder = p.spec.replace(/^file:/, '');
      const wsPath = repoJoin(dir, folder, 'package.json');
      const span = keySpan(project.files.get(wsPath)?.text ?? '', 'name');
      out.push({
        file: project.files.has(wsPath) ? wsPath : pkgPath,
        span: project.files.has(wsPath) ? span : keySpan(textOf(project, pkgPath), 'workspaces'),
        message: message({ kind: 'workspace-missing', name: p.name, section: 'workspaces', spec: null, locked: null, workspace: folder }, lock.path),
        evidence: [
          { file: pkgPath, line: lineAt(project, pkgPath, keySpan(textOf(project, pkgPath), 'workspaces').start), message: `lists ${folder} as a workspace` },
          { file: lock.path, line: 1, message: `has no entry for ${folder}` },
        ],
        package: p.name,
      });
      continue;
    }
    if (direct && !overridden) {
      const declaredIn = repoJoin(dir, p.from, 'package.json');
      const section = SECTION[p.type];
      const span = keySpan(textOf(project, declaredIn), section, p.name);
      const kind = p.error === 'MISSING' ? 'missing' : 'invalid';
      out.push({
        file: declaredIn,
        span,
        severity: severityOf(p),
        message: message({ kind, name: p.name, section, spec: p.spec, locked: p.toVersion, workspace: p.from }, lock.path) + (p.type === 'peerOptional' ? optionalPeerNote : ''),
        evidence: [
          { file: declaredIn, line: lineAt(project, declaredIn, span.start), message: `declares ${p.name}@${p.spec} (${section})` },
          lockEvidence(project, lock, p),
        ],
        package: p.name,
      });
      continue;
    }
    if (p.error === 'MISSING' || p.to === null) {
      const dependent = `"${p.fromName}"@${p.fromVersion ?? '?'} (${p.from})`;
      const what = peerish(p) ? `${p.type === 'peerOptional' ? 'optional ' : ''}peer dependency "${p.name}"@${p.spec}` : `${p.type === 'optional' ? 'optional dependency ' : ''}"${p.name}"@${p.spec}`;
      const at = overridden ? overrideSpan(project, pkgPath, p.name) : entrySpan(lock.text, p.from);
      out.push({
        file: overridden ? pkgPath : lock.path,
        span: at,
        severity: severityOf(p),
        message: overridden
          ? `package.json overrides "${p.name}" to ${p.spec} for ${dependent}, but ${lock.path} has no ${p.name} it can use: the lock predates the override, and npm ci fails`
          : `${dependent} depends on ${what}, which ${lock.path} does not contain: npm ci fails (${p.type === 'optional' ? `npm locks the optional packages of every platform: "Missing: ${p.name}@ from lock file"` : 'the lock is not in sync'})`,
        evidence: [
          overridden
            ? { file: pkgPath, line: lineAt(project, pkgPath, at.start), message: `overrides ${p.name} with ${p.spec}` }
            : { file: lock.path, line: lineAt(project, lock.path, at.start), message: `${p.from} requires ${p.name}@${p.rawSpec}${p.type === 'prod' ? '' : ` (${p.type})`}` },
          lockEvidence(project, lock, p),
        ],
        package: p.name,
      });
      continue;
    }
    // Out of range: one finding per locked package (as npm ls reports it), listing what requires it.
    const key = `${p.to}\0${overridden}\0${severityOf(p)}`;
    const group = invalid.get(key);
    if (group) group.push(p);
    else invalid.set(key, [p]);
  }
  for (const group of invalid.values()) {
    const first = group[0] as NpmGraphProblem;
    const overridden = first.spec !== first.rawSpec;
    const by = group.map((p) => `${p.spec} (${peerish(p) ? `${p.type === 'peerOptional' ? 'optional ' : ''}peer of` : 'required by'} "${p.fromName}"@${p.fromVersion ?? '?'}, ${p.from})`).join(', ');
    const at = overridden ? overrideSpan(project, pkgPath, first.name) : entrySpan(lock.text, first.to ?? '');
    const outcome = severityOf(first) === 'warning' ? optionalPeerNote.slice(2) : overridden ? 'the lock predates the override, and npm ci fails' : 'npm ci fails (the lock is not in sync)';
    out.push({
      file: overridden ? pkgPath : lock.path,
      span: at,
      severity: severityOf(first),
      message: overridden
        ? `package.json overrides "${first.name}" to ${first.spec}, but ${lock.path} still locks it at ${first.toVersion ?? '?'} (${first.to ?? '?'}) for ${group.map((p) => `"${p.fromName}"@${p.fromVersion ?? '?'}`).join(', ')}: ${outcome}`
        : `${lock.path} locks "${first.name}" at ${first.toVersion ?? '?'} (${first.to ?? '?'}), outside ${by}: ${outcome}`,
      evidence: [
        ...(overridden ? [{ file: pkgPath, line: lineAt(project, pkgPath, at.start), message: `overrides ${first.name} with ${first.spec}` }] : []),
        ...group.map((p) => ({ file: lock.path, line: lineAt(project, lock.path, entrySpan(lock.text, p.from).start), message: `${p.from} requires ${p.name}@${p.rawSpec}${p.type === 'prod' ? '' : ` (${p.type})`}` })),
        lockEvidence(project, lock, first),
      ],
      package: first.name,
    });
  }
  const rootSections = rootLockSections(project.jsonAt(lock.path));
  for (const e of graph.extraneous) {
    const span = entrySpan(lock.text, e.location);
    const section = e.location === `node_modules/${e.name}` ? rootSections.get(e.name) : undefined;
    out.push({
      file: lock.path,
      span,
      severity: 'warning',
      message: section
        ? message({ kind: 'extraneous', name: e.name, section, spec: null, locked: null, workspace: '' }, lock.path)
        : `${lock.path} still records "${e.name}"@${e.version ?? '?'} (${e.location}), which nothing depends on any more: the lock is stale`,
      evidence: [
        { file: pkgPath, line: 1, message: `does not declare ${e.name}` },
        { file: lock.path, line: lineAt(project, lock.path, span.start), message: section ? `still lists ${e.name} as a root ${section} entry` : `records ${e.name}@${e.version ?? '?'} at ${e.location}` },
      ],
      package: e.name,
    });
  }
  return out;
}

const peerish = (p: NpmGraphProblem): boolean => p.type === 'peer' || p.type === 'peerOptional';

function overrideSpan(project: Project, pkgPath: string, name: string): Span {
  const span = keySpan(textOf(project, pkgPath), 'overrides', name);
  return span.end > 0 ? span : keySpan(textOf(project, pkgPath), 'overrides');
}

const optionalPeerNote = '; npm ci keeps it (it trusts the lock for optional peers), but npm ls reports it invalid and npm install changes it';

/** An optional peer out of range does not stop npm ci (build-ideal-tree.js skips it when nothing is saved). */
function severityOf(p: NpmGraphProblem): Severity {
  return p.type === 'peerOptional' ? 'warning' : 'error';
}

function lockEvidence(project: Project, lock: SourceFile, p: NpmGraphProblem): Evidence {
  if (p.to === null) return { file: lock.path, line: 1, message: `has no ${p.name} that ${p.from || 'the root'} can use` };
  return { file: lock.path, line: lineAt(project, lock.path, entrySpan(lock.text, p.to).start), message: `locks ${p.name} at ${p.toVersion ?? '?'} (${p.to})` };
}

/** The root sections (dependencies, devDependencies, ...) the lock's own root entry lists each name in. */
function rootLockSections(lock: Record<string, unknown> | null): Map<string, string> {
  const out = new Map<string, string>();
  const packages = lock && typeof lock.packages === 'object' && lock.packages !== null ? (lock.packages as Record<string, unknown>) : {};
  const root = packages[''];
  if (typeof root !== 'object' || root === null) return out;
  for (const section of ['dependencies', 'devDependencies', 'optionalDependencies']) {
    const deps = (root as Record<string, unknown>)[section];
    if (typeof deps === 'object' && deps !== null) for (const name of Object.keys(deps)) if (!out.has(name)) out.set(name, section);
  }
  return out;
}

function loadFailure(project: Project, lock: SourceFile, pkgPath: string, graph: Extract<NpmGraph, { ok: false }>): ReportDescriptor {
  if (graph.code === 'EOVERRIDE') {
    const name = /^Override for ((?:@[^@/\s]+\/)?[^@\s]+)@/.exec(graph.message)?.[1] ?? null;
    const span = name ? keySpan(textOf(project, pkgPath), 'overrides', name) : keySpan(textOf(project, pkgPath), 'overrides');
    return {
      file: pkgPath,
      span,
      message: `package.json overrides "${name ?? '?'}" with a spec that contradicts its own direct dependency on it: npm refuses to load ${lock.path} and npm ci fails (EOVERRIDE: ${graph.message})`,
      evidence: [{ file: pkgPath, line: lineAt(project, pkgPath, span.start), message: `overrides ${name ?? 'a direct dependency'}` }],
      package: name,
    };
  }
  return {
    file: lock.path,
    span: { start: 0, end: 0 },
    message: `${lock.path} links a package it does not contain: npm cannot load it and npm ci fails (${graph.code}: ${graph.message})`,
    evidence: [{ file: lock.path, line: 1, message: graph.message }],
  };
}

function notLoaded(project: Project, lock: SourceFile, graph: Extract<NpmGraph, { ok: false }>): ReportDescriptor {
  return {
    file: lock.path,
    span: { start: 0, end: 0 },
    severity: 'info',
    message: `The dependency graph of ${lock.path} could not be loaded (${graph.code}: ${graph.message}); only direct dependencies were compared`,
    evidence: [{ file: lock.path, line: lineAt(project, lock.path, 0), message: 'read, but not loaded as a graph' }],
  };
}

// ------------------------------------------------------------------ direct dependencies (no graph)

function directFindings(project: Project, file: SourceFile, dir: string, pkg: Record<string, unknown>, lock: Record<string, unknown>): ReportDescriptor[] {
  const out: ReportDescriptor[] = [];
  const drift = lockDrift(pkg, lock, workspacePackages(project, dir, pkg, lock));
  for (const d of drift ?? []) {
    const declaredIn = repoJoin(dir, d.workspace, 'package.json');
    const declaredText = project.files.get(declaredIn)?.text ?? '';
    const located =
      d.kind === 'extraneous'
        ? { file: file.path, span: keySpan(file.text, '', `node_modules/${d.name}`) }
        : { file: declaredIn, span: d.kind === 'workspace-missing' ? keySpan(declaredText, 'name') : keySpan(declaredText, d.section, d.name) };
    const inLock = keySpan(file.text, '', `node_modules/${d.name}`);
    const lockLine = lineAt(project, file.path, inLock.end > 0 ? inLock.start : keySpan(file.text, 'dependencies', d.name).start);
    out.push({
      file: located.file,
      span: located.span,
      severity: d.kind === 'extraneous' ? 'warning' : 'error',
      message: message(d, file.path),
      evidence: [
        { file: declaredIn, line: lineAt(project, declaredIn, located.file === declaredIn ? located.span.start : 0), message: d.spec && d.kind !== 'extraneous' ? `declares ${d.name}@${d.spec} (${d.section})` : d.kind === 'extraneous' ? `does not declare ${d.name}` : `declares ${d.name}` },
        { file: file.path, line: lockLine, message: d.locked ? `locks ${d.name} at ${d.locked}` : d.kind === 'extraneous' ? `still lists ${d.name} as a root ${d.section} entry` : `has no entry for ${d.name}` },
      ],
      package: d.name,
    });
  }
  return out;
}

function message(d: NpmDrift, lockPath: string): string {
  switch (d.kind) {
    case 'missing':
      return `"${d.name}" (${d.spec} in ${d.section}) is not in ${lockPath}: npm ci fails ("Missing: ${d.name}@${d.spec} from lock file")`;
    case 'invalid':
      return `${lockPath} locks "${d.name}" at ${d.locked}, outside ${d.spec} declared in ${d.section}: npm ci fails ("Invalid: lock file's ${d.name}@${d.locked} does not satisfy ${d.name}@${d.spec}")`;
    case 'workspace-missing':
      return `Workspace "${d.name}" (${d.workspace}) is not in ${lockPath}: the lock predates it, and npm ci fails`;
    case 'extraneous':
      return `"${d.name}" is no longer declared in package.json but ${lockPath} still records it as a root ${d.section} entry: the lock is stale`;
  }
}

/** Workspace folders (relative to `dir`) with their package.json, from `workspaces` globs and the lock. */
function workspacePackages(project: Project, dir: string, pkg: Record<string, unknown>, lock: Record<string, unknown>): Map<string, Record<string, unknown>> {
  const raw = pkg.workspaces;
  const listed = Array.isArray(raw) ? raw : typeof raw === 'object' && raw !== null && Array.isArray((raw as { packages?: unknown }).packages) ? (raw as { packages: unknown[] }).packages : [];
  // npm reads these as minimatch globs; the shared matcher has the same `*`, `?` and `**` and
  // bounded work on hostile patterns (a hand-built RegExp here could backtrack polynomially).
  const patterns = listed
    .filter((p): p is string => typeof p === 'string')
    .map((p) => compileGlob(p.replace(/^\.\//, '').replace(/\/+$/, ''), { doubleStar: true }));
  const out = new Map<string, Record<string, unknown>>();
  if (patterns.length === 0) return out;
  const prefix = dir === '' ? '' : `${dir}/`;
  const folders = new Set(lockWorkspaces(lock));
  for (const path of project.repoPaths) {
    if (!path.startsWith(prefix) || !path.endsWith('/package.json') || path.includes('node_modules/')) continue;
    const folder = path.slice(prefix.length, -'/package.json'.length);
    if (patterns.some((matches) => matches(folder))) folders.add(folder);
  }
  for (const folder of [...folders].sort()) {
    const parsed = project.jsonAt(repoJoin(dir, folder, 'package.json'));
    if (parsed) out.set(folder, parsed);
  }
  return out;
}

// ------------------------------------------------------------------ the image's npm and the lockfile version

/** A lockfile v3 (no `dependencies` section) in an image whose npm is 6 or older: npm 6 reads only v1/v2 locks. */
function lockVersionInImages(project: Project, report: (d: ReportDescriptor) => void): void {
  const seen = new Set<string>();
  for (const service of project.services) {
    const dockerfile = service.dockerfilePath;
    if (!service.dockerfile || dockerfile === null) continue;
    for (const state of service.stages) {
      state.stage.instructions.forEach((instruction, index) => {
        if (instruction.kind !== 'run') return;
        for (const npm of instruction.npmInstalls) {
          if (npm.tool !== 'npm' || npm.command === 'other') continue;
          const workdir = state.workdirAt[index] ?? '/';
          const lockFile = ['npm-shrinkwrap.json', 'package-lock.json'].map((name) => state.fs.file(imageResolve(workdir, name), index)).find((f) => f !== undefined);
          if (!lockFile) continue;
          const lock = project.jsonAt(lockFile.repoPath);
          if (!lock || lock.lockfileVersion !== 3) continue;
          const node = stageNode(service, state, index);
          const npmMajor = node ? bundledNpmMajorAtMost(node.node.major) : null;
          if (!node || npmMajor === null || npmReplaced(service, state, index)) continue;
          const where = `${dockerfile}:${npm.span.start}`;
          if (seen.has(where)) continue;
          seen.add(where);
          const ci = npm.command === 'ci';
          report({
            file: dockerfile,
            span: npm.span,
            service: service.name,
            severity: ci ? 'error' : 'warning',
            message: `${lockFile.repoPath} is a lockfile v3, which the npm ${npmMajor} (or older) of ${node.image} cannot read: ${ci ? '"npm ci" fails' : '"npm install" ignores it and resolves versions afresh'}; build FROM node:16 or later, or write a v2 lock (npm install --lockfile-version 2)`,
            evidence: [
              { file: dockerfile, line: node.line, message: `${node.image}: Node ${node.node.major}, which ships npm ${npmMajor} or older` },
              { file: lockFile.repoPath, line: lineAt(project, lockFile.repoPath, keySpan(textOf(project, lockFile.repoPath), 'lockfileVersion').start), message: 'lockfileVersion 3 (npm 7 and later)' },
              { file: dockerfile, line: npm.line, message: `runs npm ${npm.command}` },
            ],
            package: null,
          });
        }
      });
    }
  }
}

// ------------------------------------------------------------------ locations

function textOf(project: Project, path: string): string {
  return project.files.get(path)?.text ?? '';
}

/** The span of a lock entry's key: `"node_modules/x":` (v2/v3), else, in a v1 lock, of `"x":` in its parent's nested `dependencies`. */
function entrySpan(text: string, location: string): Span {
  const exact = keySpan(text, '', location);
  if (exact.end > 0 || location === '') return exact;
  // v1: `node_modules/a/node_modules/@s/b` is "dependencies" > "a" > "dependencies" > "@s/b".
  let from = 0;
  let found: Span = { start: 0, end: 0 };
  for (const name of location.split(/(?:^|\/)node_modules\//).filter(Boolean)) {
    const section = keySpan(text.slice(from), 'dependencies');
    const at = keySpan(text.slice(from), 'dependencies', name);
    if (section.end === 0 || at.start === section.start) break;
    found = { start: from + at.start, end: from + at.end };
    from = found.end;
  }
  return found;
}

/** The span of `"key":` (searched after `"section":` when given), else of the section, else empty at 0. */
function keySpan(text: string, section: string, key?: string): Span {
  const quoted = (s: string): RegExp => new RegExp(`"${s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}"\\s*:`, 'g');
  const sectionMatch = section ? quoted(section).exec(text) : null;
  if (key) {
    const re = quoted(key);
    re.lastIndex = sectionMatch ? sectionMatch.index : 0;
    const found = re.exec(text);
    if (found) return { start: found.index, end: found.index + key.length + 2 };
  }
  return sectionMatch ? { start: sectionMatch.index, end: sectionMatch.index + section.length + 2 } : { start: 0, end: 0 };
}

function lineAt(project: Project, path: string, offset: number): number {
  return project.files.get(path)?.lines.position(offset).line ?? 1;
}
