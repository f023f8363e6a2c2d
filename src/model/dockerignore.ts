// .dockerignore with Docker's own semantics (moby/patternmatcher), which differ from .gitignore:
// patterns are anchored at the context root, `**` spans directories, a pattern that matches a
// parent directory excludes everything below it, `!` re-includes, and the last match wins.
import { globToRegexSource } from '../util/paths.js';

interface Pattern {
  readonly regex: RegExp;
  readonly exclusion: boolean;
}

export interface DockerIgnore {
  /** True when a context-relative POSIX path is left out of the build context. */
  ignores(path: string): boolean;
}

export const EMPTY_DOCKERIGNORE: DockerIgnore = { ignores: () => false };

export function parseDockerignore(text: string): DockerIgnore {
  const patterns: Pattern[] = [];
  for (const rawLine of text.split(/\r?\n/)) {
    let line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const exclusion = line.startsWith('!');
    if (exclusion) line = line.slice(1).trim();
    line = cleanPattern(line);
    if (line === '') continue;
    patterns.push({ regex: new RegExp(`^${globToRegexSource(line, true)}$`), exclusion });
  }
  if (patterns.length === 0) return EMPTY_DOCKERIGNORE;
  return { ignores: (path) => isIgnored(patterns, path) };
}

function cleanPattern(pattern: string): string {
  const parts: string[] = [];
  for (const part of pattern.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return parts.join('/');
}

function isIgnored(patterns: readonly Pattern[], path: string): boolean {
  const candidates = parentsAndSelf(path);
  let ignored = false;
  for (const pattern of patterns) {
    if (candidates.some((candidate) => pattern.regex.test(candidate))) ignored = !pattern.exclusion;
  }
  return ignored;
}

function parentsAndSelf(path: string): string[] {
  const parts = path.split('/');
  const out: string[] = [];
  for (let i = 1; i <= parts.length; i++) out.push(parts.slice(0, i).join('/'));
  return out;
}
