// The Markdown report, for a PR comment or $GITHUB_STEP_SUMMARY: a heading with the totals, counts
// per service and severity, one table row per unsuppressed finding, the evidence chains and the
// fix patch in collapsible <details> blocks. A pure function of the audit result and the patch text;
// deterministic (no links, no timestamps, no emoji).
import type { AuditReport } from '../audit.js';
import { SEVERITY_RANK, type Finding, type Severity } from '../findings/types.js';
import { summarize, visible } from './summary.js';
import { appendAll } from '../util/arrays.js';

export interface MarkdownOptions {
  /** The unified diff of the fixes (empty: no fix section). */
  readonly patch?: string;
  /** Whether the patch includes unsafe fixes (only changes the wording). */
  readonly unsafeFixes?: boolean;
  /** Prepended to every repo-relative path (POSIX, ending in "/"). */
  readonly pathPrefix?: string;
}

const REPOSITORY_ROW = '(repository)';

export function markdownReport(result: AuditReport, options: MarkdownOptions = {}): string {
  const prefix = options.pathPrefix ?? '';
  const summary = summarize(result);
  const findings = visible(result)
    .map((finding, order) => ({ finding, order }))
    .sort((a, b) => SEVERITY_RANK[b.finding.severity] - SEVERITY_RANK[a.finding.severity] || a.order - b.order)
    .map(({ finding }) => finding);
  const out: string[] = [];

  const plural = (n: number, word: string, many = `${word}s`): string => `${n} ${n === 1 ? word : many}`;
  if (summary.total === 0) {
    out.push('## driftcheck: no problems found', '');
  } else {
    const counts = [plural(summary.errors, 'error'), plural(summary.warnings, 'warning'), `${summary.infos} info`].join(', ');
    out.push(`## driftcheck: ${plural(summary.total, 'problem')} (${counts})`, '');
  }
  const facts = [`${plural(summary.services, 'service')}, ${plural(summary.files, 'file')} checked`];
  if (summary.fixable.safe > 0) facts.push(`${summary.fixable.safe} fixable with \`driftcheck --fix\``);
  if (summary.fixable.unsafe > 0) facts.push(`${summary.fixable.unsafe} ${summary.fixable.safe > 0 ? 'more ' : ''}with \`--unsafe-fixes\``);
  if (summary.suppressed > 0) facts.push(`${summary.suppressed} suppressed (not shown)`);
  out.push(`${facts.join('; ')}.`, '');
  for (const note of result.notes ?? []) out.push(`> ${code(note.file, false)}: ${inline(note.message)}`, '');

  if (findings.length > 0) {
    appendAll(out, serviceTable(result, findings)).push('');
    out.push('### Findings', '');
    out.push('| # | Severity | Rule | Location | Service | Message | Fix |', '|--:|:--|:--|:--|:--|:--|:--|');
    findings.forEach((f, i) => {
      const cells = [
        String(i + 1),
        f.severity,
        cell(`${f.ruleId} ${f.ruleName}`),
        code(`${prefix}${f.file}:${f.line}`, true),
        f.service === null ? '' : cell(f.service),
        cell(f.message),
        f.fix ? f.fix.applicability : '',
      ];
      out.push(`| ${cells.join(' | ')} |`);
    });
    out.push('');
    const withEvidence = findings.map((f, i) => ({ f, n: i + 1 })).filter(({ f }) => f.evidence.length > 0 || f.fix !== null);
    if (withEvidence.length > 0) {
      out.push('<details>', `<summary>Evidence chains (${withEvidence.length})</summary>`, '');
      for (const { f, n } of withEvidence) {
        const service = f.service === null ? '' : ` (service ${inline(f.service)})`;
        out.push(`**${n}. ${f.ruleId}** ${code(`${prefix}${f.file}:${f.line}`, false)}${service}: ${inline(f.message)}`, '');
        for (const e of f.evidence) out.push(`- ${code(`${prefix}${e.file}:${e.line}`, false)} ${inline(e.message)}`);
        if (f.fix) out.push(`- fix (${f.fix.applicability}): ${inline(f.fix.title)}`);
        out.push('');
      }
      out.push('</details>', '');
    }
  }

  if (result.warnings.length > 0) {
    out.push('<details>', `<summary>Warnings (${result.warnings.length})</summary>`, '');
    for (const w of result.warnings) out.push(`- ${code(`${prefix}${w.file}`, false)}: ${inline(w.message)}`);
    out.push('', '</details>', '');
  }

  const patch = options.patch ?? '';
  if (patch !== '') {
    const files = patch.split('\n').filter((line) => line.startsWith('diff --git ')).length;
    const fence = '`'.repeat(Math.max(3, longestRun(patch, '`') + 1));
    out.push('<details>', `<summary>Fix patch (${plural(files, 'file')}${options.unsafeFixes ? ', including unsafe fixes' : ''})</summary>`, '');
    const fixFlags = `--fix${options.unsafeFixes ? ' --unsafe-fixes' : ''}`;
    if (prefix === '') out.push(`Apply with \`git apply\` or \`patch -p1\`, or run \`driftcheck ${fixFlags}\`.`, '');
    else {
      const dir = prefix.replace(/\/$/, '');
      out.push(`Paths are relative to ${code(dir, false)}: apply with ${code(`git apply --directory=${dir}`, false)}, or run ${code(`driftcheck ${dir} ${fixFlags}`, false)}.`, '');
    }
    out.push(`${fence}diff`, `${patch.endsWith('\n') ? patch.slice(0, -1) : patch}`, fence, '', '</details>', '');
  }
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}

function serviceTable(result: AuditReport, findings: readonly Finding[]): string[] {
  const names = result.services.filter((s) => s.kind !== 'project').map((s) => s.name);
  const extra = [...new Set(findings.map((f) => f.service).filter((s): s is string => s !== null && !names.includes(s)))].sort();
  const rows = [...names, ...extra];
  if (findings.some((f) => f.service === null)) rows.push(REPOSITORY_ROW);
  // A finding that holds for several services counts in each of their rows; the total counts it once.
  const count = (row: string, severity: Severity): number =>
    findings.filter((f) => (row === REPOSITORY_ROW ? f.service === null : (f.services ?? [f.service]).includes(row)) && f.severity === severity).length;
  const lines = ['| Service | Errors | Warnings | Info |', '|:--|--:|--:|--:|'];
  for (const row of rows) lines.push(`| ${row === REPOSITORY_ROW ? row : cell(row)} | ${count(row, 'error')} | ${count(row, 'warning')} | ${count(row, 'info')} |`);
  const total = (severity: Severity): number => findings.filter((f) => f.severity === severity).length;
  lines.push(`| **Total** | **${total('error')}** | **${total('warning')}** | **${total('info')}** |`);
  return lines;
}

/** Literal text inside a table cell: Markdown punctuation escaped, pipes escaped, line breaks as <br>. */
export function cell(text: string): string {
  return inline(text, true);
}

/**
 * Literal inline text: every character Markdown or HTML could interpret is backslash-escaped, so
 * the text reads exactly as the finding says it. Words starting with "@" (npm scopes) go into code
 * spans so a PR comment never mentions a user or team.
 */
export function inline(text: string, inTable = false): string {
  const parts = text.split(/((?<![\w`@])@[\w.-]+(?:\/[\w.-]+)?)/);
  const escaped = parts
    .map((part, i) => (i % 2 === 1 ? code(part, inTable) : part.replace(/[\\`*_[\]<|~&]/g, (c) => `\\${c}`)))
    .join('');
  return escaped.replace(/\r?\n/g, inTable ? '<br>' : ' ');
}

/** A code span that survives any content (fence longer than any backtick run; pipes escaped in tables). */
export function code(text: string, inTable: boolean): string {
  const fence = '`'.repeat(longestRun(text, '`') + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  const body = text.replace(/\r?\n/g, ' ');
  return `${fence}${pad}${inTable ? body.replace(/\|/g, '\\|') : body}${pad}${fence}`;
}

function longestRun(text: string, char: string): number {
  let longest = 0;
  let current = 0;
  for (const c of text) {
    current = c === char ? current + 1 : 0;
    if (current > longest) longest = current;
  }
  return longest;
}
