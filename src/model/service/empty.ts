// A Service with nothing built: the starting point of image-only services and plain projects.
import type { Service } from '../types.js';
import { DEFAULT_PYTHON } from './command.js';
import { EMPTY_VARS } from './compose-sets.js';

export function emptyService(base: Pick<Service, 'name' | 'kind' | 'composeFile' | 'compose' | 'production'>): Service {
  return {
    ...base, context: null, dockerfilePath: null, dockerfile: null, dockerignore: null, stages: [], final: null, pythonVersion: DEFAULT_PYTHON,
    installs: [], installedFiles: [], installed: [], installedKeys: new Set(), missingRequirementsFiles: [], unknownInstalls: [], systemModules: [], clones: [], repoBase: null, privilegeDrop: null,
    localPackageDirs: [], command: [], argv: [], entry: null, pythonPath: [], sysPathUnknown: [], cwd: '/', runFiles: [], runFilesFrom: 'entry', scripts: [],
    composeVars: EMPTY_VARS,
    envFileVars: [],
    devDockerfile: false,
    project: null,
    node: null,
  };
}
