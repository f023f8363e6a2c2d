// What `pip install .` / `uv sync` / `poetry install` installs: the local project's declared
// dependencies, read from pyproject.toml (PEP 621, Poetry, setuptools dynamic `file=`),
// setup.cfg `install_requires`, or literal lists in setup.py — never by running setup.py.
import { parseToml } from '../util/toml.js';
import { parseRequirements } from '../parsers/requirements.js';
import { repoDirname, repoJoin } from '../util/paths.js';
import { compileGlob } from '../util/glob.js';
import type { ImageFs } from './image.js';
import type { Repository } from './repository.js';
import { appendAll } from '../util/arrays.js';

export interface LocalDependencies {
  readonly keys: readonly string[];
  /** Why the list may be incomplete (dependencies computed in setup.py, ...); null when complete. */
  readonly unknown: string | null;
}

/**
 * Dependencies of the project at `dir`: an image directory when `fs` is given, else a repo
 * directory ('' for the root). `[extra,...]` after the directory adds those extras; without an
 * image (a plain project), every extra and dependency group counts.
 */
export function projectDependenciesAt(repo: Repository, fs: ImageFs | null, dir: string, allOptional = fs === null): LocalDependencies {
  const [, bare = '', extraList = ''] = /^(.*?)(?:\[([^\]]*)\])?$/.exec(dir) ?? [];
  const extras = extraList.split(',').map((e) => e.trim()).filter(Boolean);
  const repoDir = fs ? repoDirOfImageDir(fs, bare) : bare;
  // No pyproject/setup file where the install points (`pip install /wheels/*`, a path made at
  // build time): what it installs is unknown, not nothing.
  if (repoDir === null) return { keys: [], unknown: `${bare || '.'} holds no project file driftcheck can read (a wheelhouse or files made during the build)` };
  const pipfile = repo.load(repoJoin(repoDir, 'Pipfile'), 'pipfile');
  const pipfileKeys = pipfile ? pipfilePackages(pipfile.text, allOptional) : [];
  const at = (name: string): string => repoJoin(repoDir, name);
  const pyproject = repo.load(at('pyproject.toml'), 'pyproject');
  const keys: string[] = [...pipfileKeys];
  let unknown: string | null = null;
  if (pyproject) {
    const model = repo.pyprojectAt(at('pyproject.toml'))!;
    appendAll(keys, model.dependencies.map((r) => r.key));
    const everything = allOptional || extras.includes('*');
    // A plain project counts every extra, group and dev table; an install counts the ones it names
    // (`pip install .[x]` extras; `uv sync`, `poetry install --with x` groups, `dev` by default).
    const optional = everything ? model.tables.flatMap((t) => t.requirements) : model.tables.filter((t) => extras.includes(t.name)).flatMap((t) => t.requirements);
    appendAll(keys, optional.map((r) => r.key));
    const optionalFiles = Object.entries(model.dynamic.optional).filter(([extra]) => everything || extras.includes(extra)).flatMap(([, files]) => files);
    const dynamic = [...model.dynamic.dependencies, ...optionalFiles];
    for (const file of dynamic) {
      const model = repo.requirementsAt(at(file));
      if (model) appendAll(keys, model.requirements.map((r) => r.key));
      else unknown = `${at(file)} (named by pyproject.toml) is not readable`;
    }
    if (model.dependencies.length > 0 || model.dynamic.dependencies.length > 0 || !usesSetupFiles(repo, at)) return { keys, unknown };
  }
  const setupCfg = repo.load(at('setup.cfg'), 'setup-cfg');
  if (setupCfg) appendAll(keys, setupCfgRequires(setupCfg.text));
  const setupPy = repo.load(at('setup.py'), 'python');
  if (setupPy) {
    const literal = setupPyRequires(setupPy.text);
    if (literal) keys.push(...literal);
    else if (/install_requires/.test(setupPy.text)) unknown = `${at('setup.py')} computes install_requires, which driftcheck does not execute`;
  }
  return { keys, unknown };
}

/** `[packages]` (and `[dev-packages]` for a plain project) of a Pipfile. */
function pipfilePackages(text: string, withDev: boolean): string[] {
  try {
    const data = parseToml(text) as Record<string, unknown>;
    const tables = [data['packages'], withDev ? data['dev-packages'] : undefined];
    return tables.flatMap((t) => (t && typeof t === 'object' ? Object.keys(t) : [])).map((name) => name.toLowerCase().replace(/[-_.]+/g, '-'));
  } catch {
    return [];
  }
}

function usesSetupFiles(repo: Repository, at: (name: string) => string): boolean {
  return repo.files.has(at('setup.py')) || repo.files.has(at('setup.cfg'));
}

/** The repo directory whose files were copied to an image directory (via its pyproject/setup file). */
function repoDirOfImageDir(fs: ImageFs, imageDir: string): string | null {
  const base = imageDir === '/' ? '' : imageDir;
  for (const name of ['pyproject.toml', 'setup.py', 'setup.cfg', 'Pipfile']) {
    const file = fs.file(`${base}/${name}`);
    if (file) return file.repoPath.slice(0, Math.max(0, file.repoPath.length - name.length - 1));
  }
  return null;
}

function keysOf(lines: readonly string[]): string[] {
  return parseRequirements(lines.join('\n')).requirements.map((r) => r.key);
}

/** `install_requires =` followed by indented lines (or `a; b` on one line) in setup.cfg. */
function setupCfgRequires(text: string): string[] {
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((l) => /^install_requires\s*=/.test(l));
  if (start === -1) return [];
  const out = [(lines[start] ?? '').replace(/^install_requires\s*=\s*/, '')];
  for (let i = start + 1; i < lines.length && /^\s+\S/.test(lines[i] ?? ''); i++) out.push((lines[i] ?? '').trim());
  return keysOf(out.filter(Boolean));
}

/** A literal `install_requires=[...]` list of strings in setup.py; null when it is computed. */
function setupPyRequires(text: string): string[] | null {
  const match = /install_requires\s*=\s*\[([^\]]*)\]/.exec(text);
  if (!match) return null;
  const body = match[1] ?? '';
  const strings = [...body.matchAll(/(['"])(.*?)\1/g)].map((m) => m[2] ?? '');
  const rest = body.replace(/(['"])(.*?)\1/g, '').replace(/#[^\n]*/g, '');
  return /[A-Za-z_]/.test(rest) ? null : keysOf(strings);
}

/**
 * What `uv sync [--package P | --all-packages]` installs when the project at `dir` (an image
 * directory, `[groups]` appended as for projectDependenciesAt) is a uv workspace root
 * (`[tool.uv.workspace] members`; uv docs "Workspaces"): the root project, the members named by
 * `--package`, or every member; each with the members it depends on. A virtual root (no
 * `[project]`) is read as every member, the most `uv sync` can install. Null when `dir` holds no
 * workspace root.
 */
export function workspaceDependenciesAt(repo: Repository, fs: ImageFs, dir: string, packages: readonly string[]): (LocalDependencies & { readonly memberDirs: readonly string[] }) | null {
  const [, bare = '', extraList] = /^(.*?)(\[[^\]]*\])?$/.exec(dir) ?? [];
  const extras = extraList ?? '';
  const root = repoDirOfImageDir(fs, bare);
  if (root === null) return null;
  const rootPath = repoJoin(root, 'pyproject.toml');
  const rootText = repo.load(rootPath, 'pyproject')?.text;
  if (rootText === undefined) return null;
  let data: Record<string, unknown>;
  try {
    data = parseToml(rootText) as Record<string, unknown>;
  } catch {
    return null;
  }
  const tool = data['tool'] as Record<string, unknown> | undefined;
  const workspace = (tool?.['uv'] as Record<string, unknown> | undefined)?.['workspace'] as Record<string, unknown> | undefined;
  if (!workspace || typeof workspace !== 'object') return null;
  const globs = (key: string): string[] => (Array.isArray(workspace[key]) ? (workspace[key] as unknown[]).filter((g): g is string => typeof g === 'string') : []);
  const include = globs('members').map((g) => compileGlob(g.replace(/^\.\//, '').replace(/\/$/, ''), { doubleStar: true }));
  const exclude = globs('exclude').map((g) => compileGlob(g.replace(/^\.\//, '').replace(/\/$/, ''), { doubleStar: true }));
  const members = new Map<string, string>(); // normalised project name -> repo dir
  for (const path of repo.contextPaths()) {
    if (!path.endsWith('/pyproject.toml') || path === rootPath) continue;
    const memberDir = repoDirname(path);
    if (root !== '' && !memberDir.startsWith(`${root}/`)) continue;
    const rel = root === '' ? memberDir : memberDir.slice(root.length + 1);
    if (!include.some((m) => m(rel)) || exclude.some((m) => m(rel))) continue;
    const name = repo.pyprojectAt(path)?.name;
    if (name) members.set(normalize(name), memberDir);
  }
  const virtual = data['project'] === undefined;
  const keys = new Set<string>();
  let unknown: string | null = null;
  const done = new Set<string>();
  const install = (memberDir: string): void => {
    if (done.has(memberDir)) return;
    done.add(memberDir);
    const deps = projectDependenciesAt(repo, null, memberDir + extras, false);
    unknown ??= deps.unknown;
    for (const key of deps.keys) {
      keys.add(key);
      const member = members.get(key);
      if (member !== undefined) install(member); // `{ workspace = true }`: the member's own dependencies too
    }
  };
  if (packages.includes('*') || (packages.length === 0 && virtual)) {
    if (!virtual) install(root);
    for (const memberDir of members.values()) install(memberDir);
  } else if (packages.length === 0) install(root);
  for (const name of packages) {
    if (name === '*') continue;
    const memberDir = members.get(normalize(name)) ?? (!virtual && normalize(String((data['project'] as Record<string, unknown>)['name'] ?? '')) === normalize(name) ? root : undefined);
    if (memberDir === undefined) unknown ??= /[$`]/.test(name) ? `uv sync --package ${name} names a member chosen at build time` : `uv sync --package ${name} names no workspace member driftcheck found`;
    else install(memberDir);
  }
  // Members are installed (editable) too: their folders, relative to the root, hold importable code.
  const memberDirs = [...done].filter((d) => d !== root).map((d) => (root === '' ? d : d.slice(root.length + 1)));
  return { keys: [...keys], unknown, memberDirs };
}

function normalize(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}
