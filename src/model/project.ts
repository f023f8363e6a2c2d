// Builds the Project: parses every discovered file once (plus files that other files reference,
// loaded on demand), indexes first-party modules, then joins everything per service.
import type { ComposeFileModel, DockerfileModel, PythonFileModel, RequirementsFileModel } from '../parsers/types.js';
import { parseCompose } from '../parsers/compose.js';
import { parseDockerfile } from '../parsers/dockerfile.js';
import { scanPythonImports } from '../parsers/python-imports.js';
import { parseRequirements } from '../parsers/requirements.js';
import type { FileKind, SourceFile } from '../source.js';
import { EMPTY_DOCKERIGNORE, parseDockerignore, type DockerIgnore } from './dockerignore.js';
import { FirstPartyIndex } from './first-party.js';
import { EMPTY_METADATA, type MetadataIndex } from './metadata-index.js';
import { ModuleMap } from './module-map.js';
import { buildServices } from './services.js';
import type { FileDiagnostic, Project, Service } from './types.js';
import { lowerBound } from '../util/paths.js';

/**
 * Reads a repo file that discovery did not classify (a `-r` target, a compose dockerfile). The model
 * never touches the disk: the caller (audit.ts) injects this reader, which applies the root and
 * symlink checks and in-memory overrides.
 */
export type ExtraFileReader = (repoPath: string, kind: FileKind) => SourceFile | null;

export interface ProjectInput {
  readonly root: string;
  readonly files: readonly SourceFile[];
  readonly warnings: readonly { readonly file: string; readonly message: string }[];
  readonly readExtra: ExtraFileReader;
  readonly moduleMap?: Readonly<Record<string, string | readonly string[]>>;
  /** Names of files that exist but are not read (see Discovery.otherPaths). */
  readonly otherPaths?: readonly string[];
  readonly metadata?: MetadataIndex;
  /** Import models already scanned (on worker threads) for these exact files, by repo path. */
  readonly scannedPython?: ReadonlyMap<string, PythonFileModel>;
}

/** Lazily parsed access to the repository's files; shared by the service builder. */
export class Repository {
  readonly files = new Map<string, SourceFile>();
  readonly python = new Map<string, PythonFileModel>();
  readonly requirements = new Map<string, RequirementsFileModel>();
  readonly dockerfiles = new Map<string, DockerfileModel>();
  readonly compose = new Map<string, ComposeFileModel>();
  readonly diagnostics: FileDiagnostic[] = [];
  private readonly dockerignores = new Map<string, DockerIgnore>();
  readonly missing = new Set<string>();
  private sortedPaths: string[] | null = null;

  constructor(private readonly input: ProjectInput) {
    for (const file of input.files) this.files.set(file.path, file);
    for (const file of input.files) this.parse(file);
  }

  private parse(file: SourceFile): void {
    const report = (model: { diagnostics: readonly FileDiagnostic['diagnostic'][] }): void => {
      for (const diagnostic of model.diagnostics) this.diagnostics.push({ file: file.path, diagnostic });
    };
    switch (file.kind) {
      case 'python': {
        const model = this.input.scannedPython?.get(file.path) ?? scanPythonImports(file.text);
        this.python.set(file.path, model);
        report(model);
        break;
      }
      case 'requirements': {
        const model = parseRequirements(file.text);
        this.requirements.set(file.path, model);
        report(model);
        break;
      }
      case 'dockerfile': {
        const model = parseDockerfile(file.text);
        this.dockerfiles.set(file.path, model);
        report(model);
        break;
      }
      case 'compose': {
        const model = parseCompose(file.text);
        this.compose.set(file.path, model);
        report(model);
        break;
      }
      default:
        break;
    }
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

  requirementsAt(path: string): RequirementsFileModel | null {
    return this.load(path, 'requirements') ? (this.requirements.get(path) ?? null) : null;
  }

  dockerfileAt(path: string): DockerfileModel | null {
    return this.load(path, 'dockerfile') ? (this.dockerfiles.get(path) ?? null) : null;
  }

  /** `<Dockerfile>.dockerignore` beside the Dockerfile wins over `<context>/.dockerignore` (BuildKit). */
  dockerignoreFor(context: string, dockerfilePath: string): DockerIgnore {
    const specific = `${dockerfilePath}.dockerignore`;
    const general = context ? `${context}/.dockerignore` : '.dockerignore';
    const path = this.load(specific, 'dockerignore') ? specific : general;
    const cached = this.dockerignores.get(path);
    if (cached) return cached;
    const file = this.load(path, 'dockerignore');
    const parsed = file ? parseDockerignore(file.text) : EMPTY_DOCKERIGNORE;
    this.dockerignores.set(path, parsed);
    return parsed;
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

export function buildProject(input: ProjectInput): Project {
  const repo = new Repository(input);
  const firstParty = new FirstPartyIndex([...repo.python.keys()].sort());
  const moduleMap = new ModuleMap(input.moduleMap ?? {}, input.metadata?.installed ?? []);
  const services = buildServices(repo, firstParty, moduleMap);
  const installedBy = new Map<string, Service[]>();
  for (const service of services) {
    if (service.kind === 'project') continue;
    for (const installed of service.installedFiles) {
      const list = installedBy.get(installed.path) ?? [];
      if (!list.includes(service)) list.push(service);
      installedBy.set(installed.path, list);
    }
  }
  return {
    root: input.root,
    files: repo.files,
    repoPaths: repo.repoPaths(),
    otherPaths: [...(input.otherPaths ?? [])].sort(),
    python: repo.python,
    requirements: repo.requirements,
    dockerfiles: repo.dockerfiles,
    compose: repo.compose,
    firstParty,
    moduleMap,
    services,
    diagnostics: repo.diagnostics,
    warnings: input.warnings,
    installedBy,
    metadata: input.metadata ?? EMPTY_METADATA,
    absentPaths: [...repo.missing].sort(),
  };
}
