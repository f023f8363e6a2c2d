// Where the git work tree holding a folder begins, found the way git finds it (walking up to the
// first folder with a `.git` directory or gitfile) but without running git or reading anything:
// only `stat` of `.git` in the folder and its parents. Patches use it so their paths are relative to
// the top level, where `git apply` and `patch -p1` expect them.
import { realpathSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

/** The real path of the work tree's top level holding `dir`, or null outside any. */
export function workTreeTop(dir: string): string | null {
  let current: string;
  try {
    current = realpathSync(dir);
  } catch {
    return null;
  }
  for (;;) {
    try {
      const stat = statSync(join(current, '.git'));
      if (stat.isDirectory() || stat.isFile()) return current; // a repository, or a worktree's/submodule's gitfile
    } catch {
      // no .git here
    }
    const parent = dirname(current);
    if (parent === current) return null;
    current = parent;
  }
}

/**
 * `dir` relative to its work tree's top level, POSIX, ending in "/" ("services/api/"); "" when
 * `dir` is the top itself or lies in no work tree.
 */
export function workTreePrefix(dir: string): string {
  const top = workTreeTop(dir);
  if (top === null) return '';
  const rel = relative(top, realpathSync(dir)).split(sep).join('/');
  return rel === '' ? '' : `${rel}/`;
}
