import { declaredAnywhere } from '../../model/queries.js';
import { normalizeName } from '../../model/module-map.js';
import type { Project } from '../../model/types.js';
import type { PyImport } from '../../parsers/types.js';
import { repoDirname, repoJoin } from '../../util/paths.js';
import { editDistance } from '../../util/edit-distance.js';
import { defineRule } from '../define-rule.js';

export default defineRule({
  meta: {
    id: 'MOD002',
    name: 'unresolved-import',
    severity: 'warning',
    category: 'correctness',
    fix: 'none',
    summary: 'Import of a first-party module that exists nowhere: not stdlib, not in the repository, not a distribution',
    docs: `## What it does
Flags imports that point into the repository's own code but reach a module that does not exist
anywhere: \`from app.utlis import helper\` when \`app/\` has no \`utlis\` module, or
\`from .models import User\` next to no \`models.py\`. The top-level package is first-party (it is
in the repository), so no distribution can provide the missing submodule either. When a sibling
module has a similar name, the message suggests it.

A third-party import whose distribution is simply not installed is DEP001, and a first-party
module the image does not copy is MOD001; MOD002 is for imports that would fail everywhere.

Not reported: imports guarded by \`try/except ImportError\` or under a conditional, modules that
are generated at build time (\`*_pb2.py\`, \`*_pb2_grpc.py\`, \`_version.py\`) and compiled extensions
whose source is in the repository (\`.pyx\`, \`.c\`, \`.rs\` next to the package).

## Why is this bad?
The import raises \`ModuleNotFoundError\` the moment the code runs: a typo, a module that was
renamed or deleted, or a file that was never committed.

## Example
\`\`\`python
from app.utlis import slugify   # app/utils.py exists, app/utlis.py does not
\`\`\`

Use instead: \`from app.utils import slugify\`.

## Fix safety
No automatic fix: the right module is a human decision.

## References
- Python language reference, "The import system" (5.4 Packages, 5.7 Package relative imports)`,
  },
  check({ project, report }) {
    const modules = new ModuleIndex(project);
    // An absolute import's answer depends only on the module name; a monorepo whose services all
    // have an `app/` package asks it once per name, not once per import site × service.
    const absolute = new Map<string, Missing | null>();
    const missingAbsoluteOnce = (imp: PyImport): Missing | null => {
      if (!absolute.has(imp.module)) absolute.set(imp.module, missingAbsolute(project, modules, imp));
      return absolute.get(imp.module) ?? null;
    };
    for (const [path, model] of [...project.python.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
      for (const imp of model.imports) {
        if (imp.guarded || imp.conditional || imp.mainBlock === true || imp.typeChecking) continue;
        if ([...imp.module.split('.'), ...imp.names].some((part) => GENERATED.test(part))) continue;
        const missing = imp.level > 0 ? missingRelative(modules, path, imp) : missingAbsoluteOnce(imp);
        if (!missing) continue;
        // Under a git-ignored folder the walk did not enter, the disk may have it.
        const at = missing.parent === '' ? missing.name : `${missing.parent}/${missing.name}`;
        if (project.onDisk?.(`${at}.py`) === 'file' || project.onDisk?.(at) === 'dir') continue;
        const hint = modules.closestSibling(missing.parent, missing.name);
        report({
          file: path,
          span: imp.span,
          message: `"${imp.level > 0 ? '.'.repeat(imp.level) : ''}${imp.module}" cannot be resolved: ${missing.parent === '' ? 'the repository root' : `${missing.parent}/`} has no module "${missing.name}"${hint ? ` (did you mean "${hint}"?)` : ''}`,
          evidence: [{ file: path, line: imp.line, message: `imports ${imp.module || '.'.repeat(imp.level)}` }],
          ...(imp.level === 0 ? { module: imp.module.split('.')[0] ?? imp.module } : {}),
        });
      }
    }
  },
});

interface Missing {
  readonly parent: string; // repo directory that should hold the module
  readonly name: string; // the first module name that is absent there
}

/** From this many locations of one name on, ModuleIndex indexes the paths below them. */
const MANY_LOCATIONS = 8;
const SOURCE_EXTENSIONS = /\.(py|pyi|pyx|pxd|so|pyd|c|cc|cpp|rs)$/;
// Written by protoc, setuptools-scm, versioneer or a build step, so absent from the repository.
const GENERATED = /(_pb2|_pb2_grpc|_pb2_grpc_async|_version|__version__|version|_build_info|_generated)$/;

/** Repo paths as module locations: stems of source files and directories that hold them. */
class ModuleIndex {
  private readonly stems = new Set<string>();
  private readonly dirs = new Set<string>();
  private readonly children = new Map<string, Set<string>>();

  constructor(project: Project) {
    for (const path of [...project.repoPaths, ...project.otherPaths]) {
      if (!SOURCE_EXTENSIONS.test(path)) continue;
      const stem = path.replace(/\.[^./]+$/, '').replace(/\.(cpython|abi3|cp\d+)[^/]*$/, '');
      this.stems.add(stem);
      this.addChild(repoDirname(stem), stem.slice(stem.lastIndexOf('/') + 1));
      for (let dir = repoDirname(path); dir !== '' && !this.dirs.has(dir); dir = repoDirname(dir)) {
        this.dirs.add(dir);
        this.addChild(repoDirname(dir), dir.slice(dir.lastIndexOf('/') + 1));
      }
    }
  }

  private addChild(parent: string, name: string): void {
    const set = this.children.get(parent) ?? new Set<string>();
    set.add(name);
    this.children.set(parent, set);
  }

  has(location: string): boolean {
    return this.stems.has(location) || this.dirs.has(location);
  }

  isDir(location: string): boolean {
    return location === '' || this.dirs.has(location);
  }

  /**
   * Whether `firstMissing(location, parts)` is null for some location: the module path exists
   * below one of them, or a proper prefix of it is a module file there (the rest are attributes).
   * With many locations (a monorepo whose 200 services each have an `app/` package), the paths
   * below all of them are indexed once instead of walking every location for every module name.
   */
  resolvesBelowAny(name: string, locations: readonly string[], parts: readonly string[]): boolean {
    // `locations` are the folders of the top-level `name` (the same list whenever name is the same).
    let below = this.below.get(name);
    if (below === undefined) {
      const plain = (path: string): boolean => path !== '' && path.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..');
      below = locations.length >= MANY_LOCATIONS && locations.every(plain) ? this.pathsBelow(new Set(locations)) : null;
      this.below.set(name, below);
    }
    if (below === null || !parts.every((part) => part !== '' && !part.includes('/'))) {
      return locations.some((location) => this.firstMissing(location, parts) === null);
    }
    if (below.paths.has(parts.join('/'))) return true;
    let prefix = '';
    for (const part of parts.slice(0, -1)) {
      prefix = prefix === '' ? part : `${prefix}/${part}`;
      if (below.files.has(prefix)) return true;
    }
    return false;
  }

  private readonly below = new Map<string, { readonly paths: ReadonlySet<string>; readonly files: ReadonlySet<string> } | null>();

  /** Every stem and folder below any of `locations`, relative to it; `files`: the stems that are no folder. */
  private pathsBelow(locations: ReadonlySet<string>): { paths: Set<string>; files: Set<string> } {
    const paths = new Set<string>();
    const files = new Set<string>();
    const add = (path: string, file: boolean): void => {
      for (let dir = repoDirname(path); dir !== ''; dir = repoDirname(dir)) {
        if (!locations.has(dir)) continue;
        const rel = path.slice(dir.length + 1);
        paths.add(rel);
        if (file) files.add(rel);
      }
    };
    for (const stem of this.stems) add(stem, !this.dirs.has(stem));
    for (const dir of this.dirs) add(dir, false);
    return { paths, files };
  }

  /** The first missing part of `parts` below `base`, or null when the whole path exists. */
  firstMissing(base: string, parts: readonly string[]): Missing | null {
    let at = base;
    for (const part of parts) {
      const next = repoJoin(at, part);
      if (!this.has(next)) return { parent: at, name: part };
      if (!this.isDir(next)) return null; // a module file: the rest are attributes
      at = next;
    }
    return null;
  }

  /** A sibling module whose name is one or two edits away (`utlis` -> `utils`). */
  closestSibling(parent: string, name: string): string | null {
    let best: string | null = null;
    let bestDistance = 3;
    for (const sibling of [...(this.children.get(parent) ?? [])].sort()) {
      if (sibling.startsWith('__')) continue;
      const distance = editDistance(sibling, name, bestDistance);
      if (distance < bestDistance) {
        best = sibling;
        bestDistance = distance;
      }
    }
    return best === null || bestDistance > Math.max(1, Math.floor(name.length / 3)) ? null : best;
  }
}

function missingRelative(modules: ModuleIndex, file: string, imp: PyImport): Missing | null {
  if (imp.module === '') return null; // `from . import x`: x may be a name defined in __init__.py
  let base = repoDirname(file);
  for (let i = 1; i < imp.level; i++) {
    if (base === '') return null; // beyond the repository root: not ours to judge
    base = repoDirname(base);
  }
  return modules.firstMissing(base, imp.module.split('.'));
}

function missingAbsolute(project: Project, modules: ModuleIndex, imp: PyImport): Missing | null {
  const parts = imp.module.split('.');
  const top = parts[0] ?? '';
  if (parts.length < 2) return null; // a missing top-level name is DEP001's (a distribution)
  const locations = project.firstParty.candidates(top).filter((l) => !l.endsWith('.py'));
  if (locations.length === 0) return null;
  // A name the repo shadows but a distribution also provides (`google`, `redis/` next to redis).
  if (project.moduleMap.lookup(imp.module).source !== 'guess' || declaredAnywhere(project).has(normalizeName(top))) return null;
  // Missing only when it resolves below none of them; then said of the first.
  const rest = parts.slice(1);
  if (modules.resolvesBelowAny(top, locations, rest)) return null;
  return modules.firstMissing(locations[0] ?? '', rest);
}
