// NPM004 node-module-missing-in-image: the Node counterpart of DEP001. Packages imported by the
// JavaScript a Node service runs (Service.node: its entry and what that reaches) that the image's
// node_modules cannot hold: undeclared, or only a devDependency of an install that omits them.
import { builtinModules } from 'node:module';
import type { Evidence, Fix, Span } from '../../findings/types.js';
import type { StageState } from '../../model/image.js';
import { lockInSync } from '../../model/npm-lock.js';
import { subpathImport } from '../../model/service/node-run.js';
import type { NodeRunFile, Project, Service } from '../../model/types.js';
import type { JsImport } from '../../parsers/js-imports.js';
import type { NpmInstall } from '../../parsers/types.js';
import { imageResolve, isUnder, relativeTo, repoDirname, repoJoin } from '../../util/paths.js';
import { defineRule } from '../define-rule.js';
import { addJsonDependency, moveJsonDependency } from '../edits.js';

const BUILTINS = new Set(builtinModules);
/** Base images known to hold no node_modules an application could resolve. */
const PLAIN_BASES = /^(?:docker\.io\/)?(?:library\/)?(node|alpine|debian|ubuntu|buildpack-deps|busybox|scratch|amazonlinux|fedora|centos|rockylinux|almalinux)(?::|@|$)|^(gcr\.io\/distroless\/nodejs\d*(?:-debian\d+)?|cgr\.dev\/chainguard\/node|public\.ecr\.aws\/lambda\/nodejs|mcr\.microsoft\.com\/devcontainers\/javascript-node|registry\.access\.redhat\.com\/ubi\d\/nodejs-\d+(?:-minimal)?)(?::|@|$)/;
/** Commands of a RUN that may put packages into node_modules in ways driftcheck does not list. */
const OPAQUE_INSTALLERS = /^(lerna|nx|rush|turbo)$/;

export default defineRule({
  meta: {
    id: 'NPM004',
    name: 'node-module-missing-in-image',
    severity: 'error',
    category: 'correctness',
    fix: 'sometimes',
    needs: ['nodeRun'],
    npmGraphs: true,
    summary: "Package imported by the JavaScript a Node service runs, but missing from its image's node_modules",
    docs: `## What it does
Follows each Node service from its command — \`node server.js\`, \`npm start\` (through package.json
\`scripts.start\`; npm's default \`node server.js\`), \`yarn\`/\`pnpm\` scripts, \`node .\` (the package's
\`main\`), \`ts-node\`/\`tsx\` and \`node -r ts-node/register\` for TypeScript — through every file its
relative imports and requires reach in the image (what the Dockerfile copies, \`.dockerignore\`
applied; \`#\` subpath imports through package.json \`imports\`), and flags each package those files
import that the image's \`node_modules\` does not hold:
- not declared in \`dependencies\`, \`optionalDependencies\` or \`peerDependencies\` of the package.json
  the image installs, and not in its package-lock.json at all (npm hoists dependencies of
  dependencies, so the lock decides);
- declared only in \`devDependencies\` while the image installs without them: \`npm ci --omit=dev\`,
  \`--production\`, \`--only=prod\`, \`NODE_ENV=production\` set before the install, or \`npm prune
  --production\`/\`--omit=dev\` after it (yarn \`--production\`, pnpm \`--prod\`, bun \`--production\`; an
  \`.npmrc\` beside package.json with \`omit=dev\`, \`production=true\`, \`include=dev\` or
  \`production=false\` decides over \`NODE_ENV\`), and the lock marks the package \`dev\`.
Modules are read with real parsers: es-module-lexer for \`import\`, \`export … from\` and dynamic imports with a literal, and
acorn for \`require()\` (cjs-module-lexer lists a module's exports, not its requires). Never flagged:
Node's builtins (\`fs\`, \`node:fs\`, \`fs/promises\`), relative and absolute paths, \`#\` subpath imports,
the package's own name, any package of the repository (workspaces, \`file:\` links), a name that is a
folder or file of the application beside its package.json or in \`src/\` (tsconfig \`baseUrl\`/\`paths\`,
\`NODE_PATH\`) or a package.json \`_moduleAliases\` key, \`require.resolve\`,
specifiers that are not literals, \`import type\` and \`export type\`, and imports inside a \`try\` block
(or a dynamic import with \`.catch\`): optional by design. A \`node_modules\` copied between stages
(\`COPY --from=build /app/node_modules ./node_modules\`) carries the install of the stage it comes from.

**An error only on proof.** The finding is an error when the install is npm's from a lock that is in
the image and in sync with package.json, the import is unconditional JavaScript, and nothing else
can bring packages in. Otherwise:
- an import only under a condition (\`if\`, \`?:\`, \`&&\`), a TypeScript import with bindings (the
  compiler drops it when they are used only as types), or a \`COPY\` that may bring a local
  \`node_modules\` from the build context (\`.dockerignore\` does not exclude it): warning;
- no lock to read (yarn, pnpm, bun, \`npm install\` without package-lock.json, a lock out of sync)
  — the package may still come as a dependency of a dependency — or an install set driftcheck
  cannot list (a base image it does not know, \`COPY node_modules\` from the context or another image,
  \`NODE_PATH\`, a RUN of a script or lerna/nx, an install without package.json), or a file that a
  build step (\`npm run build\`, tsc, esbuild, webpack, ...) may rewrite after it was copied, in its
  stage or in the stage a \`COPY --from\` takes it from: info, saying which;
- an entry it cannot find (\`next start\`, \`pm2-runtime ecosystem.config.js\`, a file a RUN builds,
  such as \`dist/\` from tsc, esbuild or webpack): nothing is reported for that part of the command.

Inline \`# driftcheck:\` comments are not read in JavaScript: silence a package with
\`ignore: [{package: <name>, rules: [NPM004]}]\` in the config.

## Why is this bad?
The container starts and dies on \`Error: Cannot find module 'x'\` (\`ERR_MODULE_NOT_FOUND\`), or only
when the code path that requires it is first hit in production. A devDependency the code needs at run
time works on every developer's machine and in CI, and fails only in the production image.

## Example
\`server.js\` has \`const helmet = require('helmet')\`, package.json lists \`helmet\` under
\`devDependencies\`, and the Dockerfile runs \`npm ci --omit=dev\`.

Use instead: move \`helmet\` to \`dependencies\` (\`npm install --save-prod helmet\`).

## Fix safety
Unsafe, and only for an error or a warning: a devDependency is moved to \`dependencies\` (its range
kept); a package the lock holds only for development (a dependency of a devDependency) is added to
\`dependencies\` with the lock's version (\`^x.y.z\`). Either changes what production installs, and
the lock's \`dev\` flags stay stale until the next \`npm install\`. No fix adds a package the lock does
not know: its name alone says nothing of whose package it is on the registry.

## References
- Node.js documentation: Modules (CommonJS require resolution, node_modules lookup), ECMAScript modules, subpath imports
- npm documentation: npm ci --omit, package-lock.json \`dev\` flags
- eslint-plugin-n no-extraneous-require / no-extraneous-import, depcheck`,
  },
  check({ project, report }) {
    for (const service of project.services) {
      const node = service.node;
      const final = service.final;
      if (!node || !final || !service.dockerfilePath || node.files.length === 0) continue;
      const modules = stageModules(project, service, final.stage.index, new Map());
      const repoPackages = repositoryPackageNames(project);
      const groups = new Map<string, Site[]>();
      for (const file of node.files) {
        const pkg = nearestPackage(final, file.imagePath);
        const ownName = pkg ? project.jsonAt(pkg.repoPath)?.name : undefined;
        for (const imp of file.imports) {
          if (imp.specifier === null || imp.typeOnly || imp.guarded) continue;
          const name = packageOf(project, final, file, imp.specifier);
          if (name === null || name === ownName || repoPackages.has(name) || localAlias(project, final, pkg, name)) continue;
          const list = groups.get(name) ?? [];
          list.push({ file, imp });
          groups.set(name, list);
        }
      }
      for (const [name, sites] of [...groups].sort(([a], [b]) => (a < b ? -1 : 1))) {
        const verdict = judge(project, service, final, modules, name, sites);
        if (!verdict) continue;
        const first = sites.find((s) => !s.imp.conditional && !s.imp.elidable) ?? sites[0];
        if (!first) continue;
        report({
          file: first.file.repoPath,
          span: first.imp.span,
          severity: verdict.severity,
          service: service.name,
          message: verdict.message,
          module: name,
          package: name,
          evidence: [
            ...sites.slice(0, 3).map((s) => ({ file: s.file.repoPath, line: s.imp.line, message: `${s.imp.kind === 'require' ? 'requires' : 'imports'} ${s.imp.specifier ?? name}${s.imp.specifier?.startsWith('#') ? ` (package.json "imports" maps it to ${name})` : ''}${s.imp.conditional ? ' (under a condition)' : ''}${s.imp.elidable ? ' (TypeScript: dropped if only used as a type)' : ''}` })),
            ...entryEvidence(service),
            ...verdict.evidence,
          ],
          sites: sites.map((s) => ({ file: s.file.repoPath, line: s.imp.line })),
          fix: verdict.fix,
        });
      }
    }
  },
});

interface Site {
  readonly file: NodeRunFile;
  readonly imp: JsImport;
}

/** What one RUN installs into `<dir>/node_modules`. */
interface Provision {
  readonly dir: string;
  /** The package.json it installs (repo path) and the line of the install. */
  readonly pkg: string;
  readonly tool: NpmInstall['tool'];
  readonly install: { readonly file: string; readonly line: number; readonly text: string };
  /** Why devDependencies are left out, with where that is said; null when they are installed. */
  readonly omitDev: { readonly file: string; readonly line: number; readonly how: string } | null;
  /** The package-lock.json in the image when npm installed (repo path); null for none or another tool. */
  readonly lock: string | null;
  /** `COPY --from` that brought this node_modules into the stage. */
  readonly via: readonly Evidence[];
}

interface StageModules {
  readonly provisions: readonly Provision[];
  /** Why the set of installed packages cannot be listed (base image, opaque RUN, copied node_modules). */
  readonly open: readonly Evidence[];
}

/** The node_modules folders a stage holds at its end and what installed them. */
function stageModules(project: Project, service: Service, index: number, memo: Map<number, StageModules>): StageModules {
  const known = memo.get(index);
  if (known) return known;
  memo.set(index, { provisions: [], open: [] }); // a cycle reads as empty
  const state = service.stages[index];
  const dockerfile = service.dockerfilePath ?? '';
  if (!state) return { provisions: [], open: [] };
  const provisions = new Map<string, Provision>();
  const open: Evidence[] = [];
  const parent = state.stage.from.stageRef;
  if (parent !== null) {
    const inherited = stageModules(project, service, parent, memo);
    for (const p of inherited.provisions) provisions.set(p.dir, p);
    open.push(...inherited.open);
  } else if (!PLAIN_BASES.test(state.stage.from.image)) {
    open.push({ file: dockerfile, line: state.stage.from.line, message: `FROM ${state.stage.from.image}: a base image driftcheck does not know, which may hold node_modules` });
  }
  const env = new Map<string, string>();
  const parentEnv = parent !== null ? service.stages[parent]?.env : undefined;
  for (const [key, value] of parentEnv ?? []) env.set(key, value.value);
  state.stage.instructions.forEach((ins, i) => {
    const workdir = state.workdirAt[i] ?? '/';
    if (ins.kind === 'env') for (const pair of ins.pairs) env.set(pair.key, pair.value);
    if (ins.kind === 'run') {
      for (const npm of ins.npmInstalls) {
        if (npm.command === 'other') {
          if (npm.options.some((o) => o === '-g' || o === '--global' || o === '--location=global')) continue; // global packages are not resolvable by require/import
          open.push({ file: dockerfile, line: npm.line, message: `${npm.tool} adds packages or installs elsewhere: driftcheck does not list what it puts in node_modules` });
          continue;
        }
        const pkg = state.fs.file(imageResolve(workdir, 'package.json'), i);
        if (!pkg) {
          open.push({ file: dockerfile, line: npm.line, message: `${npm.tool} installs in ${workdir}, where the image has no package.json from the repository yet` });
          continue;
        }
        const lockFile = npm.tool === 'npm' ? (state.fs.file(imageResolve(workdir, 'npm-shrinkwrap.json'), i) ?? state.fs.file(imageResolve(workdir, 'package-lock.json'), i)) : undefined;
        const lock = lockFile && lockInSync(project.jsonAt(pkg.repoPath), project.jsonAt(lockFile.repoPath), project.npmGraphs.get(lockFile.repoPath)) ? lockFile.repoPath : null;
        const text = installText(project, dockerfile, ins.span, npm);
        provisions.set(workdir, { dir: workdir, pkg: pkg.repoPath, tool: npm.tool, install: { file: dockerfile, line: npm.line, text }, omitDev: omitDevOf(project, pkg.repoPath, npm, env, dockerfile, state, i), lock, via: [] });
      }
      for (const words of ins.commands) {
        const values = words.map((w) => w.value);
        const program = (values[0] ?? '').slice((values[0] ?? '').lastIndexOf('/') + 1);
        const line = ins.line;
        if (program === 'npm' && values.includes('prune') && values.some((w) => w === '--production' || w === '--omit=dev' || w === '--only=production' || w === '--only=prod' || (w === '--omit' && values[values.indexOf(w) + 1] === 'dev'))) {
          const existing = provisions.get(workdir);
          if (existing) provisions.set(workdir, { ...existing, omitDev: existing.omitDev ?? { file: dockerfile, line, how: `npm prune ${values.slice(values.indexOf('prune') + 1).join(' ')}`.trim() } });
        } else if (OPAQUE_INSTALLERS.test(program) || (program === 'yarn' && values.includes('workspaces') && values.includes('focus')) || /^(sh|bash)$/.test(program) && /\.sh$/.test(values[1] ?? '') || /^\.{0,2}\/.*\.sh$/.test(values[0] ?? '')) {
          open.push({ file: dockerfile, line, message: `RUN ${values.join(' ')}: driftcheck does not know what it installs` });
        }
      }
    }
    if (ins.kind === 'copy') {
      const dest = imageResolve(workdir, ins.dest.value);
      for (const src of ins.sources) {
        const path = imageResolve('/', src.value);
        if (ins.from === null) {
          if (/(^|\/)node_modules(\/|$)/.test(path)) open.push({ file: dockerfile, line: ins.line, message: `COPY ${src.value}: node_modules from the build context, whose contents driftcheck does not see` });
          continue;
        }
        const from = findStageIndex(service, ins.from);
        if (from === null) {
          if (/node_modules/.test(path) || path === '/') open.push({ file: dockerfile, line: ins.line, message: `COPY --from=${ins.from} ${src.value}: files from another image, which may hold node_modules` });
          continue;
        }
        const source = stageModules(project, service, from, memo);
        for (const p of source.provisions) {
          const modulesDir = p.dir === '/' ? '/node_modules' : `${p.dir}/node_modules`;
          if (!(isUnder(modulesDir, path) || modulesDir === path)) {
            if (isUnder(path, modulesDir)) open.push({ file: dockerfile, line: ins.line, message: `COPY --from=${ins.from} ${src.value}: part of a node_modules` });
            continue;
          }
          const target = modulesDir === path ? dest : imageResolve(dest, relativeTo(modulesDir, path));
          const dir = target.slice(0, target.lastIndexOf('/')) || '/';
          provisions.set(dir, { ...p, dir, via: [...p.via, { file: dockerfile, line: ins.line, message: `COPY --from=${ins.from} brings ${modulesDir} (installed in that stage) to ${target}` }] });
        }
        if (source.open.length > 0 && source.provisions.some((p) => isUnder(p.dir === '/' ? '/node_modules' : `${p.dir}/node_modules`, path))) open.push(...source.open);
      }
    }
  });
  if (env.has('NODE_PATH')) open.push({ file: dockerfile, line: state.stage.from.line, message: `NODE_PATH=${env.get('NODE_PATH') ?? ''}: modules also resolve from folders driftcheck does not list` });
  const result = { provisions: [...provisions.values()], open };
  memo.set(index, result);
  return result;
}

function findStageIndex(service: Service, ref: string): number | null {
  const lower = ref.toLowerCase();
  const byName = service.stages.find((s) => s.stage.name === lower);
  if (byName) return byName.stage.index;
  return /^\d+$/.test(ref) && service.stages[Number(ref)] ? Number(ref) : null;
}

/** Why an install leaves devDependencies out, or null when it installs them. */
function omitDevOf(project: Project, pkgRepo: string | null, npm: NpmInstall, env: ReadonlyMap<string, string>, dockerfile: string, state: StageState, index: number): Provision['omitDev'] {
  const options = npm.options;
  const flag = options.find((o) =>
    o === '--production' || o === '--prod' || (o === '-P' && npm.tool === 'pnpm') || o === '--omit=dev' || o === '--only=prod' || o === '--only=production' || /^--production=(true)?$/.test(o),
  ) ?? (options.includes('--omit') && options[options.indexOf('--omit') + 1] === 'dev' ? '--omit dev' : undefined);
  if (options.some((o) => o === '--include=dev' || o === '--production=false' || o === '--prod=false' || o === '--dev' || o === '-D')) return null;
  // An .npmrc beside package.json that says anything about dev packages decides over NODE_ENV.
  const npmrc = pkgRepo !== null ? npmrcDev(project, repoJoin(repoDirname(pkgRepo), '.npmrc')) : null;
  if (npmrc && !flag) return npmrc.omit ? { file: npmrc.file, line: npmrc.line, how: npmrc.how } : null;
  if (flag) return { file: dockerfile, line: npm.line, how: `${npm.tool} ${npm.command === 'ci' && npm.tool === 'npm' ? 'ci' : 'install'} ${flag}` };
  const nodeEnv = env.get('NODE_ENV');
  const npmProduction = env.get('npm_config_production') ?? env.get('NPM_CONFIG_PRODUCTION');
  const omit = env.get('npm_config_omit') ?? env.get('NPM_CONFIG_OMIT');
  const line = envLine(state, index);
  if (npm.tool === 'npm' && omit === 'dev') return { file: dockerfile, line, how: 'NPM_CONFIG_OMIT=dev' };
  if (npm.tool === 'npm' && npmProduction === 'true') return { file: dockerfile, line, how: 'NPM_CONFIG_PRODUCTION=true' };
  // npm, yarn 1, pnpm: NODE_ENV=production makes the install leave devDependencies out.
  if (nodeEnv === 'production' && npm.tool !== 'bun') return { file: dockerfile, line, how: `NODE_ENV=production set before ${npm.tool} ${npm.command === 'ci' && npm.tool === 'npm' ? 'ci' : 'install'}` };
  return null;
}

/** What an .npmrc says about dev packages (`omit=dev`, `production=true`, `include=dev`, `production=false`); null when nothing. */
function npmrcDev(project: Project, path: string): { omit: boolean; file: string; line: number; how: string } | null {
  const file = project.files.get(path);
  if (!file) return null;
  let found: { omit: boolean; file: string; line: number; how: string } | null = null;
  file.text.split(/\r?\n|\r/).forEach((text, i) => {
    const m = /^\s*(omit|include|production|only)\s*=\s*"?([^"#;\s]*)"?/.exec(text);
    if (!m) return;
    const [key, value] = [m[1] ?? '', (m[2] ?? '').toLowerCase()];
    const omit = (key === 'omit' && value === 'dev') || (key === 'production' && value === 'true') || (key === 'only' && /^prod(uction)?$/.test(value));
    const include = (key === 'include' && value === 'dev') || (key === 'production' && value === 'false');
    if (omit || include) found = { omit, file: path, line: i + 1, how: `${key}=${value} in ${path}` };
  });
  return found;
}

/**
 * A bare name that is the application's own code: a folder or file of that name beside its
 * package.json or in its src/ (tsconfig `baseUrl`/`paths`, NODE_PATH=., module-alias), or a key of
 * package.json `_moduleAliases`.
 */
function localAlias(project: Project, final: StageState, pkg: { repoPath: string; imagePath: string } | null, name: string): boolean {
  if (!pkg) return false;
  const aliases = project.jsonAt(pkg.repoPath)?._moduleAliases;
  if (typeof aliases === 'object' && aliases !== null && (name in aliases || (name.split('/')[0] ?? '') in aliases)) return true;
  const dir = pkg.imagePath.slice(0, pkg.imagePath.lastIndexOf('/')) || '/';
  return ['', '/src', '/lib', '/app'].some((sub) => {
    const base = `${dir === '/' ? '' : dir}${sub}/${name}`;
    return final.fs.hasDir(base) || ['.js', '.ts', '.mjs', '.cjs', '.json'].some((ext) => final.fs.file(`${base}${ext}`) !== undefined);
  });
}

function envLine(state: StageState, index: number): number {
  let line = state.stage.from.line;
  state.stage.instructions.forEach((ins, i) => {
    if (i < index && ins.kind === 'env' && ins.pairs.some((p) => /^(NODE_ENV|npm_config_production|NPM_CONFIG_PRODUCTION|npm_config_omit|NPM_CONFIG_OMIT)$/.test(p.key))) line = ins.line;
  });
  return line;
}

function installText(project: Project, dockerfile: string, span: Span, npm: NpmInstall): string {
  const text = project.files.get(dockerfile)?.text.slice(span.start, span.end) ?? '';
  const at = project.files.get(dockerfile)?.text.slice(npm.span.start, npm.span.end) ?? npm.command;
  const line = text.split(/\r?\n/).find((l) => l.includes(at)) ?? '';
  return line.replace(/^\s*RUN\s+/i, '').replace(/\s*\\$/, '').trim().slice(0, 120) || `${npm.tool} ${at}`;
}

/** The package a bare specifier names; null for builtins, paths, URLs, and `#` imports that map to files. */
function packageOf(project: Project, final: StageState, file: NodeRunFile, specifier: string): string | null {
  if (specifier === '' || specifier.startsWith('.') || specifier.startsWith('/') || /^[a-z][a-z0-9+.-]*:/i.test(specifier)) return null; // paths, node:, data:, file:, https:
  let bare = specifier;
  if (specifier.startsWith('#')) {
    const pkg = nearestPackage(final, file.imagePath);
    const target = pkg ? subpathImport(project.jsonAt(pkg.repoPath)?.imports, specifier) : null;
    if (target === null || target.startsWith('.') || target.startsWith('/') || target.startsWith('#')) return null;
    bare = target;
  }
  const parts = bare.split('/');
  const name = bare.startsWith('@') ? (parts.length >= 2 ? `${parts[0]}/${parts[1]}` : null) : (parts[0] ?? null);
  if (name === null || BUILTINS.has(bare) || BUILTINS.has(name)) return null;
  if (!/^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/i.test(name)) return null; // not a package name (a template, a loader string)
  return name;
}

function nearestPackage(final: StageState, imagePath: string): { repoPath: string; imagePath: string } | null {
  for (let dir = imagePath.slice(0, imagePath.lastIndexOf('/')) || '/'; ; dir = dir.slice(0, dir.lastIndexOf('/')) || '/') {
    const hit = final.fs.file(dir === '/' ? '/package.json' : `${dir}/package.json`);
    if (hit) return hit;
    if (dir === '/') return null;
  }
}

const namesCache = new WeakMap<Project, ReadonlySet<string>>();

/** The names of every package.json of the repository: workspaces and `file:` links are local code, never a registry package. */
function repositoryPackageNames(project: Project): ReadonlySet<string> {
  const cached = namesCache.get(project);
  if (cached) return cached;
  const names = new Set<string>();
  for (const [path, file] of project.files) {
    if (file.kind !== 'package-json') continue;
    const name = project.jsonAt(path)?.name;
    if (typeof name === 'string') names.add(name);
  }
  namesCache.set(project, names);
  return names;
}

type Verdict = { severity: 'error' | 'warning' | 'info'; message: string; evidence: Evidence[]; fix: Fix | null };

function dependencyTable(project: Project, pkgPath: string, table: string): Record<string, unknown> {
  const value = project.jsonAt(pkgPath)?.[table];
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function declaredAtRuntime(project: Project, pkgPath: string, name: string): boolean {
  return ['dependencies', 'optionalDependencies', 'peerDependencies'].some((t) => name in dependencyTable(project, pkgPath, t)) || bundled(project, pkgPath, name);
}

function bundled(project: Project, pkgPath: string, name: string): boolean {
  const json = project.jsonAt(pkgPath);
  const list = json?.bundleDependencies ?? json?.bundledDependencies;
  return Array.isArray(list) && list.includes(name);
}

/** The lock's entry for `name` as installed for a file in `dir` (nearest node_modules first, as Node looks). */
function lockEntry(project: Project, lockPath: string, installDir: string, fileDir: string, name: string): { dev: boolean; key: string; version: string | null } | null | 'absent' {
  const lock = project.jsonAt(lockPath);
  if (!lock) return null;
  const packages = lock.packages;
  if (typeof packages === 'object' && packages !== null && !Array.isArray(packages)) {
    const table = packages as Record<string, unknown>;
    for (let dir = fileDir; ; dir = dir.slice(0, dir.lastIndexOf('/')) || '/') {
      const rel = dir === installDir ? '' : isUnder(dir, installDir) ? `${relativeTo(dir, installDir)}/` : null;
      if (rel !== null) {
        const key = `${rel}node_modules/${name}`;
        const entry = table[key];
        if (typeof entry === 'object' && entry !== null) {
          const e = entry as Record<string, unknown>;
          return { dev: e.dev === true, key, version: typeof e.version === 'string' ? e.version : null };
        }
      }
      if (dir === installDir || dir === '/') break;
    }
    return 'absent';
  }
  // lockfileVersion 1: top-level `dependencies` (hoisted), each with `dev`.
  const deps = lock.dependencies;
  if (typeof deps === 'object' && deps !== null && !Array.isArray(deps)) {
    const entry = (deps as Record<string, unknown>)[name];
    if (typeof entry === 'object' && entry !== null) {
      const e = entry as Record<string, unknown>;
      return { dev: e.dev === true, key: `dependencies.${name}`, version: typeof e.version === 'string' ? e.version : null };
    }
    return 'absent';
  }
  return null;
}

/** The line of `"name"` inside a package.json table, or 1. */
function tableLine(project: Project, pkgPath: string, table: string, name: string): number {
  const file = project.files.get(pkgPath);
  if (!file) return 1;
  const section = new RegExp(`"${table}"\\s*:\\s*\\{`).exec(file.text);
  if (!section) return 1;
  const close = file.text.indexOf('}', section.index);
  const inner = file.text.slice(section.index, close < 0 ? undefined : close);
  const at = inner.indexOf(`"${name}"`);
  return file.lines.position(section.index + (at < 0 ? 0 : at)).line;
}

/** Whether the image holds `name` for the files that import it, and how sure that is. */
function judge(project: Project, service: Service, final: StageState, modules: StageModules, name: string, sites: readonly Site[]): Verdict | null {
  const evidence: Evidence[] = [];
  let proven = true;
  const unproven: string[] = [];
  for (const site of sites) {
    const fileDir = site.file.imagePath.slice(0, site.file.imagePath.lastIndexOf('/')) || '/';
    const along = modules.provisions.filter((p) => p.dir === fileDir || isUnder(fileDir, p.dir) || p.dir === '/');
    for (const p of along) {
      const own = nearestPackage(final, site.file.imagePath);
      const members = [p.pkg, ...(own && own.repoPath !== p.pkg && isUnder(repoDirname(own.repoPath), repoDirname(p.pkg)) ? [own.repoPath] : [])];
      if (members.some((m) => declaredAtRuntime(project, m, name))) return null;
      const dev = members.some((m) => name in dependencyTable(project, m, 'devDependencies'));
      if (dev && !p.omitDev) return null;
      const entry = p.lock ? lockEntry(project, p.lock, p.dir, fileDir, name) : null;
      if (entry !== null && entry !== 'absent' && !(entry.dev && p.omitDev)) return null; // a dependency of a dependency, hoisted
    }
  }
  // Missing in every node_modules on the path: say why, and how sure.
  const first = sites[0];
  if (!first) return null;
  const fileDir = first.file.imagePath.slice(0, first.file.imagePath.lastIndexOf('/')) || '/';
  const along = modules.provisions.filter((p) => p.dir === fileDir || isUnder(fileDir, p.dir) || p.dir === '/');
  let reason = '';
  if (along.length === 0) {
    reason = 'the image installs no packages where the file can resolve them';
    evidence.push({ file: service.dockerfilePath ?? '', line: final.stage.from.line, message: `no npm, yarn, pnpm or bun install puts a node_modules above ${fileDir}` });
  }
  for (const p of along) {
    evidence.push(...p.via);
    const pruned = p.omitDev?.how.startsWith('npm prune') === true;
    evidence.push({ file: p.install.file, line: p.install.line, message: `${p.install.text} installs ${p.pkg}${p.omitDev && !pruned ? ' without devDependencies' : ''}` });
    const dev = name in dependencyTable(project, p.pkg, 'devDependencies');
    if (dev && p.omitDev) {
      evidence.push({ file: p.pkg, line: tableLine(project, p.pkg, 'devDependencies', name), message: `${name} is only a devDependency` });
      if (p.omitDev.line !== p.install.line || pruned) evidence.push({ file: p.omitDev.file, line: p.omitDev.line, message: pruned ? `${p.omitDev.how} removes devDependencies` : `${p.omitDev.how}: devDependencies are not installed` });
      reason ||= `it is only a devDependency of ${p.pkg}, and the image ${pruned ? 'removes devDependencies with' : 'installs with'} ${p.omitDev.how}`;
    } else {
      evidence.push({ file: p.pkg, line: 1, message: `${name} is not in dependencies, optionalDependencies or peerDependencies` });
      const locked = p.lock ? lockEntry(project, p.lock, p.dir, fileDir, name) : null;
      reason ||= locked !== null && locked !== 'absent' ? `it is not declared in ${p.pkg}, and the lock holds it only for development (a dependency of a devDependency)` : `it is not declared in ${p.pkg}`;
    }
    if (p.lock) {
      const entry = lockEntry(project, p.lock, p.dir, fileDir, name);
      evidence.push({ file: p.lock, line: 1, message: entry === 'absent' ? `no node_modules/${name} in the lock` : `node_modules/${name} is a dev package in the lock` });
    } else {
      proven = false;
      unproven.push(p.tool === 'npm' ? `no package-lock.json in sync with ${p.pkg} is in the image, so ${name} may still come as a dependency of a dependency` : `driftcheck does not read ${p.tool}'s lock, so ${name} may still come as a dependency of a dependency`);
    }
  }
  // Where a node_modules from the build context would have to sit: beside the installed package.json
  // files, or (nothing installed) in any folder above the importing file.
  const folders = along.length > 0 ? along.map((p) => repoDirname(p.pkg)) : ancestors(repoDirname(first.file.repoPath));
  const maybeLocal = contextModules(service, final, folders);
  evidence.push(...maybeLocal);
  evidence.push(...modules.open.slice(0, 3).map((e) => ({ ...e, message: `not understood: ${e.message}` })));
  for (const text of unproven.slice(0, 1)) evidence.push({ file: first.file.repoPath, line: first.imp.line, message: `not proven: ${text}` });
  // A file a build step of the image may rewrite (tsc, esbuild, webpack: bundlers inline or drop
  // imports) is not proof of what runs.
  const rebuilt = sites.map((s) => builtOver(service, final, s.file.imagePath));
  const builtEvidence = rebuilt.every((b) => b !== null) ? rebuilt[0] : null;
  if (builtEvidence) evidence.push(builtEvidence);
  const conditional = sites.every((s) => s.imp.conditional || s.imp.elidable);
  const severity: Verdict['severity'] = modules.open.length > 0 || !proven || builtEvidence ? 'info' : conditional || maybeLocal.length > 0 ? 'warning' : 'error';
  const how = !conditional ? '' : sites.every((s) => s.imp.elidable) ? ' (only in TypeScript imports whose bindings may be used only as types)' : sites.every((s) => s.imp.conditional) ? ' (only under a condition)' : ' (only under a condition, or in TypeScript imports that may be type-only)';
  return { severity, message: `"${name}" is imported by code service "${service.name}" runs, but its image's node_modules does not have it: ${reason}${how}`, evidence, fix: severity === 'info' ? null : fixOf(project, along, fileDir, name) };
}

/**
 * Declare it where the install reads it: a devDependency moves to dependencies; a package the lock
 * holds only for development is added with its locked version (`^x.y.z`, npm's default prefix).
 * Unsafe: it changes what production installs, and the lock's dev flags are stale until the next
 * `npm install` rewrites them. None without a lock to take a version from (a name alone may belong
 * to anyone on the registry), nor when several installs are involved.
 */
function fixOf(project: Project, along: readonly Provision[], fileDir: string, name: string): Fix | null {
  const p = along.length === 1 ? along[0] : undefined;
  const file = p ? project.files.get(p.pkg) : undefined;
  if (!p || !file) return null;
  if (name in dependencyTable(project, p.pkg, 'devDependencies')) {
    const edits = moveJsonDependency(file, 'devDependencies', 'dependencies', name);
    return edits ? { title: `Move ${name} from devDependencies to dependencies in ${p.pkg}`, applicability: 'unsafe', edits } : null;
  }
  const entry = p.lock ? lockEntry(project, p.lock, p.dir, fileDir, name) : null;
  if (entry === null || entry === 'absent' || entry.version === null || !/^\d+\.\d+\.\d+/.test(entry.version)) return null;
  const edit = addJsonDependency(file, 'dependencies', name, `^${entry.version}`);
  return edit ? { title: `Add ${name}@^${entry.version} (the lock's version) to dependencies in ${p.pkg}`, applicability: 'unsafe', edits: [edit] } : null;
}

/** Scripts and programs that build or bundle JavaScript. */
const BUILD_SCRIPT = /(^|[:-])(build|compile|bundle|dist|tsc|webpack|rollup|esbuild|vite|transpile|prepare|prepublish)([:-]|$)/i;
const BUILD_PROGRAMS = new Set(['tsc', 'esbuild', 'webpack', 'webpack-cli', 'rollup', 'vite', 'ncc', 'tsup', 'swc', 'babel', 'parcel', 'nx', 'turbo', 'lerna', 'rspack']);

/** The RUN that builds JavaScript, as evidence; null when the words are no build step. */
function buildStep(words: readonly string[]): string | null {
  const program = (words[0] ?? '').slice((words[0] ?? '').lastIndexOf('/') + 1);
  const args = words.slice(1).filter((w) => !w.startsWith('-'));
  if (program === 'npx' || program === 'pnpx' || program === 'bunx') return buildStep(args);
  if (program === 'npm' || program === 'pnpm' || program === 'yarn' || program === 'bun') {
    const script = args[0] === 'run' || args[0] === 'run-script' ? args[1] : program === 'yarn' || program === 'pnpm' ? args[0] : program === 'bun' && args[0] === 'build' ? 'build' : undefined;
    return script !== undefined && BUILD_SCRIPT.test(script) ? words.join(' ') : null;
  }
  return BUILD_PROGRAMS.has(program) ? words.join(' ') : null;
}

/**
 * Evidence that a build step may have rewritten this image file after it was copied: a build RUN
 * later in the stage that copied it (or in a stage after it in the chain), or anywhere in the
 * stage a `COPY --from` brought it from. Null when no build step can have touched it.
 */
function builtOver(service: Service, final: StageState, imagePath: string): Evidence | null {
  const file = final.fs.file(imagePath);
  if (!file) return null;
  const dockerfile = service.dockerfilePath ?? '';
  const chain: StageState[] = [];
  for (let s: StageState | undefined = final; s; s = s.stage.from.stageRef === null ? undefined : service.stages[s.stage.from.stageRef]) chain.unshift(s);
  const builds = (state: StageState, after: number): Evidence | null => {
    for (const [i, ins] of state.stage.instructions.entries()) {
      if (i <= after || ins.kind !== 'run') continue;
      for (const words of ins.commands) {
        const step = buildStep(words.map((w) => w.value));
        if (step) return { file: dockerfile, line: ins.line, message: `not proven: RUN ${step} may rewrite ${imagePath} (a build or bundler step; bundlers inline or drop imports)` };
      }
    }
    return null;
  };
  // The instruction that put it in the final stage: a COPY --from brings what another stage built.
  const copy = final.stage.instructions.find((ins) => ins.kind === 'copy' && ins.line === file.copiedBy.line && file.copiedBy.file === dockerfile);
  if (copy?.kind === 'copy' && copy.from !== null) {
    const from = findStageIndex(service, copy.from);
    const source = from === null ? undefined : service.stages[from];
    if (source) {
      for (let s: StageState | undefined = source; s; s = s.stage.from.stageRef === null ? undefined : service.stages[s.stage.from.stageRef]) {
        const found = builds(s, -1);
        if (found) return found;
      }
    }
  }
  // Copied into the chain, then built over: any build RUN after it, in its stage or a later one.
  const addedIn = chain.findIndex((s) => s.fs.file(imagePath) !== undefined);
  for (const [k, state] of chain.entries()) {
    if (k < addedIn) continue;
    const found = builds(state, k === addedIn ? (state.fs.file(imagePath)?.addedAt ?? -1) : -1);
    if (found) return found;
  }
  return null;
}

function ancestors(dir: string): string[] {
  const out = [dir];
  for (let current = dir; current !== ''; ) {
    current = repoDirname(current);
    out.push(current);
  }
  return out;
}

/** A COPY from the build context that may bring a local node_modules into one of these repository folders (not .dockerignored). */
function contextModules(service: Service, final: StageState, folders: readonly string[]): Evidence[] {
  const context = service.context;
  if (context === null) return [];
  const out: Evidence[] = [];
  for (const folder of folders) {
    const modules = repoJoin(folder, 'node_modules');
    if (!isUnder(modules, context) && context !== '') continue;
    const rel = relativeTo(modules, context);
    if (service.dockerignore?.ignores(rel) || service.dockerignore?.ignores(`${rel}/x`)) continue;
    for (const state of service.stages) {
      if (state !== final && !chainHas(service, final, state)) continue;
      for (const ins of state.stage.instructions) {
        if (ins.kind !== 'copy' || ins.from !== null) continue;
        const covers = ins.sources.some((s) => {
          const source = repoJoin(context, imageResolve('/', s.value).slice(1));
          return !/[*?[]/.test(s.value) && (source === context || isUnder(modules, source));
        });
        if (covers) out.push({ file: service.dockerfilePath ?? '', line: ins.line, message: `COPY ${ins.sources.map((s) => s.value).join(' ')} also copies ${modules} when the build context has one (.dockerignore does not exclude it)` });
      }
    }
  }
  return out.slice(0, 1);
}

function chainHas(service: Service, final: StageState, state: StageState): boolean {
  for (let current: StageState | undefined = final; current; current = current.stage.from.stageRef === null ? undefined : service.stages[current.stage.from.stageRef]) {
    if (current === state) return true;
  }
  return false;
}

function entryEvidence(service: Service): Evidence[] {
  const entry = service.node?.entries[0];
  if (!entry) return [];
  return [{ file: entry.part.file, line: entry.part.line, message: `service runs ${entry.how} (${entry.repoPath} and the files it imports)` }];
}
