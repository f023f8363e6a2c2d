import { RULES } from '../rules/index.js';

export function rulesTable(): string {
  const rows = RULES.map((r) => [r.meta.id, r.meta.name, r.meta.severity, r.meta.fix === 'none' ? '' : 'yes', r.meta.summary]);
  const header = ['ID', 'Name', 'Severity', 'Fix', 'Summary'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ');
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}

/**
 * The README's rule table, generated from the registry. Each id carries an HTML anchor (its id in
 * lower case), the target of the rule's SARIF helpUri.
 */
export function rulesMarkdown(): string {
  const rows = RULES.map((r) => `| <a name="${r.meta.id.toLowerCase()}"></a>${r.meta.id} | ${r.meta.name} | ${r.meta.severity} | ${r.meta.fix === 'none' ? '—' : r.meta.fix} | ${r.meta.summary} |`);
  return ['| ID | Name | Severity | Fix | Summary |', '|---|---|---|---|---|', ...rows].join('\n');
}

/** `driftcheck rules --format json`: one object per rule, in registry order. */
export function rulesJson(): string {
  const rules = RULES.map((r) => ({ id: r.meta.id, name: r.meta.name, severity: r.meta.severity, category: r.meta.category, fixable: r.meta.fix !== 'none', fix: r.meta.fix, summary: r.meta.summary }));
  return `${JSON.stringify(rules, null, 2)}\n`;
}
