// Leaf module: the vocabulary every layer shares. Imports nothing from the project.

export type Severity = 'error' | 'warning' | 'info';
export type Applicability = 'safe' | 'unsafe' | 'display-only';

/** 0-based UTF-16 offsets into a file's text (JS string indices), end exclusive. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/** 1-based line and column (column counts UTF-16 code units, like SARIF's default). */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/** An inert text edit; only the fix engine applies it. */
export interface TextEdit {
  readonly file: string; // repo-relative POSIX path
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

export interface Fix {
  readonly title: string;
  readonly applicability: Applicability;
  readonly edits: readonly TextEdit[];
}

/** One link of the evidence chain that makes a finding believable. */
export interface Evidence {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

export type SuppressionKind = 'inline' | 'config' | 'baseline';

export interface Finding {
  readonly ruleId: string;
  readonly ruleName: string;
  readonly severity: Severity;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly message: string;
  readonly service: string | null;
  readonly evidence: readonly Evidence[];
  readonly fix: Fix | null;
  readonly suppressed: false | { readonly kind: SuppressionKind; readonly reason: string | null };
  /** The distribution the finding is about (normalised), for per-package config ignores. */
  readonly package?: string | null;
  /**
   * The Python module the finding is about (DEP001: the import the image cannot satisfy, or the
   * program its command runs), for reports that label findings by it (`--format prometheus`) and
   * so that `ignore: [{package: x}]` matches an import name too.
   */
  readonly module?: string | null;
  /**
   * Every place the finding is about when it is shown at one of several (DEP001: each import site
   * of the module). A suppression of this rule at any of them is in use: it takes over once the
   * site shown goes away. Never in reports.
   */
  readonly sites?: readonly SiteRef[];
  /**
   * Every service the finding holds for, when it was found in several (the reports' one finding
   * per fact: src/findings/merge-services.ts); `service` is the first. Absent: `service` alone.
   */
  readonly services?: readonly string[];
  /**
   * What identifies a merged finding across runs (fingerprint.ts): the shown service's own
   * message, without the list of the other services, which may come and go.
   */
  readonly identity?: { readonly service: string | null; readonly message: string };
}

export interface SiteRef {
  readonly file: string;
  readonly line: number;
}

export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { info: 0, warning: 1, error: 2 };
