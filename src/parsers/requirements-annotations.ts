// pip-compile / `uv pip compile` / `uv export` annotations: the `# via` comments that say why each
// line of a compiled requirements file is there. A line whose only reasons are other distributions
// is a transitive pin (the compiler wrote it; nobody chose it), and a file with annotations lists the
// whole closure of what it installs. Read from the text rather than from the requirements parser,
// since pip itself ignores comments. Formats, as pip-tools and uv write them:
//
//   anyio==4.4.0                     fastapi==0.110.0          click==8.1.7  # via uvicorn
//       # via                            # via -r requirements.in
//       #   httpx
//       #   starlette
import type { Requirement } from './types.js';

export interface ViaAnnotation {
  /** Distributions (normalised) that pull the line in. */
  readonly parents: readonly string[];
  /** Inputs named with `-r`/`-c`/`--override`, `pyproject.toml` or `setup.cfg` (a direct choice). */
  readonly inputs: readonly string[];
}

export interface CompiledFileFacts {
  /** True when at least one requirement carries a `# via` annotation. */
  readonly compiled: boolean;
  /** By requirement line (1-based). */
  readonly via: ReadonlyMap<number, ViaAnnotation>;
}

const INPUT_WORD = /^(?:-r|-c|--requirement|--constraint|--override|--overrides)$/;
const INPUT_FILE = /(?:^|\/)(?:pyproject\.toml|setup\.(?:cfg|py)|[^/\s]+\.(?:in|txt))$/;

function normalize(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

export function compiledFileFacts(text: string, requirements: readonly Requirement[]): CompiledFileFacts {
  const lines = text.split(/\r\n|\r|\n/);
  const byLine = new Map<number, ViaAnnotation>();
  // Requirement entries can span lines (hashes with `\`); the annotation follows the last one.
  const endLineOf = (r: Requirement): number => {
    let end = r.line;
    while (end <= lines.length && /\\\s*$/.test(lines[end - 1] ?? '')) end++;
    return end;
  };
  for (const requirement of requirements) {
    const words: string[] = [];
    const first = lines[requirement.line - 1] ?? '';
    const inline = /\s#\s*via\s+(.*)$/.exec(first);
    if (inline) words.push(...(inline[1] ?? '').split(/[\s,]+/));
    let i = endLineOf(requirement); // 1-based line after the entry = index i
    if (!inline && /^\s*#\s*via\b(.*)$/.test(lines[i] ?? '')) {
      words.push(...(/^\s*#\s*via\b(.*)$/.exec(lines[i] ?? '')?.[1] ?? '').trim().split(/[\s,]+/));
      i++;
      // continuation lines: `#   name` (deeper indentation after the hash)
      while (i < lines.length && /^\s*#\s{2,}\S/.test(lines[i] ?? '')) {
        words.push(...(lines[i] ?? '').replace(/^\s*#/, '').trim().split(/[\s,]+/));
        i++;
      }
    }
    const clean = words.filter((w) => w !== '' && w !== '(' && w !== ')');
    if (clean.length === 0) continue;
    const parents: string[] = [];
    const inputs: string[] = [];
    for (let k = 0; k < clean.length; k++) {
      const w = clean[k] ?? '';
      if (INPUT_WORD.test(w)) {
        inputs.push(clean[k + 1] ?? '');
        k++;
      } else if (INPUT_FILE.test(w) || w.includes('/')) inputs.push(w);
      else if (/^[A-Za-z0-9][A-Za-z0-9._-]*(\[[^\]]*\])?$/.test(w)) parents.push(normalize(w.replace(/\[.*$/, '')));
      else inputs.push(w); // something else (`(pyproject.toml)`, a group name): a direct reason
    }
    byLine.set(requirement.line, { parents, inputs });
  }
  return { compiled: byLine.size > 0, via: byLine };
}

/** Pulled in only by other distributions: a compiler's transitive pin, never a direct choice. */
export function isTransitivePin(facts: CompiledFileFacts, requirement: Requirement): boolean {
  const via = facts.via.get(requirement.line);
  return via !== undefined && via.inputs.length === 0 && via.parents.length > 0;
}

/** Another distribution of the file needs it (`# via starlette`), whether or not it was also chosen directly. */
export function isNeededByAnother(facts: CompiledFileFacts, requirement: Requirement): boolean {
  return (facts.via.get(requirement.line)?.parents.length ?? 0) > 0;
}
