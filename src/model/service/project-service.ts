// A repository without Docker: audited as one Python project.
import type { PipInstall } from '../../parsers/types.js';
import { projectDependenciesAt } from '../local-project.js';
import type { Repository } from '../repository.js';
import type { InstallStep, InstalledRequirement, Service } from '../types.js';
import { emptyService } from './empty.js';

export function projectService(repo: Repository): Service {
  const files = [...repo.python.keys()].sort().map((repoPath) => ({ repoPath, imagePath: null }));
  const installedKeys = new Set<string>();
  const installed: InstalledRequirement[] = [];
  for (const [path, model] of [...repo.requirements.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    for (const requirement of model.requirements) {
      installedKeys.add(requirement.key);
      installed.push({ requirement, file: path, via: noStep(path), constraint: false });
    }
  }
  const local = projectDependenciesAt(repo, null, '');
  for (const dep of local.keys) installedKeys.add(dep);
  return {
    ...emptyService({ name: '(project)', kind: 'project', composeFile: null, compose: null, production: true }),
    installed, installedKeys, runFiles: files, runFilesFrom: 'all-repo-files',
    unknownInstalls: local.unknown ? [{ file: 'setup.py', line: 1, message: local.unknown }] : [],
  };
}

function noStep(file: string): InstallStep {
  const pip: PipInstall = { tool: 'pip', requirementFiles: [], packages: [], localPaths: [], upgrade: false, line: 1, span: { start: 0, end: 0 } };
  return { file, line: 1, span: { start: 0, end: 0 }, pip, stage: -1, instructionIndex: -1, workdir: '/' };
}
