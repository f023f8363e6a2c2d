// POSIX path helpers for repo-relative paths ('' is the root) and image paths (absolute).
import { posix } from 'node:path';
import { compileGlob } from './glob.js';

/** Joins and normalises repo-relative segments; '' for the root, never a leading './'. */
export function repoJoin(...parts: string[]): string {
  // Hot path (module lookups join thousands of times): already-normal parts need no normalize().
  const kept = parts.filter((p) => p !== '' && p !== '.');
  if (kept.length > 0 && kept.every(isNormalPart)) return kept.join('/');
  const joined = posix.normalize(kept.join('/') || '.');
  if (joined === '.' || joined === './') return '';
  return joined.replace(/^\.\//, '').replace(/\/$/, '');
}

/** A relative path with no empty, `.` or `..` segment and no leading or trailing slash. */
function isNormalPart(part: string): boolean {
  return !/(^|\/)\.{1,2}(\/|$)|\/\/|^\/|\/$/.test(part);
}

/** True when a repo path escapes the root ('..' first). */
export function escapesRoot(repoPath: string): boolean {
  return repoPath === '..' || repoPath.startsWith('../') || posix.isAbsolute(repoPath);
}

export function repoDirname(repoPath: string): string {
  const slash = repoPath.lastIndexOf('/');
  return slash === -1 ? '' : repoPath.slice(0, slash);
}

export function basename(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/** Resolves an image path against a working directory, like the shell and Docker do. */
export function imageResolve(cwd: string, path: string): string {
  const resolved = posix.resolve(cwd || '/', path);
  return resolved.length > 1 ? resolved.replace(/\/$/, '') : resolved;
}

/** `prefix` contains `path` (or equals it); both normalised, repo-relative or absolute. */
export function isUnder(path: string, prefix: string): boolean {
  if (prefix === '' ) return !escapesRoot(path);
  if (prefix === '/') return path.startsWith('/');
  return path === prefix || path.startsWith(prefix + '/');
}

/** Path of `path` relative to `prefix` (which contains it). */
export function relativeTo(path: string, prefix: string): string {
  if (prefix === '' || prefix === '/') return path.replace(/^\//, '');
  return path === prefix ? '' : path.slice(prefix.length + 1);
}

/** True when a path contains a glob wildcard (`*`, `?`, `[`). */
export function hasGlob(path: string): boolean {
  return /[*?[]/.test(path);
}

/** Index of the first path not less than `path` in a sorted list (default string order). */
export function lowerBound(sorted: readonly string[], path: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] ?? '') < path) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Whether a sorted list holds `dir` itself or a path below it (binary search, no scan). */
export function hasPathUnder(sorted: readonly string[], dir: string): boolean {
  if (dir === '') return sorted.some((path) => !escapesRoot(path));
  if (sorted[lowerBound(sorted, dir)] === dir) return true;
  return (sorted[lowerBound(sorted, `${dir}/`)] ?? '').startsWith(`${dir}/`);
}

/**
 * The paths at or below `dir` in a sorted list of repo paths. Paths sharing a prefix are
 * contiguous in sorted order, so this is a binary search plus a scan of the hits only.
 */
export function pathsUnder(sorted: readonly string[], dir: string): readonly string[] {
  if (dir === '') return sorted;
  const prefix = `${dir}/`;
  const out: string[] = [];
  for (let i = lowerBound(sorted, dir); i < sorted.length; i++) {
    const path = sorted[i] ?? '';
    if (path === dir || path.startsWith(prefix)) out.push(path);
    else if (path > prefix) break;
  }
  return out;
}

/**
 * A config path glob (`tests/**`, `*.py`, `deploy/compose.prod.yml`) as a matcher over
 * repo-relative paths. A pattern without `/` matches the base name anywhere, like .gitignore.
 */
export function pathGlobMatcher(pattern: string): (path: string) => boolean {
  const clean = pattern.replace(/^\.\//, '').replace(/\/$/, '/**');
  return compileGlob(clean, { doubleStar: true, anywhere: !clean.includes('/') });
}

/** pip reads `-r`/`-c` from a URL too (pip docs, Requirements File Format): fetched at install time. */
export function isUrl(written: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(written);
}
