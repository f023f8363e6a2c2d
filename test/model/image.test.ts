// The image file set as Docker builds it: COPY semantics, .dockerignore, WORKDIR, --from chains.
import { describe, expect, it } from 'vitest';
import { parseDockerignore } from '../../src/model/dockerignore.js';
import { ImageFs, simulateStages } from '../../src/model/image.js';
import { parseDockerfile } from '../../src/parsers/dockerfile.js';

const REPO = [
  'svc/requirements.txt',
  'svc/app/__init__.py',
  'svc/app/main.py',
  'svc/app/tests/test_main.py',
  'svc/scripts/seed.py',
  'svc/README.md',
  'shared/__init__.py',
  'shared/util.py',
  'top.py',
].sort();

function image(dockerfile: string, context = 'svc', ignore = '') {
  const states = simulateStages({
    dockerfilePath: 'svc/Dockerfile', dockerfile: parseDockerfile(dockerfile), context, repoFiles: REPO, dockerignore: parseDockerignore(ignore),
  });
  const final = states[states.length - 1];
  if (!final) throw new Error('no stage');
  return { final, paths: [...final.fs.all()].map((f) => `${f.imagePath} <- ${f.repoPath}`).sort() };
}

describe('COPY semantics', () => {
  it('copies a directory\'s contents, resolving relative destinations against WORKDIR', () => {
    const { paths } = image('FROM python:3.12\nWORKDIR /app\nCOPY app/ app/\nCOPY requirements.txt .\n');
    expect(paths).toEqual([
      '/app/app/__init__.py <- svc/app/__init__.py',
      '/app/app/main.py <- svc/app/main.py',
      '/app/app/tests/test_main.py <- svc/app/tests/test_main.py',
      '/app/requirements.txt <- svc/requirements.txt',
    ]);
  });

  it('COPY . . brings the whole context; a file to a path without a slash is renamed', () => {
    const { paths } = image('FROM python:3.12\nWORKDIR /srv\nCOPY . .\nCOPY requirements.txt /deps.txt\n');
    expect(paths).toContain('/srv/app/main.py <- svc/app/main.py');
    expect(paths).toContain('/srv/scripts/seed.py <- svc/scripts/seed.py');
    expect(paths).toContain('/deps.txt <- svc/requirements.txt');
  });

  it('honours globs and several sources into a directory', () => {
    const { paths } = image('FROM python:3.12\nCOPY requirements*.txt app/main.py /opt/\n');
    expect(paths).toEqual(['/opt/main.py <- svc/app/main.py', '/opt/requirements.txt <- svc/requirements.txt']);
  });

  it('uses the repository root as context when asked, and ignores sources outside it', () => {
    const { paths } = image('FROM python:3.12\nWORKDIR /app\nCOPY shared/ ./shared/\nCOPY top.py .\n', '');
    expect(paths).toEqual(['/app/shared/__init__.py <- shared/__init__.py', '/app/shared/util.py <- shared/util.py', '/app/top.py <- top.py']);
  });

  it('follows COPY --from=<stage> and records when each file arrived', () => {
    const { final, paths } = image('FROM python:3.12 AS build\nWORKDIR /src\nCOPY app/ app/\nFROM python:3.12-slim\nRUN echo hi\nCOPY --from=build /src/app /app/app\n');
    expect(paths).toEqual(['/app/app/__init__.py <- svc/app/__init__.py', '/app/app/main.py <- svc/app/main.py', '/app/app/tests/test_main.py <- svc/app/tests/test_main.py']);
    expect(final.fs.file('/app/app/main.py', 1)).toBeUndefined();
    expect(final.fs.file('/app/app/main.py', 2)).toBeDefined();
  });

  it('inherits the parent stage for FROM <stage>, with its WORKDIR and ENV', () => {
    const { final } = image('FROM python:3.12 AS base\nWORKDIR /app\nENV PYTHONPATH=/app/src\nCOPY app/ app/\nFROM base\nCOPY scripts/ scripts/\n');
    expect(final.workdir).toBe('/app');
    expect(final.env.get('PYTHONPATH')?.value).toBe('/app/src');
    expect(final.fs.file('/app/app/main.py')?.addedAt).toBe(-1);
    expect(final.fs.file('/app/scripts/seed.py')).toBeDefined();
  });
});

describe('.dockerignore', () => {
  it('excludes with Docker semantics: anchored patterns, **, parent directories, ! re-includes', () => {
    const { paths } = image('FROM python:3.12\nCOPY . /app/\n', 'svc', '# comment\n**/tests\n*.md\nscripts\n!scripts/seed.py\n');
    expect(paths).toEqual([
      '/app/app/__init__.py <- svc/app/__init__.py',
      '/app/app/main.py <- svc/app/main.py',
      '/app/requirements.txt <- svc/requirements.txt',
      '/app/scripts/seed.py <- svc/scripts/seed.py',
    ]);
  });

  it('does not treat an unanchored pattern as matching at any depth (unlike .gitignore)', () => {
    const ignore = parseDockerignore('main.py\n');
    expect(ignore.ignores('main.py')).toBe(true);
    expect(ignore.ignores('app/main.py')).toBe(false);
    expect(parseDockerignore('**/main.py').ignores('app/main.py')).toBe(true);
    expect(parseDockerignore('*\n!app\n').ignores('app/main.py')).toBe(false);
    expect(parseDockerignore('*\n!app\n').ignores('other.py')).toBe(true);
  });
});

describe('ImageFs.hasPythonUnder (the index namespace lookups use)', () => {
  it('agrees with a scan of under() for every folder, file and missing path, as files are added', () => {
    const fs = new ImageFs();
    const files = ['/app/pkg/mod.py', '/app/pkg/data.json', '/app/other/readme.md', '/srv/ns/deep/er/x.py', '/odd//double.py', '/app/pkg.py/inner.txt', '/opt/tool.py', '/usr/lib/python3/site.py'];
    const probes = ['/app', '/app/pkg', '/app/pkg/mod.py', '/app/other', '/srv', '/srv/ns', '/srv/ns/deep', '/srv/ns/deep/er', '/odd', '/odd/', '/app/pkg.py', '/opt/tool.py', '/opt', '/usr/lib', '/nope', '/ap', '/app/pk', '/', ''];
    const scan = (path: string): boolean => fs.under(path).some((f) => f.imagePath.endsWith('.py'));
    for (const [i, imagePath] of files.entries()) {
      fs.add({ imagePath, repoPath: imagePath.slice(1), addedAt: i, copiedBy: { file: 'Dockerfile', line: 1 } });
      for (const probe of probes) expect(fs.hasPythonUnder(probe), `${probe} after ${imagePath}`).toBe(scan(probe));
    }
    const child = ImageFs.inherit(fs);
    for (const probe of probes) expect(child.hasPythonUnder(probe), `${probe} inherited`).toBe(scan(probe));
    expect(fs.hasPythonUnder('/srv/ns')).toBe(true);
    expect(fs.hasPythonUnder('/app/other')).toBe(false);
  });
});
