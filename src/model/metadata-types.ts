// Package metadata driftcheck reads without executing anything (DESIGN.md §5).

/** One `Requires-Dist` entry. */
export interface RequiresDist {
  readonly name: string;
  readonly key: string; // PEP 503
  readonly extras: readonly string[];
  readonly specifier: string; // '' = any version
  readonly marker: string | null;
}

/** What one source knows about one distribution at one version. */
export interface DistributionMetadata {
  readonly name: string;
  readonly key: string;
  readonly version: string;
  readonly requires: readonly RequiresDist[];
  /** Top-level import names (top_level.txt, else RECORD); empty when unknown. */
  readonly topLevel: readonly string[];
  /** Where this came from, for evidence: `.venv/lib/python3.12/site-packages/httpx-0.28.1.dist-info/METADATA`. */
  readonly source: string;
}
