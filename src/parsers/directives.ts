// Inline suppression comments, shared by every parser that has `#` comments.
import type { Directive } from './types.js';

const DRIFTCHECK = /driftcheck:\s*ignore\[([^\]]*)\](?:\s*--\s*(.*\S))?/;
const HADOLINT = /hadolint\s+ignore\s*=\s*([A-Za-z0-9_,\s]+)/;
// deptry's inline ignore (`# deptry: ignore[DEP001,DEP003]`, or bare for every rule about the import).
const DEPTRY = /deptry:\s*ignore(?:\[([^\]]*)\])?/;
/** What a bare `# deptry: ignore` suppresses: deptry's rules that report on import lines. */
export const DEPTRY_IMPORT_RULES: readonly string[] = ['DEP001', 'DEP003', 'DEP004'];

/**
 * Reads a directive from one comment's text (with or without the leading `#`).
 * `start` is the comment's offset; `commentLine` its 1-based line; `line` the line it applies to.
 * A bare `ignore` without rule ids is not a directive: suppressions must stay greppable (deptry's
 * bare `# deptry: ignore` aside, which names deptry's import rules: projects moving from deptry keep it).
 */
export function readDirective(comment: string, start: number, commentLine: number, line: number): Directive | null {
  const own = DRIFTCHECK.exec(comment);
  if (own) {
    const rules = (own[1] ?? '').split(',').map((r) => r.trim()).filter((r) => r.length > 0);
    if (rules.length === 0) return null;
    return { line, rules, reason: own[2] ?? null, span: { start, end: start + comment.length }, commentLine, source: 'driftcheck' };
  }
  const hadolint = HADOLINT.exec(comment);
  if (hadolint) {
    const rules = (hadolint[1] ?? '').split(/[\s,]+/).filter((r) => r.length > 0);
    if (rules.length === 0) return null;
    return { line, rules, reason: null, span: { start, end: start + comment.length }, commentLine, source: 'hadolint' };
  }
  const deptry = DEPTRY.exec(comment);
  if (deptry) {
    const rules = deptry[1] === undefined ? [...DEPTRY_IMPORT_RULES] : deptry[1].split(',').map((r) => r.trim()).filter((r) => r.length > 0);
    if (rules.length === 0) return null;
    return { line, rules, reason: null, span: { start, end: start + comment.length }, commentLine, source: 'deptry' };
  }
  return null;
}
