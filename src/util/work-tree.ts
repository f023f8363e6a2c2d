// Where the git work tree holding a folder begins, found the way git discovers it (walking up to
// the first folder with a `.git` directory or gitfile; not above a GIT_CEILING_DIRECTORIES entry,
// nor across a file-system boundary unless GIT_DISCOVERY_ACROSS_FILESYSTEM is set) but without
// running git or reading anything: only `stat` of the folders and of `.git` in each. Patches use
// it so their paths are relative to the top level, where `git apply` and `patch -p1` expect them.
import { realpathSync, statSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join, relative, sep } from 'node:path';

type Env = Readonly<Record<string, string | undefined>>;

/** The real path of the work tree's top level holding `dir`, or null outside any. */
export function workTreeTop(dir: string, env: Env = process.env): string | null {
  let current: string;
  let device: number;
  try {
    current = realpathSync(dir);
    device = statSync(current).dev;
  } catch {
    return null;
  }
  const ceilings = ceilingsOf(env);
  const acrossFileSystems = isTrue(env['GIT_DISCOVERY_ACROSS_FILESYSTEM']);
  for (;;) {
    try {
      const stat = statSync(join(current, '.git'));
      if (stat.isDirectory() || stat.isFile()) return current; // a repository, or a worktree's/submodule's gitfile
    } catch {
      // no .git here
    }
    const parent = dirname(current);
    if (parent === current || ceilings.has(parent)) return null;
    try {
      if (!acrossFileSystems && statSync(parent).dev !== device) return null;
    } catch {
      return null;
    }
    current = parent;
  }
}

/**
 * `dir` relative to its work tree's top level, POSIX, ending in "/" ("services/api/"); "" when
 * `dir` is the top itself or lies in no work tree.
 */
export function workTreePrefix(dir: string, env: Env = process.env): string {
  const top = workTreeTop(dir, env);
  if (top === null) return '';
  const rel = relative(top, realpathSync(dir)).split(sep).join('/');
  return rel === '' ? '' : `${rel}/`;
}

/** GIT_CEILING_DIRECTORIES: absolute paths, resolved through links (git does, until an empty entry). */
function ceilingsOf(env: Env): Set<string> {
  const out = new Set<string>();
  let resolveLinks = true;
  for (const entry of (env['GIT_CEILING_DIRECTORIES'] ?? '').split(delimiter)) {
    if (entry === '') {
      resolveLinks = false;
      continue;
    }
    if (!isAbsolute(entry)) continue;
    const clean = entry.length > 1 ? entry.replace(/[\\/]+$/, '') : entry;
    out.add(clean);
    if (resolveLinks) {
      try {
        out.add(realpathSync(clean));
      } catch {
        // a ceiling that does not exist bounds nothing
      }
    }
  }
  return out;
}

function isTrue(value: string | undefined): boolean {
  return value !== undefined && /^(1|true|yes|on)$/i.test(value.trim());
}
