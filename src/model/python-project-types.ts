// The Python projects of project mode, as data (built by python-projects.ts, read by rules).
import type { Requirement } from '../parsers/types.js';

export type DeclarationRole = 'main' | 'optional' | 'dev';

/** One dependency a project declares, where it is written and what kind it is. */
export interface Declaration {
  readonly requirement: Requirement;
  /** Repo path of the file it is written in. */
  readonly file: string;
  /** Where in that file: `dependencies`, `project.optional-dependencies.cli`, `dependency-groups.test`, `requirements`, ... */
  readonly section: string;
  /** main: the dependencies; optional: a runtime extra or group; dev: development only. */
  readonly role: DeclarationRole;
  /** A requirements-file line (a fix can remove it), not a pyproject entry. */
  readonly removable: boolean;
  /**
   * For a line of a compiled requirements file named as the project's declarations: the
   * distributions its `# via` says need it (the compiler pinned it for them). Empty otherwise.
   */
  readonly pinnedFor: readonly string[];
}

export interface CodeFile {
  readonly repoPath: string;
  /** Tests, docs, benchmarks, examples, conftest.py, noxfile.py: code that is not shipped. */
  readonly test: boolean;
}

export interface PythonProject {
  /** Repo directory of its declarations ('' for the repository's root). */
  readonly root: string;
  /** Its distribution name (`[project] name`, Poetry's name), normalised; null when it has none. */
  readonly name: string | null;
  readonly declarations: readonly Declaration[];
  /** The Python files and notebooks it covers (deptry's excludes aside; `--exclude` leaves files out of discovery). */
  readonly code: readonly CodeFile[];
  /** `requires-python` (or Poetry's `python`), for the standard library of its versions. */
  readonly requiresPython: string | null;
  /** Compiled requirements files read as locks (not declarations). */
  readonly locks: readonly string[];
  /** What the locks say pulls what in (`child  # via parent`): parent -> children, normalised. */
  readonly lockEdges: ReadonlyMap<string, readonly string[]>;
  /** Directories of its code roots (configured `code`, else its root). */
  readonly codeRoots: readonly string[];
  /**
   * Distributions it needs at run time: its dependencies, runtime extras and groups, and what
   * setup.py, setup.cfg or a Pipfile's `[packages]` list (normalised). The rest of what it declares
   * is for development only.
   */
  readonly runtimeKeys: ReadonlySet<string>;
}
