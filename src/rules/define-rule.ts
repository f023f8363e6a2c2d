// A rule is data plus one check(ctx) over the whole project (style-anchors §8.5).
import type { Evidence, Fix, Severity, Span } from '../findings/types.js';
import type { Project } from '../model/types.js';

export type RuleCategory = 'correctness' | 'reproducibility' | 'security' | 'production';

export interface RuleMeta {
  readonly id: string; // PREFIX + 3 digits, stable forever
  readonly name: string; // kebab-case, equals the file name
  readonly severity: Severity; // default; config may override
  readonly category: RuleCategory;
  readonly fix: 'none' | 'sometimes' | 'always';
  readonly summary: string; // one line for tables
  /** Markdown: What it does / Why is this bad? / Example / Fix safety / References. */
  readonly docs: string;
}

export interface ReportDescriptor {
  readonly file: string;
  readonly span: Span;
  readonly message: string;
  readonly severity?: Severity;
  readonly service?: string | null;
  readonly evidence?: readonly Evidence[];
  readonly fix?: Fix | null;
  /** The distribution this finding is about, so `ignore: [{package: x}]` can match it. */
  readonly package?: string | null;
}

export interface RuleContext {
  readonly project: Project;
  readonly report: (descriptor: ReportDescriptor) => void;
}

export interface Rule {
  readonly meta: RuleMeta;
  check(ctx: RuleContext): void;
}

export function defineRule(rule: Rule): Rule {
  return rule;
}
