// One line per finding, `path:line:col: CODE message`, which editors, terminals and CI log viewers
// turn into links (`--format concise`, and `-q` without the summary). Paths are as the user would
// type them from the working directory: the audited path as written, joined with the file's.
import type { AuditReport } from '../audit.js';
import type { Severity } from '../findings/types.js';
import { visible } from './summary.js';
import { painter, summaryLine, type Style } from './text.js';

export interface ConciseOptions {
  readonly color: boolean;
  /** The audited path as the user wrote it. */
  readonly displayRoot: string;
  /** Discovery warnings and the summary line after the findings (false for -q). */
  readonly summary: boolean;
}

const SEVERITY_STYLE: Readonly<Record<Severity, Style>> = { error: 'red', warning: 'yellow', info: 'blue' };

export function conciseReport(result: AuditReport, options: ConciseOptions): string {
  const paint = painter(options.color);
  const lines = visible(result).map((f) => {
    const where = `${displayPath(options.displayRoot, f.file)}:${f.line}:${Math.max(1, f.column)}:`;
    const marker = f.fix?.applicability === 'safe' ? ' [*]' : '';
    return `${paint('bold', where)} ${paint(SEVERITY_STYLE[f.severity], f.ruleId)}${marker} ${f.message.replace(/\s*\r?\n\s*/g, ' ')}`;
  });
  if (options.summary) {
    for (const warning of result.warnings) lines.push(`${paint('yellow', 'warning:')} ${displayPath(options.displayRoot, warning.file)}: ${warning.message}`);
    lines.push(summaryLine(result, paint));
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

/** A repo-relative path as seen from the working directory: `services/api` + `app/main.py`. */
export function displayPath(displayRoot: string, file: string): string {
  const root = displayRoot.replace(/\/+$/, '');
  if (root === '' || root === '.') return file;
  if (file === '.' || file === '') return root;
  return `${root === '/' ? '' : root}/${file}`;
}
