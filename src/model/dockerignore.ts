// .dockerignore with Docker's own semantics (moby/patternmatcher), which differ from .gitignore:
// patterns are anchored at the context root, `**` spans directories, a pattern that matches a
// parent directory excludes everything below it, `!` re-includes, and the last match wins.
import { compileGlob } from '../util/glob.js';

interface Pattern {
  readonly matches: (path: string) => boolean;
  readonly exclusion: boolean;
  readonly line: number;
}

export interface DockerIgnore {
  /** True when a context-relative POSIX path is left out of the build context. */
  ignores(path: string): boolean;
  /** 1-based line of the pattern that decides that a path is ignored; null when it is not. */
  ignoredBy(path: string): number | null;
}

export const EMPTY_DOCKERIGNORE: DockerIgnore = { ignores: () => false, ignoredBy: () => null };

export function parseDockerignore(text: string): DockerIgnore {
  const patterns: Pattern[] = [];
  text.split(/\r?\n/).forEach((rawLine, index) => {
    let line = rawLine.trim();
    if (line === '' || line.startsWith('#')) return;
    const exclusion = line.startsWith('!');
    if (exclusion) line = line.slice(1).trim();
    line = cleanPattern(line);
    if (line === '') return;
    patterns.push({ matches: compileGlob(line, { doubleStar: true }), exclusion, line: index + 1 });
  });
  if (patterns.length === 0) return EMPTY_DOCKERIGNORE;
  return { ignores: (path) => decidingPattern(patterns, path) !== null, ignoredBy: (path) => decidingPattern(patterns, path)?.line ?? null };
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

/** The last pattern matching the path or a parent, when it excludes; null when the path stays. */
function decidingPattern(patterns: readonly Pattern[], path: string): Pattern | null {
  const candidates = parentsAndSelf(path);
  let decided: Pattern | null = null;
  for (const pattern of patterns) {
    if (candidates.some((candidate) => pattern.matches(candidate))) decided = pattern;
  }
  return decided && !decided.exclusion ? decided : null;
}

function parentsAndSelf(path: string): string[] {
  const parts = path.split('/');
  const out: string[] = [];
  for (let i = 1; i <= parts.length; i++) out.push(parts.slice(0, i).join('/'));
  return out;
}
