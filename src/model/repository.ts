// The repository as the model sees it: every file parsed once, by kind. Files that other files
// reference (a `-r` target, a compose dockerfile, an env file) are loaded on demand through a
// reader the caller injects: the model never reads the disk.
import type { ComposeFileModel, DockerfileModel, PythonFileModel, RequirementsFileModel } from '../parsers/types.js';
import { parseJsonObject, type JsonObject } from '../parsers/json.js';
import { parsePyproject, type PyprojectModel } from '../parsers/pyproject.js';
import { scanNotebook } from '../parsers/notebook.js';
import { scanJsImports, type JsFileModel } from '../parsers/js-imports.js';
import { DIRECT_PARSE, type ParseMemo } from '../parsers/memo.js';
import { parseDockerfile } from '../parsers/dockerfile.js';
import type { FileKind, SourceFile } from '../source.js';
import { EMPTY_DOCKERIGNORE, parseDockerignore, type DockerIgnore } from './dockerignore.js';
import { DEFAULT_FILE_ROLES, FileRoles, type FileRolePolicy } from './file-roles.js';
import type { FileDiagnostic } from './types.js';
import { parseGitRemotes, type GitRemote } from './git-remotes.js';
import { isUnder, lowerBound, pathsUnder, relativeTo } from '../util/paths.js';

/**
 * Reads a repo file that discovery did not classify (a `-r` target, a compose dockerfile). The model
 * never touches the disk: the caller (audit.ts) injects this reader, which applies the root and
 * symlink checks and in-memory overrides.
 */
export type ExtraFileReader = (repoPath: string, kind: FileKind) => SourceFile | null;


/** What a Repository is made of: the discovered files and a reader for the ones referenced later. */
export interface RepositoryInput {
  readonly files: readonly SourceFile[];
  readonly readExtra: ExtraFileReader;
  /** Names of files that exist but are not read (see Discovery.otherPaths). */
  readonly otherPaths?: readonly string[];
  /** Ignored folders the walk did not enter (see Discovery.unwalkedDirs), sorted or not. */
  readonly unwalkedDirs?: readonly string[];
  /** What is on disk at a repo path (`lstat`), asked only under an unwalked folder; absent: unknown. */
  readonly onDisk?: (repoPath: string) => 'file' | 'dir' | null;
  /**
   * Files that exist but were not read for being over the size limit (discovered or read on
   * demand; the reader adds to it): what they hold is unknown, not absent.
   */
  readonly tooLarge?: ReadonlySet<string>;
  /** Import models already scanned (on worker threads) for these exact files, by repo path. */
  readonly scannedPython?: ReadonlyMap<string, PythonFileModel>;
  /** Parses Python, requirements, Dockerfile and compose texts (default: parses each; a store may remember models across runs). */
  readonly parseMemo?: ParseMemo;
  /** Which compose files and Dockerfiles are development ones (config `production`/`development`/`composeSets`). */
  readonly fileRoles?: FileRolePolicy;
}

/**
 * Every file of the repository, each parsed once by kind (Python imports, requirements,
 * Dockerfiles, compose files; pyproject.toml on first use), plus files referenced later loaded on
 * demand through the injected reader. Shared by the service builder; knows nothing of services.
 */
export class Repository {
  readonly files = new Map<string, SourceFile>();
  readonly python = new Map<string, PythonFileModel>();
  /** Jupyter notebooks by path; their code cells are read as Python on first use (project mode only). */
  private readonly notebookFiles = new Map<string, SourceFile>();
  private readonly notebookModels = new Map<string, PythonFileModel>();
  readonly requirements = new Map<string, RequirementsFileModel>();
  readonly dockerfiles = new Map<string, DockerfileModel>();
  readonly compose = new Map<string, ComposeFileModel>();
  readonly diagnostics: FileDiagnostic[] = [];
  private readonly dockerignores = new Map<string, DockerIgnore>();
  readonly missing = new Set<string>();
  private sortedPaths: string[] | null = null;

  readonly roles: FileRoles;

  constructor(private readonly input: RepositoryInput) {
    this.roles = input.fileRoles ? new FileRoles(input.fileRoles) : DEFAULT_FILE_ROLES;
    for (const file of input.files) this.files.set(file.path, file);
    for (const file of input.files) this.parse(file);
  }

  private parse(file: SourceFile): void {
    const memo = this.input.parseMemo ?? DIRECT_PARSE;
    const report = (model: { diagnostics: readonly FileDiagnostic['diagnostic'][] }): void => {
      for (const diagnostic of model.diagnostics) this.diagnostics.push({ file: file.path, diagnostic });
    };
    switch (file.kind) {
      case 'python': {
        const model = this.input.scannedPython?.get(file.path) ?? memo.parse('python', file.text);
        this.python.set(file.path, model);
        report(model);
        break;
      }
      case 'notebook':
        // Parsed on first use: only project mode reads notebooks, and they can be large.
        this.notebookFiles.set(file.path, file);
        break;
      case 'requirements': {
        const model = memo.parse('requirements', file.text);
        this.requirements.set(file.path, model);
        report(model);
        break;
      }
      case 'dockerfile': {
        const model = memo.parse('dockerfile', file.text);
        this.dockerfiles.set(file.path, model);
        report(model);
        break;
      }
      case 'compose': {
        const model = memo.parse('compose', file.text);
        this.compose.set(file.path, model);
        report(model);
        break;
      }
      default:
        break;
    }
  }

  /** Paths of the repository's notebooks, sorted. */
  notebookPaths(): string[] {
    return [...this.notebookFiles.keys()].sort();
  }

  /** A notebook's code cells read as Python, parsed once; its problems become diagnostics then. */
  notebookAt(path: string): PythonFileModel | undefined {
    const known = this.notebookModels.get(path);
    if (known) return known;
    const file = this.notebookFiles.get(path);
    if (!file) return undefined;
    const model = scanNotebook(file.text);
    this.notebookModels.set(path, model);
    for (const diagnostic of model.diagnostics) this.diagnostics.push({ file: path, diagnostic });
    return model;
  }

  private remotes: readonly GitRemote[] | undefined;

  /** The remotes of the repository's own `.git/config` (audited folder at the work tree's top); [] without one. */
  gitRemotes(): readonly GitRemote[] {
    this.remotes ??= parseGitRemotes(this.load('.git/config', 'config')?.text ?? '');
    return this.remotes;
  }

  private readonly peeked = new Map<string, SourceFile | null>();

  /**
   * A file's text for a question about the repository (the scripts that build images, #16 idiom
   * 11), read once and not added to the audited files: no rule reads it, and the report's file
   * count stays the files the audit checks.
   */
  peek(path: string): SourceFile | null {
    const known = this.files.get(path);
    if (known) return known;
    if (!this.peeked.has(path)) this.peeked.set(path, this.missing.has(path) ? null : this.input.readExtra(path, 'config'));
    return this.peeked.get(path) ?? null;
  }

  /** A file of a given kind, loading it from disk the first time it is referenced. */
  load(path: string, kind: FileKind): SourceFile | null {
    const known = this.files.get(path);
    if (known) {
      if (known.kind !== kind && kind !== 'dockerignore') {
        const retyped: SourceFile = { ...known, kind };
        this.files.set(path, retyped);
        this.parse(retyped);
        return retyped;
      }
      return known;
    }
    if (this.missing.has(path)) return null;
    const loaded = this.input.readExtra(path, kind);
    if (!loaded) {
      this.missing.add(path);
      return null;
    }
    this.files.set(path, loaded);
    if (this.sortedPaths) insertSorted(this.sortedPaths, path); // no re-sort of every path per load
    this.parse(loaded);
    return loaded;
  }

  /** Exists but was not read (over the size limit); a path not loaded yet is loaded first. */
  isTooLarge(path: string, kind: FileKind = 'requirements'): boolean {
    if (!this.files.has(path)) this.load(path, kind);
    return this.input.tooLarge?.has(path) ?? false;
  }

  requirementsAt(path: string): RequirementsFileModel | null {
    return this.load(path, 'requirements') ? (this.requirements.get(path) ?? null) : null;
  }

  /** The pyproject.toml at `path`, parsed once (its TOML errors are not reported here). */
  pyprojectAt(path: string): PyprojectModel | null {
    const file = this.load(path, 'pyproject');
    if (!file) return null;
    let model = this.pyprojects.get(path);
    if (!model) {
      model = parsePyproject(file.text);
      this.pyprojects.set(path, model);
    }
    return model;
  }

  private readonly pyprojects = new Map<string, PyprojectModel>();

  /** A JSON file already read (package.json, package-lock.json), parsed once; null when absent or not an object. */
  jsonAt(path: string): JsonObject | null {
    const file = this.files.get(path);
    if (!file) return null;
    if (!this.jsons.has(path)) this.jsons.set(path, parseJsonObject(file.text));
    return this.jsons.get(path) ?? null;
  }

  private readonly jsons = new Map<string, JsonObject | null>();

  /**
   * A JavaScript or TypeScript file's imports, read on first use (only the files a Node service's
   * entry reaches are read); null when the file cannot be read.
   */
  javascriptAt(path: string): JsFileModel | null {
    const known = this.scripts.get(path);
    if (known !== undefined) return known;
    const file = this.load(path, 'javascript');
    const model = file ? scanJsImports(file.text, /\.[cm]?tsx?$/.test(path)) : null;
    this.scripts.set(path, model);
    return model;
  }

  private readonly scripts = new Map<string, JsFileModel | null>();

  /**
   * The Dockerfile's model; with build arguments (compose `build.args`), parsed again with them
   * over the ARG defaults (once per distinct set; its diagnostics are the plain parse's, reported once).
   */
  dockerfileAt(path: string, buildArgs: Readonly<Record<string, string>> = {}): DockerfileModel | null {
    const plain = this.load(path, 'dockerfile') ? (this.dockerfiles.get(path) ?? null) : null;
    if (plain === null || Object.keys(buildArgs).length === 0) return plain;
    const key = `${path}\0${JSON.stringify(Object.entries(buildArgs).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))}`;
    let model = this.dockerfilesWithArgs.get(key);
    if (!model) {
      model = parseDockerfile(this.files.get(path)?.text ?? '', buildArgs);
      this.dockerfilesWithArgs.set(key, model);
    }
    return model;
  }

  private readonly dockerfilesWithArgs = new Map<string, DockerfileModel>();

  /** `<Dockerfile>.dockerignore` beside the Dockerfile wins over `<context>/.dockerignore` (BuildKit). */
  dockerignoreFor(context: string, dockerfilePath: string): DockerIgnore {
    const specific = `${dockerfilePath}.dockerignore`;
    const general = context ? `${context}/.dockerignore` : '.dockerignore';
    const path = this.load(specific, 'dockerignore') ? specific : general;
    const cached = this.dockerignores.get(path);
    if (cached) return cached;
    const file = this.load(path, 'dockerignore');
    // Parsed once per content: services with equal .dockerignore files share one matcher and so
    // one memo of its answers (and one context membership, contextFiles).
    let parsed = file ? this.dockerignoresByText.get(file.text) : EMPTY_DOCKERIGNORE;
    if (!parsed) {
      parsed = parseDockerignore(file?.text ?? '');
      this.dockerignoresByText.set(file?.text ?? '', parsed);
    }
    this.dockerignores.set(path, parsed);
    return parsed;
  }

  private readonly dockerignoresByText = new Map<string, DockerIgnore>();

  /**
   * The paths a build context holds once its .dockerignore is applied (sorted), computed once per
   * (context, .dockerignore) and shared by every service and stage that builds from it; after a
   * file is loaded on demand it is recomputed, and the .dockerignore answers come from its memo.
   */
  contextFiles(context: string, dockerignore: DockerIgnore): readonly string[] {
    const paths = this.contextPaths();
    let byContext = this.contextMembers.get(dockerignore);
    if (!byContext) {
      byContext = new Map();
      this.contextMembers.set(dockerignore, byContext);
    }
    const cached = byContext.get(context);
    if (cached?.paths === paths) return cached.files;
    const files = pathsUnder(paths, context).filter((p) => !dockerignore.ignores(relativeTo(p, context)));
    byContext.set(context, { paths, files });
    return files;
  }

  private readonly contextMembers = new Map<DockerIgnore, Map<string, { paths: readonly string[]; files: readonly string[] }>>();

  /** Ignored folders the walk did not enter, sorted. */
  unwalkedDirs(): readonly string[] {
    this.unwalkedSorted ??= [...new Set(this.input.unwalkedDirs ?? [])].sort();
    return this.unwalkedSorted;
  }

  private unwalkedSorted: string[] | null = null;
  private readonly diskAnswers = new Map<string, 'file' | 'dir' | null>();

  /**
   * What the disk holds at a repo path under an unwalked folder (one lstat, remembered); null for
   * any other path (the walk saw everything there) or when nothing is there.
   */
  onDisk(repoPath: string): 'file' | 'dir' | null {
    const dirs = this.unwalkedDirs();
    if (!this.input.onDisk || !dirs.some((dir) => isUnder(repoPath, dir))) return null;
    let answer = this.diskAnswers.get(repoPath);
    if (answer === undefined) {
      answer = this.input.onDisk(repoPath);
      this.diskAnswers.set(repoPath, answer);
      // Stamped by the result cache with the absent paths: the report is redone when it changes.
      this.missing.add(repoPath);
    }
    return answer;
  }

  /** Every known repo path, sorted; cached until a file is loaded on demand. */
  repoPaths(): readonly string[] {
    this.sortedPaths ??= [...this.files.keys()].sort();
    return this.sortedPaths;
  }

  /**
   * Every path a build context can hold: files read and files only seen (shell scripts, assets),
   * so `COPY . .` puts `entrypoint.sh` in the image too. Sorted; rebuilt only after a load.
   */
  contextPaths(): readonly string[] {
    const read = this.repoPaths();
    if (this.contextCache?.count === read.length) return this.contextCache.paths;
    this.otherSorted ??= [...new Set(this.input.otherPaths ?? [])].sort();
    this.contextCache = { count: read.length, paths: mergeSorted(read, this.otherSorted) };
    return this.contextCache.paths;
  }

  private otherSorted: string[] | null = null;
  private contextCache: { count: number; paths: readonly string[] } | null = null;
}

/** Inserts a path into a sorted list (default string order), keeping it sorted. */
function insertSorted(list: string[], path: string): void {
  const at = lowerBound(list, path);
  if (list[at] !== path) list.splice(at, 0, path);
}

/** The union of two sorted lists, sorted, each path once: O(n), no sort. */
function mergeSorted(a: readonly string[], b: readonly string[]): string[] {
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    const next = y === undefined || (x !== undefined && x <= y) ? x : y;
    if (next === undefined) break;
    if (out[out.length - 1] !== next) out.push(next);
    if (next === x) i++;
    if (next === y) j++;
  }
  return out;
}
