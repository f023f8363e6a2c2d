// The package as a user installs it: `npm pack`, then the tarball installed with npm into an empty
// folder (offline: `npm ci --offline` against a lockfile made of this checkout's locked versions of
// the package's declared dependencies, so only what the tarball declares is installed), then the
// `driftcheck` bin (through node_modules/.bin and npx), the library from plain Node and its
// declarations from TypeScript. Also what the tarball holds (bundles, declarations, schema,
// LICENSE; no source maps, no compiled module the bundles never load), that its dependencies are
// exactly what the bundles leave external, and that `engines` is what those dependencies require.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, posix, relative } from 'node:path';
import semver from 'semver';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error the bench generator is plain JavaScript
import { generate, resolveParams } from '../bench/generate.mjs';
import { REPO_ROOT } from './helpers/cli.js';

interface PackageJson {
  name: string;
  version: string;
  license?: string;
  main?: string;
  bin?: Record<string, string>;
  engines?: { node?: string };
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  files?: string[];
}

interface LockEntry {
  version?: string;
  integrity?: string;
  dev?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

const SUTAZAI = join(REPO_ROOT, 'fixtures/projects/sutazai');
const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
const repoPackage = readJson<PackageJson>(join(REPO_ROOT, 'package.json'));
const work = mkdtempSync(join(tmpdir(), 'driftcheck-pack-'));
const consumer = join(work, 'consumer');
const installed = join(consumer, 'node_modules', 'driftcheck');
let packed: { filename: string; files: { path: string }[] };

/**
 * A lockfile for a consumer that depends on the tarball: the tarball's declared dependencies,
 * resolved through this checkout's package-lock.json (versions and integrity only), so `npm ci
 * --offline` takes them from the npm cache `npm ci` filled here.
 */
function consumerLock(tarball: string, manifest: PackageJson): object {
  const declared = manifest.dependencies ?? {};
  const lock = readJson<{ packages: Record<string, LockEntry> }>(join(REPO_ROOT, 'package-lock.json'));
  const packages: Record<string, LockEntry & Record<string, unknown>> = {};
  const add = (name: string, from: string): void => {
    // node_modules resolution over the lock's paths: nearest node_modules up from `from`
    for (let dir = from; ; dir = dir.includes('/node_modules/') ? dir.slice(0, dir.lastIndexOf('/node_modules/')) : '') {
      const key = `${dir === '' ? '' : `${dir}/`}node_modules/${name}`;
      const entry = lock.packages[key];
      if (entry) {
        if (packages[key]) return;
        packages[key] = entry;
        for (const dep of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })) add(dep, key);
        return;
      }
      if (dir === '') throw new Error(`${name} (needed by ${from || 'the package'}) is not in package-lock.json`);
    }
  };
  for (const name of Object.keys(declared)) add(name, '');
  const integrity = `sha512-${createHash('sha512').update(readFileSync(join(work, tarball))).digest('base64')}`;
  return {
    name: 'consumer',
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: 'consumer', dependencies: { driftcheck: `file:../${tarball}` } },
      // what npm records for an installed tarball: its manifest's version, bin, engines, dependencies
      'node_modules/driftcheck': { version: manifest.version, resolved: `file:../${tarball}`, integrity, license: manifest.license, dependencies: declared, bin: manifest.bin, engines: manifest.engines },
      ...packages,
    },
  };
}

beforeAll(() => {
  // dist/ is built (`npm test` builds first; `prepack` would rebuild it under the other tests).
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: REPO_ROOT, encoding: 'utf8' });
  [packed] = JSON.parse(out) as [typeof packed];
  const manifest = JSON.parse(execFileSync('tar', ['-xzOf', join(work, packed.filename), 'package/package.json'], { encoding: 'utf8' })) as PackageJson;
  mkdirSync(consumer, { recursive: true });
  writeFileSync(join(consumer, 'package.json'), `${JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies: { driftcheck: `file:../${packed.filename}` } }, null, 2)}\n`);
  writeFileSync(join(consumer, 'package-lock.json'), `${JSON.stringify(consumerLock(packed.filename, manifest), null, 2)}\n`);
  // The size of what users download stays visible in the test log.
  console.info(`${packed.filename}: ${packed.files.length} files, ${(statSync(join(work, packed.filename)).size / 1024).toFixed(0)} KiB packed`);
  const ci = spawnSync('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: consumer, encoding: 'utf8' });
  if (ci.status !== 0) throw new Error(`npm ci --offline failed (${ci.status}): ${ci.stderr}`);
}, 300_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

/**
 * Module specifiers a bundle or declaration file loads: imports, exports, import() and require()
 * (TypeScript's own pre-processor, which skips comments and strings), createRequire(...)(x), and
 * files started beside it (new URL('./x.js', import.meta.url): the worker thread, the fetcher).
 */
function specifiers(code: string): { relative: string[]; bare: string[] } {
  const found = new Set(ts.preProcessFile(code, true, true).importedFiles.map((f) => f.fileName));
  for (const pattern of [/createRequire\(import\.meta\.url\)\(\s*["']([^"'\s]+)["']\s*\)/g, /__require\(\s*["']([^"'\s]+)["']\s*\)/g, /new URL\(\s*["'](\.[^"'\s]+)["']\s*,\s*import\.meta\.url\s*\)/g]) {
    for (const match of code.matchAll(pattern)) found.add(match[1] ?? '');
  }
  const all = [...found];
  return { relative: all.filter((s) => s.startsWith('.')), bare: all.filter((s) => !s.startsWith('.')) };
}

/** The packages a TypeScript source imports at run time (type-only imports and exports are erased). */
function runtimePackages(path: string): string[] {
  const code = readFileSync(path, 'utf8');
  const source = ts.createSourceFile(path, code, ts.ScriptTarget.Latest, false);
  const names: string[] = [];
  for (const statement of source.statements) {
    const specifier = ts.isImportDeclaration(statement) && !statement.importClause?.isTypeOnly ? statement.moduleSpecifier : ts.isExportDeclaration(statement) && !statement.isTypeOnly ? statement.moduleSpecifier : undefined;
    if (specifier && ts.isStringLiteral(specifier)) names.push(specifier.text);
  }
  for (const match of code.matchAll(/createRequire\(import\.meta\.url\)\(\s*'([^']+)'\s*\)/g)) names.push(match[1] ?? '');
  return names.filter((n) => !n.startsWith('.') && !isBuiltin(n)).map(packageName);
}

const packageName = (specifier: string): string => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
const isBuiltin = (specifier: string): boolean => specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0] ?? '');

/** Every .js file reachable from the package's entry points, and the packages they import. */
function reachable(root: string, entries: readonly string[]): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const queue = [...entries];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    if (files.has(file)) continue;
    files.add(file);
    const found = specifiers(readFileSync(join(root, file), 'utf8'));
    for (const spec of found.relative) queue.push(posix.normalize(posix.join(posix.dirname(file), spec)));
    for (const spec of found.bare) if (!isBuiltin(spec)) packages.add(packageName(spec));
  }
  return { files, packages };
}

/** The declaration files a TypeScript consumer loads from the entry's types, and the packages they name. */
function declarationPackages(root: string, entry: string): Set<string> {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const queue = [entry];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    if (seen.has(file)) continue;
    seen.add(file);
    const found = specifiers(readFileSync(join(root, file), 'utf8'));
    for (const spec of found.relative) queue.push(posix.normalize(posix.join(posix.dirname(file), spec.replace(/\.js$/, '.d.ts'))));
    for (const spec of found.bare) if (!isBuiltin(spec)) packages.add(packageName(spec));
  }
  return packages;
}

function runBin(args: readonly string[], cwd = consumer): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(join(consumer, 'node_modules', '.bin', 'driftcheck'), [...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', DRIFTCHECK_CACHE_DIR: join(work, 'cache') } });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr || String(r.error ?? '') };
}

describe('the packed tarball', () => {
  it('holds the bundles, the declarations, the JSON schema, README and LICENSE; no source maps, sources or tests', () => {
    const paths = packed.files.map((f) => f.path).sort();
    expect(paths).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json', 'schema/report.schema.json', 'dist/index.js', 'dist/index.d.ts', 'dist/bin/driftcheck.js']));
    // dist/bin/core.cjs is the CLI the bin loads, core.cjs.cache its V8 code cache (src/cli/launch.ts)
    expect(paths).toEqual(expect.arrayContaining(['dist/bin/core.cjs', 'dist/bin/core.cjs.cache']));
    const unexpected = paths.filter((p) => !/^(LICENSE|README\.md|package\.json|schema\/[^/]+\.json|dist\/index\.js|dist\/bin\/[^/]+\.js|dist\/bin\/core\.cjs(\.cache)?|dist\/.+\.d\.ts)$/.test(p));
    expect(unexpected).toEqual([]);
    expect(paths.filter((p) => p.endsWith('.map'))).toEqual([]);
    // every declaration is one of the sources' (none left over from a deleted module)
    const stale = paths.filter((p) => p.endsWith('.d.ts') && !['.ts', '.tsx'].some((ext) => existsSync(join(REPO_ROOT, 'src', `${p.slice('dist/'.length, -'.d.ts'.length)}${ext}`))));
    expect(stale).toEqual([]);
    expect(readFileSync(join(installed, 'schema/report.schema.json'), 'utf8')).toBe(readFileSync(join(REPO_ROOT, 'schema/report.schema.json'), 'utf8'));
    expect(readFileSync(join(installed, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} .+\n\nPermission is hereby granted, free of charge/);
    expect(repoPackage.license).toBe('MIT');
  });

  it('ships no compiled module that the bundles never load', () => {
    const main = repoPackage.main ?? '';
    const bins = Object.values(repoPackage.bin ?? {});
    const { files } = reachable(installed, [main, ...bins].map((p) => posix.normalize(p)));
    const shipped = packed.files.map((f) => f.path).filter((p) => p.endsWith('.js') || p.endsWith('.cjs'));
    expect(shipped.sort()).toEqual([...files].sort());
    // the worker thread and the index fetcher are found beside the chunks that start them
    expect(files).toContain('dist/bin/scan-worker.js');
    expect(files).toContain('dist/bin/index-fetch.js');
  });

  it('depends on exactly the packages the bundles leave external, plus the types its declarations name', () => {
    const { packages } = reachable(installed, [repoPackage.main ?? '', ...Object.values(repoPackage.bin ?? {})]);
    // a package named by the declarations comes with its types, or they are in @types/<name>
    const types = [...declarationPackages(installed, 'dist/index.d.ts')].map((name) => (existsSync(join(REPO_ROOT, 'node_modules/@types', name)) ? `@types/${name}` : name));
    expect(Object.keys(repoPackage.dependencies ?? {}).sort()).toEqual([...new Set([...packages, ...types])].sort());
    // and what they inline is only needed to build
    for (const name of ['yaml', 'smol-toml', 'semver', 'diff', 'dockerfile-ast', 'ignore', '@renovatebot/pep440']) expect(repoPackage.devDependencies, name).toHaveProperty([name]);
  });

  it('declares engines that every package whose code runs accepts, and runs no script on install', () => {
    const range = repoPackage.engines?.node ?? '';
    expect(semver.validRange(range)).not.toBeNull();
    // Code that runs: the installed dependencies, and what the bundles inline (the source's imports, with their dependencies).
    const roots = new Set<string>();
    for (const file of readdirSync(join(REPO_ROOT, 'src'), { recursive: true, encoding: 'utf8' }).filter((f) => /\.tsx?$/.test(f))) {
      for (const name of runtimePackages(join(REPO_ROOT, 'src', file))) roots.add(name);
    }
    expect([...roots].sort()).toEqual(expect.arrayContaining(['ink', 'pip-requirements-js', 'react', 'yaml']));
    const checked = new Map<string, string>();
    const visit = (name: string, from: string): void => {
      let dir = from;
      while (!existsSync(join(dir, 'node_modules', name, 'package.json'))) {
        if (dirname(dir) === dir) throw new Error(`${name} is not installed (needed from ${from})`);
        dir = dirname(dir);
      }
      const path = join(dir, 'node_modules', name);
      if (checked.has(path)) return;
      const pkg = readJson<PackageJson>(join(path, 'package.json'));
      checked.set(path, pkg.engines?.node ?? '*');
      for (const dep of Object.keys(pkg.dependencies ?? {})) visit(dep, path);
    };
    for (const name of roots) visit(name, REPO_ROOT);
    for (const name of Object.keys(repoPackage.dependencies ?? {})) visit(name, consumer);
    expect(checked.size).toBeGreaterThan(20);
    const refused = [...checked].filter(([, needs]) => !semver.subset(range, needs)).map(([path, needs]) => `${relative(work, path)} needs node ${needs}`);
    expect(refused, `engines.node "${range}"`).toEqual([]);
    expect(semver.satisfies(process.version, range), `this Node (${process.version})`).toBe(true);

    // The tarball is built from an empty dist/ (prepack). `prepare` builds a clone or a git install
    // (`npm install` in this repository, as the README says); npm never runs it for a registry
    // install, and nothing else runs at install time.
    expect(repoPackage.scripts?.['prepack']).toMatch(/rmSync\('dist'.*&& npm run build$/);
    expect(repoPackage.scripts?.['prepare']).toBe('npm run build');
    for (const hook of ['preinstall', 'install', 'postinstall']) expect(repoPackage.scripts ?? {}, hook).not.toHaveProperty([hook]);
  });
});

describe('the installed package', () => {
  it('runs the driftcheck bin from node_modules/.bin and through npx', () => {
    const run = runBin([SUTAZAI, '--format', 'json']);
    expect(run.status, run.stderr).toBe(1);
    const findings = (JSON.parse(run.stdout) as { findings: { ruleId: string; file: string; message: string }[] }).findings;
    expect(findings.find((f) => f.file === 'backend/app/api/vectors.py' && f.ruleId === 'DEP001')?.message).toBe('"chromadb" is imported but the image of service "backend" never installs it');
    const npx = spawnSync('npx', ['--offline', 'driftcheck', '--version'], { cwd: consumer, encoding: 'utf8' });
    expect(npx.stdout, npx.stderr).toBe(`driftcheck ${repoPackage.version}\n`);
    expect(runBin(['explain', 'PROD005']).stdout).toContain('# PROD005 runs-as-root');
  });

  it('starts worker threads from the installed bundle', () => {
    const tree = join(work, 'tree');
    generate(tree, resolveParams({ services: 12, pyPerService: 40, seed: 3 }), { force: true, quiet: true });
    const run = runBin([tree, '--workers', '2', '--debug', '--no-cache', '--format', 'json', '--fail-on', 'never']);
    expect(run.status, run.stderr).toBe(0);
    const [, batches, onWorkers] = /debug: Python files in (\d+) batches, (\d+) of them on 1 worker/.exec(run.stderr) ?? [];
    expect(Number(batches)).toBeGreaterThan(5);
    expect(Number(onWorkers), run.stderr).toBeGreaterThan(0);
  });

  it('imports from plain Node and audits a fixture', () => {
    writeFileSync(
      join(consumer, 'use.mjs'),
      [
        "import { createRequire } from 'node:module';",
        "import { audit, jsonReport, textReport, computeFixes, unifiedDiff, VERSION } from 'driftcheck';",
        'const root = process.argv[2];',
        'const result = audit({ root });',
        "const json = JSON.parse(jsonReport(result, '.'));",
        "const patch = unifiedDiff(computeFixes({ root }, result, { unsafe: false }).changes);",
        "const schema = createRequire(import.meta.url)('driftcheck/schema/report.schema.json');",
        "console.log(JSON.stringify({ version: VERSION, rules: [...new Set(json.findings.map((f) => f.ruleId))].sort(), text: textReport(result, { color: false, displayRoot: '.', quiet: true }).includes('DEP001'), patch: patch.includes('+chromadb'), schema: typeof schema.$schema }));",
      ].join('\n'),
    );
    const out = JSON.parse(execFileSync(process.execPath, ['use.mjs', SUTAZAI], { cwd: consumer, encoding: 'utf8' })) as { version: string; rules: string[]; text: boolean; patch: boolean; schema: string };
    expect(out.version).toBe(repoPackage.version);
    expect(out.rules).toEqual(expect.arrayContaining(['DEP001', 'PIN001', 'PROD001']));
    expect(out.text).toBe(true);
    expect(out.patch).toBe(true);
    expect(out.schema).toBe('string');
  });

  it('type-checks a TypeScript consumer against the exported declarations (skipLibCheck off)', () => {
    writeFileSync(
      join(consumer, 'use.ts'),
      [
        "import { audit, sarifLog, sarifReport, type AuditResult, type Finding, type Severity } from 'driftcheck';",
        "const result: AuditResult = audit({ root: '.', select: ['DEP001'] });",
        'const errors: Finding[] = result.findings.filter((f) => f.severity === (\'error\' satisfies Severity));',
        'export const sarif: string = sarifReport(result, { pathPrefix: \'\' });',
        'export const runs: number = sarifLog(result).runs.length;',
        'export const count: number = errors.length;',
      ].join('\n'),
    );
    // A consumer's own @types/node (Buffer, node:fs in the declarations), alone in its type root;
    // every other package the declarations name must come from the install.
    const typeRoot = join(work, 'types');
    mkdirSync(typeRoot, { recursive: true });
    if (!existsSync(join(typeRoot, 'node'))) symlinkSync(join(REPO_ROOT, 'node_modules/@types/node'), join(typeRoot, 'node'), 'dir');
    const compilerOptions = { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, noEmit: true, skipLibCheck: false, types: ['node'], typeRoots: [typeRoot] };
    writeFileSync(join(consumer, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['use.ts'] }));
    const tsc = spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: consumer, encoding: 'utf8' });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  }, 300_000); // tsc over the declarations and @types/node: ~10 s alone, a minute on a loaded machine
});
