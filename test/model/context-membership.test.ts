// Build-context membership (issue #18): the .dockerignore of a context is matched once per path,
// whatever the number of services and stages that build from that context, and whatever the
// number of simulation rounds. Work is counted (glob matcher calls), never timed.
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { compileGlob } from '../../src/util/glob.js';
import { parseDockerignore, type DockerIgnore } from '../../src/model/dockerignore.js';
import { buildProject } from '../../src/model/project.js';
import { Repository } from '../../src/model/repository.js';
import { EMPTY_DOCKERIGNORE } from '../../src/model/dockerignore.js';
import { simulateStages } from '../../src/model/image.js';
import { parseDockerfile } from '../../src/parsers/dockerfile.js';
import { hasPathUnder } from '../../src/util/paths.js';
import { makeSourceFile, type FileKind, type SourceFile } from '../../src/source.js';

const globCalls = vi.hoisted(() => ({ count: 0 }));

vi.mock('../../src/util/glob.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/util/glob.js')>();
  return {
    ...actual,
    compileGlob: (pattern: string, options: Parameters<typeof actual.compileGlob>[1]) => {
      const matches = actual.compileGlob(pattern, options);
      return (path: string): boolean => {
        globCalls.count++;
        return matches(path);
      };
    },
  };
});

const IGNORE = ['.git', '**/__pycache__', '**/*.py[cod]', '*.md', '!README.md', 'docs/', '**/tests/', '!**/tests/conftest.py', 'data/**', '!data/schemas/*.json'].join('\n');

/** A repository of `services` folders with code, tests and docs; the first `built` have a Dockerfile building from the root. */
function monorepo(services: number, built = services): { files: SourceFile[] } {
  const files: SourceFile[] = [makeSourceFile('.dockerignore', 'dockerignore', IGNORE), makeSourceFile('README.md', 'other', '# repo\n')];
  const kindOf = (path: string): FileKind => (path.endsWith('.py') ? 'python' : path.endsWith('.txt') ? 'requirements' : path.endsWith('Dockerfile') ? 'dockerfile' : 'other');
  const add = (path: string, text: string): void => void files.push(makeSourceFile(path, kindOf(path), text));
  for (let i = 0; i < services; i++) {
    const dir = `services/s${i}`;
    if (i < built) add(`${dir}/Dockerfile`, `FROM python:3.12-slim\nWORKDIR /app\nCOPY ${dir}/requirements.txt .\nRUN pip install -r requirements.txt\nCOPY ${dir}/app/ app/\nCMD ["python", "-m", "app.main"]\n`);
    add(`${dir}/requirements.txt`, 'requests==2.31.0\n');
    for (const name of ['__init__', 'main', 'db', 'api']) add(`${dir}/app/${name}.py`, 'import requests\n');
    add(`${dir}/tests/conftest.py`, 'import pytest\n');
    add(`${dir}/tests/test_api.py`, 'import pytest\n');
    add(`${dir}/README.md`, '# s\n');
  }
  for (let i = 0; i < 5; i++) add(`docs/page-${i}.md`, '# doc\n');
  return { files };
}

/** Every distinct path and parent folder: the most strings a memoising matcher asks a pattern about. */
function prefixes(paths: readonly string[]): number {
  const out = new Set<string>();
  for (const path of paths) for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) out.add(path.slice(0, i));
  for (const path of paths) out.add(path);
  return out.size;
}

const PATTERNS = IGNORE.split('\n').length;

function build(files: SourceFile[], extra: ReadonlyMap<string, string> = new Map()) {
  return buildProject({
    root: '/repo',
    files,
    warnings: [],
    readExtra: (path, kind) => {
      const text = extra.get(path);
      return text === undefined ? null : makeSourceFile(path, kind, text);
    },
  });
}

describe('build-context membership is shared', () => {
  it('matches each path against the .dockerignore once, however many services build from the context', () => {
    // One tree of 32 service folders; 1, 8 or 32 of them have a Dockerfile building from the root.
    const counts = [1, 8, 32].map((built) => {
      const { files } = monorepo(32, built);
      globCalls.count = 0;
      const project = build(files);
      expect(project.services.filter((s) => s.dockerfile !== null)).toHaveLength(built);
      return { calls: globCalls.count, bound: PATTERNS * prefixes(files.map((f) => f.path)) };
    });
    for (const { calls, bound } of counts) expect(calls).toBeLessThanOrEqual(bound);
    // The Dockerfiles themselves are new paths (a few calls each); the rest of the tree is not
    // matched again per service: 32 services cost what one does, plus their own Dockerfiles.
    const [one, , all] = counts;
    expect((all?.calls ?? 0) - (one?.calls ?? 0)).toBeLessThanOrEqual(31 * PATTERNS * 1);
  });

  it('does not match the context again in a later simulation round (a file loaded on demand)', () => {
    // `-r base.txt` is read on demand: the file set grows and the stages are simulated again.
    const { files } = monorepo(12);
    const extra = new Map([['services/s0/base.txt', 'flask==3.0.0\n']]);
    const withInclude = files.map((f) =>
      f.path.endsWith('/requirements.txt') ? makeSourceFile(f.path, f.kind, `-r base.txt\nrequests==2.31.0\n`) : f,
    );
    globCalls.count = 0;
    const project = build(withInclude, extra);
    expect(project.repoPaths).toContain('services/s0/base.txt');
    expect(globCalls.count).toBeLessThanOrEqual(PATTERNS * prefixes([...files.map((f) => f.path), ...extra.keys()]));
  });

  it('services whose .dockerignore files read the same share one matcher and one context list', () => {
    const { files } = monorepo(3);
    const repo = new Repository({ files: files.filter((f) => f.path !== '.dockerignore').concat(
      ['services/s0/Dockerfile.dockerignore', 'services/s1/Dockerfile.dockerignore'].map((p) => makeSourceFile(p, 'dockerignore', IGNORE)),
    ), readExtra: () => null });
    const a = repo.dockerignoreFor('', 'services/s0/Dockerfile');
    const b = repo.dockerignoreFor('', 'services/s1/Dockerfile');
    expect(a).toBe(b);
    expect(repo.contextFiles('', a)).toBe(repo.contextFiles('', b));
    expect(repo.contextFiles('', a)).not.toContain('services/s0/tests/test_api.py');
    expect(repo.contextFiles('', a)).toContain('services/s0/tests/conftest.py');
  });

  it('recomputes a context list after a file is loaded on demand, asking the .dockerignore only about paths', () => {
    const { files } = monorepo(2);
    const repo = new Repository({ files, readExtra: (path, kind) => (path === 'services/s1/extra.txt' ? makeSourceFile(path, kind, 'x==1\n') : null) });
    const asked: string[] = [];
    const spy: DockerIgnore = { ignores: (p) => (asked.push(p), p.startsWith('docs/')), ignoredBy: () => null };
    const first = repo.contextFiles('', spy);
    expect(asked.length).toBe(repo.contextPaths().length);
    expect(repo.contextFiles('', spy)).toBe(first); // unchanged tree: no question asked again
    expect(asked.length).toBe(repo.contextPaths().length);
    repo.load('services/s1/extra.txt', 'requirements');
    expect(repo.contextFiles('', spy)).toContain('services/s1/extra.txt');
    expect(repo.contextFiles('', spy)).not.toContain('docs/page-0.md');
  });
});

describe('lookups that do not walk the whole context', () => {
  it('a COPY glob is matched only against the files below its literal folders', () => {
    const repoFiles = [
      ...Array.from({ length: 300 }, (_, i) => `other/m${i}.py`),
      'svc/requirements.txt', 'svc/requirements-dev.txt', 'svc/app/main.py', 'svc-old/requirements.txt',
    ].sort();
    globCalls.count = 0;
    const states = simulateStages({
      dockerfilePath: 'svc/Dockerfile', dockerfile: parseDockerfile('FROM python:3.12\nWORKDIR /app\nCOPY svc/requirements*.txt ./\nCOPY */main.py /m/\n'),
      context: '', repoFiles, dockerignore: EMPTY_DOCKERIGNORE,
    });
    const paths = [...(states[0]?.fs.all() ?? [])].map((f) => `${f.imagePath} <- ${f.repoPath}`).sort();
    expect(paths).toEqual(['/app/requirements-dev.txt <- svc/requirements-dev.txt', '/app/requirements.txt <- svc/requirements.txt']);
    // the first glob asks about svc/'s 3 files (and their prefixes) only; the second,
    // with no literal folder, about every file, as before
    expect(globCalls.count).toBeLessThanOrEqual(3 * 3 + repoFiles.length * 3);
    globCalls.count = 0;
    simulateStages({ dockerfilePath: 'svc/Dockerfile', dockerfile: parseDockerfile('FROM python:3.12\nCOPY svc/requirements*.txt ./\n'), context: '', repoFiles, dockerignore: EMPTY_DOCKERIGNORE });
    expect(globCalls.count).toBeLessThanOrEqual(3 * 3);
  });

  it('hasPathUnder finds a folder or a file by binary search, not fooled by names that sort between', () => {
    const sorted = ['a-b/x', 'a.c', 'a/b/c.py', 'a0', 'b'].sort();
    expect(hasPathUnder(sorted, 'a')).toBe(true);
    expect(hasPathUnder(sorted, 'a/b')).toBe(true);
    expect(hasPathUnder(sorted, 'a/b/c.py')).toBe(true);
    expect(hasPathUnder(sorted, 'a/c')).toBe(false);
    expect(hasPathUnder(sorted, 'a-b')).toBe(true);
    expect(hasPathUnder(sorted, 'a-')).toBe(false);
    expect(hasPathUnder(sorted, 'c')).toBe(false);
    expect(hasPathUnder(sorted, '')).toBe(true);
    expect(hasPathUnder(['../up'], '')).toBe(false);
  });
});

/** The .dockerignore decision as Docker documents it, written plainly: the oracle for the memo. */
function reference(text: string): (path: string) => number | null {
  const patterns: { matches: (p: string) => boolean; exclusion: boolean; line: number }[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    let line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const exclusion = line.startsWith('!');
    if (exclusion) line = line.slice(1).trim();
    const parts: string[] = [];
    for (const part of line.split('/')) {
      if (part === '' || part === '.') continue;
      if (part === '..') parts.pop();
      else parts.push(part);
    }
    if (parts.length === 0) return;
    patterns.push({ matches: compileGlob(parts.join('/'), { doubleStar: true }), exclusion, line: index + 1 });
  });
  return (path) => {
    const parts = path.split('/');
    const candidates = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
    let decided: (typeof patterns)[number] | null = null;
    for (const pattern of patterns) if (candidates.some((c) => pattern.matches(c))) decided = pattern;
    return decided && !decided.exclusion ? decided.line : null;
  };
}

describe('the memoised .dockerignore matcher', () => {
  const segment = fc.constantFrom('a', 'b', 'src', 'tests', '__pycache__', 'x.py', 'y.pyc', 'README.md', '', '.', '..', 'a b');
  const path = fc.array(segment, { minLength: 1, maxLength: 5 }).map((parts) => parts.join('/'));
  const pattern = fc.tuple(fc.boolean(), fc.array(fc.constantFrom('a', 'b', 'src', 'tests', '*', '**', '*.py', '*.py[cod]', '?', 'x.py', '[!a]', '__pycache__', '.'), { minLength: 1, maxLength: 4 }))
    .map(([negated, parts]) => `${negated ? '!' : ''}${parts.join('/')}`);

  it('decides every path as the plain definition does, in any order of questions', () => {
    fc.assert(
      fc.property(fc.array(pattern, { maxLength: 8 }), fc.array(path, { minLength: 1, maxLength: 30 }), (lines, paths) => {
        const text = lines.join('\n');
        const ignore = parseDockerignore(text);
        const oracle = reference(text);
        // Twice: the second pass answers from the memo, including parents asked after children.
        for (const p of [...paths, ...paths.slice().reverse()]) {
          expect(ignore.ignoredBy(p)).toBe(oracle(p));
          expect(ignore.ignores(p)).toBe(oracle(p) !== null);
        }
      }),
      { numRuns: 400 },
    );
  });
});
