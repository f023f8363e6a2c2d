// The JavaScript a Node service runs: the entry files its command starts (`node server.js`,
// `npm start` through package.json `scripts.start`, `node .` through `main`, ts-node/tsx), then
// every file those reach by relative imports and requires, as the image holds them (the stage
// simulation's file set: what the Dockerfile copies, .dockerignore applied). Files are read on
// demand (Repository.javascriptAt); nothing else of the repository's JavaScript is.
import { imageResolve } from '../../util/paths.js';
import { commandSegments, shellSplit, stripWrappers } from '../command.js';
import type { ImageFile, ImageFs } from '../image.js';
import type { Repository } from '../repository.js';
import type { CommandPart, NodeEntry, NodeRun, NodeRunFile } from '../types.js';

/** Programs that run the image's JavaScript, or a framework that runs it by convention. */
const NODE_PROGRAMS = new Set(['node', 'nodejs', 'nodemon', 'ts-node', 'ts-node-dev', 'tsnd', 'tsx', 'npm', 'yarn', 'pnpm', 'bun', 'npx', 'pm2', 'pm2-runtime', 'next', 'nuxt', 'nest', 'react-scripts', 'vite', 'remix-serve', 'strapi', 'sails', 'meteor', 'forever', 'serve']);
/** Runners of TypeScript sources. */
const TS_RUNNERS = new Set(['ts-node', 'ts-node-dev', 'tsnd', 'tsx']);
/** Preloads (`-r`, `--import`, `--loader`) that make Node run TypeScript. */
const TS_HOOKS = /^(ts-node(\/.*)?|tsx(\/.*)?|@swc-node\/register.*|@esbuild-kit\/.*|esbuild-register(\/.*)?|@babel\/register)$/;
/** Node options that take the next word as their value. */
const NODE_VALUE_OPTIONS = new Set(['-r', '--require', '--import', '--loader', '--experimental-loader', '-C', '--conditions', '--env-file', '--title', '--input-type', '--watch-path', '--redirect-warnings', '--diagnostic-dir', '--openssl-config', '--icu-data-dir', '--cpu-prof-dir', '--heap-prof-dir', '--report-dir', '--stack-size', '--max-old-space-size', '--inspect-port', '--experimental-config-file']);
const JS_FILE = /\.(js|mjs|cjs|jsx)$/;
const TS_FILE = /\.(ts|mts|cts|tsx)$/;
/** Files read per service at most: a closure larger than this is cut (and said so). */
const MAX_FILES = 4000;

/** Images whose ENTRYPOINT is node itself: their CMD names the script (`CMD ["server.js"]`). */
const NODE_ENTRYPOINT_IMAGES = /^(gcr\.io\/distroless\/nodejs\d*(-debian\d+)?|cgr\.dev\/chainguard\/node)(:|@|$)/;

export function nodeRunOf(repo: Repository, fs: ImageFs, cwd: string, command: readonly CommandPart[], baseImage = ''): NodeRun | null {
  const part = command[command.length - 1];
  const written = command.flatMap((p) => p.argv);
  if (!part || written.length === 0) return null;
  const ownEntrypoint = command.some((p) => p.instruction === 'ENTRYPOINT' || p.instruction === 'entrypoint');
  const argv = !ownEntrypoint && NODE_ENTRYPOINT_IMAGES.test(baseImage) ? ['node', ...written] : written;
  const segments = commandSegments(argv).map((s) => stripWrappers(crossEnv(s)));
  if (!segments.some((s) => NODE_PROGRAMS.has(programName(s[0] ?? '')))) return null;
  const entries: NodeEntry[] = [];
  const unknown: string[] = [];
  for (const words of segments) readSegment(repo, fs, cwd, words, part, `${words.join(' ')}`, entries, unknown, 0);
  return closure(repo, fs, entries, unknown);
}

function readSegment(repo: Repository, fs: ImageFs, cwd: string, words: readonly string[], part: CommandPart, how: string, entries: NodeEntry[], unknown: string[], depth: number): void {
  const program = programName(words[0] ?? '');
  const args = words.slice(1);
  if (!NODE_PROGRAMS.has(program)) return;
  if (program === 'node' || program === 'nodejs' || program === 'nodemon') {
    let typescript = false;
    let script: string | null = null;
    for (let i = 0; i < args.length; i++) {
      const arg = args[i] ?? '';
      if (arg === '-e' || arg === '--eval' || arg === '-p' || arg === '--print') {
        unknown.push(`\`${how}\` runs code given on the command line`);
        return;
      }
      if (arg.startsWith('-')) {
        const [name, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, null];
        const value = inline ?? (NODE_VALUE_OPTIONS.has(name) ? (args[++i] ?? '') : null);
        if ((name === '-r' || name === '--require' || name === '--import' || name === '--loader' || name === '--experimental-loader') && value !== null && TS_HOOKS.test(value)) typescript = true;
        if (program === 'nodemon' && (name === '--exec' || name === '-x')) {
          unknown.push(`\`${how}\` runs another program through nodemon --exec`);
          return;
        }
        continue;
      }
      script = arg;
      break;
    }
    // `node` alone is the REPL: no file of the image runs.
    if (script !== null) addEntry(repo, fs, cwd, script, typescript, part, how, entries, unknown);
    return;
  }
  if (TS_RUNNERS.has(program)) {
    const rest = program === 'tsx' && args[0] === 'watch' ? args.slice(1) : args;
    const script = rest.find((a) => !a.startsWith('-'));
    if (script && !rest.some((a) => a === '-e' || a === '--eval' || a === '-P' || a === '--project')) addEntry(repo, fs, cwd, script, true, part, how, entries, unknown);
    else unknown.push(`\`${how}\`: driftcheck does not read this ${program} command line`);
    return;
  }
  if (program === 'npm' || program === 'yarn' || program === 'pnpm' || program === 'bun') {
    const script = scriptName(program, args);
    if (script === null) {
      unknown.push(`\`${how}\`: driftcheck does not read this ${program} command`);
      return;
    }
    const pkgImage = imageResolve(cwd, 'package.json');
    const pkgFile = fs.file(pkgImage);
    const pkg = pkgFile ? repo.jsonAt(pkgFile.repoPath) : null;
    const scripts = pkg?.scripts;
    const text = typeof scripts === 'object' && scripts !== null && !Array.isArray(scripts) ? (scripts as Record<string, unknown>)[script] : undefined;
    if (typeof text !== 'string') {
      // npm's default start script: `node server.js` when server.js is in the package root.
      if (program === 'npm' && script === 'start' && pkg && fs.file(imageResolve(cwd, 'server.js'))) {
        addEntry(repo, fs, cwd, 'server.js', false, part, `${how} (npm's default: node server.js)`, entries, unknown);
        return;
      }
      unknown.push(pkg ? `\`${how}\`: ${pkgFile?.repoPath ?? 'package.json'} has no "${script}" script` : `\`${how}\`: no package.json at ${pkgImage} in the image`);
      return;
    }
    if (depth >= 3) {
      unknown.push(`\`${how}\`: scripts call scripts too deeply`);
      return;
    }
    for (const segment of commandSegments(shellSplit(text)).map((s) => stripWrappers(crossEnv(s)))) {
      // npm runs scripts with node_modules/.bin on PATH: `ts-node src/x.ts` is the local ts-node.
      readSegment(repo, fs, cwd, segment, part, `${how} → "${script}": ${text}`, entries, unknown, depth + 1);
    }
    return;
  }
  unknown.push(`\`${how}\`: ${program} loads the application's files itself`);
}

/** The script `npm start`, `npm run x`, `yarn x`, `pnpm run x`, `bun run x` runs; null for other commands. */
function scriptName(program: string, args: readonly string[]): string | null {
  const words = args.filter((a) => !a.startsWith('-'));
  if (args.some((a) => a === '--prefix' || a === '-C' || a === '--cwd' || a === '--dir' || a.startsWith('--prefix=') || a.startsWith('--cwd=') || a.startsWith('--dir=') || a === '-w' || a === '--workspace' || a === '--filter')) return null;
  const sub = words[0];
  if (sub === undefined) return null;
  if (sub === 'start' || sub === 'test' || sub === 'stop' || sub === 'restart') return program === 'bun' && sub !== 'start' ? null : sub;
  if (sub === 'run' || sub === 'run-script' || sub === 'rum' || sub === 'urn') return words[1] ?? null;
  // `yarn serve`, `pnpm serve`: a script name in the subcommand's place.
  if ((program === 'yarn' || program === 'pnpm') && !['install', 'add', 'exec', 'dlx', 'node', 'workspace', 'workspaces'].includes(sub)) return sub;
  return null;
}

function addEntry(repo: Repository, fs: ImageFs, cwd: string, script: string, typescript: boolean, part: CommandPart, how: string, entries: NodeEntry[], unknown: string[]): void {
  if (script.includes('$')) {
    unknown.push(`\`${how}\`: the script path uses a variable`);
    return;
  }
  const path = imageResolve(cwd, script);
  const file = resolveEntry(repo, fs, path, typescript || TS_FILE.test(script));
  if (!file) {
    unknown.push(`\`${how}\`: ${path} is not a file the Dockerfile copies from the repository (built in the image, or not there)`);
    return;
  }
  entries.push({ imagePath: file.imagePath, repoPath: file.repoPath, typescript: typescript || TS_FILE.test(file.imagePath), how, part });
}

/** `node x` resolves x as a CommonJS main: the file, with an extension, or a folder's main/index. */
function resolveEntry(repo: Repository, fs: ImageFs, path: string, typescript: boolean): ImageFile | null {
  return resolvePath(repo, fs, path, typescript);
}

function resolvePath(repo: Repository, fs: ImageFs, path: string, typescript: boolean): ImageFile | null {
  const extensions = typescript ? ['.js', '.mjs', '.cjs', '.ts', '.tsx', '.mts', '.cts'] : ['.js', '.mjs', '.cjs'];
  const exact = fs.file(path);
  if (exact && (JS_FILE.test(path) || (typescript && TS_FILE.test(path)) || !/\.\w+$/.test(path))) return exact;
  // tsx and ts-node map `./x.js` to `./x.ts`.
  if (typescript && JS_FILE.test(path)) {
    const ts = fs.file(path.replace(/\.(m|c)?js(x?)$/, (_m, kind: string | undefined, x: string) => `.${kind ?? ''}ts${x}`));
    if (ts) return ts;
  }
  for (const ext of extensions) {
    const hit = fs.file(`${path}${ext}`);
    if (hit) return hit;
  }
  const pkg = fs.file(`${path}/package.json`);
  const main = pkg ? repo.jsonAt(pkg.repoPath)?.main : undefined;
  if (typeof main === 'string' && main !== '') {
    const hit = resolvePath(repo, fs, imageResolve(path, main), typescript);
    if (hit) return hit;
  }
  for (const ext of extensions) {
    const hit = fs.file(`${path}/index${ext}`);
    if (hit) return hit;
  }
  return null;
}

/** Every file the entries reach through relative specifiers (and `#` subpath imports that name files). */
function closure(repo: Repository, fs: ImageFs, entries: readonly NodeEntry[], unknown: string[]): NodeRun {
  const files = new Map<string, NodeRunFile>();
  const queue: { file: ImageFile; typescript: boolean }[] = entries.map((e) => ({ file: { imagePath: e.imagePath, repoPath: e.repoPath, addedAt: 0, copiedBy: { file: '', line: 0 } }, typescript: e.typescript }));
  let cut = false;
  while (queue.length > 0) {
    const next = queue.shift();
    if (!next || files.has(next.file.imagePath)) continue;
    if (files.size >= MAX_FILES) {
      cut = true;
      break;
    }
    const model = repo.javascriptAt(next.file.repoPath);
    const typescript = next.typescript && TS_FILE.test(next.file.imagePath);
    files.set(next.file.imagePath, { imagePath: next.file.imagePath, repoPath: next.file.repoPath, typescript, imports: model?.imports ?? [], unread: model ? model.unread : 'the file could not be read' });
    for (const imp of model?.imports ?? []) {
      if (imp.specifier === null || imp.typeOnly) continue;
      const target = localTarget(repo, fs, next.file.imagePath, imp.specifier, next.typescript);
      if (target && !files.has(target.imagePath)) queue.push({ file: target, typescript: next.typescript });
    }
  }
  if (cut) unknown.push(`more than ${MAX_FILES} files are reached from the entry; the rest were not read`);
  return { entries, files: [...files.values()], unknownEntries: unknown };
}

/** The image file a relative, absolute or `#` specifier names; null for packages and what is not in the image. */
function localTarget(repo: Repository, fs: ImageFs, from: string, specifier: string, typescript: boolean): ImageFile | null {
  const dir = from.slice(0, from.lastIndexOf('/')) || '/';
  if (specifier.startsWith('./') || specifier.startsWith('../') || specifier === '.' || specifier === '..' || specifier.startsWith('/')) {
    return resolvePath(repo, fs, imageResolve(dir, specifier.split('?')[0] ?? specifier), typescript);
  }
  if (specifier.startsWith('#')) {
    const pkg = nearestPackageJson(fs, dir);
    const target = pkg ? subpathImport(repo.jsonAt(pkg.repoPath)?.imports, specifier) : null;
    if (pkg && target !== null && target.startsWith('./')) return resolvePath(repo, fs, imageResolve(pkg.imagePath.slice(0, pkg.imagePath.lastIndexOf('/')) || '/', target), typescript);
  }
  return null;
}

/** The nearest package.json at or above an image folder. */
export function nearestPackageJson(fs: ImageFs, dir: string): ImageFile | null {
  for (let current = dir; ; current = current.slice(0, current.lastIndexOf('/')) || '/') {
    const hit = fs.file(current === '/' ? '/package.json' : `${current}/package.json`);
    if (hit) return hit;
    if (current === '/') return null;
  }
}

/**
 * What package.json `imports` maps a `#` specifier to (conditions `node`, `import`, `require`,
 * `default`, first match; `*` patterns): a `./` path or a package name; null when unmapped.
 */
export function subpathImport(imports: unknown, specifier: string): string | null {
  if (typeof imports !== 'object' || imports === null || Array.isArray(imports)) return null;
  const map = imports as Record<string, unknown>;
  const exact = map[specifier];
  if (exact !== undefined) return conditionTarget(exact, '');
  for (const [key, value] of Object.entries(map)) {
    const star = key.indexOf('*');
    if (star < 0) continue;
    const head = key.slice(0, star);
    const tail = key.slice(star + 1);
    if (specifier.startsWith(head) && specifier.endsWith(tail) && specifier.length >= key.length - 1) return conditionTarget(value, specifier.slice(head.length, specifier.length - tail.length));
  }
  return null;
}

function conditionTarget(value: unknown, star: string): string | null {
  if (typeof value === 'string') return value.replace(/\*/g, star);
  if (Array.isArray(value)) {
    for (const item of value) {
      const hit = conditionTarget(item, star);
      if (hit !== null) return hit;
    }
    return null;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [condition, target] of Object.entries(value as Record<string, unknown>)) {
      if (!['node', 'import', 'require', 'default', 'module-sync'].includes(condition)) continue;
      const hit = conditionTarget(target, star);
      if (hit !== null) return hit;
    }
  }
  return null;
}

/** `cross-env A=1 node x` runs `node x`. */
function crossEnv(words: readonly string[]): readonly string[] {
  let i = 0;
  if (programName(words[0] ?? '') === 'cross-env' || programName(words[0] ?? '') === 'cross-env-shell') i = 1;
  return i === 0 ? words : words.slice(i);
}

function programName(word: string): string {
  return word.slice(word.lastIndexOf('/') + 1);
}

