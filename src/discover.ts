// Walk the audited root once: honour .gitignore, skip VCS/vendor/virtualenv folders, classify the
// files driftcheck reads and read each of them exactly once.
import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { readdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { FileChangedError, makeSourceFile, type Encoding, type FileKind, type SourceFile } from './source.js';
import { errorCode, readGuarded, refusalMessage } from './util/safe-fs.js';
import { gitIgnoreFacts } from './util/git-index.js';

export interface DiscoverOptions {
  readonly maxFileBytes: number;
  readonly maxFiles: number;
  /**
   * `--exclude` patterns (gitignore syntax, relative to the root): matching files and folders are
   * left out as git-ignored ones are (a file's name is still recorded, a folder is not walked).
   */
  readonly exclude?: readonly string[];
  /**
   * False: `.gitignore` and `.ignore` files do not hide Python files and notebooks (deptry's
   * `exclude` replaces them); every other file still honours them, and `exclude` hides code too.
   * Default true.
   */
  readonly gitignoreCode?: boolean;
}

export interface Discovery {
  readonly files: readonly SourceFile[];
  /** Problems met while walking (unreadable, binary, too large): file + message, never fatal. */
  readonly warnings: readonly { readonly file: string; readonly message: string }[];
  /**
   * Paths of files driftcheck does not read (C/Cython/Rust sources, compiled extensions, and
   * git-ignored files such as generated `_version.py`): only their names, so rules know they exist.
   */
  readonly otherPaths: readonly string[];
  /**
   * Folders an ignore file hides that were not walked (or walked only for their tracked files):
   * what they hold on disk is unknown, not absent. Docker sends them in the build context unless
   * `.dockerignore` excludes them, so a rule that would call a path under one absent asks the disk.
   */
  readonly unwalkedDirs?: readonly string[];
  /**
   * Every file discovery tried to read, in walk order, with its stat as taken just before the
   * read (null when it could not be taken): the result cache's signature, without a second walk.
   */
  readonly inputs: readonly DiscoveredInput[];
}

export interface DiscoveredInput {
  readonly rel: string;
  readonly stamp: FileStamp | null;
}

/** What identifies a file's version without reading it: size, mtime, ctime and inode. */
export interface FileStamp {
  readonly key: string;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
  /** Over the size limit means the file exists but was not read. */
  readonly size: number;
}

// Tests simulate a filesystem with coarse timestamps (FAT, HFS+, some network mounts: 1-2 s) by
// truncating the times stampOf sees; 0 keeps them as the filesystem gives them.
let timestampResolutionMs = 0;

/** For tests: pretend the filesystem stores times at this resolution (0: as given). */
export function simulateTimestampResolution(ms: number): void {
  timestampResolutionMs = ms;
}

export function stampOf(stat: Stats): FileStamp {
  const coarse = (ms: number): number => (timestampResolutionMs > 0 ? Math.floor(ms / timestampResolutionMs) * timestampResolutionMs : ms);
  const mtimeMs = coarse(stat.mtimeMs);
  const ctimeMs = coarse(stat.ctimeMs);
  return { key: `${stat.size}\0${mtimeMs}\0${ctimeMs}\0${stat.ino}`, mtimeMs, ctimeMs, size: stat.isFile() ? stat.size : 0 };
}

export const DEFAULT_DISCOVER_OPTIONS: DiscoverOptions = { maxFileBytes: 8 * 1024 * 1024, maxFiles: 200_000 };

// Folders that never hold code a service ships: VCS metadata, vendored deps, caches, virtualenvs.
const SKIPPED_DIRS = new Set([
  '.git', '.hg', '.svn', 'node_modules', '__pycache__', '.tox', '.nox', '.venv', 'venv',
  '.mypy_cache', '.pytest_cache', '.ruff_cache', 'site-packages', '.eggs', '.idea', '.vscode',
]);

/** Classifies a file by its name alone; null for files driftcheck does not read. */
export function classify(relPath: string): FileKind | null {
  const slash = relPath.lastIndexOf('/');
  const base = relPath.slice(slash + 1);
  const lower = base.toLowerCase();
  if (lower.endsWith('.py')) return 'python';
  if (lower.endsWith('.ipynb')) return 'notebook';
  if (base === 'Dockerfile' || base === 'Containerfile' || base.startsWith('Dockerfile.') || lower.endsWith('.dockerfile')) {
    return lower.endsWith('.dockerignore') ? 'dockerignore' : 'dockerfile';
  }
  if (lower === '.dockerignore' || lower.endsWith('.dockerignore')) return 'dockerignore';
  // `docker-compose.template.yml`, `compose.example.yaml`: inputs to a generator or a copy step,
  // not files `docker compose` reads (their directives need not even be valid compose).
  if (/^(docker-)?compose([.-][^/]*)?\.ya?ml$/.test(lower) && !/[.-](template|tmpl|tpl|example|sample|dist)[.-]/.test(lower)) return 'compose';
  if (isComposeByContentName(relPath)) return 'compose';
  if (isRequirementsName(relPath)) return 'requirements';
  if (base === 'pyproject.toml') return 'pyproject';
  if (base === 'setup.cfg') return 'setup-cfg';
  if (base === 'Pipfile') return 'pipfile';
  if (base === 'package.json') return 'package-json';
  if (base === 'package-lock.json' || base === 'npm-shrinkwrap.json') return 'package-lock';
  if (base === '.npmrc') return 'npmrc';
  if (base === 'uv.lock' || base === 'poetry.lock') return 'python-lock';
  if (base === '.driftcheck.yaml' || base === '.driftcheck.yml') return 'config';
  return null;
}

/**
 * Names some projects give compose files without "compose" in them (cookiecutter-django's
 * `local.yml` and `production.yml`, `-f development.yml`). They are read as compose only when the
 * text has a top-level `services:` key, since deploy workflows, Ansible playbooks and app settings
 * use the same names.
 */
const COMPOSE_BY_CONTENT_NAME = /^(local|production|prod|development|dev|staging|stage|test)\.ya?ml$/;

function isComposeByContentName(relPath: string): boolean {
  const lower = relPath.toLowerCase();
  return !lower.startsWith('.github/') && COMPOSE_BY_CONTENT_NAME.test(lower.slice(lower.lastIndexOf('/') + 1));
}

/** Jinja block tags on their own line, or a `{{ … }}` placeholder in a key or an instruction. */
const TEMPLATE_SYNTAX = /^[ \t]*\{%-?\s|^[ \t]*\{\{|^[ \t]*[A-Za-z_-]*\{\{[^}\n]*\}\}[A-Za-z_-]*:/m;

function hasTopLevelServices(text: string): boolean {
  return /^services[ \t]*:[ \t]*(#.*)?\r?$/m.test(text);
}

function isRequirementsName(relPath: string): boolean {
  const lower = relPath.toLowerCase();
  const base = lower.slice(lower.lastIndexOf('/') + 1);
  if (/requirements[^/]*\.(txt|in)$/.test(base) || /^constraints[^/]*\.txt$/.test(base)) return true;
  // requirements/base.txt, requirements/prod.txt: a folder of requirement files.
  return /(^|\/)requirements\/[^/]+\.(txt|in)$/.test(lower);
}

interface IgnoreScope {
  readonly dir: string; // repo-relative POSIX, '' for the root
  readonly rules: Ignore;
}

function isCode(kind: FileKind | null): boolean {
  return kind === 'python' || kind === 'notebook';
}

export function discover(root: string, options: DiscoverOptions = DEFAULT_DISCOVER_OPTIONS): Discovery {
  const files: SourceFile[] = [];
  const inputs: DiscoveredInput[] = [];
  const rootReal = realpathSync(root);
  const { warnings, otherPaths, unwalkedDirs } = walkTree(root, options, (candidate, warnings) => {
    let stamp: FileStamp | null = null;
    const file = readSource(candidate.abs, candidate.rel, candidate.kind, candidate.isLink, rootReal, options, warnings, (stat) => (stamp = stampOf(stat)));
    inputs.push({ rel: candidate.rel, stamp });
    if (file) files.push(file);
  });
  return { files, warnings, otherPaths, unwalkedDirs, inputs };
}

/** A file discovery would read, found by walking only (nothing read). */
export interface Candidate {
  readonly abs: string;
  readonly rel: string;
  readonly kind: FileKind;
  readonly isLink: boolean;
}

/**
 * One walk of the tree, kept so that it can be replayed: the result cache's check walks the tree,
 * and on a miss hands its walk to discovery instead of walking twice (issue #18).
 */
export interface RecordedWalk {
  readonly root: string;
  /** The options it was taken with (JSON): a walk is replayed only for the same ones. */
  readonly optionsKey: string;
  /** The files discovery would read, in walk order. */
  readonly candidates: readonly Candidate[];
  /** For each candidate, how many of the walk's own warnings came before it. */
  readonly warningsBefore: readonly number[];
  readonly warnings: readonly { readonly file: string; readonly message: string }[];
  readonly otherPaths: readonly string[];
  /** Folders the walk did not enter (see Discovery.unwalkedDirs). */
  readonly unwalkedDirs: readonly string[];
  /**
   * Each candidate's stat as the result cache's check took it (following links; null when it
   * could not be taken): a file whose stat an earlier run recorded need not be stat'ed again.
   */
  readonly stamps?: readonly (FileStamp | null)[];
}

/** The files discovery would read and the names it would record, without reading any (the result cache's check). */
export function listFiles(root: string, options: DiscoverOptions = DEFAULT_DISCOVER_OPTIONS): RecordedWalk {
  const candidates: Candidate[] = [];
  const warningsBefore: number[] = [];
  const { warnings, otherPaths, unwalkedDirs } = walkTree(root, options, (candidate, walkWarnings) => {
    candidates.push(candidate);
    warningsBefore.push(walkWarnings.length);
  });
  return { root, optionsKey: JSON.stringify(options), candidates, warningsBefore, warnings, otherPaths, unwalkedDirs };
}

/**
 * walkTree, or the replay of a walk recorded moments before with the same root and options:
 * `accept` sees the same candidates, and the warnings come out in the same order.
 */
export function walkOrReplay(
  root: string,
  options: DiscoverOptions,
  accept: (candidate: Candidate, warnings: { file: string; message: string }[], checked?: FileStamp | null) => void,
  recorded?: RecordedWalk,
): { warnings: { file: string; message: string }[]; otherPaths: string[]; unwalkedDirs: string[]; replayed: boolean } {
  if (recorded === undefined || recorded.root !== root || recorded.optionsKey !== JSON.stringify(options)) return { ...walkTree(root, options, accept), replayed: false };
  const warnings: { file: string; message: string }[] = [];
  let next = 0; // the walk's own warnings emitted so far
  recorded.candidates.forEach((candidate, i) => {
    const before = recorded.warningsBefore[i] ?? 0;
    while (next < before) warnings.push({ ...(recorded.warnings[next++] as { file: string; message: string }) });
    accept(candidate, warnings, recorded.stamps?.[i]);
  });
  while (next < recorded.warnings.length) warnings.push({ ...(recorded.warnings[next++] as { file: string; message: string }) });
  return { warnings, otherPaths: [...recorded.otherPaths], unwalkedDirs: [...recorded.unwalkedDirs], replayed: true };
}

/**
 * Walks the tree in a stable order; `accept` handles each file driftcheck reads. Every such file
 * counts toward the file limit, read or not, so the limit falls at the same place however the
 * files are read (one thread or several).
 */
export function walkTree(
  root: string,
  options: DiscoverOptions,
  accept: (candidate: Candidate, warnings: { file: string; message: string }[]) => void,
): { warnings: { file: string; message: string }[]; otherPaths: string[]; unwalkedDirs: string[] } {
  const warnings: { file: string; message: string }[] = [];
  const otherPaths: string[] = [];
  const unwalkedDirs: string[] = [];
  let accepted = 0;
  let budgetWarned = false;
  // `--exclude` always applies, to code too; ignore files may not hide code (gitignoreCode false).
  const excluded = options.exclude?.length ? [{ dir: '', rules: ignore().add([...options.exclude]) }] : [];

  const gitignoreCode = options.gitignoreCode !== false;
  // Git ignores only untracked files: a tracked file is audited whatever an ignore file says, and
  // patterns match case-sensitively unless the repository sets core.ignorecase (git's default).
  // Read on first use: only a tree whose ignore files hide something reads the index.
  const git = gitIgnoreFacts(root);
  const isTracked = (rel: string): boolean => git.tracked()?.files.has(rel) === true;
  // `gitIgnored`: a folder an ignore file hides, walked only for code when ignore files do not hide code.
  const walk = (dirAbs: string, dirRel: string, scopes: readonly IgnoreScope[], gitIgnored: boolean): void => {
    let entries;
    try {
      entries = readdirSync(dirAbs, { withFileTypes: true });
    } catch (error) {
      // A folder that cannot be listed may still be a virtualenv (its pyvenv.cfg found by stat).
      if (dirRel !== '' && isVirtualenv(dirAbs)) return;
      warnings.push({ file: dirRel || '.', message: `cannot read directory: ${errorCode(error)}` });
      return;
    }
    // Looked up in the listing rather than probed: a failed open or stat per folder (an exception
    // each) cost more than the walk itself on large trees (issue #18).
    const venv = entries.find((entry) => entry.name === 'pyvenv.cfg');
    if (dirRel !== '' && venv && (venv.isFile() || (venv.isSymbolicLink() && isVirtualenv(dirAbs)))) return;
    const localScopes = entries.some((entry) => entry.name === '.gitignore' || entry.name === '.ignore') ? withGitignore(dirAbs, dirRel, scopes, options.maxFileBytes, git.ignoreCase()) : scopes;
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const rel = dirRel ? `${dirRel}/${entry.name}` : entry.name;
      const abs = join(dirAbs, entry.name);
      if (entry.isDirectory()) {
        // A virtualenv (a pyvenv.cfg inside) is skipped once it is listed, above.
        if (SKIPPED_DIRS.has(entry.name) || isIgnored(excluded, rel, true)) continue;
        const hidden = gitIgnored || isIgnored(localScopes, rel, true);
        // A hidden folder holding tracked files is walked for those files only. Either way its
        // untracked files are not seen: recorded, so absence under it is asked of the disk.
        if (hidden && gitignoreCode && !gitIgnored) unwalkedDirs.push(rel);
        if (hidden && gitignoreCode && git.tracked()?.dirs.has(rel) !== true) continue;
        walk(abs, rel, localScopes, hidden);
        continue;
      }
      if (!entry.isFile() && !entry.isSymbolicLink()) continue;
      const kind = classify(rel);
      // In a folder walked only for its code, nothing else is recorded (it was never walked before).
      // (isTracked last in each test: the index is read only when an ignore rule hides something.)
      if (gitIgnored && !isCode(kind) && !gitignoreCode && !isTracked(rel)) continue;
      if (gitIgnored && gitignoreCode && !isTracked(rel)) continue;
      if (kind === null || isIgnored(excluded, rel, false) || ((gitIgnored || isIgnored(localScopes, rel, false)) && (gitignoreCode || !isCode(kind)) && !isTracked(rel))) {
        if (otherPaths.length < options.maxFiles) otherPaths.push(rel);
        continue;
      }
      if (accepted >= options.maxFiles) {
        if (!budgetWarned) warnings.push({ file: rel, message: `file limit of ${options.maxFiles} reached; the rest of the tree is not audited` });
        budgetWarned = true;
        return;
      }
      accept({ abs, rel, kind, isLink: entry.isSymbolicLink() }, warnings);
      accepted++;
    }
  };

  walk(root, '', [], false);
  return { warnings, otherPaths, unwalkedDirs };
}

/**
 * A `.gitignore` (and an `.ignore`, which ripgrep, fd and deptry read the same way) is read through
 * the guard too; like git (2.32+), a symlinked one is not followed.
 */
function withGitignore(dirAbs: string, dirRel: string, scopes: readonly IgnoreScope[], maxBytes: number, ignorecase: boolean): readonly IgnoreScope[] {
  let out = scopes;
  for (const name of ['.gitignore', '.ignore']) {
    let text: string;
    try {
      const read = readGuarded(join(dirAbs, name), { rootReal: null, maxBytes, followLinks: false });
      if ('refused' in read) continue;
      text = read.bytes.toString('utf8');
    } catch {
      continue;
    }
    out = [...out, { dir: dirRel, rules: ignore({ ignorecase }).add(text) }];
  }
  return out;
}

function isIgnored(scopes: readonly IgnoreScope[], rel: string, isDir: boolean): boolean {
  for (const scope of scopes) {
    const inner = scope.dir ? rel.slice(scope.dir.length + 1) : rel;
    if (inner && scope.rules.ignores(isDir ? `${inner}/` : inner)) return true;
  }
  return false;
}

function isVirtualenv(dirAbs: string): boolean {
  try {
    return statSync(join(dirAbs, 'pyvenv.cfg')).isFile();
  } catch {
    return false;
  }
}

/**
 * Reads one file through the shared guard (src/util/safe-fs.ts): a symlink must resolve inside
 * the root, and only regular files within the size limit are read. `onStat` receives the file's
 * stat, taken before its content is read.
 */
export function readSource(
  abs: string,
  rel: string,
  kind: FileKind,
  isLink: boolean,
  rootReal: string,
  options: DiscoverOptions,
  warnings: { file: string; message: string }[],
  onStat?: (stat: Stats) => void,
): SourceFile | null {
  try {
    // A walked non-link is opened with O_NOFOLLOW: swapped for a link since the walk, it is refused.
    const read = readGuarded(abs, { rootReal, maxBytes: options.maxFileBytes, followLinks: isLink }, onStat);
    if ('refused' in read) {
      if (read.refused !== 'not-a-file') warnings.push({ file: rel, message: refusalMessage(read.refused, read.stat, options.maxFileBytes) });
      return null;
    }
    const buffer = read.bytes;
    if (buffer.includes(0) && !isUtf16(buffer)) {
      warnings.push({ file: rel, message: 'binary file (contains NUL bytes); not read' });
      return null;
    }
    const { raw, encoding } = decode(buffer);
    const file = makeSourceFile(rel, kind, raw, encoding, isLink ? linkTarget(abs, rootReal) : undefined);
    if (kind === 'compose' && isComposeByContentName(rel) && !hasTopLevelServices(file.text)) return null;
    // A Jinja/cookiecutter/copier template (`{% if %}` lines, `{{ var }}` keys) is rendered into a
    // compose file or Dockerfile before anyone builds it: not read as one, said once.
    if ((kind === 'compose' || kind === 'dockerfile') && TEMPLATE_SYNTAX.test(file.text)) {
      warnings.push({ file: rel, message: 'a template ({% … %} / {{ … }} lines), rendered before use; not read' });
      return null;
    }
    if (kind === 'dockerfile' && file.text.trim() === '') {
      // docker build rejects an empty Dockerfile; read as one, it would hide the project's imports.
      warnings.push({ file: rel, message: 'empty Dockerfile (docker build rejects it); ignored' });
      return null;
    }
    return file;
  } catch (error) {
    warnings.push({ file: rel, message: `cannot read file: ${errorCode(error)}` });
    return null;
  }
}

/**
 * The text of a file read before, read again: the same guard as the first read, and the text must
 * have the digest (textDigest) it had then, else FileChangedError (a position or a fix computed
 * from the first read would not fit it).
 */
export function readTextAgain(abs: string, rel: string, isLink: boolean, rootReal: string, options: DiscoverOptions, digest: string): string {
  let text: string;
  try {
    const read = readGuarded(abs, { rootReal, maxBytes: options.maxFileBytes, followLinks: isLink });
    if ('refused' in read) throw new FileChangedError(rel);
    const { raw } = decode(read.bytes);
    text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
  } catch {
    throw new FileChangedError(rel);
  }
  if (textDigest(text) !== digest) throw new FileChangedError(rel);
  return text;
}

/** The digest of a file's text (BOM removed): what the parse cache keys a model by. */
export function textDigest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function isUtf16(buffer: Buffer): boolean {
  return buffer.length >= 2 && ((buffer[0] === 0xff && buffer[1] === 0xfe) || (buffer[0] === 0xfe && buffer[1] === 0xff));
}

/** Lossless: bytes that are not UTF-8 are read as Latin-1, so a fix writes back every byte it did not edit. */
/**
 * A digest of what was read from a file (its decoded text, BOM and encoding), for signing a file
 * whose timestamps are too fresh to tell a later same-size rewrite apart. contentDigestOf(bytes)
 * equals it for the bytes the file was read from.
 */
export function contentDigest(file: SourceFile): string {
  return digestOf(file.encoding, `${file.bom ? '\ufeff' : ''}${file.text}`);
}

export function contentDigestOf(buffer: Buffer): string {
  const { raw, encoding } = decode(buffer);
  return digestOf(encoding, raw);
}

function digestOf(encoding: Encoding, raw: string): string {
  return createHash('sha256').update(`${encoding}\0${raw}`).digest('hex');
}

function decode(buffer: Buffer): { raw: string; encoding: Encoding } {
  if (buffer[0] === 0xff && buffer[1] === 0xfe) return { raw: '\ufeff' + buffer.subarray(2).toString('utf16le'), encoding: 'utf16le' };
  if (buffer[0] === 0xfe && buffer[1] === 0xff) {
    const swapped = Buffer.from(buffer.subarray(2));
    swapped.swap16();
    return { raw: '\ufeff' + swapped.toString('utf16le'), encoding: 'utf16be' };
  }
  if (isUtf8(buffer)) return { raw: buffer.toString('utf8'), encoding: 'utf8' };
  // A UTF-8 BOM before bytes that are not UTF-8 is still a BOM to the parsers (and written back as one).
  const bom = buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf;
  return { raw: bom ? `\ufeff${buffer.subarray(3).toString('latin1')}` : buffer.toString('latin1'), encoding: 'latin1' };
}

/** The repo-relative path a symbolic link resolves to (readGuarded already checked it is inside the root). */
function linkTarget(abs: string, rootReal: string): string | undefined {
  try {
    return relative(rootReal, realpathSync(abs)).split(sep).join('/');
  } catch {
    return undefined;
  }
}

/** Repo-relative POSIX path for an absolute path under root. */
export function toRepoPath(root: string, abs: string): string {
  return relative(root, abs).split(sep).join('/');
}
