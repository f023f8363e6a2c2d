// The code that runs: the import closure from the entry module and the scripts the command
// names (test files and string-loaded modules handled).
import { escapesRoot, imageResolve } from '../../util/paths.js';
import type { EntryPoint } from '../command.js';
import { pathDirsOf, type ImageFile, type ImageFs } from '../image.js';
import type { Repository } from '../repository.js';
import { findModule, importTargets } from '../resolve.js';
import type { RunFile, Service } from '../types.js';
import { appendAll } from '../../util/arrays.js';
import { evaluateSysPathEntry } from '../sys-path.js';

/** Folders of scripts run by hand or by tooling, not by the service (when no entry is known). */
const SCRIPT_DIR = /(^|\/)(scripts?|bin|tools|devtools|dev|devenv|docs?|examples?|demos?|samples?|benchmarks?|migrations_scripts)\//;

/**
 * A file with `if __name__ == "__main__":` whose module name no other Python file of the image
 * mentions: a script someone runs by hand (`python manage_data.py`), not code the service loads.
 */
function standaloneScript(repo: Repository, fs: ImageFs, file: ImageFile, imported: () => ReadonlySet<string>): boolean {
  if (repo.python.get(file.repoPath)?.hasMainGuard !== true) return false;
  const stem = file.imagePath.slice(file.imagePath.lastIndexOf('/') + 1).replace(/\.py$/, '');
  return stem !== '__main__' && stem !== '__init__' && !imported().has(stem);
}

/** Every name segment the image's Python files import (`a.b.c` and `from x import y`), once. */
function importedNames(repo: Repository, fs: ImageFs): Set<string> {
  const names = new Set<string>();
  for (const f of fs.all()) {
    if (!f.repoPath.endsWith('.py')) continue;
    for (const imp of repo.python.get(f.repoPath)?.imports ?? []) {
      for (const part of imp.module.split('.')) names.add(part);
      for (const name of imp.names) names.add(name);
    }
  }
  return names;
}

const TEST_FILE = /(^|\/)(tests?|testing)\/|(^|\/)(test_[^/]*|[^/]*_test|conftest)\.py$/;

// Frameworks that import application modules by string (INSTALLED_APPS, autodiscovery), which
// an import closure cannot follow: audit every file in the image instead.
const STRING_LOADERS = new Set(['django']);

/**
 * The shell scripts a command runs, as repo paths: each command word naming a file the image
 * holds from the repository that is not Python (`/entrypoint.sh`, `./start`, `sh docker/run.sh`).
 * Loaded as text, so the programs they start count as used.
 */
/**
 * The image file a command word names: the path from the working directory, else, for a bare
 * name (`CMD ["run.sh"]` with `ENV PATH="/scripts:$PATH"`), where exec finds it on the image's PATH.
 */
function commandFile(fs: ImageFs, cwd: string, word: string, envPath: string | undefined): ImageFile | undefined {
  return fs.file(imageResolve(cwd, word)) ?? fs.command(word, cwd, pathDirsOf(envPath));
}

export function commandScripts(repo: Repository, fs: ImageFs, cwd: string, argv: readonly string[], envPath?: string): string[] {
  const out = new Set<string>();
  for (const word of argv) {
    if (word === '' || word.startsWith('-') || word.includes('$') || !/^[./]|\.(sh|bash)$/.test(word)) continue;
    const file = commandFile(fs, cwd, word, envPath);
    if (!file || file.repoPath.endsWith('.py') || escapesRoot(file.repoPath)) continue;
    const known = repo.files.get(file.repoPath); // never re-read a file discovered as another kind
    if (known ? known.kind === 'config' : repo.load(file.repoPath, 'config')) out.add(file.repoPath);
  }
  return [...out].sort();
}

/**
 * The words after a wrapper script that hands over to its arguments (`exec "$@"`, `exec gosu app
 * "$@"`): `["/entrypoint.sh", "gunicorn", …]` → `["gunicorn", …]`. Empty when the first word is
 * not such a script of the image.
 */
export function afterWrapper(repo: Repository, fs: ImageFs, cwd: string, argv: readonly string[], envPath?: string): string[] {
  const [first, ...rest] = argv;
  if (first === undefined || rest.length === 0 || first.includes('$')) return [];
  const file = commandFile(fs, cwd, first, envPath);
  if (!file || file.repoPath.endsWith('.py') || escapesRoot(file.repoPath)) return [];
  const text = (repo.files.get(file.repoPath) ?? repo.load(file.repoPath, 'config'))?.text ?? '';
  return /^\s*exec\s+(?:(?:gosu|su-exec|tini|dumb-init|setpriv|runuser|chpst)\b[^\n"]*)?"\$@"\s*$/m.test(text) ? rest : [];
}

export function runFilesOf(
  repo: Repository,
  fs: ImageFs,
  pythonPath: readonly string[],
  cwd: string,
  entry: EntryPoint | null,
): { files: RunFile[]; from: Service['runFilesFrom'] } {
  const start: ImageFile[] = [];
  // The file Python runs as `__main__` (`python x.py`, `python -m mod`): only there does an
  // `if __name__ == "__main__":` block run; in a module it is imported as, it never does.
  let mainPath: string | null = null;
  const python = entry?.runner.startsWith('python') === true;
  if (entry?.module) {
    const parts = entry.module.split('.');
    const hit = findModule(fs, pythonPath, parts);
    appendAll(start, hit?.files ?? []);
    // `python -m pkg` runs pkg/__main__.py after pkg/__init__.py.
    const main = hit && entry.runner === 'python' ? fs.file(`${hit.pathEntry === '/' ? '' : hit.pathEntry}/${parts.join('/')}/__main__.py`) : undefined;
    if (main) start.push(main);
    if (python) mainPath = main?.imagePath ?? hit?.files.at(-1)?.imagePath ?? null;
  }
  if (entry?.script) {
    const file = fs.file(imageResolve(cwd, entry.script));
    if (file) start.push(file);
    if (python && file) mainPath = file.imagePath;
  }
  let imported: Set<string> | null = null;
  const importedOnce = (): ReadonlySet<string> => (imported ??= importedNames(repo, fs));
  const allImageFiles = (): { files: RunFile[]; from: Service['runFilesFrom'] } => ({
    files: [...fs.all()]
      .filter((f) => f.repoPath.endsWith('.py') && f.imagePath.endsWith('.py') && !TEST_FILE.test(f.repoPath) && !SCRIPT_DIR.test(f.repoPath) && !standaloneScript(repo, fs, f, importedOnce))
      .map((f) => ({ repoPath: f.repoPath, imagePath: f.imagePath }))
      .sort((a, b) => (a.imagePath < b.imagePath ? -1 : 1)),
    from: 'all-image-files',
  });
  if (start.length === 0) return allImageFiles();
  const seen = new Map<string, ImageFile>();
  const queue = [...start];
  while (queue.length > 0) {
    const file = queue.pop();
    if (!file || seen.has(file.imagePath)) continue;
    seen.set(file.imagePath, file);
    for (const imp of repo.python.get(file.repoPath)?.imports ?? []) {
      if (imp.typeChecking || (imp.mainBlock === true && file.imagePath !== mainPath)) continue;
      if (imp.level === 0 && STRING_LOADERS.has(imp.module.split('.')[0] ?? '')) return allImageFiles();
      for (const target of importTargets(fs, pythonPath, file.imagePath, imp)) if (!seen.has(target.imagePath)) queue.push(target);
    }
  }
  const files = [...seen.values()].map((f) => ({ repoPath: f.repoPath, imagePath: f.imagePath }));
  files.sort((a, b) => (a.imagePath < b.imagePath ? -1 : 1));
  return { files, from: 'entry' };
}

/**
 * The sys.path changes of the files that run: each evaluated for its file (`__file__` is its image
 * path; relative entries resolve against the working directory), or listed as unknown.
 */
export function sysPathEditsOf(repo: Repository, files: readonly RunFile[], cwd: string): { entries: { dir: string; front: boolean }[]; unknown: Service['sysPathUnknown'] } {
  const entries: { dir: string; front: boolean }[] = [];
  const unknown: { file: string; line: number; expr: string | null }[] = [];
  for (const file of files) {
    const model = repo.python.get(file.repoPath);
    if (!model?.sysPathEdits || file.imagePath === null) continue;
    for (const edit of model.sysPathEdits) {
      const dir = edit.expr === null ? null : evaluateSysPathEntry(edit.expr, file.imagePath, cwd, model.pathAssignments ?? [], edit.line);
      if (dir === null) unknown.push({ file: file.repoPath, line: edit.line, expr: edit.expr });
      else entries.push({ dir, front: edit.front });
    }
  }
  return { entries, unknown };
}
