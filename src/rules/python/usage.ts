// What a service really uses, for DEP004: the modules its Python imports (every Python file in
// the image, not only those reached from the entry: unused must never be claimed on a guess), the
// words of its command, Dockerfile and compose file, and identifier words inside
// Python string literals (`INSTALLED_APPS = ["corsheaders"]`, `"postgresql+psycopg2://"`).
import { normalizeName } from '../../model/module-map.js';
import { distributionOf } from '../../model/queries.js';
import type { Project, Service } from '../../model/types.js';
import type { SourceFile } from '../../source.js';
import { pathsUnder } from '../../util/paths.js';

export interface UsageFacts {
  /** Top-level and full dotted names of every imported module. */
  readonly modules: ReadonlySet<string>;
  /** Normalised distributions the imports map to (alternatives included). */
  readonly distributions: ReadonlySet<string>;
  /** Words from the command, the Dockerfile, the compose file and Python string literals. */
  readonly words: ReadonlySet<string>;
  readonly pythonFiles: number;
}

const cache = new WeakMap<Service, UsageFacts>();
const stringWordsCache = new WeakMap<SourceFile, readonly string[]>();

export function usageOf(project: Project, service: Service): UsageFacts {
  const cached = cache.get(service);
  if (cached) return cached;
  const modules = new Set<string>();
  const distributions = new Set<string>();
  const words = new Set<string>();
  const pythonFiles = serviceFiles(project, service);
  for (const path of pythonFiles) {
    for (const imp of project.python.get(path)?.imports ?? []) {
      if (imp.level > 0 || imp.module === '') continue;
      modules.add(imp.module);
      modules.add(imp.module.split('.')[0] ?? imp.module);
      for (const dist of distributionOf(project, imp).distributions) distributions.add(normalizeName(dist));
    }
    const file = project.files.get(path);
    if (file) for (const word of stringWords(file)) words.add(word);
  }
  for (const path of buildFiles(service)) {
    const file = project.files.get(path);
    if (file) for (const word of wordsOf(file.text)) words.add(word);
  }
  for (const arg of service.argv) for (const word of wordsOf(arg)) words.add(word);
  const facts = { modules, distributions, words, pythonFiles: pythonFiles.length };
  cache.set(service, facts);
  return facts;
}

/** Repo paths of the Python files a service's image holds (all repo Python files without an image). */
function serviceFiles(project: Project, service: Service): string[] {
  const fs = service.final?.fs;
  if (!fs) return [...project.python.keys()].sort();
  const out = new Set<string>();
  for (const file of fs.all()) if (file.repoPath.endsWith('.py') && project.python.has(file.repoPath)) out.add(file.repoPath);
  for (const run of service.runFiles) out.add(run.repoPath);
  // First-party code the image should hold but does not (DEP002) still says what it needs:
  // without it, a forgotten `COPY shared/` would also make shared's dependencies look unused.
  for (const path of [...out]) {
    for (const imp of project.python.get(path)?.imports ?? []) {
      if (imp.level > 0) continue;
      for (const location of project.firstParty.candidates(imp.module)) {
        if (location.endsWith('.py')) {
          if (project.python.has(location)) out.add(location);
          continue;
        }
        for (const repoPath of pathsUnder(project.repoPaths, location)) if (repoPath.endsWith('.py') && project.python.has(repoPath)) out.add(repoPath);
      }
    }
  }
  return [...out].sort();
}

/** The Dockerfile and compose file that build and start the service. */
function buildFiles(service: Service): string[] {
  return [service.dockerfilePath, service.composeFile].filter((p): p is string => p !== null);
}

/** Identifier-like words inside a Python file's string literals (one pass, cached per file). */
function stringWords(file: SourceFile): readonly string[] {
  let words = stringWordsCache.get(file);
  if (!words) {
    const found = new Set<string>();
    for (const match of file.text.matchAll(/'([^'\\\n]|\\.){1,300}'|"([^"\\\n]|\\.){1,300}"/g)) for (const word of wordsOf(match[0])) found.add(word);
    words = [...found];
    stringWordsCache.set(file, words);
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
