// The files git tracks under a folder, read from the work tree's index (`.git/index`, versions 2 to
// 4) without running git: an ignore file never hides a tracked file (git itself ignores only
// untracked ones). Also whether the repository matches ignore patterns case-insensitively
// (`core.ignorecase`, false unless its config says so). Anything unexpected (a split or sparse
// index, a bad checksum-less file, an unknown version) gives null: tracked files are then unknown
// and ignore files apply as before.
import { lstatSync, readFileSync, realpathSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import { workTreeTop } from './work-tree.js';

export interface TrackedFiles {
  /** Paths relative to the audited root, `/`-separated. */
  readonly files: ReadonlySet<string>;
  /** Every folder (relative to the audited root) that holds a tracked file, at any depth. */
  readonly dirs: ReadonlySet<string>;
}

const MAX_INDEX_BYTES = 256 * 1024 * 1024;

function readSmallFile(path: string, max: number): Buffer | null {
  try {
    const stat = lstatSync(path);
    if (!stat.isFile() || stat.size > max) return null;
    return readFileSync(path);
  } catch {
    return null;
  }
}

/** The git directory of the work tree at `top`: `.git`, or the one a gitfile (`gitdir: …`) names. */
function gitDirOf(top: string): string | null {
  const dotGit = join(top, '.git');
  try {
    const stat = lstatSync(dotGit);
    if (stat.isDirectory()) return dotGit;
    if (!stat.isFile()) return null;
  } catch {
    return null;
  }
  const text = readSmallFile(dotGit, 4096)?.toString('utf8') ?? '';
  const m = /^gitdir:\s*(.+?)\s*$/m.exec(text);
  if (!m?.[1]) return null;
  return isAbsolute(m[1]) ? m[1] : join(top, m[1]);
}

/** Entry paths of a git index, or null when it is not one this reader understands. */
export function parseGitIndex(data: Buffer, hashBytes = 20): string[] | null {
  if (data.length < 12 || data.toString('latin1', 0, 4) !== 'DIRC') return null;
  const version = data.readUInt32BE(4);
  if (version < 2 || version > 4) return null;
  const count = data.readUInt32BE(8);
  const paths: string[] = [];
  let offset = 12;
  let previous = '';
  const fixed = 40 + hashBytes; // ctime, mtime, dev, ino, mode, uid, gid, size, then the object id
  for (let i = 0; i < count; i++) {
    const start = offset;
    if (start + fixed + 2 > data.length) return null;
    const flags = data.readUInt16BE(start + fixed);
    let p = start + fixed + 2;
    if (flags & 0x4000) {
      if (version < 3) return null;
      const extended = data.readUInt16BE(p);
      if (extended & 0x4000) return null; // a sparse-directory entry: the index does not list the files
      p += 2;
    }
    let path: string;
    if (version === 4) {
      // Prefix compression: a varint says how many bytes of the previous path to drop.
      let strip = 0;
      let byte = 0x80;
      for (let n = 0; byte & 0x80; n++) {
        if (p >= data.length || n > 8) return null;
        byte = data[p++] ?? 0;
        strip = n === 0 ? byte & 0x7f : ((strip + 1) << 7) | (byte & 0x7f);
      }
      const end = data.indexOf(0, p);
      if (end < 0 || strip > Buffer.byteLength(previous)) return null;
      const kept = Buffer.from(previous).subarray(0, Buffer.byteLength(previous) - strip);
      path = Buffer.concat([kept, data.subarray(p, end)]).toString('utf8');
      offset = end + 1;
    } else {
      const end = data.indexOf(0, p);
      if (end < 0) return null;
      path = data.toString('utf8', p, end);
      // Entries are padded with 1 to 8 NULs to a multiple of 8 bytes.
      offset = start + Math.ceil((end - start + 1) / 8) * 8;
    }
    previous = path;
    // Stage > 0 (a conflict) lists the same path again; once is enough.
    if (paths[paths.length - 1] !== path) paths.push(path);
  }
  // A split index keeps most entries elsewhere ("link" extension): not read.
  if (offset + 4 <= data.length && data.toString('latin1', offset, offset + 4) === 'link') return null;
  return paths;
}

interface GitRepository {
  readonly top: string;
  readonly gitDir: string;
  readonly config: string;
}

/** The work tree above `root`, its git directory and config, or null when there is none. */
function gitRepositoryOf(root: string, env: Readonly<Record<string, string | undefined>>): GitRepository | null {
  const top = workTreeTop(root, env);
  const gitDir = top ? gitDirOf(top) : null;
  if (!top || !gitDir) return null;
  return { top, gitDir, config: readSmallFile(join(gitDir, 'config'), 1024 * 1024)?.toString('utf8') ?? '' };
}

/** The tracked files under `root` (an absolute folder), or null when the index cannot be read. */
function trackedFilesIn(repo: GitRepository, root: string): TrackedFiles | null {
  const sha256 = /^\s*objectformat\s*=\s*sha256\s*$/im.test(repo.config);
  const data = readSmallFile(join(repo.gitDir, 'index'), MAX_INDEX_BYTES);
  if (!data) return null;
  const paths = parseGitIndex(data, sha256 ? 32 : 20);
  if (!paths) return null;
  let rel: string;
  try {
    rel = relative(repo.top, realpathSync(root));
  } catch {
    return null;
  }
  if (rel.startsWith('..')) return null;
  const prefix = rel === '' ? '' : `${rel.split(sep).join('/')}/`;
  const files = new Set<string>();
  const dirs = new Set<string>();
  for (const path of paths) {
    if (!path.startsWith(prefix)) continue;
    const file = path.slice(prefix.length);
    files.add(file);
    for (let slash = file.lastIndexOf('/'); slash > 0; slash = file.lastIndexOf('/', slash - 1)) {
      const dir = file.slice(0, slash);
      if (dirs.has(dir)) break;
      dirs.add(dir);
    }
  }
  return { files, dirs };
}

export interface GitIgnoreFacts {
  /** The tracked files under the root; null when there is no work tree or its index cannot be read. */
  tracked(): TrackedFiles | null;
  /** Whether the repository's config sets `core.ignorecase = true` (git's default is false). */
  ignoreCase(): boolean;
}

/**
 * What git's ignore rules depend on, for a walk of `root`: each read on first use (a tree without
 * ignore files never reads the index) and the work tree, git directory and config found once.
 */
export function gitIgnoreFacts(root: string, env: Readonly<Record<string, string | undefined>> = process.env): GitIgnoreFacts {
  let repo: GitRepository | null | undefined;
  let tracked: TrackedFiles | null | undefined;
  const repository = (): GitRepository | null => (repo === undefined ? (repo = gitRepositoryOf(root, env)) : repo);
  return {
    tracked() {
      if (tracked === undefined) {
        const found = repository();
        tracked = found ? trackedFilesIn(found, root) : null;
      }
      return tracked;
    },
    ignoreCase() {
      return /^\s*ignorecase\s*=\s*true\s*$/im.test(repository()?.config ?? '');
    },
  };
}
