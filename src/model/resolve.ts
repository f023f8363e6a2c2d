// Module resolution inside an image, the way CPython's path finder does it: for each sys.path
// entry, `a/b.py`, then `a/b/__init__.py`, then a namespace folder; parents' __init__ run first.
import type { PyImport } from '../parsers/types.js';
import { imageResolve } from '../util/paths.js';
import type { ImageFile, ImageFs } from './image.js';
import { appendAll } from '../util/arrays.js';

export interface ModuleHit {
  /** Files executed by importing the module: parents' __init__.py, then the module itself. */
  readonly files: readonly ImageFile[];
  readonly pathEntry: string;
  /** Found only as a namespace folder (no __init__.py, no module file): any regular package elsewhere on sys.path wins. */
  readonly namespace: boolean;
}

function joinImage(dir: string, parts: readonly string[]): string {
  const rest = parts.join('/');
  if (rest === '') return dir;
  return dir === '/' ? `/${rest}` : `${dir}/${rest}`;
}

export function findModule(fs: ImageFs, pythonPath: readonly string[], parts: readonly string[]): ModuleHit | null {
  if (parts.length === 0) return null;
  for (const entry of pythonPath) {
    const base = joinImage(entry, parts);
    const module = fs.file(`${base}.py`) ?? fs.file(`${base}/__init__.py`);
    const namespace = !module && fs.hasDir(base) && fs.hasPythonUnder(base);
    if (!module && !namespace) continue;
    const files: ImageFile[] = [];
    for (let n = 1; n < parts.length; n++) {
      const init = fs.file(`${joinImage(entry, parts.slice(0, n))}/__init__.py`);
      if (init) files.push(init);
    }
    if (module) files.push(module);
    return { files, pathEntry: entry, namespace: !module };
  }
  return null;
}

/**
 * A module the image would hold from a folder the discovery walk did not enter (git-ignored,
 * untracked, copied by a COPY): the repo path the disk has for it, or null. One lstat per
 * candidate, only when the image copies such a folder.
 */
export function moduleOnDisk(onDisk: ((repoPath: string) => 'file' | 'dir' | null) | undefined, fs: ImageFs, pythonPath: readonly string[], parts: readonly string[]): string | null {
  if (!onDisk || !fs.hasUnwalked() || parts.length === 0) return null;
  for (const entry of pythonPath) {
    const base = joinImage(entry, parts);
    for (const [suffix, kind] of [['.py', 'file'], ['/__init__.py', 'file'], ['', 'dir']] as const) {
      const repoPath = fs.unwalkedAt(`${base}${suffix}`);
      if (repoPath !== null && onDisk(repoPath) === kind) return repoPath;
    }
  }
  return null;
}

/** The package directory a relative import starts from. */
export function relativeBase(fileImagePath: string, level: number): string {
  let dir = fileImagePath.slice(0, fileImagePath.lastIndexOf('/')) || '/';
  for (let i = 1; i < level; i++) dir = imageResolve(dir, '..');
  return dir;
}

/** Image files an import statement executes (module, parents, and submodules named by `from`). */
export function importTargets(fs: ImageFs, pythonPath: readonly string[], fileImagePath: string, imp: PyImport): ImageFile[] {
  const parts = imp.module === '' ? [] : imp.module.split('.');
  const path = imp.level > 0 ? [relativeBase(fileImagePath, imp.level)] : pythonPath;
  const out: ImageFile[] = [];
  if (parts.length > 0) {
    const hit = findModule(fs, path, parts);
    if (!hit) return out;
    appendAll(out, hit.files);
  } else if (imp.level > 0) {
    const init = fs.file(`${path[0] ?? '/'}/__init__.py`);
    if (init) out.push(init);
  }
  for (const name of imp.names) {
    if (name === '*') continue;
    const sub = findModule(fs, path, [...parts, name]);
    if (sub) out.push(...sub.files.slice(-1));
  }
  return out;
}
