// Output shapes of every parser. Parsers take text (BOM already stripped, EOL as in the file),
// never throw, and report problems as diagnostics. Every span is a pair of 0-based offsets into
// that text; `line`/`column` fields are 1-based.
import type { Span } from '../findings/types.js';

export interface ParseDiagnostic {
  readonly message: string;
  readonly line: number;
  readonly column: number;
  readonly span: Span;
  readonly severity: 'error' | 'warning' | 'info';
}

/**
 * An inline suppression, `# driftcheck: ignore[DEP001,PROD001] -- reason`.
 * `line` is the line the directive applies to: its own line for trailing comments in
 * requirements/compose/Python, the next instruction's first line for Dockerfile own-line comments.
 */
export interface Directive {
  readonly line: number;
  readonly rules: readonly string[];
  readonly reason: string | null;
  readonly span: Span; // the comment itself
  readonly commentLine: number;
  /**
   * `# hadolint ignore=DL3025` style: codes are hadolint's, mapped by the suppression layer.
   * `# deptry: ignore[DEP001]`: deptry's codes, which mean the same as driftcheck's DEP001-DEP005.
   */
  readonly source: 'driftcheck' | 'hadolint' | 'deptry';
}

// ---------------------------------------------------------------- requirements.txt

export interface Requirement {
  readonly name: string; // as written
  readonly key: string; // PEP 503 normalised (lowercase, runs of -_. -> '-')
  readonly extras: readonly string[];
  readonly specifier: string; // '' when none, else e.g. '==1.0.7' or '>=1,<2' (no spaces normalised)
  /** The exact version when the specifier is a single `==X` without wildcard, or `===X`. */
  readonly pin: string | null;
  readonly marker: string | null;
  readonly url: string | null; // direct reference, VCS URL or local path
  readonly editable: boolean;
  readonly hashes: readonly string[];
  readonly line: number;
  readonly column: number;
  readonly span: Span; // the requirement text, without trailing comment or options
  readonly nameSpan: Span;
  /** The specifier text; an empty span right after `name[extras]` when there is none. */
  readonly specifierSpan: Span;
  /** Whole physical line(s) of this entry including the final line break: what a removal deletes. */
  readonly lineSpan: Span;
}

export interface RequirementsInclude {
  readonly kind: 'requirement' | 'constraint';
  readonly path: string; // as written, relative to the including file
  readonly line: number;
  readonly column: number;
  readonly span: Span; // the path
  readonly lineSpan: Span;
}

export interface RequirementsOption {
  /** '--index-url', '--extra-index-url', '--find-links', '--pre', ...; '-e' for an editable local
   *  project without a name, 'local-path' for a plain local project path (`.`, `./pkg[extra]`). */
  readonly name: string;
  readonly value: string | null;
  readonly line: number;
}

export interface RequirementsFileModel {
  readonly requirements: readonly Requirement[];
  readonly includes: readonly RequirementsInclude[];
  readonly options: readonly RequirementsOption[];
  readonly directives: readonly Directive[];
  readonly diagnostics: readonly ParseDiagnostic[];
}

// ---------------------------------------------------------------- Dockerfile

/** A shell word: `value` is the word after quote removal; `span` covers it in the file. */
export interface Word {
  readonly value: string;
  readonly span: Span;
}

export interface DockerCommand {
  readonly form: 'json' | 'shell';
  /** JSON form: the strings; shell form: the shell words of the command text. */
  readonly argv: readonly Word[];
  readonly raw: string;
  readonly line: number;
  readonly span: Span; // arguments of the instruction
}

export interface PipInstall {
  readonly tool: 'pip' | 'uv' | 'poetry' | 'pipenv';
  readonly requirementFiles: readonly { readonly path: string; readonly constraint: boolean; readonly span: Span }[];
  /** Inline requirement specs, e.g. `uvicorn[standard]==0.30.1` (quotes removed). */
  readonly packages: readonly Word[];
  /** `pip install .`, `-e ./pkg`, `uv sync`, `poetry install` (path '.'). */
  readonly localPaths: readonly { readonly path: string; readonly editable: boolean; readonly span: Span }[];
  readonly upgrade: boolean;
  readonly line: number;
  readonly span: Span; // the words of this install command
  /** `uv sync --package P` (repeatable; `*` for `--all-packages`): the workspace members it installs. */
  readonly workspacePackages?: readonly string[];
}

/** `pip wheel -w DIR …`: what it builds into DIR (the options of an install, read the same way). */
export interface PipWheel extends PipInstall {
  /** The wheel directory as written (`.` when no `-w`), relative to the RUN's working directory. */
  readonly wheelDir: string;
}

/** One npm, yarn, pnpm or bun install (install-commands.ts `detectNpm`). */
export interface NpmInstall {
  readonly tool: 'npm' | 'yarn' | 'pnpm' | 'bun';
  /**
   * `ci`: installs the lock exactly or fails (npm ci; yarn, pnpm and bun with their frozen-lockfile
   * option); `install`: the working directory's project, which may be resolved afresh; `other`:
   * adds named packages, or installs globally or into another folder.
   */
  readonly command: 'install' | 'ci' | 'other';
  readonly line: number;
  /** The subcommand word (`install`; the program for a bare `yarn`): what a fix replaces or follows. */
  readonly span: Span;
  /** The options as written, before and after the subcommand. */
  readonly options: readonly string[];
}

interface InstructionBase {
  readonly keyword: string; // upper case
  readonly line: number;
  readonly endLine: number;
  readonly span: Span; // whole instruction including continuation lines
}

export interface CopyInstruction extends InstructionBase {
  readonly kind: 'copy';
  readonly sources: readonly Word[]; // variables expanded
  readonly dest: Word; // variables expanded
  readonly from: string | null;
  readonly chown: string | null;
}

export interface RunInstruction extends InstructionBase {
  readonly kind: 'run';
  readonly text: string;
  /** Simple commands split at `&&`, `||`, `;`, `|` and newlines; heredoc bodies included. */
  readonly commands: readonly (readonly Word[])[];
  readonly pipInstalls: readonly PipInstall[];
  /** `pip wheel` commands: wheelhouses a later `pip install DIR/*` installs from. */
  readonly pipWheels: readonly PipWheel[];
  readonly npmInstalls: readonly NpmInstall[];
  /** Packages named by apt-get/apk/yum/dnf/microdnf install. */
  readonly systemPackages: readonly string[];
}

export interface WorkdirInstruction extends InstructionBase {
  readonly kind: 'workdir';
  readonly path: string; // expanded, as written (may be relative)
}

export interface EnvInstruction extends InstructionBase {
  readonly kind: 'env';
  readonly pairs: readonly { readonly key: string; readonly value: string; readonly span: Span }[];
}

export interface ArgInstruction extends InstructionBase {
  readonly kind: 'arg';
  readonly name: string;
  readonly value: string | null;
}

export interface UserInstruction extends InstructionBase {
  readonly kind: 'user';
  readonly user: string;
}

export interface CommandInstruction extends InstructionBase {
  readonly kind: 'cmd' | 'entrypoint';
  readonly command: DockerCommand;
}

export interface HealthcheckInstruction extends InstructionBase {
  readonly kind: 'healthcheck';
  readonly none: boolean;
  readonly command: DockerCommand | null;
}

export interface ExposeInstruction extends InstructionBase {
  readonly kind: 'expose';
  readonly ports: readonly string[];
}

export interface OtherInstruction extends InstructionBase {
  readonly kind: 'other';
}

export type StageInstruction =
  | CopyInstruction
  | RunInstruction
  | WorkdirInstruction
  | EnvInstruction
  | ArgInstruction
  | UserInstruction
  | CommandInstruction
  | HealthcheckInstruction
  | ExposeInstruction
  | OtherInstruction;

export interface DockerStage {
  readonly index: number;
  readonly name: string | null; // `AS name`, lower-cased
  readonly from: {
    readonly image: string; // variables expanded, e.g. 'python:3.12-slim'
    readonly raw: string; // as written
    readonly tag: string | null;
    readonly digest: string | null;
    /** Index of an earlier stage this FROM builds on (`FROM builder`), else null. */
    readonly stageRef: number | null;
    readonly line: number;
    readonly span: Span; // the image word
  };
  readonly instructions: readonly StageInstruction[];
}

export interface DockerfileModel {
  readonly stages: readonly DockerStage[];
  /** ARGs declared before the first FROM, with their defaults. */
  readonly globalArgs: readonly { readonly name: string; readonly value: string | null }[];
  readonly directives: readonly Directive[];
  readonly diagnostics: readonly ParseDiagnostic[];
}

// ---------------------------------------------------------------- docker-compose

/**
 * Compose values carry an optional `file`: absent means the compose file the service is read from;
 * set when `extends` merged the value in from another file, so findings point where it is written.
 */
export interface ComposeScalar {
  readonly value: string;
  readonly line: number;
  readonly span: Span;
  readonly file?: string;
}

export interface ComposeCommand {
  readonly form: 'string' | 'list';
  /** Each argument with its span in the file when it can be located exactly (null otherwise). */
  readonly tokens: readonly { readonly value: string; readonly span: Span | null }[];
  readonly raw: string;
  readonly line: number;
  readonly span: Span; // the whole value node
  readonly file?: string;
}

export interface ComposeService {
  readonly name: string;
  readonly line: number;
  readonly nameSpan: Span;
  readonly build: {
    readonly context: string; // '.' when only dockerfile is given
    readonly dockerfile: string | null; // relative to context, as written
    readonly target: string | null;
    readonly args: Readonly<Record<string, string>>;
    readonly line: number;
    readonly span: Span;
    /** The compose file that wrote `build:`; its context is relative to that file's folder. */
    readonly file?: string;
  } | null;
  readonly image: ComposeScalar | null;
  readonly command: ComposeCommand | null;
  readonly entrypoint: ComposeCommand | null;
  readonly environment: readonly { readonly key: string; readonly value: string | null; readonly line: number; readonly span: Span; readonly file?: string }[];
  readonly ports: readonly { readonly raw: string; readonly published: string | null; readonly target: string | null; readonly line: number; readonly span: Span; readonly file?: string }[];
  /** `expose:` ports (reachable from other services only, e.g. behind a proxy); same shape as `ports`. */
  readonly expose: readonly { readonly raw: string; readonly published: string | null; readonly target: string | null; readonly line: number; readonly span: Span; readonly file?: string }[];
  readonly healthcheck: { readonly test: readonly string[] | null; readonly disable: boolean; readonly line: number; readonly span: Span; readonly file?: string } | null;
  readonly volumes: readonly { readonly raw: string; readonly type: 'bind' | 'volume' | 'tmpfs' | 'other'; readonly source: string | null; readonly target: string | null; readonly line: number; readonly span: Span; readonly file?: string }[];
  readonly profiles: readonly string[];
  /** `env_file:` entries in order (string, list, or `{path, required}`); paths as written. */
  readonly envFiles: readonly { readonly path: string; readonly required: boolean; readonly line: number; readonly span: Span; readonly file?: string }[];
  readonly user: ComposeScalar | null;
  readonly workingDir: ComposeScalar | null;
  /** `extends: base` or `extends: {service: base, file: common.yml}`. */
  readonly extends: { readonly service: string; readonly file: string | null; readonly line: number; readonly span: Span } | null;
  /** Fields (model names) written `!reset`: unset here and in what this service is merged onto. */
  readonly reset?: readonly string[];
  /** Fields (model names) written `!override`: they replace, not merge with, what lies below. */
  readonly override?: readonly string[];
}

export interface ComposeFileModel {
  readonly services: readonly ComposeService[];
  readonly directives: readonly Directive[];
  readonly diagnostics: readonly ParseDiagnostic[];
}

// ---------------------------------------------------------------- Python

export interface PyImport {
  /** Dotted module as written, without leading dots ('' for `from . import x`). */
  readonly module: string;
  /** Leading dots of a relative import; 0 for absolute. */
  readonly level: number;
  /** For `from m import a, b`: ['a', 'b'] (['*'] for star); [] for `import m`. */
  readonly names: readonly string[];
  readonly line: number;
  readonly column: number;
  readonly span: Span; // the module name (or the dots for `from . import x`)
  /**
   * Optional by design: inside `try:` whose handlers catch ImportError/ModuleNotFoundError/Exception/
   * BaseException or bare; under `if find_spec("x"):` or `if "x" in settings.INSTALLED_APPS:`; or
   * after an early-return gate (`if find_spec("x") is None: return`) in the same block.
   */
  readonly guarded: boolean;
  /**
   * The handler of the enclosing `try` when it proves more than "optional": it `raises` (an
   * unconditional `raise` or `sys.exit()`: the import is required, `guarded` is false) or only
   * `reports` the failure (logs, prints or warns, binding no fallback: the feature is lost at run
   * time, `guarded` stays true), or binds no fallback while the module uses the name at module
   * level afterwards: `used`, a NameError at import (`guarded` is false, `line` is the use's line).
   * Otherwise `line` is the handler's `except` line.
   */
  readonly guard?: { readonly handling: 'raises' | 'reports' | 'used'; readonly line: number };
  /** Under `if TYPE_CHECKING:` / `if typing.TYPE_CHECKING:`. */
  readonly typeChecking: boolean;
  /** Inside a def/async def body (lazy import). */
  readonly inFunction: boolean;
  /** Under another if/elif/else (e.g. `if sys.version_info ...`, `if sys.platform ...`). */
  readonly conditional: boolean;
  /** `__import__('x')` / `importlib.import_module('x')` with a literal. */
  readonly dynamic: boolean;
  /** Inside the body of `if __name__ == "__main__":` (runs only when the file is the script started). */
  readonly mainBlock?: boolean;
}

/** A call like `uvicorn.run(app, reload=True)` or `app.run(debug=True)`, for PROD rules. */
export interface PyKeywordCall {
  readonly callee: string; // dotted callee as written, e.g. 'uvicorn.run', 'app.run'
  readonly keyword: string; // 'reload', 'debug'
  readonly value: string; // source text of the value, e.g. 'True'
  readonly line: number;
  readonly column: number;
  readonly span: Span; // `keyword=value`
}

/**
 * A change to `sys.path` (`sys.path.insert(0, X)`, `sys.path.append(X)`, `site.addsitedir(X)`):
 * `expr` is the source text of X; null when the change is of another shape (`sys.path[0:0] = …`,
 * `sys.path += …`, `sys.path.extend(…)`), which driftcheck does not evaluate.
 */
export interface PySysPathEdit {
  readonly expr: string | null;
  readonly front: boolean;
  readonly line: number;
}

/** `NAME = <expression>` whose expression may build a path (`BASE = Path(__file__).parent`). */
export interface PyPathAssignment {
  readonly name: string;
  readonly expr: string;
  readonly line: number;
}

import type { TextLine } from './text-facts.js';

export interface PythonFileModel {
  readonly imports: readonly PyImport[];
  /** Changes to sys.path, in source order (absent: none). */
  readonly sysPathEdits?: readonly PySysPathEdit[];
  /** Assignments a sys.path change may name (absent: none). */
  readonly pathAssignments?: readonly PyPathAssignment[];
  readonly keywordCalls: readonly PyKeywordCall[];
  /** True when the file has `if __name__ == "__main__":`. */
  readonly hasMainGuard: boolean;
  readonly directives: readonly Directive[];
  readonly diagnostics: readonly ParseDiagnostic[];
  /**
   * The distinct words inside its string literals, space-separated (parsers/text-facts.ts);
   * absent when not computed (a notebook's cells): then they are read from the text.
   */
  readonly stringWords?: string;
  /** Its lines that assign DEBUG at their start (parsers/text-facts.ts); absent when not computed. */
  readonly debugLines?: readonly TextLine[];
}
