// NPM001 against npm itself (#20 point 2): generated drift cases (edited ranges, removed lock
// entries, nested range violations, overrides, workspaces, peers, lockfile v1/v2/v3), each written
// to a temp folder and judged twice: by driftcheck (NPM001, the CLI in process, JSON) and by
// `npm ls --package-lock-only --all --json --offline` (npm's own reading of the same lock, no
// network, no node_modules). They must agree on which packages are missing, invalid and stale, and
// on whether the lock is broken (npm ls exits non-zero for anything but stale entries; driftcheck
// reports an error). Where they must not agree, the case says why npm ls is the wrong judge of
// what `npm ci` does; and on every case, driftcheck reports an error exactly when
// `npm ci --offline --dry-run` (empty cache) fails: the third judge, and the one that decides.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from './helpers/in-process.js';

// ---------------------------------------------------------------- a small graph, and lock writers

type Deps = Record<string, string>;
interface Entry {
  version?: string;
  dependencies?: Deps;
  devDependencies?: Deps;
  peerDependencies?: Deps;
  peerDependenciesMeta?: Record<string, { optional: boolean }>;
  optionalDependencies?: Deps;
  dev?: boolean;
  optional?: boolean;
  link?: boolean;
  resolved?: string;
  name?: string;
}
interface Pkg {
  name: string;
  version: string;
  dependencies?: Deps;
  devDependencies?: Deps;
  optionalDependencies?: Deps;
  peerDependencies?: Deps;
  overrides?: Record<string, unknown>;
  workspaces?: string[];
}
interface Case {
  readonly name: string;
  readonly pkg: Pkg;
  /** Lock `packages` without the root entry (written from `lockRoot`, else from pkg). */
  readonly packages: Record<string, Entry>;
  /** The root entry as the lock records it (what package.json said when the lock was written). */
  readonly lockRoot?: Pkg;
  readonly lockfileVersion?: 1 | 2 | 3;
  readonly files?: Record<string, string>;
  /** Set when npm ls is not the judge of `npm ci` here: why, and what each tool says instead of agreeing. */
  readonly differs?: { readonly why: string; readonly npm: Partial<Verdict>; readonly driftcheck: Partial<Verdict> };
}

const BASE_PKG: Pkg = {
  name: 'app',
  version: '1.0.0',
  dependencies: { express: '^4.21.0', ms: '^2.1.3' },
  devDependencies: { typescript: '~5.6.0' },
};

const BASE_PACKAGES: Record<string, Entry> = {
  'node_modules/body-parser': { version: '1.20.3', dependencies: { bytes: '3.1.2', qs: '6.13.0' } },
  'node_modules/bytes': { version: '3.1.2' },
  'node_modules/debug': { version: '2.6.9', dependencies: { ms: '2.0.0' } },
  'node_modules/debug/node_modules/ms': { version: '2.0.0' },
  'node_modules/express': { version: '4.21.2', dependencies: { 'body-parser': '1.20.3', debug: '2.6.9', qs: '6.13.0' } },
  'node_modules/ms': { version: '2.1.3' },
  'node_modules/qs': { version: '6.13.0' },
  'node_modules/typescript': { version: '5.6.3', dev: true },
};

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

function rootEntry(pkg: Pkg): Entry & Pkg {
  const { overrides: _o, ...rest } = pkg;
  return rest;
}

function lockV3(c: Case): object {
  const root = rootEntry(c.lockRoot ?? c.pkg);
  return { name: c.pkg.name, version: c.pkg.version, lockfileVersion: 3, requires: true, packages: { '': root, ...c.packages } };
}

/** The v1 shape: nested `dependencies` by path, `requires` for each package's dependencies. */
function lockV1Dependencies(packages: Record<string, Entry>): Record<string, unknown> {
  const top: Record<string, unknown> = {};
  for (const [location, entry] of Object.entries(packages).sort(([a], [b]) => a.split('/').length - b.split('/').length)) {
    const names = location.split(/(?:^|\/)node_modules\//).filter(Boolean);
    let level = top;
    for (const parent of names.slice(0, -1)) {
      const node = level[parent] as Record<string, unknown>;
      level = (node.dependencies ??= {}) as Record<string, unknown>;
    }
    const { dependencies, peerDependencies: _p, peerDependenciesMeta: _m, ...rest } = entry;
    level[names[names.length - 1] ?? ''] = { ...rest, ...(dependencies ? { requires: dependencies } : {}) };
  }
  return top;
}

function lockText(c: Case): string {
  const version = c.lockfileVersion ?? 3;
  if (version === 3) return JSON.stringify(lockV3(c), null, 2);
  const v1 = lockV1Dependencies(c.packages);
  if (version === 1) return JSON.stringify({ name: c.pkg.name, version: c.pkg.version, lockfileVersion: 1, requires: true, dependencies: v1 }, null, 2);
  return JSON.stringify({ ...lockV3(c), lockfileVersion: 2, dependencies: v1 }, null, 2);
}

const written: string[] = [];
afterAll(() => {
  for (const dir of written) rmSync(dir, { recursive: true, force: true });
});

function write(c: Case): string {
  const dir = mkdtempSync(join(tmpdir(), 'driftcheck-npm-agree-'));
  written.push(dir);
  const files: Record<string, string> = { 'package.json': JSON.stringify(c.pkg, null, 2), 'package-lock.json': lockText(c), ...c.files };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), `${text}\n`);
  }
  return dir;
}

/** A case from the base graph: `edit` changes clones of package.json and the lock's packages. */
function from(name: string, edit: (pkg: Pkg, packages: Record<string, Entry>) => Partial<Case> | void): Case {
  const pkg = clone(BASE_PKG);
  const packages = clone(BASE_PACKAGES);
  const lockRoot = clone(BASE_PKG);
  const extra = edit(pkg, packages) ?? {};
  return { name, pkg, packages, lockRoot, ...extra };
}

/** Empties the base graph: the case writes its own dependencies and lock entries. */
function replaceAll(pkg: Pkg, packages: Record<string, Entry>): void {
  delete pkg.devDependencies;
  for (const key of Object.keys(packages)) delete packages[key];
}

const WORKSPACE_PKG: Pkg = { name: 'mono', version: '1.0.0', workspaces: ['packages/*'] };
const workspace = (name: string, deps: Deps): string => JSON.stringify({ name, version: '1.0.0', dependencies: deps }, null, 2);
const WORKSPACE_PACKAGES: Record<string, Entry> = {
  'node_modules/@acme/api': { resolved: 'packages/api', link: true },
  'node_modules/@acme/shared': { resolved: 'packages/shared', link: true },
  'node_modules/ms': { version: '2.1.3' },
  'packages/api': { name: '@acme/api', version: '1.0.0', dependencies: { '@acme/shared': '^1.0.0', ms: '^2.1.3' } },
  'packages/shared': { name: '@acme/shared', version: '1.0.0' },
};
const WORKSPACE_FILES = {
  'packages/api/package.json': workspace('@acme/api', { '@acme/shared': '^1.0.0', ms: '^2.1.3' }),
  'packages/shared/package.json': workspace('@acme/shared', {}),
};

const CASES: Case[] = [
  from('in sync', () => undefined),
  from('in sync, lockfile v1', () => ({ lockfileVersion: 1 })),
  from('in sync, lockfile v2', () => ({ lockfileVersion: 2 })),
  from('root range edited past the locked version', (pkg) => void (pkg.dependencies = { ...pkg.dependencies, express: '^5.0.0' })),
  from('root range edited, still satisfied', (pkg) => void (pkg.dependencies = { ...pkg.dependencies, express: '^4.21.2' })),
  from('dependency added to package.json only', (pkg) => void (pkg.dependencies = { ...pkg.dependencies, zod: '^3.23.0' })),
  from('dev dependency range edited', (pkg) => void (pkg.devDependencies = { typescript: '^5.7.0' })),
  from('dependency removed from package.json only', (pkg) => void (pkg.dependencies = { express: '^4.21.0' }) ),
  from('transitive entry removed from the lock', (_pkg, packages) => void delete packages['node_modules/bytes']),
  from('transitive entry removed, lockfile v1', (_pkg, packages) => {
    delete packages['node_modules/bytes'];
    return { lockfileVersion: 1 };
  }),
  from('dependency removed from package.json only, lockfile v1', (pkg) => {
    pkg.dependencies = { express: '^4.21.0' };
    return { lockfileVersion: 1 };
  }),
  from('nested copy outside its dependent\'s range, lockfile v1', (_pkg, packages) => {
    packages['node_modules/debug/node_modules/ms'] = { version: '2.1.3' };
    return { lockfileVersion: 1 };
  }),
  from('transitive version outside its dependent\'s range', (_pkg, packages) => void (packages['node_modules/qs'] = { version: '6.11.0' })),
  from('nested copy outside its dependent\'s range', (_pkg, packages) => void (packages['node_modules/debug/node_modules/ms'] = { version: '2.1.3' })),
  from('nested copy removed: the hoisted one does not satisfy', (_pkg, packages) => void delete packages['node_modules/debug/node_modules/ms']),
  from('nested range violation, lockfile v2', (_pkg, packages) => {
    packages['node_modules/qs'] = { version: '6.11.0' };
    return { lockfileVersion: 2 };
  }),
  from('dependency of a locked package edited in the lock', (_pkg, packages) => void (packages['node_modules/body-parser']!.dependencies = { bytes: '^3.2.0', qs: '6.13.0' })),
  from('missing optional dependency', (pkg, packages) => {
    pkg.optionalDependencies = { fsevents: '^2.3.3' };
    packages['node_modules/express']!.optionalDependencies = { 'native-x': '^1.0.0' };
    return {
      lockRoot: pkg,
      differs: {
        why: 'npm ls lists no missing optional dependency (ls.js isOptional), but npm locks the optional packages of every platform and npm ci fails without one ("Missing: fsevents@ from lock file"): driftcheck reports what npm ci does',
        npm: { fails: false, missing: [] },
        driftcheck: { fails: true, missing: ['fsevents', 'native-x'] },
      },
    };
  }),
  from('optional dependency of another platform, locked', (pkg, packages) => {
    pkg.optionalDependencies = { fsevents: '^2.3.3' };
    packages['node_modules/fsevents'] = { version: '2.3.3', optional: true };
    return { lockRoot: pkg };
  }),
  from('override the lock does not reflect', (pkg) => void (pkg.overrides = { qs: '6.14.0' })),
  from('override the lock reflects', (pkg, packages) => {
    pkg.overrides = { qs: '6.14.0' };
    packages['node_modules/qs'] = { version: '6.14.0' };
  }),
  from('override scoped to a parent, not reflected', (pkg) => void (pkg.overrides = { 'body-parser': { bytes: '3.1.3' } })),
  from('override by $reference to a root dependency, not reflected', (pkg) => {
    pkg.dependencies = { ...pkg.dependencies, qs: '^6.14.0' };
    pkg.overrides = { qs: '$qs' };
  }),
  from('override contradicting a direct dependency (EOVERRIDE)', (pkg) => {
    pkg.dependencies = { ...pkg.dependencies, qs: '^6.13.0' };
    pkg.overrides = { qs: '6.11.0' };
    return { lockRoot: pkg };
  }),
  from('peer dependency out of range', (pkg, packages) => {
    pkg.dependencies = { react: '^17.0.2', 'react-dom': '^18.3.1' };
    replaceAll(pkg, packages);
    packages['node_modules/react'] = { version: '17.0.2' };
    packages['node_modules/react-dom'] = { version: '18.3.1', peerDependencies: { react: '^18.3.1' } };
    return { lockRoot: pkg };
  }),
  from('peer dependency missing from the lock', (pkg, packages) => {
    pkg.dependencies = { 'react-dom': '^18.3.1' };
    replaceAll(pkg, packages);
    packages['node_modules/react-dom'] = { version: '18.3.1', peerDependencies: { react: '^18.3.1' } };
    return { lockRoot: pkg };
  }),
  from('optional peer missing', (pkg, packages) => {
    pkg.dependencies = { pg: '^8.13.0' };
    replaceAll(pkg, packages);
    packages['node_modules/pg'] = { version: '8.13.1', peerDependencies: { 'pg-native': '>=3.0.1' }, peerDependenciesMeta: { 'pg-native': { optional: true } } };
    return { lockRoot: pkg };
  }),
  from('optional peer out of range', (pkg, packages) => {
    pkg.dependencies = { pg: '^8.13.0', 'pg-native': '^2.0.0' };
    replaceAll(pkg, packages);
    packages['node_modules/pg'] = { version: '8.13.1', peerDependencies: { 'pg-native': '>=3.0.1' }, peerDependenciesMeta: { 'pg-native': { optional: true } } };
    packages['node_modules/pg-native'] = { version: '2.2.0' };
    return {
      lockRoot: pkg,
      differs: {
        why: 'npm ls reports every invalid edge, but npm ci keeps an optional peer the lock resolves out of range (build-ideal-tree.js #problemEdges skips invalid peerOptional edges when nothing is saved): driftcheck warns instead of failing',
        npm: { fails: true, invalid: ['pg-native'] },
        driftcheck: { fails: false, invalid: ['pg-native'] },
      },
    };
  }),
  from('peer conflict with legacy-peer-deps in .npmrc', (pkg, packages) => {
    pkg.dependencies = { react: '^17.0.2', 'react-dom': '^18.3.1' };
    replaceAll(pkg, packages);
    packages['node_modules/react'] = { version: '17.0.2' };
    packages['node_modules/react-dom'] = { version: '18.3.1', peerDependencies: { react: '^18.3.1' } };
    return {
      lockRoot: pkg,
      files: { '.npmrc': 'legacy-peer-deps=true' },
      differs: {
        why: 'npm ls always loads the tree with legacyPeerDeps: false (lib/commands/ls.js), while npm ci reads legacy-peer-deps from the project .npmrc and then ignores peer dependencies: the lock installs',
        npm: { fails: true, invalid: ['react'] },
        driftcheck: { fails: false, invalid: [] },
      },
    };
  }),
  from('aliased dependency outside its range', (pkg, packages) => {
    pkg.dependencies = { ...pkg.dependencies, 'left-pad': 'npm:left-pad@^2.0.0' };
    packages['node_modules/left-pad'] = { name: 'left-pad', version: '1.3.0' };
    return { lockRoot: { ...pkg, dependencies: { ...pkg.dependencies, 'left-pad': 'npm:left-pad@^1.3.0' } } };
  }),
  from('dependency also an optional peer, with a nested copy (the dependency edge wins)', (pkg, packages) => {
    pkg.dependencies = { 'ajv-formats': '^2.1.1', ajv: '^6.12.6' };
    replaceAll(pkg, packages);
    packages['node_modules/ajv'] = { version: '6.12.6' };
    packages['node_modules/ajv-formats'] = { version: '2.1.1', dependencies: { ajv: '^8.0.0' }, peerDependencies: { ajv: '^8.0.0' }, peerDependenciesMeta: { ajv: { optional: true } } };
    packages['node_modules/ajv-formats/node_modules/ajv'] = { version: '8.17.1' };
    return { lockRoot: pkg };
  }),
  from('peer dependency nested under its dependent (PEER LOCAL)', (pkg, packages) => {
    pkg.dependencies = { 'react-dom': '^18.3.1' };
    replaceAll(pkg, packages);
    packages['node_modules/react-dom'] = { version: '18.3.1', peerDependencies: { react: '^18.3.1' } };
    packages['node_modules/react-dom/node_modules/react'] = { version: '18.3.1' };
    return { lockRoot: pkg };
  }),
  from('tag spec locked without a registry tarball', (_pkg, packages) => void (packages['node_modules/express']!.dependencies = { 'body-parser': 'latest', debug: '2.6.9', qs: '6.13.0' })),
  from('tag spec locked from the registry', (_pkg, packages) => {
    packages['node_modules/express']!.dependencies = { 'body-parser': 'latest', debug: '2.6.9', qs: '6.13.0' };
    packages['node_modules/body-parser']!.resolved = 'https://registry.npmjs.org/body-parser/-/body-parser-1.20.3.tgz';
  }),
  from('override reflected in a nested copy too', (pkg, packages) => {
    pkg.overrides = { ms: '2.1.3' };
    packages['node_modules/debug/node_modules/ms'] = { version: '2.1.3' };
  }),
  from('override reflected at the top, not in a nested copy', (pkg) => void (pkg.overrides = { ms: '2.1.3' })),
  from('devDependencies of a locked package are not its edges', (_pkg, packages) => void (packages['node_modules/bytes'] = { version: '3.1.2', devDependencies: { tap: '^16.0.0' } } as Entry)),
  from('aliased dependency of a locked package', (_pkg, packages) => {
    packages['node_modules/express']!.dependencies = { ...packages['node_modules/express']!.dependencies, 'old-qs': 'npm:qs@^6.0.0' };
    packages['node_modules/old-qs'] = { name: 'qs', version: '6.13.0' };
  }),
  {
    name: 'workspaces in sync',
    pkg: WORKSPACE_PKG,
    packages: WORKSPACE_PACKAGES,
    files: WORKSPACE_FILES,
  },
  {
    name: 'workspace the lock does not know',
    pkg: WORKSPACE_PKG,
    packages: WORKSPACE_PACKAGES,
    files: { ...WORKSPACE_FILES, 'packages/web/package.json': workspace('@acme/web', {}) },
  },
  {
    name: 'workspace dependency missing from the lock',
    pkg: WORKSPACE_PKG,
    packages: WORKSPACE_PACKAGES,
    files: { ...WORKSPACE_FILES, 'packages/api/package.json': workspace('@acme/api', { '@acme/shared': '^1.0.0', ms: '^2.1.3', zod: '^3.23.0' }) },
  },
  {
    name: 'workspace depends on a sibling version it does not have',
    pkg: WORKSPACE_PKG,
    packages: WORKSPACE_PACKAGES,
    files: { ...WORKSPACE_FILES, 'packages/api/package.json': workspace('@acme/api', { '@acme/shared': '^2.0.0', ms: '^2.1.3' }) },
  },
];

// ---------------------------------------------------------------- the two judges

interface Verdict {
  readonly fails: boolean;
  readonly missing: readonly string[];
  readonly invalid: readonly string[];
  readonly extraneous: readonly string[];
  /** The code npm stops with before it can list anything (EOVERRIDE), else null. */
  readonly code: string | null;
}

const uniqueSorted = (names: readonly string[]): string[] => [...new Set(names)].sort();

function npmLs(dir: string): Verdict {
  const result = spawnSync('npm', ['ls', '--package-lock-only', '--all', '--json', '--offline', '--no-update-notifier', '--logs-max=0'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, npm_config_cache: join(dir, '.npm-cache') },
  });
  const out = JSON.parse(result.stdout || '{}') as { problems?: string[]; error?: { code?: string } };
  const problems = out.problems ?? [];
  const names = (kind: string): string[] => uniqueSorted(problems.filter((p) => p.startsWith(`${kind}: `)).map((p) => /^\w+: ((?:@[^@/]+\/)?[^@]+)@/.exec(p)?.[1] ?? p));
  const code = out.error?.code ?? null;
  return { fails: result.status !== 0 && code !== null, missing: names('missing'), invalid: names('invalid'), extraneous: names('extraneous'), code: code === 'ELSPROBLEMS' ? null : code };
}

/**
 * Whether `npm ci` accepts the lock, without the network: a dry run offline with an empty cache.
 * A lock npm ci takes as it is needs nothing fetched (no tarball in a dry run, no packument when
 * no edge is re-resolved); one it would have to resolve again fails, out of sync or ENOTCACHED.
 */
function npmCiFails(dir: string): boolean {
  const result = spawnSync('npm', ['ci', '--offline', '--dry-run', '--ignore-scripts', '--no-audit', '--no-fund', '--no-update-notifier', '--logs-max=0'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, npm_config_cache: join(dir, '.npm-cache') },
  });
  return result.status !== 0;
}

async function driftcheck(dir: string): Promise<Verdict> {
  const run = await runCliInProcess(['.', '--select', 'NPM001', '--format', 'json', '--no-cache'], { cwd: dir });
  const findings = (JSON.parse(run.stdout) as { findings: { severity: string; message: string }[] }).findings;
  const subject = (message: string): string => /"((?:@[^@/"]+\/)?[^@"]+)"/.exec(message)?.[1] ?? message;
  // The package a finding is about: the first quoted name, after "depends on" for a missing one.
  const of = (re: RegExp): string[] => uniqueSorted(findings.filter((f) => re.test(f.message)).map((f) => subject(re.source.includes('does not contain') ? f.message.replace(/^.*? depends on /, '') : f.message)));
  const code = /\(EOVERRIDE: /.test(findings.map((f) => f.message).join('\n')) ? 'EOVERRIDE' : null;
  return {
    fails: findings.some((f) => f.severity === 'error'),
    missing: of(/\) is not in |does not contain|has no \S+ it can use|^Workspace /),
    invalid: of(/ locks "|still locks it at/),
    extraneous: of(/the lock is stale/),
    code,
  };
}

const npmVersion = spawnSync('npm', ['--version'], { encoding: 'utf8' });
const haveNpm = npmVersion.status === 0;

describe.skipIf(!haveNpm)(`NPM001 agrees with npm ${haveNpm ? npmVersion.stdout.trim() : '(not installed)'} ls --package-lock-only`, () => {
  it('has at least 20 generated drift cases, and each kind of drift is among them', () => {
    expect(CASES.filter((c) => c.name !== 'in sync').length).toBeGreaterThanOrEqual(20);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const dir = write(c);
    const [npm, ours, ciFails] = [npmLs(dir), await driftcheck(dir), npmCiFails(dir)];
    // The error verdict is npm ci's own: driftcheck reports an error exactly when npm ci fails.
    expect({ driftcheckFails: ours.fails }).toEqual({ driftcheckFails: ciFails });
    if (c.differs) {
      // Each side says what the case documents, and nothing else differs.
      expect(npm, c.differs.why).toMatchObject(c.differs.npm);
      expect(ours, c.differs.why).toMatchObject(c.differs.driftcheck);
      expect({ ...ours, ...c.differs.npm }).toEqual({ ...npm, extraneous: ours.extraneous });
      return;
    }
    if (npm.code !== null) {
      // npm stops before listing anything (EOVERRIDE): driftcheck must report that same stop.
      expect(ours.code).toBe(npm.code);
      expect(ours.fails).toBe(true);
      return;
    }
    expect({ missing: ours.missing, invalid: ours.invalid, fails: ours.fails }).toEqual({ missing: npm.missing, invalid: npm.invalid, fails: npm.fails });
    // npm ls lists every stale package; driftcheck the top of each stale group (what to remove).
    for (const name of ours.extraneous) expect(npm.extraneous).toContain(name);
    expect(ours.extraneous.length > 0).toBe(npm.extraneous.length > 0);
  });
});
