import type { Evidence, Fix } from '../../findings/types.js';
import type { ImageFs } from '../../model/image.js';
import { normalizeName } from '../../model/module-map.js';
import { classifyImport, installedKey, runningImports, transitiveOf } from '../../model/queries.js';
import { findModule, moduleOnDisk } from '../../model/resolve.js';
import type { Project, Service } from '../../model/types.js';
import type { PyImport } from '../../parsers/types.js';
import { basename, isUnder, relativeTo, repoDirname } from '../../util/paths.js';
import { defineRule } from '../define-rule.js';
import { findToken, insertLineAfter } from '../edits.js';
import { entryEvidence } from './evidence.js';
import { guardEvidence, lostFeature } from './import-groups.js';

interface Site {
  readonly file: string;
  readonly imp: PyImport;
}

export default defineRule({
  meta: {
    id: 'MOD001',
    name: 'first-party-not-in-image',
    severity: 'error',
    category: 'correctness',
    fix: 'sometimes',
    summary: "First-party package imported by a service's code but never copied into its image",
    docs: `## What it does
Flags imports of the repository's own packages and modules (\`agents.core\`, \`shared.utils\`) that
code running in a service needs but the image does not contain: no \`COPY\`/\`ADD\` brings them in,
\`.dockerignore\` drops them, they lie outside the build context, or they are copied somewhere that
is not on \`sys.path\` when the command runs (\`WORKDIR\`, \`PYTHONPATH\`, \`--app-dir\`, the code's own
\`sys.path.insert\`). An import whose prefix names a folder the image copies under another name
(\`from backend.app import x\` with \`backend/\` copied to \`/app\`) is flagged with that explanation:
PYTHONPATH cannot help. The module the command itself runs counts too: \`uvicorn app.main:app\` whose
image has the package \`app\` but no \`app/main.py\` (nor has the repository) cannot start.

A same-named package in a folder the service neither builds from nor copies (\`tools/app/\` for a
backend's \`app\`) is a warning without a fix: it may be another project's. When the repository's
folder of that name does not hold the submodule imported (\`pkg.sub\` where \`pkg/\` has no \`sub\`),
it is a note: that folder is no proof of where the code comes from. A \`sys.path\` change
driftcheck cannot evaluate makes code near the importer not reported.

An import inside \`try/except ImportError\` (or \`except Exception\`) whose handler falls back (binds
a name, imports another module, returns) or only passes is optional by design and not reported; one
whose handler only logs or prints the failure is a warning without a fix (the feature is lost in
this image), the handler named in the evidence; one whose handler re-raises or exits counts as
unguarded. Code in a git-ignored, untracked folder that the image copies (and \`.dockerignore\` does
not drop) is on disk, so in the build context: not reported.

## Why is this bad?
The code works on a developer's machine, where the whole repository is on disk, and fails in the
container with \`ModuleNotFoundError: No module named 'agents'\`.

## Example
\`backend/app/main.py\` has \`from agents.core import Orchestrator\`; the Dockerfile only runs
\`COPY backend/ /app/\`.

Use instead: add \`COPY agents/ ./agents/\` after the other \`COPY\` lines.

## Fix safety
Safe: the \`COPY\` line is added only when the package lies inside the build context and is not
excluded by \`.dockerignore\`, and it copies it next to the code that imports it. No fix otherwise.

## References
- Docker documentation: COPY, .dockerignore, build context`,
  },
  check({ project, report }) {
    for (const service of project.services) {
      if (!service.final) continue;
      reportMissingEntry(project, service, report);
      for (const [location, sites] of missingByLocation(project, service)) {
        const first = sites[0];
        if (!first) continue;
        const elsewhere = unrelatedLocation(service, location);
        const found = reason(service, location);
        // Only imported inside try/except whose handler logs the failure: the service runs without
        // the feature, so a warning, and no fix (copying it in is the team's call).
        const lostOnly = sites.every((s) => lostFeature(s.imp));
        // A same-named package in a folder this service neither builds from nor copies (`tools/app/`
        // for a backend's `app`): maybe another project's. Not proof that this one is missing.
        // `servicex.did_finder.x` where the repository's `servicex/` has no `did_finder`: that folder
        // does not hold what the import names, so it is no proof of where the code should come from.
        const notThere = sites.every((s) => s.imp.level === 0 && !project.firstParty.hasModuleAt(location, s.imp.module));
        const why = elsewhere || notThere
          ? {
            ...found,
            fixable: false,
            evidence: [
              ...found.evidence,
              ...(elsewhere ? [{ file: first.file, line: first.imp.line, message: `the only "${basename(location).replace(/\.py$/, '')}" in the repository is ${display(location)}, in a folder the image of service "${service.name}" neither is built from nor copies: it may be another project's` }] : []),
              ...(notThere ? [{ file: first.file, line: first.imp.line, message: `${display(location)} has no ${first.imp.module}: not known to be the code this import names` }] : []),
            ],
          }
          : found;
        report({
          file: first.file,
          span: first.imp.span,
          // Every file of the image (no known entry), or only under a conditional: not proven to run.
          ...(notThere ? { severity: 'info' as const } : elsewhere || service.runFilesFrom === 'all-image-files' || sites.every((s) => s.imp.conditional) || lostOnly ? { severity: 'warning' as const } : {}),
          service: service.name,
          message: `"${'.'.repeat(first.imp.level)}${first.imp.module}" is first-party code (${display(location)}) but the image of service "${service.name}" ${why.offPath ? 'cannot import it' : 'does not contain it'}${why.short}${lostOnly ? ' (imported only inside try/except whose handler just reports the failure: that feature is lost)' : ''}`,
          evidence: [
            ...sites.slice(0, 3).map((s) => ({ file: s.file, line: s.imp.line, message: `imports ${'.'.repeat(s.imp.level)}${s.imp.module}${lostFeature(s.imp) ? ' inside try/except' : ''}` })),
            ...(lostOnly ? guardEvidence(first.file, first.imp) : []),
            ...entryEvidence(service),
            ...copyEvidence(service),
            ...why.evidence,
          ],
          fix: why.fixable && !lostOnly ? copyFix(project, service, location) : null,
          sites: sites.map((s) => ({ file: s.file, line: s.imp.line })),
          ...(first.imp.level === 0 ? { module: first.imp.module.split('.')[0] ?? first.imp.module } : {}),
        });
      }
    }
  },
});

function missingByLocation(project: Project, service: Service): Map<string, Site[]> {
  const groups = new Map<string, Site[]>();
  for (const runFile of service.runFiles) {
    for (const imp of runningImports(project, service, runFile)) {
      // Optional by design (try/except ImportError falls back): not proof of a broken image.
      // `tests.*` from application code: a development path (fixtures, seeding) whose test tree
      // images leave out on purpose; not proof of a broken image.
      // A handler that only reports the failure (logs it, binds no fallback) proves the loss of a
      // feature, not optional code: reported at warning level.
      if (imp.typeChecking || (imp.guarded && !lostFeature(imp)) || /^(tests?|testing)(\.|$)/.test(imp.module)) continue;
      const cls = classifyImport(project, service, runFile, imp);
      if (cls.kind !== 'first-party-missing') continue;
      // `import jwt` with a `config/settings/jwt.py` somewhere: if the image installs a distribution
      // that provides the name (PyJWT, here through drf-jwt), the import is that, not the file.
      if (imp.level === 0 && installedProvider(project, service, imp.module)) continue;
      // A module file deep in the tree (`config/settings/jwt.py`) is importable only by its dotted
      // name; a bare `import jwt` of a name the module map knows is the distribution (PyJWT).
      if (imp.level === 0 && project.moduleMap.lookup(imp.module).source !== 'guess' && cls.candidates.every((c) => deepInTree(service, c))) continue;
      // The code is in the image next to the importer: a script's own folder, a launcher's
      // sys.path.insert or `locust -f dir/x.py` would find it. Unknown, not missing.
      if (runFile.imagePath !== null && service.final && resolvesFromAncestor(service.final.fs, runFile.imagePath, imp, pathUnknown(project, service))) continue;
      const location = preferredLocation(service, cls.candidates);
      const list = groups.get(location) ?? [];
      list.push({ file: runFile.repoPath, imp });
      groups.set(location, list);
    }
  }
  for (const list of groups.values()) list.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.imp.line - b.imp.line));
  return new Map([...groups.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/**
 * Whether the imported module exists in the image beside the importing file (a script run as
 * `python dir/x.py` or `locust -f dir/x.py` has its own folder on sys.path) or, when sys.path is
 * not known (`anyAncestor`), under any folder above it.
 */
function resolvesFromAncestor(fs: ImageFs, imagePath: string, imp: { readonly module: string; readonly level: number }, anyAncestor: boolean): boolean {
  if (imp.level > 0 || imp.module === '') return false;
  const parts = imp.module.split('.');
  const dirs: string[] = [];
  for (let dir = imagePath.slice(0, imagePath.lastIndexOf('/')) || '/'; ; dir = dir.slice(0, dir.lastIndexOf('/')) || '/') {
    dirs.push(dir);
    if (dir === '/' || !anyAncestor) break;
  }
  return findModule(fs, dirs, parts) !== null;
}

const pathUnknownCache = new WeakMap<Service, boolean>();

/** sys.path is not known: no entry (every image file audited), or code that runs changes sys.path in a way not evaluated. */
function pathUnknown(project: Project, service: Service): boolean {
  let unknown = pathUnknownCache.get(service);
  if (unknown === undefined) {
    unknown = service.runFilesFrom === 'all-image-files' || service.sysPathUnknown.length > 0
      || service.scripts.some((path) => /\bPYTHONPATH=|sys\.path/.test(project.files.get(path)?.text ?? ''));
    pathUnknownCache.set(service, unknown);
  }
  return unknown;
}

/**
 * A candidate whose folder is neither the build context (or above it) nor a folder the image copies
 * anything from: a same-named package of another project, not proof of what this service needs.
 */
function unrelatedLocation(service: Service, location: string): boolean {
  const parent = repoDirname(location);
  if (isUnder(service.context ?? '', parent)) return false;
  return ![...(service.final?.fs.all() ?? [])].some((f) => isUnder(f.repoPath, parent));
}

/** A candidate at least two folders below the build context (not a top-level package of it). */
function deepInTree(service: Service, repoPath: string): boolean {
  const context = service.context ?? '';
  const rel = context === '' ? repoPath : repoPath.startsWith(`${context}/`) ? repoPath.slice(context.length + 1) : repoPath;
  return rel.split('/').length >= 3;
}

/** Whether an installed (or transitively installed) distribution provides the top-level name. */
function installedProvider(project: Project, service: Service, module: string): boolean {
  const top = module.split('.')[0] ?? module;
  const dists = project.moduleMap.lookup(top).distributions;
  if (installedKey(service, dists) !== null) return true;
  const transitive = transitiveOf(project, service);
  return dists.some((d) => transitive.has(normalizeName(d)));
}

/** Prefer a candidate inside the build context, then the shortest path. */
function preferredLocation(service: Service, candidates: readonly string[]): string {
  const context = service.context ?? '';
  const sorted = [...candidates].sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
  return sorted.find((c) => isUnder(c, context)) ?? sorted[0] ?? '';
}

function display(location: string): string {
  return location.endsWith('.py') ? location : `${location}/`;
}

function reason(service: Service, location: string): { short: string; evidence: Evidence[]; fixable: boolean; offPath?: boolean } {
  const context = service.context ?? '';
  const dockerfile = service.dockerfilePath ?? '';
  if (!isUnder(location, context)) {
    return {
      short: ` (it is outside the build context "${context || '.'}")`,
      evidence: [{ file: service.compose?.build?.file ?? service.composeFile ?? dockerfile, line: service.compose?.build?.line ?? 1, message: `build context is "${context || '.'}", which does not contain ${display(location)}` }],
      fixable: false,
    };
  }
  const ignoredAt = service.dockerignore?.ignoredBy(relativeTo(location, context)) ?? null;
  if (ignoredAt !== null) {
    const ignoreFile = context ? `${context}/.dockerignore` : '.dockerignore';
    return { short: ' (.dockerignore excludes it)', evidence: [{ file: ignoreFile, line: ignoredAt, message: `excludes ${display(location)} from the build context` }], fixable: false };
  }
  const renamed = copiedRenamed(service, location);
  if (renamed) {
    const name = basename(location).replace(/\.py$/, '');
    return {
      short: ` (its contents are copied to ${renamed}, where they import without the "${name}." prefix: the import's prefix is wrong, and PYTHONPATH cannot help)`,
      evidence: [{ file: dockerfile, line: service.final?.stage.from.line ?? 1, message: `${display(location)} is copied as ${renamed}, which is not named "${name}"; import its modules without "${name}." (or copy it to a folder named ${name})` }],
      fixable: false,
      offPath: true,
    };
  }
  const elsewhere = copiedElsewhere(service, location);
  if (elsewhere) {
    return {
      short: ` (it is copied under ${elsewhere}, which is not on sys.path)`,
      evidence: [{ file: dockerfile, line: service.final?.stage.from.line ?? 1, message: `sys.path is ${service.pythonPath.join(', ')}; set PYTHONPATH or copy it there` }],
      fixable: false,
      offPath: true,
    };
  }
  return { short: '', evidence: [{ file: dockerfile, line: service.final?.stage.from.line ?? 1, message: `no COPY/ADD puts ${display(location)} on the image's sys.path (${service.pythonPath.join(', ')})` }], fixable: true };
}

/**
 * The image folder a package's contents were copied to under another name (`COPY backend/ /app/`
 * for `backend`), when that folder is on sys.path or is the working directory: the code is there,
 * but importable only without the package prefix.
 */
function copiedRenamed(service: Service, location: string): string | null {
  const fs = service.final?.fs;
  if (!fs || location.endsWith('.py')) return null;
  for (const file of fs.all()) {
    if (!file.repoPath.startsWith(`${location}/`)) continue;
    const rest = file.repoPath.slice(location.length);
    if (!file.imagePath.endsWith(rest)) return null;
    const imageDir = file.imagePath.slice(0, file.imagePath.length - rest.length) || '/';
    if (basename(imageDir) === basename(location)) return null;
    return service.pythonPath.includes(imageDir) || imageDir === service.cwd ? imageDir : null;
  }
  return null;
}

/** Image directory holding the package when it was copied somewhere off sys.path. */
function copiedElsewhere(service: Service, location: string): string | null {
  const fs = service.final?.fs;
  if (!fs) return null;
  for (const file of fs.all()) {
    if (file.repoPath === location || file.repoPath.startsWith(`${location}/`)) {
      const rest = file.repoPath.slice(location.length);
      const imageDir = file.imagePath.slice(0, file.imagePath.length - rest.length);
      return imageDir.slice(0, imageDir.lastIndexOf('/')) || '/';
    }
  }
  return null;
}

function copyEvidence(service: Service): Evidence[] {
  const copies = service.final?.stage.instructions.filter((i) => i.kind === 'copy' && i.from === null) ?? [];
  return copies.slice(0, 3).map((c) => ({
    file: service.dockerfilePath ?? '',
    line: c.line,
    message: `copies ${c.kind === 'copy' ? c.sources.map((s) => s.value).join(' ') : ''} -> ${c.kind === 'copy' ? c.dest.value : ''}`,
  }));
}

/** `COPY agents/ ./agents/` after the final stage's last COPY, into the first sys.path entry. */
function copyFix(project: Project, service: Service, location: string): Fix | null {
  const final = service.final;
  const file = service.dockerfilePath ? project.files.get(service.dockerfilePath) : undefined;
  const pathEntry = service.pythonPath[0];
  if (!final || !file || !pathEntry) return null;
  const instructions = final.stage.instructions;
  const lastCopy = [...instructions].reverse().find((i) => i.kind === 'copy');
  const anchorLine = lastCopy?.endLine ?? final.stage.from.line;
  const anchorIndex = lastCopy ? instructions.indexOf(lastCopy) + 1 : 0;
  const workdir = final.workdirAt[anchorIndex] ?? final.workdir;
  const source = relativeTo(location, service.context ?? '');
  const name = basename(location);
  const destDir = pathEntry === workdir ? '.' : pathEntry;
  const line = location.endsWith('.py') ? `COPY ${source} ${destDir}/` : `COPY ${source}/ ${destDir}/${name}/`;
  return { title: `Add "${line}" to ${file.path}`, applicability: 'safe', edits: [insertLineAfter(file, anchorLine, line)] };
}

type Report = Parameters<Parameters<typeof defineRule>[0]['check']>[0]['report'];

// Runners that import exactly the module they are given (celery -A also tries `<name>.celery`).
const MODULE_RUNNERS = new Set(['uvicorn', 'gunicorn', 'hypercorn', 'daphne', 'python', 'python3']);

/**
 * `uvicorn app.main:app` whose image has the package `app` but no module `app.main`: the container
 * cannot start. An error when the repository has no such module either (it exists nowhere) or has
 * it where the image does not (not copied); unknown when sys.path is not fully known.
 */
function reportMissingEntry(project: Project, service: Service, report: Report): void {
  const entry = service.entry;
  const fs = service.final?.fs;
  const part = service.command[service.command.length - 1];
  if (!entry?.module || !fs || !part || !MODULE_RUNNERS.has(entry.runner) || service.sysPathUnknown.length > 0) return;
  const parts = entry.module.split('.');
  if (parts.length < 2 || findModule(fs, service.pythonPath, parts)) return;
  // In a git-ignored folder the image copies: on disk, so in the build context (not audited).
  if (moduleOnDisk(project.onDisk, fs, service.pythonPath, parts)) return;
  // The package must be the repository's and in the image, or the module may come from a distribution.
  const top = findModule(fs, service.pythonPath, parts.slice(0, 1));
  if (!top || top.namespace || top.files.some((f) => f.repoPath.startsWith('/'))) return;
  const file = project.files.get(part.file);
  if (!file) return;
  const module = entry.module;
  const inRepo = project.firstParty.candidates(module).filter((c) => project.firstParty.hasModuleAt(c, module));
  const where = inRepo[0];
  const parent = parts.slice(0, -1).join('.');
  report({
    file: part.file,
    span: findToken(file, part.span, entry.module) ?? part.span,
    service: service.name,
    message: where
      ? `the command runs ${entry.module}, which is first-party code (${display(where)}) but the image of service "${service.name}" does not contain it`
      : `the command runs ${entry.module}, which exists nowhere: the image of service "${service.name}" has the package ${parent} but no module ${parts.at(-1) ?? ''} in it, and neither has the repository`,
    evidence: [
      ...entryEvidence(service),
      { file: top.files[0]?.repoPath ?? part.file, line: 1, message: `${parts[0] ?? ''} is found at ${top.pathEntry === '/' ? '' : top.pathEntry}/${parts[0] ?? ''} in the image (sys.path: ${service.pythonPath.join(', ')})` },
    ],
    fix: null,
    module: parts[0] ?? entry.module,
  });
}
