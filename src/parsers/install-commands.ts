// What install commands install: `pip install`, `python -m pip install`, `uv pip install|sync`,
// `uv sync`, `poetry install`, `pipenv install`, npm/yarn/pnpm installs and system package
// managers (apt, apk, yum/dnf). Each tool's option table says which options take a value, so
// requirement files, packages and local paths are told apart. Input: the words of one simple
// command (from the shell lexer, with spans into the Dockerfile).
import type { Span } from '../findings/types.js';
import { programName, type ShellToken } from './shell.js';
import type { NpmInstall, PipInstall, PipWheel, Word } from './types.js';

const PIP_VALUE_LONG = new Set([
  '--index-url', '--extra-index-url', '--find-links', '--trusted-host', '--target', '--prefix', '--root',
  '--python', '--platform', '--only-binary', '--no-binary', '--progress-bar', '--cache-dir', '--src',
  '--timeout', '--retries', '--log', '--log-file', '--config-settings', '--config-setting', '--global-option',
  '--install-option', '--upgrade-strategy', '--python-version', '--implementation', '--abi', '--cert',
  '--client-cert', '--proxy', '--exists-action', '--report', '--use-feature', '--use-deprecated',
  '--keyring-provider', '--build-dir', '--group', '--index', '--default-index', '--index-strategy',
  '--python-platform', '--resolution', '--prerelease', '--extra', '--exclude-newer', '--upgrade-package',
  '--reinstall-package', '--link-mode', '--refresh-package', '--no-build-package', '--no-binary-package',
  '--override', '--overrides', '--build-constraint', '--build-constraints', '--torch-backend',
  '--categories', '--pypi-mirror', '--directory', '--project',
  // uv pip install (uv docs, "uv pip install" reference): options that take a value
  '--python-preference', '--config-file', '--color', '--allow-insecure-host', '--no-build-isolation-package',
  '--fork-strategy', '--compile-bytecode-package', '--excludes', '--exclude', '--no-sources-package',
]);
const PIP_VALUE_SHORT = new Set(['r', 'c', 'e', 'i', 'f', 't', 'C', 'p', 'P']);

interface Piece {
  readonly value: string;
  readonly span: Span;
}

/** The part of a word from value index `from` (for `-rfile`, `--requirement=file`). */
function tail(t: ShellToken, from: number): Piece {
  if (from <= 0) return { value: t.value, span: t.span };
  const cm = t.cmap;
  if (from >= cm.length) return { value: '', span: { start: t.span.end, end: t.span.end } };
  return { value: t.value.slice(from), span: { start: cm[from]!, end: cm[cm.length - 1]! + 1 } };
}

function isUrlLike(v: string): boolean {
  return v.includes('://') || /^(git|hg|svn|bzr)\+/.test(v);
}

function isLocalPath(v: string): boolean {
  if (v === '') return false;
  if (/^[./~]/.test(v)) return true;
  if (isUrlLike(v)) return false;
  if (/[<>=!~;@,\s]/.test(v)) return false;
  if (v.includes('/')) return true;
  return /\.(whl|tar\.gz|tgz|zip|tar\.bz2)$/i.test(v);
}

/** Local paths keep their extras (`.[s3]`): what `pip install .[s3]` installs depends on them. */
function stripExtras(v: string): string {
  return v.replace(/^(\[[^\]]*\])$/, '.$1');
}

/** Where a caller's offsets are: the 1-based line of an offset. */
export interface Located {
  readonly lines: { line(offset: number): number };
}

function wordOf(p: Piece): Word {
  return { value: p.value, span: p.span };
}

function installSpan(words: readonly ShellToken[]): Span {
  return { start: words[0]!.span.start, end: words[words.length - 1]!.span.end };
}

/** Options of `pip install` / `uv pip install` / `pipenv install` from `words[start]`. */
function pipArguments(
  tool: PipInstall['tool'],
  words: readonly ShellToken[],
  start: number,
  positionalAsRequirements: boolean,
  ctx: Located,
): PipInstall {
  const requirementFiles: { path: string; constraint: boolean; span: Span }[] = [];
  const packages: Word[] = [];
  const localPaths: { path: string; editable: boolean; span: Span }[] = [];
  let upgrade = false;
  let optionsDone = false;

  const apply = (kind: 'r' | 'c' | 'e' | 'positional', p: Piece): void => {
    if (kind === 'r' || kind === 'c') {
      if (p.value !== '') requirementFiles.push({ path: p.value, constraint: kind === 'c', span: p.span });
    } else if (kind === 'e') {
      if (isUrlLike(p.value)) packages.push(wordOf(p));
      else if (p.value !== '') localPaths.push({ path: stripExtras(p.value), editable: true, span: p.span });
    } else if (positionalAsRequirements) {
      requirementFiles.push({ path: p.value, constraint: false, span: p.span });
    } else if (isLocalPath(p.value)) {
      localPaths.push({ path: stripExtras(p.value), editable: false, span: p.span });
    } else if (p.value !== '' && !/^[$`]/.test(p.value)) {
      // `$PACKAGES` / `$(cat list)`: unknown until build time, so not a requirement spec
      packages.push(wordOf(p));
    }
  };
  // pip spells them --requirement/--constraint, uv --requirements/--constraints (both accept -r/-c).
  const kindOf = (name: string): 'r' | 'c' | 'e' | null =>
    name === '--requirement' || name === '--requirements' || name === 'r'
      ? 'r'
      : name === '--constraint' || name === '--constraints' || name === 'c'
        ? 'c'
        : name === '--editable' || name === 'e'
          ? 'e'
          : null;

  for (let i = start; i < words.length; i++) {
    const t = words[i]!;
    const v = t.value;
    if (optionsDone || !v.startsWith('-') || v === '-') {
      apply('positional', tail(t, 0));
      continue;
    }
    if (v === '--') {
      optionsDone = true;
      continue;
    }
    if (v.startsWith('--')) {
      const eq = v.indexOf('=');
      const name = eq < 0 ? v : v.slice(0, eq);
      if (name === '--upgrade') {
        upgrade = true;
        continue;
      }
      const kind = kindOf(name);
      if (kind === null && !PIP_VALUE_LONG.has(name)) continue; // a flag
      let value: Piece | null = null;
      if (eq >= 0) value = tail(t, eq + 1);
      else if (i + 1 < words.length) value = tail(words[++i]!, 0);
      if (kind !== null && value !== null) apply(kind, value);
      continue;
    }
    // short option cluster: -q, -U, -qU, -r file, -rfile, -e.
    for (let k = 1; k < v.length; k++) {
      const ch = v[k]!;
      if (ch === 'U') {
        upgrade = true;
        continue;
      }
      if (!PIP_VALUE_SHORT.has(ch)) continue;
      let value: Piece | null = null;
      if (k + 1 < v.length) value = tail(t, v[k + 1] === '=' ? k + 2 : k + 1);
      else if (i + 1 < words.length) value = tail(words[++i]!, 0);
      const kind = kindOf(ch);
      if (kind !== null && value !== null) apply(kind, value);
      break;
    }
  }
  return {
    tool,
    requirementFiles,
    packages,
    localPaths,
    upgrade,
    line: ctx.lines.line(words[0]!.span.start),
    span: installSpan(words),
  };
}

/** `uv sync` / `poetry install`: the project in `.` (or `--project`/`--directory`/`-C` DIR). */
function projectInstall(tool: PipInstall['tool'], words: readonly ShellToken[], sub: number, ctx: Located): PipInstall {
  let path = '.';
  let span = words[sub]!.span;
  const dirOpts = tool === 'uv' ? new Set(['--project', '--directory']) : new Set(['--directory', '-C', '--project', '-P']);
  for (let i = 1; i < words.length; i++) {
    const v = words[i]!.value;
    const eq = v.indexOf('=');
    const name = eq < 0 ? v : v.slice(0, eq);
    if (!dirOpts.has(name)) continue;
    const p = eq >= 0 ? tail(words[i]!, eq + 1) : words[i + 1] ? tail(words[i + 1]!, 0) : null;
    if (p && p.value !== '') {
      path = p.value;
      span = p.span;
    }
  }
  const selection = selectedGroups(tool, words.map((w) => w.value));
  // uv docs "Workspaces": `uv sync` installs the workspace root, `--package P` the member P, `--all-packages` every member.
  const workspacePackages: string[] = [];
  if (tool === 'uv') {
    for (let i = sub + 1; i < words.length; i++) {
      const v = words[i]!.value;
      if (v === '--all-packages') workspacePackages.push('*');
      else if (v === '--package' && words[i + 1]) workspacePackages.push(words[++i]!.value);
      else if (v.startsWith('--package=')) workspacePackages.push(v.slice('--package='.length));
    }
  }
  return {
    ...(workspacePackages.length > 0 ? { workspacePackages } : {}),
    tool,
    requirementFiles: [],
    packages: [],
    localPaths: selection === null ? [] : [{ path: selection.length > 0 ? `${path}[${selection.join(',')}]` : path, editable: false, span }],
    upgrade: false,
    line: ctx.lines.line(words[0]!.span.start),
    span: installSpan(words),
  };
}

/**
 * Dependency groups and extras `poetry install` / `uv sync` add to the main dependencies, as
 * `.[a,b]` extras (`*` = all). Both install the `dev` group unless told otherwise (Poetry docs
 * "Installing dependencies"; uv docs "Default groups"). Null: no dependencies at all (`--only-root`).
 */
function selectedGroups(tool: PipInstall['tool'], words: readonly string[]): string[] | null {
  const groups = new Set(['dev']);
  const list = (value: string | undefined): string[] => (value ?? '').split(/[,\s]+/).filter(Boolean);
  for (let i = 0; i < words.length; i++) {
    const [flag = '', inline] = (words[i] ?? '').split(/=(.*)/s);
    const value = (): string | undefined => inline ?? words[++i];
    if (tool === 'poetry') {
      if (flag === '--only-root') return null;
      if (flag === '--with') for (const g of list(value())) groups.add(g);
      else if (flag === '--without') for (const g of list(value())) groups.delete(g);
      else if (flag === '--only') {
        groups.clear();
        for (const g of list(value())) if (g !== 'main') groups.add(g);
      } else if (flag === '--no-dev') groups.delete('dev');
      else if (flag === '-E' || flag === '--extras') for (const e of list(value())) groups.add(e);
      else if (flag === '--all-extras') groups.add('*');
    } else {
      if (flag === '--no-dev' || flag === '--no-default-groups') groups.delete('dev');
      else if (flag === '--only-dev') groups.add('dev');
      else if (flag === '--group' || flag === '--extra') for (const g of list(value())) groups.add(g);
      else if (flag === '--no-group') for (const g of list(value())) groups.delete(g);
      else if (flag === '--only-group') {
        groups.clear();
        for (const g of list(value())) groups.add(g);
      } else if (flag === '--all-groups' || flag === '--all-extras') groups.add('*');
    }
  }
  return [...groups].sort();
}

const PIP_NAME = /^pip(\d+(\.\d+)*)?$/;
const PYTHON_NAME = /^(python(\d+(\.\d+)*)?|py)$/;

/**
 * `pip wheel [-w DIR] -r F pkgs` / `python -m pip wheel …`: builds wheels of F's set (and their
 * dependencies, unless `--no-deps`) into DIR (pip docs "pip wheel": `-w/--wheel-dir`, default the
 * current directory). What a later `pip install DIR/*` installs.
 */
export function detectPipWheel(words: readonly ShellToken[], ctx: Located): PipWheel | null {
  const w0 = programName(words[0]?.value ?? '');
  const at = (i: number): string | undefined => words[i]?.value;
  let j = -1;
  if (PIP_NAME.test(w0)) j = 1;
  else if (PYTHON_NAME.test(w0)) {
    let i = 1;
    while (i < words.length && /^-[A-Za-z]+$/.test(at(i)!) && !at(i)!.startsWith('-m')) i++;
    if (at(i) === '-m' && PIP_NAME.test(at(i + 1) ?? '')) j = i + 2;
    else if (/^-mpip(\d+(\.\d+)*)?$/.test(at(i) ?? '')) j = i + 1;
  }
  if (j < 0 || at(j) !== 'wheel') return null;
  // `-w DIR` / `--wheel-dir DIR` taken out first: pip install has no -w, so pipArguments would read DIR as a package.
  let wheelDir = '.';
  const rest: ShellToken[] = [];
  for (let i = j + 1; i < words.length; i++) {
    const v = words[i]!.value;
    if (v === '-w' || v === '--wheel-dir') {
      wheelDir = words[++i]?.value ?? wheelDir;
      continue;
    }
    const inline = /^(?:--wheel-dir=|-w=?)(.+)$/.exec(v);
    if (inline && (v.startsWith('--wheel-dir=') || v.startsWith('-w'))) {
      wheelDir = inline[1]!;
      continue;
    }
    rest.push(words[i]!);
  }
  const pip = pipArguments('pip', [words[0]!, ...rest], 1, false, ctx);
  return { ...pip, line: ctx.lines.line(words[0]!.span.start), span: installSpan(words), wheelDir };
}

export function detectPip(words: readonly ShellToken[], ctx: Located): PipInstall | null {
  const w0 = programName(words[0]?.value ?? '');
  const at = (i: number): string | undefined => words[i]?.value;
  if (PIP_NAME.test(w0)) {
    return at(1) === 'install' ? pipArguments('pip', words, 2, false, ctx) : null;
  }
  if (PYTHON_NAME.test(w0)) {
    let i = 1;
    while (i < words.length && /^-[A-Za-z]+$/.test(at(i)!) && !at(i)!.startsWith('-m')) i++;
    let j = -1;
    if (at(i) === '-m' && PIP_NAME.test(at(i + 1) ?? '')) j = i + 2;
    else if (/^-mpip(\d+(\.\d+)*)?$/.test(at(i) ?? '')) j = i + 1;
    if (j < 0) return null;
    return at(j) === 'install' ? pipArguments('pip', words, j + 1, false, ctx) : null;
  }
  if (w0 === 'uv') {
    let i = 1;
    while (i < words.length && at(i)!.startsWith('-')) i++;
    if (at(i) === 'pip' && at(i + 1) === 'install') return pipArguments('uv', words, i + 2, false, ctx);
    if (at(i) === 'pip' && at(i + 1) === 'sync') return pipArguments('uv', words, i + 2, true, ctx);
    if (at(i) === 'sync') return projectInstall('uv', words, i, ctx);
    return null;
  }
  if (w0 === 'poetry') {
    let i = 1;
    while (i < words.length && at(i)!.startsWith('-')) i++;
    return at(i) === 'install' ? projectInstall('poetry', words, i, ctx) : null;
  }
  if (w0 === 'pipenv') {
    // `pipenv sync` installs Pipfile.lock exactly as `pipenv install` with no packages does.
    return at(1) === 'install' || at(1) === 'sync' ? pipArguments('pipenv', words, 2, false, ctx) : null;
  }
  return null;
}

const NPM_INSTALL = new Set(['install', 'i', 'in', 'ins', 'inst', 'insta', 'instal', 'isnt', 'isnta', 'isntal', 'isntall', 'add']);
const NPM_CI = new Set(['ci', 'clean-install', 'ic', 'install-clean', 'isntall-clean']);
/** Options of each tool that take a value as the next word (global ones before the subcommand too). */
const VALUE_OPTIONS: Readonly<Record<NpmInstall['tool'], ReadonlySet<string>>> = {
  npm: new Set(['--prefix', '-C', '--workspace', '-w', '--cache', '--registry', '--loglevel', '--userconfig', '--omit', '--include', '--install-strategy', '--before']),
  yarn: new Set(['--cwd', '--modules-folder', '--cache-folder', '--registry', '--network-timeout', '--mutex', '--link-folder', '--global-folder', '--network-concurrency', '--mode']),
  pnpm: new Set(['-C', '--dir', '--filter', '-F', '--reporter', '--store-dir', '--virtual-store-dir', '--modules-dir', '--registry', '--workspace-concurrency', '--lockfile-dir', '--config.node-linker', '--node-linker', '--loglevel']),
  bun: new Set(['--cwd', '--cache-dir', '--registry', '--backend', '--concurrent-scripts', '--network-concurrency', '--omit', '--filter', '-F', '--linker', '--cpu', '--os']),
};
/** Options that run the install somewhere other than the working directory, or globally. */
const ELSEWHERE = new Set(['-g', '--global', '--prefix', '-C', '--cwd', '--dir', '--location', '--modules-folder', '--lockfile-dir']);
/** Options that make an install fail rather than depart from the lock. */
const FROZEN: Readonly<Record<NpmInstall['tool'], ReadonlySet<string>>> = {
  npm: new Set(),
  yarn: new Set(['--frozen-lockfile', '--immutable']),
  // pnpm --offline cannot resolve anything the lock does not already have (pnpm fetch; pnpm install --offline).
  pnpm: new Set(['--frozen-lockfile', '--offline']),
  bun: new Set(['--frozen-lockfile']),
};
const TOOLS = new Set<string>(['npm', 'yarn', 'pnpm', 'bun']);

/**
 * An npm, yarn, pnpm or bun install of the working directory's project. `ci` when it installs the
 * lock exactly or fails (`npm ci`, `yarn --frozen-lockfile`/`--immutable`, `pnpm
 * --frozen-lockfile`, `bun --frozen-lockfile`, `bun ci`), `install` when it may resolve afresh,
 * `other` when it adds named packages, installs globally or into another folder.
 */
export function detectNpm(words: readonly ShellToken[], ctx: Located): NpmInstall | null {
  const tool = programName(words[0]?.value ?? '');
  if (!TOOLS.has(tool)) return null;
  const t = tool as NpmInstall['tool'];
  const values = VALUE_OPTIONS[t];
  const valueOf = (w: string): boolean => values.has(w);
  let i = 1;
  const before: string[] = [];
  while (i < words.length && words[i]!.value.startsWith('-')) {
    before.push(words[i]!.value);
    i += valueOf(words[i]!.value) ? 2 : 1;
  }
  const sub = words[i];
  const mk = (command: NpmInstall['command'], at: ShellToken, options: readonly string[]): NpmInstall => ({ tool: t, command, line: ctx.lines.line(at.span.start), span: at.span, options });
  let command: 'install' | 'ci';
  if (t === 'npm') {
    if (!sub) return null;
    if (NPM_INSTALL.has(sub.value)) command = 'install';
    else if (NPM_CI.has(sub.value)) command = 'ci';
    else return null;
  } else if (!sub) {
    if (t !== 'yarn') return null; // bare `yarn` installs
    command = 'install';
  } else if (sub.value === 'install' || (t !== 'yarn' && sub.value === 'i')) command = 'install';
  else if (t === 'bun' && sub.value === 'ci') command = 'ci';
  else if (sub.value === 'add' || (t === 'yarn' && sub.value === 'global')) return mk('other', sub, []);
  else return null;
  const at = sub ?? words[0]!;
  // After the subcommand: options (some with values) and, for `npm install x`, the packages it adds.
  const after: string[] = [];
  let packages = false;
  for (let j = i + 1; j < words.length; j++) {
    const word = words[j]!.value;
    if (word.startsWith('-')) {
      after.push(word);
      if (valueOf(word)) j++;
    } else packages = true;
  }
  const options = [...before, ...after];
  const flag = (o: string): string => (o.startsWith('--') ? o.split('=')[0]! : o);
  if (packages || (t === 'npm' && sub?.value === 'add') || options.some((o) => ELSEWHERE.has(flag(o)))) return mk('other', at, options);
  if (t !== 'npm' && options.some((o) => FROZEN[t].has(flag(o)) && !/=false$/.test(o))) command = 'ci';
  return mk(command, at, options);
}

interface SystemTool {
  readonly sub: string;
  readonly valueOpts: ReadonlySet<string>;
}

const APT: SystemTool = { sub: 'install', valueOpts: new Set(['-o', '-t', '-c', '--option', '--target-release', '--default-release', '--config-file']) };
const APK: SystemTool = {
  sub: 'add',
  valueOpts: new Set(['-X', '--repository', '-t', '--virtual', '-p', '--root', '--keys-dir', '--arch', '--cache-dir', '--repositories-file']),
};
const YUM: SystemTool = {
  sub: 'install',
  valueOpts: new Set(['-x', '--exclude', '--setopt', '--enablerepo', '--disablerepo', '--releasever', '--installroot', '--repo', '--repoid', '--config', '-c', '--repofrompath']),
};
const SYSTEM_TOOLS: Readonly<Record<string, SystemTool>> = {
  'apt-get': APT,
  apt: APT,
  aptitude: APT,
  apk: APK,
  yum: YUM,
  dnf: YUM,
  microdnf: YUM,
};

export function detectSystemPackages(words: readonly ShellToken[]): string[] {
  const w0 = programName(words[0]?.value ?? '');
  const tool = Object.prototype.hasOwnProperty.call(SYSTEM_TOOLS, w0) ? SYSTEM_TOOLS[w0] : undefined;
  if (!tool) return [];
  let i = 1;
  const skipOption = (): boolean => {
    const v = words[i]!.value;
    if (!v.startsWith('-')) return false;
    i += tool.valueOpts.has(v) ? 2 : 1;
    return true;
  };
  while (i < words.length && skipOption());
  if (words[i]?.value !== tool.sub) return [];
  i++;
  const out: string[] = [];
  while (i < words.length) {
    if (skipOption()) continue;
    const v = words[i]!.value;
    i++;
    if (/^[./]/.test(v) || /[$`]/.test(v)) continue; // local package files, `$(cat list)`
    let name = v.split(/[=<>~]/)[0] ?? '';
    if (tool === APT) name = name.split('/')[0] ?? '';
    if (name !== '') out.push(name);
  }
  return out;
}
