// `--statistics`: how many findings each rule has (not suppressed), most first, like ruff's.
import type { AuditReport } from '../audit.js';
import { visible } from './summary.js';

export interface RuleCount {
  readonly code: string;
  readonly name: string;
  readonly count: number;
  /** How many of them have a safe fix (`--fix` applies them). */
  readonly fixable: number;
}

export function ruleCounts(result: AuditReport): RuleCount[] {
  const counts = new Map<string, { code: string; name: string; count: number; fixable: number }>();
  for (const f of visible(result)) {
    const row = counts.get(f.ruleId) ?? { code: f.ruleId, name: f.ruleName, count: 0, fixable: 0 };
    row.count++;
    if (f.fix?.applicability === 'safe') row.fixable++;
    counts.set(f.ruleId, row);
  }
  return [...counts.values()].sort((a, b) => b.count - a.count || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}

/** Text: `count  CODE  [*] name` aligned, `[*]` when some have a safe fix; JSON: the rows. */
export function statisticsReport(result: AuditReport, format: 'text' | 'json'): string {
  const rows = ruleCounts(result);
  if (format === 'json') return `${JSON.stringify(rows, null, 2)}\n`;
  if (rows.length === 0) return '';
  const countWidth = Math.max(...rows.map((r) => String(r.count).length));
  const codeWidth = Math.max(...rows.map((r) => r.code.length));
  return rows.map((r) => `${String(r.count).padStart(countWidth)}  ${r.code.padEnd(codeWidth)}  ${r.fixable > 0 ? '[*]' : '[ ]'} ${r.name}\n`).join('');
}
