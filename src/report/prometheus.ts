// Prometheus metrics for node_exporter's textfile collector (text exposition format 0.0.4): one
// gauge per service and missing module (DEP001), the count of findings per rule and severity, and
// when the report was made. Suppressed findings are not counted. Samples carry no timestamps (the
// textfile collector refuses them); the run's time is a gauge of its own.
import type { AuditReport } from '../audit.js';
import type { Finding, Severity } from '../findings/types.js';
import { INTERNAL_RULE } from '../rules/index.js';
import { visible } from './summary.js';

export interface PrometheusOptions {
  /** The audited path as the user wrote it: the `root` label of every sample. */
  readonly displayRoot: string;
  /** When the report is made, in milliseconds since the epoch (driftcheck_last_run_timestamp_seconds). */
  readonly now: number;
}

const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

interface Family {
  readonly name: string;
  readonly help: string;
  readonly samples: readonly { readonly labels: readonly (readonly [string, string])[]; readonly value: number }[];
}

export function prometheusReport(result: AuditReport, options: PrometheusOptions): string {
  const root: [string, string] = ['root', options.displayRoot];
  const shown = visible(result);
  const families: Family[] = [
    {
      name: 'driftcheck_dependency_missing',
      help: 'A module that code running in a service imports and the service image never installs (DEP001), 1 per service and module.',
      samples: missingModules(shown).map(({ service, module, severity }) => ({ labels: [root, ['service', service], ['module', module], ['severity', severity]], value: 1 })),
    },
    {
      name: 'driftcheck_findings',
      help: 'Unsuppressed findings per rule and severity.',
      samples: countsByRule(shown).map(({ rule, name, severity, count }) => ({ labels: [root, ['rule', rule], ['name', name], ['severity', severity]], value: count })),
    },
    {
      name: 'driftcheck_findings_by_severity',
      help: 'Unsuppressed findings per severity (0 included, for alerts on absence).',
      samples: SEVERITIES.map((severity) => ({ labels: [root, ['severity', severity]], value: shown.filter((f) => f.severity === severity).length })),
    },
    {
      name: 'driftcheck_findings_suppressed',
      help: 'Findings hidden by an inline suppression, the configuration or a baseline.',
      samples: [{ labels: [root], value: result.findings.length - shown.length }],
    },
    {
      name: 'driftcheck_last_run_success',
      help: '1 when every rule ran on the repository, 0 when a rule failed (an INTERNAL finding).',
      samples: [{ labels: [root], value: result.findings.some((f) => f.ruleId === INTERNAL_RULE.id) ? 0 : 1 }],
    },
    {
      name: 'driftcheck_last_run_timestamp_seconds',
      help: 'Unix time at which this report was written.',
      samples: [{ labels: [root], value: Math.floor(options.now / 1000) }],
    },
  ];
  return families.map(family).join('');
}

/** One service x module per DEP001 finding that names a module, deduplicated, the worst severity kept. */
function missingModules(findings: readonly Finding[]): { service: string; module: string; severity: Severity }[] {
  const rank: Readonly<Record<Severity, number>> = { error: 2, warning: 1, info: 0 };
  const byKey = new Map<string, { service: string; module: string; severity: Severity }>();
  for (const f of findings) {
    if (f.ruleId !== 'DEP001' || !f.module) continue;
    // A repository without Docker is one project: its findings have no service.
    const entry = { service: f.service ?? '', module: f.module, severity: f.severity };
    const key = JSON.stringify([entry.service, entry.module]);
    const seen = byKey.get(key);
    if (!seen || rank[entry.severity] > rank[seen.severity]) byKey.set(key, entry);
  }
  return [...byKey.values()].sort((a, b) => compare(a.service, b.service) || compare(a.module, b.module));
}

function countsByRule(findings: readonly Finding[]): { rule: string; name: string; severity: Severity; count: number }[] {
  const counts = new Map<string, { rule: string; name: string; severity: Severity; count: number }>();
  for (const f of findings) {
    const key = JSON.stringify([f.ruleId, f.severity]);
    const entry = counts.get(key) ?? { rule: f.ruleId, name: f.ruleName, severity: f.severity, count: 0 };
    entry.count++;
    counts.set(key, entry);
  }
  return [...counts.values()].sort((a, b) => compare(a.rule, b.rule) || SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity));
}

function family({ name, help, samples }: Family): string {
  const lines = [`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} gauge`];
  for (const { labels, value } of samples) {
    const set = labels.map(([key, v]) => `${key}="${escapeLabelValue(v)}"`).join(',');
    lines.push(`${name}${set === '' ? '' : `{${set}}`} ${value}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Label values: backslash, double quote and line feed are escaped (exposition format 0.0.4). */
export function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

/** HELP text: backslash and line feed are escaped. */
function escapeHelp(text: string): string {
  return text.replace(/[\\\n]/g, (c) => (c === '\n' ? '\\n' : '\\\\'));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
