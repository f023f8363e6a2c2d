// Builds the Project: the Repository (every file parsed once), first-party modules indexed, then
// one Service per deployable unit (./service/).
import { FirstPartyIndex } from './first-party.js';
import { EMPTY_METADATA, type MetadataIndex } from './metadata-index.js';
import { ModuleMap } from './module-map.js';
import type { NpmGraph } from './npm-graph-types.js';
import { Repository, type RepositoryInput } from './repository.js';
import { buildServices } from './service/index.js';
import type { Project, Service } from './types.js';

export { Repository, type ExtraFileReader, type RepositoryInput } from './repository.js';

export interface ProjectInput extends RepositoryInput {
  readonly root: string;
  readonly warnings: readonly { readonly file: string; readonly message: string }[];
  readonly moduleMap?: Readonly<Record<string, string | readonly string[]>>;
  readonly metadata?: MetadataIndex;
  readonly npmGraphs?: ReadonlyMap<string, NpmGraph>;
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
    fileRoles: repo.roles,
    services,
    diagnostics: repo.diagnostics,
    warnings: input.warnings,
    installedBy,
    metadata: input.metadata ?? EMPTY_METADATA,
    npmGraphs: input.npmGraphs ?? new Map(),
    absentPaths: [...repo.missing].sort(),
    tooLargePaths: [...(input.tooLarge ?? [])].sort(),
    pyprojectAt: (path) => (repo.files.has(path) ? repo.pyprojectAt(path) : null),
    jsonAt: (path) => repo.jsonAt(path),
  };
}
