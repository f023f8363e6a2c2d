// What `pip install .` / `uv sync` / `poetry install` installs: the local project's declared
// dependencies (read from pyproject.toml, never by running setup.py).
import { parsePyproject } from '../parsers/pyproject.js';
import type { ImageFs } from './image.js';
import type { Repository } from './project.js';

/**
 * Normalised names of the dependencies of the project at `dir`: an image directory when `fs` is
 * given, else a repo directory ('' for the root). `withOptional` adds extras and groups.
 */
export function projectDependenciesAt(repo: Repository, fs: ImageFs | null, dir: string, withOptional = fs === null): string[] {
  const cleanDir = dir.replace(/\[.*\]$/, '');
  const repoPath = fs ? fs.file(`${cleanDir === '/' ? '' : cleanDir}/pyproject.toml`)?.repoPath : cleanDir ? `${cleanDir}/pyproject.toml` : 'pyproject.toml';
  if (!repoPath) return [];
  const file = repo.load(repoPath, 'pyproject');
  if (!file) return [];
  const model = parsePyproject(file.text);
  const keys = model.dependencies.map((r) => r.key);
  if (withOptional) for (const list of Object.values(model.optional)) keys.push(...list.map((r) => r.key));
  else {
    const extras = /\[(.*)\]$/.exec(dir)?.[1]?.split(',').map((e) => e.trim()) ?? [];
    for (const extra of extras) keys.push(...(model.optional[extra] ?? []).map((r) => r.key));
  }
  return keys;
}
