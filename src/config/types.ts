// The validated shape of `.driftcheck.yaml` / `[tool.driftcheck]` (DESIGN.md §4). Leaf module.
import type { Severity } from '../findings/types.js';

export type RuleSetting = Severity | 'off';

/** One `ignore:` entry: findings matching every given field are suppressed (kind "config"). */
export interface IgnoreEntry {
  /** Glob over repo-relative paths (`tests/**`, `services/*\/Dockerfile`). */
  readonly path: string | null;
  /** A distribution name, normalised (PEP 503), matched against the finding's package. */
  readonly package: string | null;
  /** Rule ids or names; empty = every rule. */
  readonly rules: readonly string[];
  readonly reason: string | null;
}

export interface Config {
  /** Where it was read from (repo-relative or as given), for messages; null = defaults. */
  readonly source: string | null;
  /**
   * The audited root relative to the config's folder (POSIX, ending in "/"; "" when the config
   * is in the root or named with --config): path globs (`ignore[].path`, `production`,
   * `development`) are matched against this prefix + the repo-relative path.
   */
  readonly pathBase: string;
  /** `select:` rule ids, names or prefixes (the default of --select). */
  readonly select: readonly string[];
  /** Rule id or name -> severity override, or off. */
  readonly rules: Readonly<Record<string, RuleSetting>>;
  readonly ignore: readonly IgnoreEntry[];
  readonly moduleMap: Readonly<Record<string, readonly string[]>>;
  /** Distributions DEP002 never reports (normalised). */
  readonly allowUnused: readonly string[];
  /** Globs of compose files / Dockerfiles that are production (wins over `development`). */
  readonly production: readonly string[];
  /** Globs of compose files / Dockerfiles that are development (dev settings are not flagged). */
  readonly development: readonly string[];
  /**
   * Compose files merged as `docker compose -f a -f b` does, each set one project (repo paths,
   * in order). A set is production unless one of its files is a development file.
   */
  readonly composeSets: readonly (readonly string[])[];
  readonly failOn: Severity | 'never' | null;
  /**
   * `baseline:` the baseline file, a path relative to the audited root that stays inside it (used
   * as if given with --baseline, which wins; --update-baseline writes it); null: none.
   */
  readonly baseline: string | null;
}

export const DEFAULT_CONFIG: Config = {
  source: null,
  pathBase: '',
  select: [],
  rules: {},
  ignore: [],
  moduleMap: {},
  allowUnused: [],
  production: [],
  development: [],
  composeSets: [],
  failOn: null,
  baseline: null,
};
