// Pure view model of the interactive report: which findings are shown, in what order, under which
// headings. No React and no ink here, so the reducer and its tests stay plain functions.
import type { ServiceSummary } from '../audit.js';
import type { Finding, Severity } from '../findings/types.js';
import { fixKey, isApplicable } from '../fix/apply.js';
import { fixMarker } from '../report/summary.js';

export type Grouping = 'service' | 'file' | 'rule';
export type SeverityFilter = 'all' | Severity;

export const GROUPINGS: readonly Grouping[] = ['service', 'file', 'rule'];
export const SEVERITY_FILTERS: readonly SeverityFilter[] = ['all', 'error', 'warning', 'info'];

export interface View {
  readonly filter: string;
  readonly severity: SeverityFilter;
  readonly grouping: Grouping;
}

export type Row =
  | { readonly kind: 'group'; readonly text: string }
  | { readonly kind: 'subgroup'; readonly text: string }
  | { readonly kind: 'finding'; readonly finding: Finding; readonly index: number };

export interface Arranged {
  /** Shown findings in display order; the cursor indexes this. */
  readonly findings: readonly Finding[];
  /** Headings and findings, one per list line. */
  readonly rows: readonly Row[];
}

export function matches(finding: Finding, view: View): boolean {
  if (view.severity !== 'all' && finding.severity !== view.severity) return false;
  const needle = view.filter.trim().toLowerCase();
  if (needle === '') return true;
  const haystack = [finding.ruleId, finding.ruleName, finding.severity, finding.file, finding.service ?? '', finding.message].join('\n').toLowerCase();
  return haystack.includes(needle);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Groups keep the audit's order inside them (file, then position). */
export function arrange(findings: readonly Finding[], view: View, services: readonly ServiceSummary[] = []): Arranged {
  const shown = findings.filter((f) => matches(f, view));
  const groups = new Map<string, { title: string; subgroups: Map<string, Finding[]> }>();
  const groupKey = (f: Finding): string => {
    if (view.grouping === 'service') return f.service === null ? '\uffff' : f.service;
    if (view.grouping === 'file') return f.file;
    return f.ruleId;
  };
  const groupTitle = (f: Finding): string => {
    if (view.grouping === 'service') return serviceHeading(services, f.service);
    if (view.grouping === 'file') return f.file;
    return `${f.ruleId} ${f.ruleName}`;
  };
  const ordered = [...shown].sort((a, b) => compare(groupKey(a), groupKey(b)));
  for (const finding of ordered) {
    const key = groupKey(finding);
    const group = groups.get(key) ?? { title: groupTitle(finding), subgroups: new Map<string, Finding[]>() };
    const sub = view.grouping === 'service' ? finding.file : '';
    const list = group.subgroups.get(sub) ?? [];
    list.push(finding);
    group.subgroups.set(sub, list);
    groups.set(key, group);
  }
  const rows: Row[] = [];
  const inOrder: Finding[] = [];
  for (const group of groups.values()) {
    rows.push({ kind: 'group', text: group.title });
    for (const [sub, list] of group.subgroups) {
      if (sub !== '') rows.push({ kind: 'subgroup', text: sub });
      for (const finding of list) {
        rows.push({ kind: 'finding', finding, index: inOrder.length });
        inOrder.push(finding);
      }
    }
  }
  return { findings: inOrder, rows };
}

export function serviceHeading(services: readonly ServiceSummary[], name: string | null): string {
  if (name === null) return 'Repository';
  const service = services.find((s) => s.name === name);
  if (!service) return `Service ${name}`;
  const parts = [service.composeFile, service.dockerfile].filter((p): p is string => p !== null);
  return `Service ${name}${parts.length > 0 ? ` (${parts.join(' -> ')})` : ''}`;
}

/** A finding whose fix the user may choose: safe or unsafe (choosing is consent), not a suggestion. */
export function selectable(finding: Finding): boolean {
  return isApplicable(finding.fix, true);
}

export function isSafe(finding: Finding): boolean {
  return isApplicable(finding.fix, false);
}

export { fixKey };

export { fixMarker };

export function countBySeverity(findings: readonly Finding[]): Readonly<Record<Severity, number>> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of findings) counts[f.severity]++;
  return counts;
}
