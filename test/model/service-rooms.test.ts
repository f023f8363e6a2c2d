// One cheap test per room of the service builder (src/model/service/), without the CLI.
import { describe, expect, it } from 'vitest';
import { Repository } from '../../src/model/repository.js';
import { EMPTY_DOCKERIGNORE } from '../../src/model/dockerignore.js';
import { composeSets } from '../../src/model/service/compose-sets.js';
import { guessContext, type BuildSpec } from '../../src/model/service/context.js';
import { simulateAndCollect } from '../../src/model/service/stages.js';
import { imagePython } from '../../src/model/service/command.js';
import { FileRoles } from '../../src/model/file-roles.js';
import { makeSourceFile, type FileKind } from '../../src/source.js';

function repository(files: Record<string, [FileKind, string]>, fileRoles?: { production: string[]; development: string[] }): Repository {
  return new Repository({
    fileRoles,
    root: '/repo',
    files: Object.entries(files).map(([path, [kind, text]]) => makeSourceFile(path, kind, text)),
    warnings: [],
    readExtra: () => null,
  });
}

const spec = (dockerfilePath: string, context = ''): BuildSpec => ({
  name: dockerfilePath, kind: 'dockerfile', composeFile: null, compose: null, production: true, context, dockerfilePath, target: null,
});

describe('service rooms', () => {
  it('compose-sets: the base file alone is the production set; base + override adds only what differs', () => {
    const repo = repository({
      'compose.yaml': ['compose', 'services:\n  web:\n    build: .\n'],
      'compose.override.yaml': ['compose', 'services:\n  web:\n    command: ["python", "-m", "app"]\n'],
    });
    const sets = composeSets(repo).map((s) => [s.production, s.services.map((m) => [m.composePath, m.compose.name])]);
    // the override's web builds the same image as the base's: no second service
    expect(sets).toEqual([[true, [['compose.yaml', 'web']]], [false, []]]);
  });

  it('context: a standalone Dockerfile whose COPY sources exist only at the root builds from the root', () => {
    const repo = repository({
      'docker/api/Dockerfile': ['dockerfile', 'FROM python:3.12\nCOPY app/ /app/\n'],
      'app/main.py': ['python', 'import os\n'],
    });
    expect(guessContext(repo, 'docker/api/Dockerfile')).toBe('');
  });

  it('stages + installs: COPY builds the file set, `-r` is expanded through includes', () => {
    const repo = repository({
      Dockerfile: ['dockerfile', 'FROM python:3.12-slim AS base\nWORKDIR /app\nCOPY requirements.txt base.txt ./\nRUN pip install -r requirements.txt\nFROM base\nCOPY app/ app/\n'],
      'requirements.txt': ['requirements', '-r base.txt\nfastapi==0.115.0\n'],
      'base.txt': ['requirements', 'uvicorn==0.30.0\n'],
      'app/main.py': ['python', 'import fastapi\n'],
    });
    const built = simulateAndCollect(repo, spec('Dockerfile'), repo.dockerfileAt('Dockerfile')!, EMPTY_DOCKERIGNORE);
    expect(built).not.toBeNull();
    expect(built!.final.fs.file('/app/app/main.py')?.repoPath).toBe('app/main.py');
    expect(built!.chain.map((s) => s.stage.name)).toEqual(['base', null]);
    expect(built!.collected.installed.map((i) => [i.requirement.key, i.file]).sort()).toEqual([['fastapi', 'requirements.txt'], ['uvicorn', 'base.txt']]);
    expect([...built!.collected.installedKeys].sort()).toEqual(['fastapi', 'uvicorn']);
  });

  it('command: the Python version an image name says it runs', () => {
    expect(imagePython('python:3.11-slim')).toBe('3.11');
    expect(imagePython('public.ecr.aws/lambda/python:3.10')).toBe('3.10');
    expect(imagePython('ubuntu:24.04')).toBeNull();
  });

  it('file roles: passed with the repository, config globs before the naming heuristic', () => {
    const roles = new FileRoles({ production: ['deploy/Dockerfile.dev'], development: ['compose.prod-like.yaml'] });
    expect(roles.isDevDockerfile('deploy/Dockerfile.dev')).toBe(false);
    expect(roles.isDevDockerfile('Dockerfile.dev')).toBe(true);
    expect(roles.isDevComposeFile('compose.prod-like.yaml')).toBe(true);
    const repo = repository({ 'compose.yaml': ['compose', 'services:\n  web:\n    build: .\n'] }, { production: [], development: ['compose.yaml'] });
    expect(composeSets(repo).map((s) => s.production)).toEqual([false]);
  });
});
