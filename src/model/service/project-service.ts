// A repository without Docker: audited as its Python projects, one service each (the root's, and
// one per folder with its own pyproject.toml or setup file, or as `projects:` configures them).
import type { PipInstall } from '../../parsers/types.js';
import { projectDependenciesAt } from '../local-project.js';
import type { ProjectOptions } from '../project-options.js';
import { pythonProjects, type PythonProject } from '../python-projects.js';
import type { Repository } from '../repository.js';
import type { InstallStep, InstalledRequirement, Service } from '../types.js';
import { isUnder, repoJoin } from '../../util/paths.js';
import { emptyService } from './empty.js';

export function projectServices(repo: Repository, options?: ProjectOptions): Service[] {
  const projects = pythonProjects(repo, options);
  return projects.map((project) => projectService(repo, project, projects));
}

function projectService(repo: Repository, project: PythonProject, all: readonly PythonProject[]): Service {
  const nested = all.filter((p) => p !== project && p.root !== project.root && isUnder(p.root, project.root)).map((p) => p.root);
  const owned = (path: string): boolean => isUnder(path, project.root) && !nested.some((dir) => isUnder(path, dir));
  const installedKeys = new Set<string>();
  const installed: InstalledRequirement[] = [];
  // Every requirements line of the project's files (locks too): the pin rules read them.
  for (const [path, model] of [...repo.requirements.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!owned(path)) continue;
    for (const requirement of model.requirements) installed.push({ requirement, file: path, via: noStep(path), constraint: false });
  }
  for (const declaration of project.declarations) installedKeys.add(declaration.requirement.key);
  const local = projectDependenciesAt(repo, null, project.root);
  for (const dep of local.keys) installedKeys.add(dep);
  return {
    ...emptyService({ name: project.root === '' ? '(project)' : `(project) ${project.root}`, kind: 'project', composeFile: null, compose: null, production: true }),
    installed,
    installedKeys,
    runFiles: project.code.map((c) => ({ repoPath: c.repoPath, imagePath: null })),
    runFilesFrom: 'all-repo-files',
    unknownInstalls: local.unknown ? [{ file: repoJoin(project.root, 'setup.py'), line: 1, message: local.unknown }] : [],
    project,
  };
}

function noStep(file: string): InstallStep {
  const pip: PipInstall = { tool: 'pip', requirementFiles: [], packages: [], localPaths: [], upgrade: false, line: 1, span: { start: 0, end: 0 } };
  return { file, line: 1, span: { start: 0, end: 0 }, pip, stage: -1, instructionIndex: -1, workdir: '/' };
}
