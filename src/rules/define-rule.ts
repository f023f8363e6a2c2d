// A rule is data plus one check(ctx) over the whole project (style-anchors §8.5).
import type { Evidence, Fix, Severity, SiteRef, Span } from '../findings/types.js';
import type { ModelPart, Project } from '../model/types.js';
import type { Directive } from '../parsers/types.js';

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
  /** hadolint codes meaning the same thing: `# hadolint ignore=<code>` also suppresses this rule. */
  readonly hadolint?: readonly string[];
  /**
   * Security rules: GitHub code scanning's `security-severity` (0.0-10.0: 9.0+ critical, 7.0+
   * high, 4.0+ medium, below that low) and the CWE ids the rule is about; SARIF tags the rule
   * `security` and `external/cwe/cwe-<id>`. Each rule's file says why it chose its score.
   */
  readonly security?: { readonly severity: number; readonly cwe: readonly number[] };
  /** A config key that is shorthand for ignoring this rule for a package (`allowUnused: [x]`). */
  readonly configShorthand?: ConfigShorthand;
  /**
   * The costly parts of the model this rule reads (see ModelPart); absent means every part. When
   * no selected rule needs a part (`--select PROD004`), the audit does not build it. Declare only
   * what is certain: a part read through a helper counts.
   */
  readonly needs?: readonly ModelPart[];
  /** The rule reads Project.npmGraphs: the engine loads lock graphs (arborist) only when a selected rule does. */
  readonly npmGraphs?: true;
}

/** Config keys that stand for `ignore: [{package: x, rules: [<the rule declaring it>]}]`. */
export type ConfigShorthand = 'allowUnused';

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
  /** The Python module this finding is about (see Finding.module); `ignore: [{package: x}]` matches it too. */
  readonly module?: string | null;
  /** Every place the finding is about, when it is shown at one of several (see Finding.sites). */
  readonly sites?: readonly SiteRef[];
}

export interface RuleContext {
  readonly project: Project;
  readonly report: (descriptor: ReportDescriptor) => void;
}

export interface DirectiveSite {
  readonly file: string;
  readonly directive: Directive;
}

/** What the engine saw once suppressions were applied (for a rule judging the directives). */
export interface SuppressionReview {
  readonly project: Project;
  readonly sites: readonly DirectiveSite[];
  /** The directives that suppressed something. */
  readonly matched: ReadonlySet<Directive>;
  /** Whether a rule id or name ran in this audit. */
  readonly ran: (rule: string) => boolean;
  /** Whether a rule id or name exists. */
  readonly known: (rule: string) => boolean;
  /** The existing rule id or name nearest to an unknown one (a typo), if any is close. */
  readonly suggest?: (rule: string) => string | undefined;
}

export interface Rule {
  readonly meta: RuleMeta;
  check(ctx: RuleContext): void;
  /**
   * For a rule about the suppressions themselves (SUP001): called by the engine after inline
   * suppression, with every directive and which of them matched a finding.
   */
  reviewSuppressions?(review: SuppressionReview): ReportDescriptor[];
}

export function defineRule(rule: Rule): Rule {
  return rule;
}
