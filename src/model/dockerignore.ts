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
  const deciding = decidingPatterns(patterns);
  return { ignores: (path) => deciding(path) !== null, ignoredBy: (path) => deciding(path)?.line ?? null };
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

/**
 * The deciding pattern of a path: the last pattern matching the path or one of its parents, when
 * it excludes; null when the path stays. That is the pattern of highest index over the path's
 * prefixes (each parent and the path itself), so the highest index per prefix is remembered:
 * files of one folder share their parents' answers, and every service and stage asking about the
 * same path (one .dockerignore is shared by every build from a context) gets it from the memo.
 */
function decidingPatterns(patterns: readonly Pattern[]): (path: string) => Pattern | null {
  // Highest index of a pattern matching `path` or a prefix of it, -1 for none; per path asked.
  const upTo = new Map<string, number>();
  const lastMatch = (candidate: string, above: number): number => {
    for (let i = patterns.length - 1; i > above; i--) if (patterns[i]?.matches(candidate)) return i;
    return above;
  };
  const highest = (path: string): number => {
    const known = upTo.get(path);
    if (known !== undefined) return known;
    // Parents end at each '/': `a//b` has the parents `a` and `a/` (as splitting on '/' gives).
    const ends: number[] = [];
    for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) ends.push(i);
    let k = ends.length - 1;
    let best = -1;
    for (; k >= 0; k--) {
      const memo = upTo.get(path.slice(0, ends[k]));
      if (memo !== undefined) {
        best = memo;
        break;
      }
    }
    for (let j = k + 1; j < ends.length; j++) {
      const parent = path.slice(0, ends[j]);
      best = lastMatch(parent, best);
      upTo.set(parent, best);
    }
    best = lastMatch(path, best);
    upTo.set(path, best);
    return best;
  };
  return (path) => {
    const decided = patterns[highest(path)];
    return decided && !decided.exclusion ? decided : null;
  };
}
