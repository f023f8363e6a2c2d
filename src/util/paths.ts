// POSIX path helpers for repo-relative paths ('' is the root) and image paths (absolute).
import { posix } from 'node:path';

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

/** Converts a Docker/Go-style glob segment pattern to a RegExp source (no '/' crossing). */
export function globToRegexSource(pattern: string, doubleStar: boolean): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] ?? '';
    if (ch === '*') {
      if (doubleStar && pattern[i + 1] === '*') {
        // `**/` matches zero or more directories; a trailing `**` matches everything below.
        const slash = pattern[i + 2] === '/';
        out += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else out += '[^/]*';
    } else if (ch === '?') out += '[^/]';
    else if (ch === '[') {
      const close = pattern.indexOf(']', i + 1);
      if (close === -1) out += '\\[';
      else {
        const body = pattern.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\');
        out += `[${body}]`;
        i = close;
      }
    } else if (ch === '\\' && i + 1 < pattern.length) {
      out += escapeRegex(pattern[i + 1] ?? '');
      i++;
    } else out += escapeRegex(ch);
  }
  return out;
}

export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function hasGlob(path: string): boolean {
  return /[*?[]/.test(path);
}

/**
 * The paths at or below `dir` in a sorted list of repo paths. Paths sharing a prefix are
 * contiguous in sorted order, so this is a binary search plus a scan of the hits only.
 */
export function pathsUnder(sorted: readonly string[], dir: string): readonly string[] {
  if (dir === '') return sorted;
  const prefix = `${dir}/`;
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] ?? '') < dir) lo = mid + 1;
    else hi = mid;
  }
  const out: string[] = [];
  for (let i = lo; i < sorted.length; i++) {
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
  const source = globToRegexSource(clean, true);
  const regex = clean.includes('/') ? new RegExp(`^${source}$`) : new RegExp(`(?:^|/)${source}$`);
  return (path) => regex.test(path);
}
