// Project mode (a repository without Docker): the Python projects of the repository, each with
// what it declares (runtime and development dependencies, kept apart, with where each is written)
// and the code those declarations cover. Read everywhere deptry reads declarations and more:
// PEP 621 dependencies and extras, PEP 735 dependency groups (with `include-group`), Poetry's
// dependencies, groups and dev-dependencies, uv's and PDM's dev tables, setuptools `dynamic`
// dependencies and extras from any file, requirements files (by name, or as configured), and
// compiled requirements files, which are locks: their `# via` lines say what pulls what in.
import type { ProjectOptions } from './project-options.js';
import { DEFAULT_PROJECT_OPTIONS } from './project-options.js';
import type { PyprojectModel } from '../parsers/pyproject.js';
import type { Requirement } from '../parsers/types.js';
import { compiledFileFacts, type CompiledFileFacts } from '../parsers/requirements-annotations.js';
import { basename, isUnder, repoDirname, repoJoin, relativeTo } from '../util/paths.js';
import type { Repository } from './repository.js';
import type { CodeFile, Declaration, DeclarationRole, PythonProject } from './python-project-types.js';
import { projectDependenciesAt } from './local-project.js';

export type { CodeFile, Declaration, DeclarationRole, PythonProject } from './python-project-types.js';

/** Extras whose names say they are for development, when the config does not list them. */
const DEV_NAME = /^(dev|devel|develop|development|test|tests|testing|lint|linting|linters?|typing|types|mypy|docs?|documentation|ci|style|format|formatting|qa|check|checks|coverage|bench|benchmarks?|tools?)$/i;
/** Requirements files for development, by base name (`requirements-dev.txt`, `dev-requirements.txt`, `test.txt`). */
const DEV_FILE = /(^|[-_.])(dev|devel|develop|development|test|tests|testing|lint|linting|doc|docs|ci|local|typing|mypy|style|build)([-_.]|$)/i;

/** A requirements file whose base name says it is for development (`requirements-dev.txt`, `test.txt`). */
export function isDevRequirementsName(path: string): boolean {
  return DEV_FILE.test(basename(path).toLowerCase().replace(/\.(txt|in)$/, ''));
}
/** Folders whose requirements files are for development (docs/requirements.txt). */
const DEV_DIR = /(^|\/)(docs?|tests?|testing|ci|\.github|benchmarks?|tools?|dev)(\/|$)/i;
/** Code that is not shipped: tests, docs, benchmarks, examples, their helpers and task files. */
const TEST_DIR = /(^|\/)(tests?|testing|docs?|benchmarks?|bench|examples?)\//;
const TEST_FILE = /(^|\/)(test_[^/]*\.py|[^/]*_test\.py|tests?\.py|conftest\.py|noxfile\.py|fabfile\.py)$/;

export function isTestCode(relativePath: string): boolean {
  return TEST_DIR.test(relativePath) || TEST_FILE.test(relativePath);
}

/** Does this pyproject.toml make its directory a project (not just tool settings)? */
function declaresProject(model: PyprojectModel, text: string): boolean {
  return model.name !== null || model.dependencies.length > 0 || model.tables.length > 0 || /^\s*\[(project|build-system|tool\.poetry)\]/m.test(text);
}

/**
 * The repository's Python projects. With `projects` configured, exactly those; else every folder
 * with a pyproject.toml that declares a project, setup.py or setup.cfg, plus the root (dropped when
 * it covers no code and declares nothing while another project exists).
 */
export function pythonProjects(repo: Repository, options: ProjectOptions = DEFAULT_PROJECT_OPTIONS): PythonProject[] {
  const configured = options.projects.length > 0;
  const roots = configured ? options.projects.map((p) => p.root) : discoveredRoots(repo);
  const codeRootsOf = (root: string): readonly string[] => options.projects.find((p) => p.root === root)?.code ?? [root];
  // Every file belongs to the project with the deepest folder above it: a configured project's
  // code folders, else a project's root. Configured projects cover only their code folders.
  const folders = configured ? options.projects.flatMap((p) => p.code.map((dir) => ({ dir, root: p.root }))) : roots.map((root) => ({ dir: root, root }));
  const ownerOf = (path: string): string | null => {
    let best: { dir: string; root: string } | null = null;
    for (const folder of folders) if (isUnder(path, folder.dir) && (best === null || folder.dir.length > best.dir.length)) best = folder;
    return best?.root ?? null;
  };
  // Declaration files (requirements) belong to the project with the deepest root above them.
  const declarerOf = (path: string): string | null => {
    let best: string | null = null;
    for (const root of roots) if (isUnder(path, root) && (best === null || root.length > best.length)) best = root;
    return best;
  };
  const excluded = exclusionOf(options);
  const codeFiles = (root: string): CodeFile[] => {
    const out: CodeFile[] = [];
    const paths = [...repo.python.keys(), ...(options.notebooks ? repo.notebookPaths() : [])].sort();
    for (const path of paths) {
      if (ownerOf(path) !== root || excluded(path)) continue;
      const rel = relativeTo(path, root);
      if (rel === 'setup.py') continue; // build configuration, run by the build backend only
      out.push({ repoPath: path, test: isTestCode(rel) });
    }
    return out;
  };
  const projects: PythonProject[] = [];
  for (const root of roots) {
    const project = buildProject(repo, root, codeRootsOf(root), codeFiles(root), options, (path) => declarerOf(path) === root);
    projects.push(project);
  }
  if (!configured && projects.length > 1) {
    const rootProject = projects.find((p) => p.root === '');
    if (rootProject && rootProject.code.length === 0 && rootProject.declarations.length === 0) projects.splice(projects.indexOf(rootProject), 1);
  }
  return projects;
}

function discoveredRoots(repo: Repository): string[] {
  const roots = new Set<string>(['']);
  for (const [path, file] of repo.files) {
    const name = basename(path);
    const dir = repoDirname(path);
    if (dir === '' || roots.has(dir)) continue;
    if (name === 'setup.py' || name === 'setup.cfg') roots.add(dir);
    else if (name === 'pyproject.toml' && file.kind === 'pyproject') {
      const model = repo.pyprojectAt(path);
      if (model && declaresProject(model, file.text)) roots.add(dir);
    }
  }
  return [...roots].sort();
}

/** deptry's `exclude`/`extend_exclude`: regular expressions matched at the start of the repo path. */
function exclusionOf(options: ProjectOptions): (path: string) => boolean {
  const regexes = options.excludeRegex.flatMap((pattern) => {
    try {
      return [new RegExp(`^(?:${pattern})`)];
    } catch {
      return []; // not a regular expression JavaScript reads: it excludes nothing
    }
  });
  return (path) => regexes.some((r) => r.test(path));
}

function buildProject(
  repo: Repository, root: string, codeRoots: readonly string[], code: CodeFile[], options: ProjectOptions, owns: (path: string) => boolean,
): PythonProject {
  const declarations: Declaration[] = [];
  const at = (name: string): string => repoJoin(root, name);
  const pyprojectPath = at('pyproject.toml');
  const model = repo.files.has(pyprojectPath) || repo.load(pyprojectPath, 'pyproject') ? repo.pyprojectAt(pyprojectPath) : null;
  const named = new Set<string>(); // requirements files the pyproject names (dynamic)
  const devExtra = (name: string): boolean => (options.devExtras === null ? DEV_NAME.test(name) : options.devExtras.includes(name));
  const runtimeGroup = (name: string): boolean => options.runtimeGroups.includes(name);
  const addFile = (path: string, section: string, role: DeclarationRole, explicit: boolean, seen = new Set<string>()): void => {
    if (seen.has(path)) return;
    seen.add(path);
    const reqs = repo.requirementsAt(path);
    if (!reqs) return;
    named.add(path);
    const facts = explicit ? factsOf(repo, path) : null;
    for (const requirement of reqs.requirements) {
      const pinnedFor = facts?.via.get(requirement.line)?.parents ?? [];
      declarations.push({ requirement, file: path, section, role, removable: true, pinnedFor });
    }
    // `-r other.txt` lines: the included file declares as much as the one that names it.
    for (const include of reqs.includes.filter((i) => i.kind === 'requirement')) addFile(repoJoin(repoDirname(path), include.path), section, role, explicit, seen);
  };
  if (model) {
    for (const requirement of model.dependencies) declarations.push({ requirement, file: pyprojectPath, section: 'dependencies', role: 'main', removable: false, pinnedFor: [] });
    const groups = new Map(model.tables.filter((t) => t.kind === 'group' && t.section.startsWith('dependency-groups.')).map((t) => [t.name, t]));
    for (const table of model.tables) {
      const role: DeclarationRole = table.kind === 'extra' ? (devExtra(table.name) ? 'dev' : 'optional') : table.kind === 'group' && runtimeGroup(table.name) ? 'optional' : 'dev';
      for (const requirement of table.requirements) declarations.push({ requirement, file: pyprojectPath, section: table.section, role, removable: false, pinnedFor: [] });
      // A runtime group that includes another makes the included entries runtime too.
      if (role === 'optional') {
        for (const included of includedGroups(table.name, groups)) {
          for (const requirement of included.requirements) declarations.push({ requirement, file: pyprojectPath, section: table.section, role, removable: false, pinnedFor: [] });
        }
      }
    }
    for (const file of model.dynamic.dependencies) addFile(at(file), 'dependencies', 'main', false);
    for (const [extra, files] of Object.entries(model.dynamic.optional)) for (const file of files) addFile(at(file), `optional-dependencies.${extra}`, devExtra(extra) ? 'dev' : 'optional', false);
  }
  const locks: string[] = [];
  if (options.requirementsFiles !== null) {
    for (const file of options.requirementsFiles) addFile(file, 'requirements', 'main', true);
    for (const file of options.devRequirementsFiles ?? defaultDevFiles(repo, root)) addFile(file, 'requirements', 'dev', true);
    for (const path of requirementsFilesOf(repo, owns)) if (!named.has(path) && isCompiled(repo, path)) locks.push(path);
  } else {
    const devFiles = options.devRequirementsFiles === null ? null : new Set(options.devRequirementsFiles);
    for (const path of requirementsFilesOf(repo, owns)) {
      if (named.has(path)) continue;
      const lower = basename(path).toLowerCase();
      if (/^constraints[^/]*\.txt$/.test(lower)) continue;
      if (isLock(repo, path, model)) {
        locks.push(path);
        continue;
      }
      const dev = devFiles ? devFiles.has(path) : isDevRequirementsName(path) || DEV_DIR.test(relativeTo(repoDirname(path), root));
      addFileLines(repo, path, dev ? 'dev' : 'main', declarations, named);
    }
  }
  const runtimeKeys = new Set(declarations.filter((d) => d.role !== 'dev').map((d) => d.requirement.key));
  for (const key of projectDependenciesAt(repo, null, root, false).keys) runtimeKeys.add(key.replace(/\[.*\]$/, ''));
  return {
    root,
    runtimeKeys,
    lockEdges: lockEdges(repo, locks),
    name: model?.name ? model.name.toLowerCase().replace(/[-_.]+/g, '-') : null,
    declarations: strongestFirst(declarations),
    code,
    requiresPython: model?.requiresPython ?? null,
    locks,
    codeRoots,
  };
}

/** A requirements file's own lines (its `-r` targets are read as files of their own, by name). */
function addFileLines(repo: Repository, path: string, role: DeclarationRole, out: Declaration[], named: Set<string>): void {
  const reqs = repo.requirementsAt(path);
  if (!reqs) return;
  named.add(path);
  const facts = factsOf(repo, path);
  for (const requirement of reqs.requirements) {
    // A compiled file without its source: the lines the compiler pinned for others are lock entries.
    const via = facts?.via.get(requirement.line);
    if (via && via.inputs.length === 0 && via.parents.length > 0) continue;
    out.push({ requirement, file: path, section: 'requirements', role, removable: true, pinnedFor: [] });
  }
}

/** The same line reached as main and as dev (a file included by both) keeps its strongest role, once. */
function strongestFirst(declarations: readonly Declaration[]): Declaration[] {
  const rank: Record<DeclarationRole, number> = { main: 0, optional: 1, dev: 2 };
  const byPlace = new Map<string, Declaration>();
  for (const d of declarations) {
    const key = `${d.file}\0${d.requirement.span.start}\0${d.section.startsWith('dependency-groups.') ? d.section : ''}`;
    const known = byPlace.get(key);
    if (!known || rank[d.role] < rank[known.role]) byPlace.set(key, d);
  }
  return [...byPlace.values()];
}

function includedGroups(name: string, groups: ReadonlyMap<string, { readonly includes: readonly string[]; readonly requirements: readonly Requirement[] }>, seen = new Set<string>()): { readonly requirements: readonly Requirement[] }[] {
  const out: { readonly requirements: readonly Requirement[] }[] = [];
  for (const include of groups.get(name)?.includes ?? []) {
    if (seen.has(include)) continue;
    seen.add(include);
    const group = groups.get(include);
    if (!group) continue;
    out.push(group, ...includedGroups(include, groups, seen));
  }
  return out;
}

function requirementsFilesOf(repo: Repository, owns: (path: string) => boolean): string[] {
  return [...repo.requirements.keys()].filter(owns).sort();
}

/** deptry's default development files, where they exist. */
function defaultDevFiles(repo: Repository, root: string): string[] {
  return ['dev-requirements.txt', 'requirements-dev.txt'].map((name) => repoJoin(root, name)).filter((path) => repo.requirements.has(path));
}

const factsCache = new WeakMap<Repository, Map<string, CompiledFileFacts | null>>();

function factsOf(repo: Repository, path: string): CompiledFileFacts | null {
  let byPath = factsCache.get(repo);
  if (!byPath) factsCache.set(repo, (byPath = new Map()));
  if (!byPath.has(path)) {
    const file = repo.files.get(path);
    const model = repo.requirements.get(path);
    byPath.set(path, file && model ? compiledFileFacts(file.text, model.requirements) : null);
  }
  return byPath.get(path) ?? null;
}

function isCompiled(repo: Repository, path: string): boolean {
  return factsOf(repo, path)?.compiled === true;
}

/**
 * A lock, not declarations: a `.txt` beside the `.in` it is compiled from (pip-compile, `uv pip
 * compile`), or a compiled file made from the project's own pyproject.toml (`uv export`,
 * `pip-compile pyproject.toml`) when that declares the dependencies.
 */
function isLock(repo: Repository, path: string, model: PyprojectModel | null): boolean {
  if (!path.endsWith('.txt')) return false;
  const source = path.replace(/\.txt$/, '.in');
  if (repo.requirements.has(source) || repo.files.has(source)) return true;
  const facts = factsOf(repo, path);
  if (!facts?.compiled) return false;
  const text = repo.files.get(path)?.text ?? '';
  const fromPyproject = /^#.*\buv export\b/m.test(text) || [...facts.via.values()].some((v) => v.inputs.some((i) => /(^|\/|\()pyproject\.toml\)?$/.test(i)));
  return fromPyproject && model !== null && (model.dependencies.length > 0 || model.dynamic.dependencies.length > 0);
}

/** Every edge `parent -> child` the locks state (`child  # via parent`). */
function lockEdges(repo: Repository, locks: readonly string[]): Map<string, string[]> {
  const edges = new Map<string, string[]>();
  for (const path of locks) {
    const model = repo.requirements.get(path);
    const facts = factsOf(repo, path);
    if (!model || !facts) continue;
    for (const requirement of model.requirements) {
      for (const parent of facts.via.get(requirement.line)?.parents ?? []) {
        const children = edges.get(parent) ?? [];
        if (!children.includes(requirement.key)) children.push(requirement.key);
        edges.set(parent, children);
      }
    }
  }
  return edges;
}
