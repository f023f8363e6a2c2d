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
  /**
   * Project mode (no Dockerfile): which declarations cover which code. Each entry is a project rooted
   * at `root` (its pyproject.toml, requirements files, setup files) whose code is the Python files
   * and notebooks under `code` (repo paths; default: its root). Without entries, every directory
   * with a pyproject.toml is a project with the code below it, and the root is one too.
   */
  readonly projects: readonly ProjectSetting[];
  /** Top-level import names that are the repository's own code, wherever it is. */
  readonly knownFirstParty: readonly string[];
  /** Like `--exclude`: gitignore-style patterns (relative to the audited root) of files and folders left out. */
  readonly exclude: readonly string[];
  /** deptry's `exclude`/`extend_exclude`: regular expressions matched at the start of repo paths. */
  readonly excludeRegex: readonly string[];
  /** False when deptry's `exclude` replaces the default exclusions: .gitignore and .ignore do not hide code. */
  readonly gitignoreCode: boolean;
  /** Jupyter notebooks read as code in project mode (default true). */
  readonly notebooks: boolean;
  /** Extras (`[project.optional-dependencies]`) that hold development dependencies; null: told by their names (dev, test, lint, ...). */
  readonly devExtras: readonly string[] | null;
  /** Dependency groups (PEP 735, Poetry) that hold runtime dependencies; every other group is development. */
  readonly runtimeGroups: readonly string[];
  /** Requirements files that declare the project's dependencies (null: requirements*.txt/.in found, by name). */
  readonly requirementsFiles: readonly string[] | null;
  /** Requirements files of development dependencies (null: by name, e.g. requirements-dev.txt). */
  readonly devRequirementsFiles: readonly string[] | null;
  /** What the report header says about the configuration (settings read from `[tool.deptry]`). */
  readonly notes: readonly ConfigNote[];
}

export interface ProjectSetting {
  readonly root: string;
  readonly code: readonly string[];
}

export interface ConfigNote {
  readonly file: string;
  readonly message: string;
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
  projects: [],
  knownFirstParty: [],
  exclude: [],
  excludeRegex: [],
  gitignoreCode: true,
  notebooks: true,
  devExtras: null,
  runtimeGroups: [],
  requirementsFiles: null,
  devRequirementsFiles: null,
  notes: [],
};
