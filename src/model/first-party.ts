// Which top-level import names the repository itself provides, wherever its source roots are.
// A name counts when the repo has a top-level package for it (a dir with __init__.py whose parent
// has none), a module file in a folder that is not a package, a namespace folder (PEP 420, at any
// depth: `foo/api/http.py` makes `foo` a namespace package) that really contains the imported
// submodule, or the configuration names it (`knownFirstParty`).
import { basename, repoDirname, repoJoin } from '../util/paths.js';

export class FirstPartyIndex {
  private readonly regular = new Map<string, Set<string>>(); // name -> repo dirs/files
  private readonly namespaceDirs = new Map<string, Set<string>>(); // name -> repo dirs without __init__.py
  private readonly pyFiles: ReadonlySet<string>;
  private readonly dirsWithPy = new Set<string>();

  private readonly known: ReadonlySet<string>;

  constructor(pythonFiles: readonly string[], knownFirstParty: readonly string[] = []) {
    this.pyFiles = new Set(pythonFiles);
    this.known = new Set(knownFirstParty.map((name) => name.split('.')[0] ?? name));
    for (const file of pythonFiles) {
      for (let dir = repoDirname(file); dir !== ''; dir = repoDirname(dir)) {
        if (this.dirsWithPy.has(dir)) break;
        this.dirsWithPy.add(dir);
      }
    }
    for (const file of pythonFiles) this.index(file);
    // Namespace packages at any depth: every folder without __init__.py above a Python file (and
    // outside any package), so `foo/api/http.py` makes `foo` one.
    for (const dir of this.dirsWithPy) {
      if (!this.isPackage(dir) && !this.isPackage(repoDirname(dir)) && isIdentifier(basename(dir))) add(this.namespaceDirs, basename(dir), dir);
    }
  }

  /** The configuration says this top-level name is the repository's own (`knownFirstParty`). */
  isKnown(module: string): boolean {
    return this.known.has(module.split('.')[0] ?? module);
  }

  /**
   * Packages and modules inside other packages with this name (`app/services/` or
   * `app/services.py` for `services`): code that imports `services` may mean `app.services`, which
   * is not importable under that name, but is the repository's, never a PyPI project to guess.
   */
  nestedPackagesNamed(name: string): string[] {
    // A plain name is looked up in an index built on first use (DEP001 asks once per missing
    // distribution: a scan of every file each time cost 0.6 s on the 10,000-file bench tree).
    if (name !== '' && !name.includes('/')) return [...(this.nestedIndex().get(name) ?? [])];
    const out: string[] = [];
    for (const file of this.pyFiles) {
      if (file.endsWith(`/${name}/__init__.py`)) {
        const dir = repoDirname(file);
        if (this.isPackage(repoDirname(dir))) out.push(dir);
      } else if (file.endsWith(`/${name}.py`) && this.isPackage(repoDirname(file))) out.push(file);
    }
    return out.sort();
  }

  private nested: Map<string, string[]> | null = null;

  /** nestedPackagesNamed's answer for every name at once, each list sorted. */
  private nestedIndex(): Map<string, string[]> {
    if (this.nested !== null) return this.nested;
    const index = new Map<string, string[]>();
    const push = (name: string, path: string): void => {
      const list = index.get(name);
      if (list) list.push(path);
      else index.set(name, [path]);
    };
    for (const file of this.pyFiles) {
      const slash = file.lastIndexOf('/');
      if (slash < 0 || !file.endsWith('.py')) continue;
      const stem = file.slice(slash + 1, -'.py'.length);
      const dir = file.slice(0, slash);
      // `<parent>/<name>/__init__.py` for the folder's name (the scan's first test) ...
      const dirSlash = dir.lastIndexOf('/');
      const folder = stem === '__init__' && dirSlash >= 0 ? dir.slice(dirSlash + 1) : null;
      if (folder !== null && this.isPackage(repoDirname(dir))) push(folder, dir);
      // ... else `<package>/<name>.py` (for `__init__`, only when the first test did not match).
      if (!(folder === '__init__') && this.isPackage(repoDirname(file))) push(stem, file);
    }
    for (const list of index.values()) list.sort();
    this.nested = index;
    return index;
  }

  private isPackage(dir: string): boolean {
    return dir !== '' && this.pyFiles.has(repoJoin(dir, '__init__.py'));
  }

  private index(file: string): void {
    const dir = repoDirname(file);
    const name = basename(file).replace(/\.py$/, '');
    if (!this.isPackage(dir)) {
      if (name !== '__init__' && isIdentifier(name)) add(this.regular, name, file);
      if (dir !== '' && isIdentifier(basename(dir))) add(this.namespaceDirs, basename(dir), dir);
      return;
    }
    let top = dir;
    while (this.isPackage(repoDirname(top))) top = repoDirname(top);
    if (isIdentifier(basename(top))) add(this.regular, basename(top), top);
  }

  /**
   * Repo locations that provide `module` (dotted), or [] when the repo does not have it. `names`
   * (of `from module import a, b`) let a namespace folder count when it holds one of them.
   */
  candidates(module: string, names: readonly string[] = []): string[] {
    const key = names.length > 0 && !module.includes('.') ? `${module}\0${names.join(',')}` : module;
    let answer = this.answers.get(key);
    if (!answer) {
      answer = this.candidatesUncached(module, names);
      this.answers.set(key, answer);
    }
    return [...answer];
  }

  /** The index never changes once built; rules ask for the same modules file after file. */
  private readonly answers = new Map<string, readonly string[]>();

  private candidatesUncached(module: string, names: readonly string[]): string[] {
    const parts = module.split('.');
    const top = parts[0] ?? '';
    const out = [...(this.regular.get(top) ?? [])];
    for (const dir of this.namespaceDirs.get(top) ?? []) {
      const holds = (rest: string): boolean => {
        const sub = repoJoin(dir, rest);
        return this.pyFiles.has(`${sub}.py`) || this.dirsWithPy.has(sub);
      };
      // `import foo` alone names no submodule to look for: a folder `foo/` (an `alembic/` of
      // migrations) is not proof enough that the repository is what `foo` means.
      if (parts.length >= 2 ? holds(parts.slice(1).join('/')) : names.some((n) => n !== '*' && holds(n))) out.push(dir);
    }
    return [...new Set(out)].sort();
  }

  /** Is `name` a module or package directly in repo directory `dir` (a folder on sys.path)? */
  providesAt(dir: string, name: string): boolean {
    const path = repoJoin(dir, name);
    return this.pyFiles.has(`${path}.py`) || this.dirsWithPy.has(path);
  }

  /** Does the repository hold this exact module path below a candidate location? */
  hasModuleAt(location: string, module: string): boolean {
    const parts = module.split('.').slice(1);
    if (location.endsWith('.py')) return parts.length === 0;
    const sub = repoJoin(location, ...parts);
    return parts.length === 0 || this.pyFiles.has(`${sub}.py`) || this.dirsWithPy.has(sub);
  }
}

function add(map: Map<string, Set<string>>, key: string, value: string): void {
  const set = map.get(key) ?? new Set<string>();
  set.add(value);
  map.set(key, set);
}

function isIdentifier(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
}
