// Builds the Project: the Repository (every file parsed once), first-party modules indexed, then
// one Service per deployable unit (./service/).
import { FirstPartyIndex } from './first-party.js';
import { EMPTY_METADATA, type MetadataIndex } from './metadata-index.js';
import { ModuleMap } from './module-map.js';
import type { NpmGraph } from './npm-graph-types.js';
import { Repository, type RepositoryInput } from './repository.js';
import { buildServices } from './service/index.js';
import { MODEL_PARTS, type ModelPart, type Project, type Service } from './types.js';
import type { ProjectOptions } from './project-options.js';
import type { PythonFileModel } from '../parsers/types.js';

export { Repository, type ExtraFileReader, type RepositoryInput } from './repository.js';

export interface ProjectInput extends RepositoryInput {
  readonly root: string;
  readonly warnings: readonly { readonly file: string; readonly message: string }[];
  readonly moduleMap?: Readonly<Record<string, string | readonly string[]>>;
  readonly metadata?: MetadataIndex;
  /**
   * The parts of the model to build (default: every part). A part left out is empty: without
   * `runFiles`, every Docker service's `runFiles` is `[]`.
   */
  readonly parts?: ReadonlySet<ModelPart>;
  /** Project mode's settings (which projects, code, exclusions, dev extras...); defaults when absent. */
  readonly projectOptions?: ProjectOptions;
  readonly npmGraphs?: ReadonlyMap<string, NpmGraph>;
}

/**
 * The Python code rules read: every Python file of the repository; in project mode, the code of
 * its projects (notebooks included, excluded files not), which is what the projects cover.
 */
function projectCode(repo: Repository, services: readonly Service[]): ReadonlyMap<string, PythonFileModel> {
  const projects = services.filter((s) => s.project !== null);
  if (projects.length === 0) return repo.python;
  const out = new Map<string, PythonFileModel>();
  for (const service of projects) {
    for (const file of service.project?.code ?? []) {
      const model = repo.python.get(file.repoPath) ?? repo.notebookAt(file.repoPath);
      if (model) out.set(file.repoPath, model);
    }
  }
  return out;
}

export function buildProject(input: ProjectInput): Project {
  const repo = new Repository(input);
  const firstParty = new FirstPartyIndex([...repo.python.keys()].sort(), input.projectOptions?.knownFirstParty ?? []);
  const moduleMap = new ModuleMap(input.moduleMap ?? {}, input.metadata?.installed ?? []);
  const services = buildServices(repo, firstParty, moduleMap, input.parts ?? new Set(MODEL_PARTS), input.projectOptions);
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
    python: projectCode(repo, services),
    requirements: repo.requirements,
    dockerfiles: repo.dockerfiles,
    compose: repo.compose,
    firstParty,
    moduleMap,
    fileRoles: repo.roles,
    services,
    diagnostics: repo.diagnostics,
    warnings: input.warnings,
    installedBy,
    metadata: input.metadata ?? EMPTY_METADATA,
    npmGraphs: input.npmGraphs ?? new Map(),
    // Read when the report is cached, after the rules: paths they asked the disk about count too.
    get absentPaths() {
      return [...repo.missing].sort();
    },
    onDisk: (repoPath) => repo.onDisk(repoPath),
    tooLargePaths: [...(input.tooLarge ?? [])].sort(),
    pyprojectAt: (path) => (repo.files.has(path) ? repo.pyprojectAt(path) : null),
    jsonAt: (path) => repo.jsonAt(path),
  };
}
