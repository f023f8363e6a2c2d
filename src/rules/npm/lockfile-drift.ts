import type { Span } from '../../findings/types.js';
import { lockDrift, lockWorkspaces, type NpmDrift } from '../../model/npm-lock.js';
import type { Project } from '../../model/types.js';
import { compileGlob } from '../../util/glob.js';
import { repoDirname, repoJoin } from '../../util/paths.js';
import { defineRule } from '../define-rule.js';

export default defineRule({
  meta: {
    id: 'NPM001',
    name: 'lockfile-drift',
    severity: 'error',
    category: 'reproducibility',
    fix: 'none',
    summary: 'package.json and package-lock.json disagree (missing, out of range, stale)',
    docs: `## What it does
Compares every \`package.json\` that has a \`package-lock.json\` (or \`npm-shrinkwrap.json\`) beside it
with that lock — direct dependencies of the root and of each workspace, lockfile v1, v2 and v3:
- a dependency declared in package.json that the lock does not contain (error);
- a locked version outside the range package.json declares (error);
- a workspace package.json the lock does not know (error);
- a root dependency the lock still records but package.json no longer declares (warning).

## Why is this bad?
\`npm ci\` — what a Dockerfile or CI should run — refuses to install ("\`npm ci\` can only install
packages when your package.json and package-lock.json are in sync"), and \`npm install\` silently
rewrites the lock inside the image, so the image ships versions nobody reviewed.

## Example
package.json declares \`"express": "^5.0.0"\`; package-lock.json locks express 4.21.2.

Use instead: run \`npm install\` locally and commit the updated lock.

## References
- npm documentation: npm ci; package-lock.json`,
  },
  check({ project, report }) {
    for (const file of [...project.files.values()].filter((f) => f.kind === 'package-lock').sort((a, b) => (a.path < b.path ? -1 : 1))) {
      const dir = repoDirname(file.path);
      const pkgPath = repoJoin(dir, 'package.json');
      const pkgFile = project.files.get(pkgPath);
      const lock = project.jsonAt(file.path);
      const pkg = project.jsonAt(pkgPath);
      if (!pkg || !lock || !pkgFile) continue;
      const drift = lockDrift(pkg, lock, workspacePackages(project, dir, pkg, lock));
      for (const d of drift ?? []) {
        const declaredIn = repoJoin(dir, d.workspace, 'package.json');
        const declaredText = project.files.get(declaredIn)?.text ?? '';
        const located =
          d.kind === 'extraneous'
            ? { file: file.path, span: keySpan(file.text, '', `node_modules/${d.name}`) }
            : { file: declaredIn, span: d.kind === 'workspace-missing' ? keySpan(declaredText, 'name') : keySpan(declaredText, d.section, d.name) };
        const inLock = keySpan(file.text, '', `node_modules/${d.name}`);
        const lockLine = lineOf(project, file.path, inLock.end > 0 ? inLock.start : keySpan(file.text, 'dependencies', d.name).start);
        report({
          file: located.file,
          span: located.span,
          severity: d.kind === 'extraneous' ? 'warning' : 'error',
          message: message(d, file.path),
          evidence: [
            { file: declaredIn, line: lineOf(project, declaredIn, located.file === declaredIn ? located.span.start : 0), message: d.spec && d.kind !== 'extraneous' ? `declares ${d.name}@${d.spec} (${d.section})` : d.kind === 'extraneous' ? `does not declare ${d.name}` : `declares ${d.name}` },
            { file: file.path, line: lockLine, message: d.locked ? `locks ${d.name} at ${d.locked}` : d.kind === 'extraneous' ? `still lists ${d.name} as a root ${d.section} entry` : `has no entry for ${d.name}` },
          ],
          package: d.name,
        });
      }
    }
  },
});

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

function lineOf(project: Project, path: string, offset: number): number {
  return project.files.get(path)?.lines.position(offset).line ?? 1;
}
