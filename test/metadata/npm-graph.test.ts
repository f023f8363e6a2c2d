// The npm lock graph loader (src/metadata/npm-graph*.ts): what it copies for arborist, what it
// refuses to load, the in-process preload the asynchronous audit uses, and the child process
// behind the synchronous audit() of the built library.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { auditInParallel } from '../../src/engine/pipeline.js';
import { legacyPeerDeps, npmGraphRequests, npmGraphsOf, preloadNpmGraphs } from '../../src/metadata/npm-graph.js';
import { loadNpmGraph } from '../../src/metadata/npm-graph-load.js';
import { makeSourceFile, type FileKind } from '../../src/source.js';
import { REPO_ROOT } from '../helpers/cli.js';

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

const file = (path: string, text: string, kind: FileKind): ReturnType<typeof makeSourceFile> => makeSourceFile(path, kind, text);
const pkg = (path: string, value: object): ReturnType<typeof makeSourceFile> => file(path, JSON.stringify(value), 'package-json');
const lock = (path: string, packages: object): ReturnType<typeof makeSourceFile> => file(path, JSON.stringify({ lockfileVersion: 3, packages }), 'package-lock');

describe('npmGraphRequests', () => {
  it('copies the package.json, the lock and every package.json under it (workspaces, links), with .npmrc settings', () => {
    const files = [
      pkg('web/package.json', { name: 'web', workspaces: ['packages/*'] }),
      lock('web/package-lock.json', { '': { name: 'web' }, 'node_modules/@w/a': { link: true, resolved: 'packages/a' }, 'packages/a': { name: '@w/a' } }),
      pkg('web/packages/a/package.json', { name: '@w/a' }),
      pkg('other/package.json', { name: 'other' }),
      file('web/.npmrc', 'fund=false\nlegacy-peer-deps = true ; old peers\n', 'npmrc'),
    ];
    const [request, ...rest] = npmGraphRequests(files);
    expect(rest).toEqual([]);
    expect(request?.lockPath).toBe('web/package-lock.json');
    expect(request?.dir).toBe('web');
    expect(Object.keys(request?.files ?? {}).sort()).toEqual(['web/package-lock.json', 'web/package.json', 'web/packages/a/package.json']);
    expect(request?.legacyPeerDeps).toBe(true);
  });

  it('prefers npm-shrinkwrap.json to a package-lock.json beside it, as npm does', () => {
    const files = [pkg('package.json', { name: 'a', dependencies: { ms: '^2.0.0' } }), lock('package-lock.json', { '': {} }), lock('npm-shrinkwrap.json', { '': {} })];
    expect(npmGraphRequests(files).map((r) => r.lockPath)).toEqual(['npm-shrinkwrap.json']);
  });

  it.each([
    ['a link out of the repository', { 'node_modules/u': { link: true, resolved: '../../utils' } }, {}],
    ['an absolute link', { 'node_modules/u': { link: true, resolved: '/etc' } }, {}],
    ['a lock location out of the repository', { 'node_modules/../../../x': { version: '1.0.0' } }, {}],
    ['a workspace pattern out of the repository', {}, { workspaces: ['../*'] }],
    ['an absolute workspace pattern', {}, { workspaces: ['/tmp/*'] }],
  ])('does not load a lock with %s (arborist would read outside the copy)', (_name, packages, extra) => {
    const files = [pkg('app/package.json', { name: 'a', ...extra }), lock('app/package-lock.json', { '': { name: 'a' }, ...packages })];
    expect(npmGraphRequests(files)).toEqual([]);
  });

  it('needs a package.json that parses', () => {
    expect(npmGraphRequests([file('package.json', '{', 'package-json'), lock('package-lock.json', { '': {} })])).toEqual([]);
  });

  it.each([
    ['legacy-peer-deps=true', true],
    ['legacy-peer-deps="true"', true],
    ['legacy-peer-deps=true\nlegacy-peer-deps=false', false],
    ['# legacy-peer-deps=true', false],
    ['strict-peer-deps=true', false],
  ])('.npmrc %j: legacy-peer-deps %s', (text, expected) => {
    expect(legacyPeerDeps(text)).toBe(expected);
  });
});

describe('graphSignal: which locks need arborist at all', () => {
  const base = () => ({
    pkg: { name: 'app', dependencies: { express: '^4.21.0', ms: '^2.1.3', pad: 'npm:left-pad@^1.3.0' }, devDependencies: { typescript: '~5.6.0' }, peerDependencies: { react: '>=18' } } as Record<string, unknown>,
    packages: {
      'node_modules/debug': { version: '2.6.9', dependencies: { ms: '2.0.0' } },
      'node_modules/debug/node_modules/ms': { version: '2.0.0' },
      'node_modules/express': { version: '4.21.2', dependencies: { debug: '2.6.9' }, optionalDependencies: { fsevents: '^2.3.3' }, peerDependencies: { 'pg-native': '>=3' }, peerDependenciesMeta: { 'pg-native': { optional: true } } },
      'node_modules/fsevents': { version: '2.3.3', optional: true, os: ['darwin'] },
      'node_modules/ms': { version: '2.1.3' },
      'node_modules/pad': { name: 'left-pad', version: '1.3.0' },
      'node_modules/react': { version: '18.3.1', peer: true },
      'node_modules/typescript': { version: '5.6.3', dev: true },
    } as Record<string, Record<string, unknown>>,
  });
  const requests = (p: Record<string, unknown>, packages: Record<string, unknown>, extra: ReturnType<typeof makeSourceFile>[] = []): number => {
    const { overrides: _o, ...root } = p;
    return npmGraphRequests([pkg('package.json', p), lock('package-lock.json', { '': root, ...packages }), ...extra]).length;
  };

  it('an in-sync lock (nested copies, aliases, optional and peer edges) is not loaded', () => {
    const { pkg: p, packages } = base();
    expect(requests(p, packages)).toBe(0);
  });

  it.each<[string, (p: Record<string, unknown>, packages: Record<string, Record<string, unknown>>) => void]>([
    ['a changed root range', (p) => void (p.dependencies = { express: '^4.21.0', ms: '^2.1.4', pad: 'npm:left-pad@^1.3.0' })],
    ['overrides', (p) => void (p.overrides = { ms: '2.1.3' })],
    ['a nested range violation', (_p, packages) => void (packages['node_modules/debug/node_modules/ms'] = { version: '2.1.3' })],
    ['a missing nested entry', (_p, packages) => void delete packages['node_modules/debug/node_modules/ms']],
    ['a missing optional dependency (npm ci: "Missing: fsevents@ from lock file")', (_p, packages) => void delete packages['node_modules/fsevents']],
    ['a peer out of range', (_p, packages) => void (packages['node_modules/react'] = { version: '17.0.2' })],
    ['an optional peer out of range', (_p, packages) => void (packages['node_modules/pg-native'] = { version: '2.0.0' })],
    ['an alias to another package', (_p, packages) => void (packages['node_modules/pad'] = { name: 'right-pad', version: '1.3.0' })],
    ['a tag spec', (_p, packages) => void (packages['node_modules/express'] = { version: '4.21.2', dependencies: { debug: 'latest' } })],
    ['a git spec', (_p, packages) => void (packages['node_modules/express'] = { version: '4.21.2', dependencies: { debug: 'github:debug-js/debug' } })],
    ['an entry marked extraneous', (_p, packages) => void (packages['node_modules/old'] = { version: '1.0.0', extraneous: true })],
    ['a bundling package', (_p, packages) => void (packages['node_modules/express'] = { version: '4.21.2', bundleDependencies: ['debug'] })],
    ['a link to a folder that is not a workspace', (_p, packages) => {
      packages['node_modules/utils'] = { link: true, resolved: 'libs/utils' };
      packages['libs/utils'] = { version: '1.0.0' };
    }],
  ])('%s is loaded', (_name, edit) => {
    const { pkg: p, packages } = base();
    edit(p, packages);
    expect(requests(p, packages)).toBe(1);
  });

  it.each<[string, Record<string, unknown>, number]>([
    ['in sync, nested', { ms: { version: '2.1.3' }, debug: { version: '2.6.9', requires: { ms: '2.0.0' }, dependencies: { ms: { version: '2.0.0' } } } }, 0],
    ['with a package nothing reaches', { ms: { version: '2.1.3' }, debug: { version: '2.6.9', requires: { ms: '2.0.0' }, dependencies: { ms: { version: '2.0.0' } } }, left: { version: '1.0.0' } }, 1],
    ['with a nested range violation', { ms: { version: '2.1.3' }, debug: { version: '2.6.9', requires: { ms: '2.0.0' } } }, 1],
    ['with a git version', { ms: { version: '2.1.3' }, debug: { version: 'github:debug-js/debug#abc', requires: { ms: '2.0.0' } } }, 1],
  ])('a lockfile v1 %s: %s request(s)', (_name, dependencies, count) => {
    const files = [pkg('package.json', { name: 'a', dependencies: { ms: '^2.1.3', debug: '^2.6.9' } }), file('package-lock.json', JSON.stringify({ lockfileVersion: 1, requires: true, dependencies }), 'package-lock')];
    expect(npmGraphRequests(files)).toHaveLength(count);
  });

  it('a lockfile from before npm 5.1 (no requires) is always loaded', () => {
    const files = [pkg('package.json', { name: 'a' }), file('package-lock.json', JSON.stringify({ lockfileVersion: 1, dependencies: {} }), 'package-lock')];
    expect(npmGraphRequests(files)).toHaveLength(1);
  });

  it('legacy-peer-deps in .npmrc: peers are not edges, so a peer out of range is no reason to load', () => {
    const { pkg: p, packages } = base();
    packages['node_modules/react'] = { version: '17.0.2' };
    expect(requests(p, packages, [file('.npmrc', 'legacy-peer-deps=true\n', 'npmrc')])).toBe(0);
  });
});

describe('loadNpmGraph', () => {
  it('loads from a temporary copy, which it removes, and writes paths relative to the package.json', async () => {
    // A temp folder of its own (os.tmpdir() reads TMPDIR): other audits may be running.
    const temp = mkdtempSync(join(tmpdir(), 'driftcheck-npm-tmp-'));
    temps.push(temp);
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = temp;
    const graph = await loadNpmGraph({
      lockPath: 'package-lock.json',
      dir: '',
      legacyPeerDeps: false,
      files: {
        'package.json': JSON.stringify({ name: 'm', workspaces: ['packages/*'] }),
        'package-lock.json': JSON.stringify({ lockfileVersion: 3, packages: { '': { name: 'm', workspaces: ['packages/*'] } } }),
        'packages/a/package.json': JSON.stringify({ name: 'a', version: '1.0.0' }),
      },
    }).finally(() => {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    });
    expect(graph).toMatchObject({ ok: true, problems: [{ error: 'MISSING', type: 'workspace', name: 'a', spec: 'file:packages/a' }] });
    expect(readdirSync(temp)).toEqual([]);
  });

  it('turns a lock arborist refuses into ok: false with its code, not an exception', async () => {
    const graph = await loadNpmGraph({
      lockPath: 'package-lock.json',
      dir: '',
      legacyPeerDeps: false,
      files: { 'package.json': JSON.stringify({ name: 'm', dependencies: { q: '^1.0.0' }, overrides: { q: '2.0.0' } }), 'package-lock.json': JSON.stringify({ lockfileVersion: 3, packages: { '': {}, 'node_modules/q': { version: '1.0.0' } } }) },
    });
    expect(graph).toMatchObject({ ok: false, code: 'EOVERRIDE' });
  });
});

describe('preloadNpmGraphs and npmGraphsOf', () => {
  it('answers the synchronous audit from what the asynchronous pre-stage loaded, by content', async () => {
    const files = [pkg('package.json', { name: 'x', dependencies: { ms: '^3.0.0' } }), lock('package-lock.json', { '': { name: 'x', dependencies: { ms: '^3.0.0' } }, 'node_modules/ms': { version: '2.1.3' } })];
    // Untranspiled sources have no child process: without the preload the graph is not loaded.
    expect(npmGraphsOf(files).get('package-lock.json')).toMatchObject({ ok: false, code: 'LOADER' });
    await preloadNpmGraphs(files);
    expect(npmGraphsOf(files).get('package-lock.json')).toMatchObject({ ok: true, problems: [{ error: 'INVALID', name: 'ms', toVersion: '2.1.3' }] });
    // Another text is another graph.
    const edited = [pkg('package.json', { name: 'x', dependencies: { ms: '^2.0.0' } }), files[1]!];
    expect(npmGraphsOf(edited).get('package-lock.json')).toMatchObject({ ok: false, code: 'LOADER' });
  });
});

describe('the pipeline', () => {
  it('loads a lock graph only when a selected rule reads it (NPM001, NPM002)', async () => {
    const root = join(REPO_ROOT, 'fixtures/rules/lockfile-drift/flags-nested-range');
    const graphs = async (select: string[]): Promise<number> => (await auditInParallel({ root, select }, 1)).project.npmGraphs.size;
    expect(await graphs(['NPM001'])).toBe(1);
    expect(await graphs(['NPM002'])).toBe(1);
    expect(await graphs(['PROD004', 'NPM003'])).toBe(0);
  });
});

describe('the built library', () => {
  it('audit(), synchronous, loads the graph in the child process beside it (npm run build first)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'driftcheck-npm-sync-'));
    temps.push(dir);
    cpSync(join(REPO_ROOT, 'fixtures/rules/lockfile-drift/flags-nested-range'), dir, { recursive: true });
    const script = join(dir, 'run.mjs');
    writeFileSync(script, `import { audit } from ${JSON.stringify(pathToFileURL(join(REPO_ROOT, 'dist/index.js')).href)};\nconst r = audit({ root: ${JSON.stringify(dir)}, select: ['NPM001'] });\nprocess.stdout.write(JSON.stringify(r.findings.map((f) => f.message)));\n`);
    const result = spawnSync(process.execPath, [script], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    const messages = JSON.parse(result.stdout) as string[];
    expect(messages.some((m) => m.includes('locks "qs" at 6.11.0'))).toBe(true);
    expect(messages.some((m) => m.includes('depends on "bytes"@3.1.2'))).toBe(true);
  });
});
