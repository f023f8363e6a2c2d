// The files an image really contains, simulated from COPY/ADD exactly as Docker builds it:
// context-relative sources, .dockerignore, WORKDIR-relative destinations, directory-contents
// semantics, globs, and `COPY --from=<stage>` chains. Only files driftcheck reads are tracked.
import type { DockerStage, DockerfileModel, StageInstruction } from '../parsers/types.js';
import type { DockerIgnore } from './dockerignore.js';
import { BASE_IMAGE_DIRECTORIES } from '../knowledge/base-images.js';
import { basename, hasGlob, imageResolve, isUnder, pathsUnder, relativeTo, repoJoin } from '../util/paths.js';
import { compileGlob } from '../util/glob.js';

export interface ImageFile {
  readonly imagePath: string;
  readonly repoPath: string;
  /** Order of the instruction that first put the file here (-1: inherited from a parent stage). */
  readonly addedAt: number;
  readonly copiedBy: { readonly file: string; readonly line: number };
}

/** PATH in the python and Debian base images: where a bare command is looked up without ENV PATH. */
export const DEFAULT_PATH: readonly string[] = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/**
 * The folders exec searches for a bare command under `ENV PATH=value` (a `$PATH` in it stands
 * for the default; other variables and relative folders are skipped); the default without one.
 */
export function pathDirsOf(envPath: string | undefined): readonly string[] {
  if (envPath === undefined) return DEFAULT_PATH;
  return envPath.split(':').flatMap((dir) => (dir === '$PATH' || dir === '${PATH}' ? DEFAULT_PATH : dir.startsWith('/') ? [dir] : []));
}

export class ImageFs {
  private readonly files = new Map<string, ImageFile>();
  private readonly dirs = new Set<string>(['/']);
  /** Every folder with a `.py` file somewhere below it (closed under parentDir): namespace lookups without a scan. */
  private readonly pythonDirs = new Set<string>();
  /**
   * Image paths whose content comes from a folder the discovery walk did not enter (git-ignored,
   * untracked): Docker copies what is on disk there, which driftcheck knows only by asking.
   */
  private readonly unwalked: { readonly imagePath: string; readonly repoPath: string }[] = [];

  static inherit(parent: ImageFs): ImageFs {
    const fs = new ImageFs();
    for (const file of parent.files.values()) fs.add({ ...file, addedAt: -1 });
    for (const dir of parent.dirs) fs.dirs.add(dir);
    fs.unwalked.push(...parent.unwalked);
    return fs;
  }

  /** The image path holds what the disk has at the repo path (a file or a folder not walked). */
  addUnwalked(imagePath: string, repoPath: string): void {
    if (!this.unwalked.some((u) => u.imagePath === imagePath && u.repoPath === repoPath)) this.unwalked.push({ imagePath, repoPath });
  }

  /** Mappings at or below an image path, for `COPY --from` of that path. */
  unwalkedUnder(imagePath: string): readonly { readonly imagePath: string; readonly repoPath: string }[] {
    return this.unwalked.filter((u) => isUnder(u.imagePath, imagePath) || isUnder(imagePath, u.imagePath));
  }

  /** The repo path whose on-disk content an image path would have, when it comes from an unwalked folder. */
  unwalkedAt(imagePath: string): string | null {
    for (const u of this.unwalked) {
      if (isUnder(imagePath, u.imagePath)) return imagePath === u.imagePath ? u.repoPath : `${u.repoPath}/${relativeTo(imagePath, u.imagePath)}`;
    }
    return null;
  }

  hasUnwalked(): boolean {
    return this.unwalked.length > 0;
  }

  add(file: ImageFile): void {
    const existing = this.files.get(file.imagePath);
    // A later COPY overwrites the content but the path has existed since the first one.
    this.files.set(file.imagePath, existing ? { ...file, addedAt: Math.min(existing.addedAt, file.addedAt) } : file);
    for (let dir = parentDir(file.imagePath); !this.dirs.has(dir); dir = parentDir(dir)) this.dirs.add(dir);
    if (file.imagePath.endsWith('.py')) {
      for (let dir = parentDir(file.imagePath); !this.pythonDirs.has(dir); dir = parentDir(dir)) {
        this.pythonDirs.add(dir);
        if (dir === '/') break;
      }
    }
  }

  addDir(path: string): void {
    for (let dir = path; !this.dirs.has(dir); dir = parentDir(dir)) this.dirs.add(dir);
  }

  /**
   * The file exec runs for a command word: a path from `cwd`, or a bare name in the first of
   * `pathDirs` (pathDirsOf) that holds it.
   */
  command(word: string, cwd: string, pathDirs: readonly string[], before = Number.POSITIVE_INFINITY): ImageFile | undefined {
    if (word.includes('/')) return this.file(imageResolve(cwd, word), before);
    for (const dir of pathDirs) {
      const found = this.file(imageResolve(dir, word), before);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  file(imagePath: string, before = Number.POSITIVE_INFINITY): ImageFile | undefined {
    const found = this.files.get(imagePath);
    return found && found.addedAt < before ? found : undefined;
  }

  hasDir(imagePath: string): boolean {
    return this.dirs.has(imagePath);
  }

  /** Whether a `.py` file is at or below an image path: `under(imagePath).some(.py)`, from an index. */
  hasPythonUnder(imagePath: string): boolean {
    // '' and '/' keep isUnder's own meaning (a relative path is not under '/').
    if (imagePath === '' || imagePath === '/') return this.under(imagePath).some((f) => f.imagePath.endsWith('.py'));
    return this.pythonDirs.has(imagePath) || (imagePath.endsWith('.py') && this.files.has(imagePath));
  }

  /** Every file at or below an image path. */
  under(imagePath: string): ImageFile[] {
    const out: ImageFile[] = [];
    for (const file of this.files.values()) if (isUnder(file.imagePath, imagePath)) out.push(file);
    return out;
  }

  all(): IterableIterator<ImageFile> {
    return this.files.values();
  }

  /** Image paths a repo file was copied to. */
  pathsOf(repoPath: string): string[] {
    const out: string[] = [];
    for (const file of this.files.values()) if (file.repoPath === repoPath) out.push(file.imagePath);
    return out;
  }
}

function parentDir(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash <= 0 ? '/' : path.slice(0, slash);
}

/** State of one stage after its instructions ran. */
export interface StageState {
  readonly stage: DockerStage;
  readonly fs: ImageFs;
  /** Working directory in effect before each instruction (by instruction index), and at the end. */
  readonly workdirAt: readonly string[];
  readonly workdir: string;
  readonly env: ReadonlyMap<string, { readonly value: string; readonly line: number }>;
  readonly user: { readonly user: string; readonly line: number } | null;
  /** Stages whose installed packages this stage copies in (site-packages, venvs, prefixes). */
  readonly installsFrom: readonly number[];
}

export interface BuildInput {
  readonly dockerfilePath: string;
  readonly dockerfile: DockerfileModel;
  readonly context: string; // repo-relative dir
  /** Repo paths of the files driftcheck knows, sorted (required: ranges are binary-searched). */
  readonly repoFiles: readonly string[];
  readonly dockerignore: DockerIgnore;
  /**
   * The context's files once the .dockerignore is applied, when the caller has them already
   * (Repository.contextFiles shares them between services); computed from the fields above if not.
   */
  readonly contextFiles?: readonly string[];
  /** Ignored folders the discovery walk did not enter, sorted (their files are unknown, not absent). */
  readonly unwalkedDirs?: readonly string[];
  /** What the disk holds at a repo path under one of them (Repository.onDisk). */
  readonly onDisk?: (repoPath: string) => 'file' | 'dir' | null;
  /**
   * The final stage of an image this repository builds, for a `FROM` naming it (#16 idiom 9): the
   * stage starts with that image's files, environment, working directory and user.
   */
  readonly baseOf?: (image: string) => StageState | null;
}

// Paths that carry installed packages rather than application code.
const INSTALL_PREFIX = /(site-packages|dist-packages|(^|\/)\.?venv\b|\/install\b|^\/usr\/local\b|\/\.local\b|^\/opt\/|(^|\/)\.pixi\b|conda|mamba|\/envs\/)/;

export function simulateStages(input: BuildInput): StageState[] {
  const contextFiles = input.contextFiles ?? pathsUnder(input.repoFiles, input.context).filter((p) => !input.dockerignore.ignores(relativeTo(p, input.context)));
  const states: StageState[] = [];
  for (const stage of input.dockerfile.stages) {
    const parent = stage.from.stageRef !== null ? states[stage.from.stageRef] : undefined;
    const image = parent || !input.baseOf || stage.from.image === '' ? null : input.baseOf(stage.from.image);
    states.push(simulateStage(stage, parent ?? (image ? { ...image, installsFrom: [] } : undefined), states, contextFiles, input));
  }
  return states;
}

function simulateStage(
  stage: DockerStage,
  parent: StageState | undefined,
  earlier: readonly StageState[],
  contextFiles: readonly string[],
  input: BuildInput,
): StageState {
  const fs = parent ? ImageFs.inherit(parent.fs) : new ImageFs();
  const env = new Map(parent?.env ?? []);
  let workdir = parent?.workdir ?? '/';
  let user = parent?.user ?? null;
  const workdirAt: string[] = [];
  const installsFrom = new Set<number>(parent?.installsFrom ?? []);
  stage.instructions.forEach((instruction, index) => {
    workdirAt.push(workdir);
    switch (instruction.kind) {
      case 'workdir':
        workdir = imageResolve(workdir, instruction.path);
        fs.addDir(workdir);
        break;
      case 'env':
        for (const pair of instruction.pairs) env.set(pair.key, { value: pair.value, line: instruction.line });
        break;
      case 'user':
        user = { user: instruction.user, line: instruction.line };
        break;
      case 'copy':
        copy(instruction, index, workdir, fs, earlier, contextFiles, input, installsFrom);
        break;
      default:
        break;
    }
  });
  return { stage, fs, workdirAt, workdir, env, user, installsFrom: [...installsFrom] };
}

function copy(
  instruction: Extract<StageInstruction, { kind: 'copy' }>,
  index: number,
  workdir: string,
  fs: ImageFs,
  earlier: readonly StageState[],
  contextFiles: readonly string[],
  input: BuildInput,
  installsFrom: Set<number>,
): void {
  const dest = imageResolve(workdir, instruction.dest.value);
  const destIsDir =
    instruction.dest.value.endsWith('/') || instruction.dest.value === '.' || instruction.sources.length > 1 || fs.hasDir(dest) || BASE_IMAGE_DIRECTORIES.has(dest) ||
    instruction.sources.some((s) => hasGlob(s.value));
  const origin = { file: input.dockerfilePath, line: instruction.line };
  const put = (repoPath: string, imagePath: string): void => fs.add({ imagePath, repoPath, addedAt: index, copiedBy: origin });

  if (instruction.from !== null) {
    const source = findStage(earlier, instruction.from);
    if (!source) return; // an external image: its files are not ours to know
    for (const src of instruction.sources) {
      const srcPath = imageResolve('/', src.value);
      if (INSTALL_PREFIX.test(srcPath)) installsFrom.add(source.stage.index);
      const single = source.fs.file(srcPath);
      if (single) {
        put(single.repoPath, destIsDir ? `${dest}/${basename(srcPath)}`.replace(/^\/\//, '/') : dest);
        continue;
      }
      for (const file of source.fs.under(srcPath)) put(file.repoPath, joinImage(dest, relativeTo(file.imagePath, srcPath)));
      for (const u of source.fs.unwalkedUnder(srcPath)) {
        if (isUnder(u.imagePath, srcPath)) fs.addUnwalked(joinImage(dest, relativeTo(u.imagePath, srcPath)), u.repoPath);
        else fs.addUnwalked(destIsDir && !source.fs.hasDir(srcPath) ? joinImage(dest, basename(srcPath)) : dest, `${u.repoPath}/${relativeTo(srcPath, u.imagePath)}`.replace(/\/$/, ''));
      }
    }
    return;
  }

  for (const src of instruction.sources) {
    if (/^[a-z]+:\/\//i.test(src.value)) continue; // ADD <url>
    // BuildKit cleans a source against the context root: `../x` and `/x` are both the context's
    // `x`, never a file outside it (the classic builder refused `..` outright).
    const rel = imageResolve('/', src.value).slice(1);
    if (hasGlob(rel)) {
      copyGlob(rel, dest, contextFiles, input.context, put);
      continue;
    }
    const repoPath = repoJoin(input.context, rel);
    const under = pathsUnder(contextFiles, repoPath);
    if (under.length === 1 && under[0] === repoPath) {
      put(repoPath, destIsDir ? joinImage(dest, basename(repoPath)) : dest);
      continue;
    }
    for (const file of under) put(file, joinImage(dest, relativeTo(file, repoPath)));
    copyUnwalked(repoPath, dest, destIsDir, under.length === 0, fs, input);
    if (under.length > 0) fs.addDir(dest);
  }
}

/**
 * Folders the discovery walk did not enter (git-ignored, untracked) that a COPY takes along: the
 * image holds whatever the disk has there, unless .dockerignore drops it. Recorded, not walked; a
 * rule about to call a path under one absent asks the disk (Project.onDisk).
 */
function copyUnwalked(repoPath: string, dest: string, destIsDir: boolean, nothingKnown: boolean, fs: ImageFs, input: BuildInput): void {
  const dirs = input.unwalkedDirs ?? [];
  if (dirs.length === 0) return;
  const context = input.context;
  const inContext = (path: string): boolean => isUnder(path, context) && !input.dockerignore.ignores(relativeTo(path, context));
  // The source itself lies in an unwalked folder (`COPY config/local.py .` with config/ ignored).
  if (nothingKnown && dirs.some((dir) => isUnder(repoPath, dir)) && inContext(repoPath)) {
    const kind = input.onDisk?.(repoPath) ?? null;
    // A folder's contents land in dest; a file lands in dest, or in it by name when dest is a folder.
    if (kind === 'dir') fs.addUnwalked(dest, repoPath);
    else if (kind === 'file') fs.addUnwalked(destIsDir ? joinImage(dest, basename(repoPath)) : dest, repoPath);
    return;
  }
  for (const dir of pathsUnder(dirs, repoPath)) {
    if (dir === repoPath || !inContext(dir)) continue;
    fs.addUnwalked(joinImage(dest, relativeTo(dir, repoPath)), dir);
  }
}

function copyGlob(rel: string, dest: string, contextFiles: readonly string[], context: string, put: (repo: string, image: string) => void): void {
  const matches = compileGlob(rel, { doubleStar: false });
  // A match starts with the pattern's folders before its first wildcard or escape, so only the
  // files below them can match: no walk over the whole context per glob.
  const firstSpecial = rel.search(/[*?[\\]/);
  const literalDir = rel.slice(0, Math.max(0, rel.lastIndexOf('/', firstSpecial < 0 ? rel.length : firstSpecial)));
  for (const file of literalDir === '' ? contextFiles : pathsUnder(contextFiles, repoJoin(context, literalDir))) {
    const inContext = relativeTo(file, context);
    const parts = inContext.split('/');
    for (let depth = 1; depth <= parts.length; depth++) {
      const candidate = parts.slice(0, depth).join('/');
      if (!matches(candidate)) continue;
      // A matched file lands in dest by name; a matched directory's contents land in dest.
      const rest = parts.slice(depth).join('/');
      put(file, joinImage(dest, rest === '' ? basename(candidate) : rest));
      break;
    }
  }
}

function joinImage(dir: string, rest: string): string {
  if (rest === '') return dir;
  return dir === '/' ? `/${rest}` : `${dir}/${rest}`;
}

function findStage(states: readonly StageState[], ref: string): StageState | undefined {
  const lower = ref.toLowerCase();
  const byName = states.find((s) => s.stage.name === lower);
  if (byName) return byName;
  return /^\d+$/.test(ref) ? states[Number(ref)] : undefined;
}

export { findStage };
