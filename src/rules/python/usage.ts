// What a service really uses, for DEP002: the modules its Python imports (every Python file in
// the image, not only those reached from the entry: unused must never be claimed on a guess), the
// words of its command, Dockerfile and compose file, and identifier words inside
// Python string literals (`INSTALLED_APPS = ["corsheaders"]`, `"postgresql+psycopg2://"`).
import { normalizeName } from '../../model/module-map.js';
import { classifyImport, distributionOf } from '../../model/queries.js';
import type { Project, RunFile, Service } from '../../model/types.js';
import type { SourceFile } from '../../source.js';
import { stringLiteralWords } from '../../parsers/text-facts.js';
import { basename, pathsUnder } from '../../util/paths.js';

export interface UsageFacts {
  /** Top-level and full dotted names of every imported module. */
  readonly modules: ReadonlySet<string>;
  /** Normalised distributions the imports map to (alternatives included). */
  readonly distributions: ReadonlySet<string>;
  /**
   * Words from the command, the Dockerfile, the compose file and Python string literals. A union
   * of per-file sets, not a copy: 5,000 services of one compose file share that file's words
   * instead of each copying them (quadratic in the file's size).
   */
  readonly words: { has(word: string): boolean };
  readonly pythonFiles: number;
}

const cache = new WeakMap<Service, UsageFacts>();
const fileFactsCache = new WeakMap<SourceFile, FileFacts>();

/** The union of the facts of one list of Python files. */
interface CodeFacts {
  readonly modules: ReadonlySet<string>;
  readonly distributions: ReadonlySet<string>;
  readonly words: ReadonlySet<string>;
}

/**
 * Per project, the facts of each distinct list of Python files: the services built from one
 * Dockerfile hold the same files (145 services of one repository of the corpus, 2,000 files
 * each), and the union is made once for them all.
 */
const codeFactsCache = new WeakMap<Project, Map<string, CodeFacts>>();

export function usageOf(project: Project, service: Service): UsageFacts {
  const cached = cache.get(service);
  if (cached) return cached;
  const pythonFiles = serviceFiles(project, service);
  const code = codeFactsOf(project, pythonFiles);
  const wordSets: ReadonlySet<string>[] = [code.words];
  for (const path of buildFiles(service)) {
    const file = project.files.get(path);
    if (file) wordSets.push(buildFileWords(file));
  }
  const argvWords = new Set<string>();
  for (const arg of service.argv) for (const word of wordsOf(arg)) argvWords.add(word);
  wordSets.push(argvWords);
  const facts = { modules: code.modules, distributions: code.distributions, words: { has: (word: string): boolean => wordSets.some((set) => set.has(word)) }, pythonFiles: pythonFiles.length };
  cache.set(service, facts);
  return facts;
}

function codeFactsOf(project: Project, pythonFiles: readonly string[]): CodeFacts {
  let byFiles = codeFactsCache.get(project);
  if (!byFiles) codeFactsCache.set(project, (byFiles = new Map()));
  const key = pythonFiles.join('\n');
  const known = byFiles.get(key);
  if (known) return known;
  const modules = new Set<string>();
  const distributions = new Set<string>();
  const words = new Set<string>();
  for (const path of pythonFiles) {
    const file = project.files.get(path);
    if (!file) continue;
    const facts = fileFacts(project, file);
    for (const module of facts.modules) modules.add(module);
    for (const dist of facts.distributions) distributions.add(dist);
    for (const word of facts.words) words.add(word);
  }
  const code = { modules, distributions, words };
  byFiles.set(key, code);
  return code;
}

/** Repo paths of the Python files a service's image holds (all repo Python files without an image). */
function serviceFiles(project: Project, service: Service): string[] {
  // Project mode: the project's own code (its Python files and notebooks).
  if (service.project) return service.runFiles.map((f) => f.repoPath).sort();
  const fs = service.final?.fs;
  if (!fs) return [...project.python.keys()].sort();
  const out = new Map<string, RunFile>();
  for (const file of fs.all()) if (file.repoPath.endsWith('.py') && project.python.has(file.repoPath)) out.set(file.repoPath, file);
  for (const run of service.runFiles) out.set(run.repoPath, run);
  // First-party code the image should hold but does not (MOD001) still says what it needs:
  // without it, a forgotten `COPY shared/` would also make shared's dependencies look unused.
  // Only imports the image cannot resolve are followed, or every service's `app/` would count.
  const expanded = new Set<string>();
  for (const file of [...out.values()]) {
    for (const imp of project.python.get(file.repoPath)?.imports ?? []) {
      if (imp.level > 0 || imp.typeChecking) continue;
      const cls = classifyImport(project, service, file, imp);
      if (cls.kind !== 'first-party-missing') continue;
      for (const location of cls.candidates) {
        const key = `${location}\0${imp.module}\0${imp.names.join(',')}`;
        if (expanded.has(key)) continue;
        expanded.add(key);
        const paths = location.endsWith('.py') ? [location] : (moduleFilesUnder(project, location, imp) ?? pathsUnder(project.repoPaths, location));
        for (const repoPath of paths) if (repoPath.endsWith('.py') && project.python.has(repoPath) && !out.has(repoPath)) out.set(repoPath, { repoPath, imagePath: null });
      }
    }
  }
  return [...out.keys()].sort();
}

/**
 * The files Python runs for `import a.b.c` (or `from a.b import c`) when the package `a` is the
 * folder `location`: each package's `__init__.py` on the way and the module itself (a submodule
 * named after `import`, too), not every file of the package. Null when the folder is not a
 * package the module names (then the whole folder counts, as before).
 */
function moduleFilesUnder(project: Project, location: string, imp: { readonly module: string; readonly names: readonly string[] }): string[] | null {
  const parts = imp.module.split('.');
  const at = parts.indexOf(basename(location));
  if (at < 0) return null;
  const out: string[] = [];
  const add = (path: string): void => {
    if (project.python.has(path)) out.push(path);
  };
  let dir = location;
  add(`${dir}/__init__.py`);
  for (const part of parts.slice(at + 1)) {
    add(`${dir}/${part}.py`);
    dir = `${dir}/${part}`;
    add(`${dir}/__init__.py`);
  }
  for (const name of imp.names) {
    if (name === '*') continue;
    add(`${dir}/${name}.py`);
    add(`${dir}/${name}/__init__.py`);
  }
  return out;
}

/** The Dockerfile and compose file that build and start the service. */
function buildFiles(service: Service): string[] {
  return [service.dockerfilePath, service.composeFile, ...service.scripts].filter((p): p is string => p !== null);
}

interface FileFacts {
  readonly modules: readonly string[];
  readonly distributions: readonly string[];
  readonly words: readonly string[];
}

/**
 * One file's imports (as modules and distributions) and the identifier-like words inside its
 * string literals: computed once per file, since many services' images share the same files.
 */
function fileFacts(project: Project, file: SourceFile): FileFacts {
  let facts = fileFactsCache.get(file);
  if (!facts) {
    const modules = new Set<string>();
    const distributions = new Set<string>();
    for (const imp of project.python.get(file.path)?.imports ?? []) {
      if (imp.level > 0 || imp.module === '') continue;
      modules.add(imp.module);
      modules.add(imp.module.split('.')[0] ?? imp.module);
      for (const dist of distributionOf(project, imp).distributions) distributions.add(normalizeName(dist));
    }
    const words = new Set<string>();
    // A notebook's text is JSON, every line of its code a string: its words would be all its code.
    if (file.kind !== 'notebook') for (const word of wordsOf(project.python.get(file.path)?.stringWords ?? stringLiteralWords(file.text))) words.add(word);
    facts = { modules: [...modules], distributions: [...distributions], words: [...words] };
    fileFactsCache.set(file, facts);
  }
  return facts;
}

const buildWordsCache = new WeakMap<SourceFile, ReadonlySet<string>>();

/** A Dockerfile's or compose file's words, once per file: many services share one compose file. */
function buildFileWords(file: SourceFile): ReadonlySet<string> {
  let words = buildWordsCache.get(file);
  if (!words) {
    words = new Set(wordsOf(file.text));
    buildWordsCache.set(file, words);
  }
  return words;
}

function wordsOf(text: string): string[] {
  const out: string[] = [];
  for (const match of text.matchAll(/[A-Za-z_][A-Za-z0-9_-]*/g)) {
    const word = match[0];
    out.push(word, word.toLowerCase(), word.replace(/-/g, '_').toLowerCase());
  }
  return out;
}
