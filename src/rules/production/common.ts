// Helpers the production rules share: the report callback type, one finding per written place,
// and locating a word of a service's command in the file that wrote it.
import type { Span } from '../../findings/types.js';
import type { CommandPart, Project } from '../../model/types.js';
import type { RuleContext } from '../define-rule.js';
import { findToken } from '../edits.js';

export type Report = RuleContext['report'];

/** A Dockerfile shared by several services is reported once per place (and message). */
export function claimer(): (file: string, span: Span, key?: string) => boolean {
  const seen = new Set<string>();
  return (file, span, key = '') => {
    const id = `${file}:${span.start}:${key}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  };
}

export interface Located {
  readonly part: CommandPart;
  readonly span: Span;
}

/** Finds a word of the command in the part (file) that wrote it, searching from `after`. */
export function locateWord(project: Project, parts: readonly CommandPart[], word: string, after?: Located): Located | null {
  for (const part of parts) {
    const file = project.files.get(part.file);
    if (!file) continue;
    const from = after && after.part === part ? after.span.end : part.span.start;
    if (after && parts.indexOf(part) < parts.indexOf(after.part)) continue;
    const span = findToken(file, { start: from, end: part.span.end }, word);
    if (span) return { part, span };
  }
  return null;
}

export function maskedLength(value: string): string {
  return `${value.length} character${value.length === 1 ? '' : 's'}`;
}
