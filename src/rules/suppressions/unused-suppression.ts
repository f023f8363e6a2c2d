// SUP001 is judged after every other rule has run and suppressions were applied, so its check()
// is empty and the engine (src/engine/suppressions.ts) calls its reviewSuppressions() with what it saw.
import type { Project } from '../../model/types.js';
import type { Directive } from '../../parsers/types.js';
import type { SourceFile } from '../../source.js';
import { defineRule, type DirectiveSite, type ReportDescriptor } from '../define-rule.js';

export type { DirectiveSite };

export default defineRule({
  meta: {
    id: 'SUP001',
    name: 'unused-suppression',
    severity: 'warning',
    category: 'correctness',
    fix: 'sometimes',
    summary: 'Inline `# driftcheck: ignore[...]` that suppresses nothing, or names an unknown rule',
    docs: `## What it does
Flags \`# driftcheck: ignore[RULE] -- reason\` comments that no longer match any finding on the line
(or, in a Dockerfile, the next instruction) they cover, and comments that name a rule that does
not exist. A suppression is only judged when every rule it names ran: with \`--select DEP001\`, an
\`ignore[PROD001]\` is left alone. \`# hadolint ignore=\` comments are never reported (hadolint
reads them too).
A finding shown at one of several places (DEP001, MOD001, DEP003 at the first of a module's import
sites) counts the same suppression at its other sites as used: it takes over once the first goes.

## Why is this bad?
A stale suppression hides the next real problem on that line, and tells readers something that is
no longer true.

## Example
\`\`\`text
httpx==0.28.1  # driftcheck: ignore[DEP002] -- used by a plugin   (httpx is imported now)
\`\`\`

Use instead: remove the comment.

## Fix safety
A suppression that names existing rules but suppresses nothing: safe, only the comment is removed
(the whole line when the comment is alone on it).

A suppression that names an unknown rule is a typo more often than a stale comment
(\`ignore[DEP01]\`, \`ignore[missing-dependancy]\`): it is never removed. When one rule is near the
misspelt name, the fix replaces it (\`DEP01\` -> \`DEP001\`); that fix is unsafe, since the corrected
suppression starts hiding that rule's findings on the line. Otherwise there is no fix.

## References
- Ruff RUF100 (unused-noqa), ESLint --report-unused-disable-directives`,
  },
  check() {
    // Judged by the engine after suppression; see reviewSuppressions().
  },
  reviewSuppressions({ project, sites, matched, ran, known, suggest }) {
    return unusedSuppressions(project, sites, matched, ran, known, suggest);
  },
});

/**
 * Directives that matched no finding. `matched` holds those that suppressed something;
 * `ran(rule)` says whether a rule id or name ran in this audit; `known(rule)` whether it exists;
 * `suggest(rule)` the existing rule nearest to an unknown one.
 */
export function unusedSuppressions(
  project: Project,
  sites: readonly DirectiveSite[],
  matched: ReadonlySet<Directive>,
  ran: (rule: string) => boolean,
  known: (rule: string) => boolean,
  suggest: (rule: string) => string | undefined = () => undefined,
): ReportDescriptor[] {
  const out: ReportDescriptor[] = [];
  for (const { file, directive } of sites) {
    if (directive.source !== 'driftcheck' || matched.has(directive)) continue;
    const unknown = directive.rules.filter((rule) => !known(rule));
    if (unknown.length === 0 && !directive.rules.every(ran)) continue;
    const source = project.files.get(file);
    if (unknown.length > 0) {
      // A misspelt rule: never deleted (with its reason); corrected when one rule is near, unsafely.
      const corrections = new Map(unknown.map((rule) => [rule, suggest(rule)]));
      const named = unknown.map((rule) => (corrections.get(rule) ? `${rule} (did you mean ${corrections.get(rule)}?)` : rule)).join(', ');
      const edits = source && [...corrections.values()].every(Boolean) ? renameRules(source, directive, corrections as Map<string, string>) : [];
      out.push({
        file,
        span: directive.span,
        message: `suppression names ${unknown.length === 1 ? 'an unknown rule' : 'unknown rules'}: ${named}`,
        fix: edits.length === unknown.length ? { title: `Correct the rule name: ${unknown.map((rule) => `${rule} -> ${corrections.get(rule) ?? ''}`).join(', ')}`, applicability: 'unsafe', edits } : null,
      });
      continue;
    }
    out.push({
      file,
      span: directive.span,
      message: `unused suppression: no ${directive.rules.join(', ')} finding on ${directive.line === directive.commentLine ? 'this line' : 'the next instruction'}`,
      fix: source ? { title: 'Remove the suppression comment', applicability: 'safe', edits: [removeComment(source, directive)] } : null,
    });
  }
  return out;
}

/** Edits replacing each misspelt rule inside the directive's `ignore[...]` with its correction. */
function renameRules(file: SourceFile, directive: Directive, corrections: ReadonlyMap<string, string>): { file: string; start: number; end: number; text: string }[] {
  const comment = file.text.slice(directive.span.start, directive.span.end);
  const bracket = /driftcheck:\s*ignore\[([^\]]*)\]/.exec(comment);
  if (!bracket) return [];
  const contentStart = directive.span.start + bracket.index + bracket[0].indexOf('[') + 1;
  const edits: { file: string; start: number; end: number; text: string }[] = [];
  let offset = 0;
  for (const item of (bracket[1] ?? '').split(',')) {
    const name = item.trim();
    const correction = corrections.get(name);
    if (correction !== undefined) {
      const start = contentStart + offset + item.indexOf(name);
      edits.push({ file: file.path, start, end: start + name.length, text: correction });
    }
    offset += item.length + 1;
  }
  return edits;
}

/** The comment and the blanks before it; the whole line when nothing else is on it. */
function removeComment(file: SourceFile, directive: Directive): { file: string; start: number; end: number; text: string } {
  const text = file.text;
  let start = text.lastIndexOf('#', directive.span.start);
  if (start === -1 || text.lastIndexOf('\n', directive.span.start - 1) > start) start = directive.span.start;
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  let lineEnd = text.indexOf('\n', directive.span.end);
  if (lineEnd === -1) lineEnd = text.length;
  const endOfComment = text.slice(directive.span.end, lineEnd).trim() === '' ? lineEnd - (text[lineEnd - 1] === '\r' ? 1 : 0) : directive.span.end;
  if (text.slice(lineStart, start).trim() === '' && endOfComment >= lineEnd - 1) {
    return { file: file.path, start: lineStart, end: Math.min(text.length, lineEnd + 1), text: '' };
  }
  let before = start;
  while (before > lineStart && (text[before - 1] === ' ' || text[before - 1] === '\t')) before--;
  return { file: file.path, start: before, end: endOfComment, text: '' };
}

