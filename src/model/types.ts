// The model rules query: parsed files plus the per-service join (DESIGN.md §1).
import type { Span } from '../findings/types.js';
import type { GitRemote } from './git-remotes.js';
import type {
  ComposeCommand,
  ComposeFileModel,
  ComposeService,
  DockerCommand,
  DockerfileModel,
  ParseDiagnostic,
  PipInstall,
  PythonFileModel,
  Requirement,
  RequirementsFileModel,
} from '../parsers/types.js';
import type { JsonObject } from '../parsers/json.js';
import type { PyprojectModel } from '../parsers/pyproject.js';
import type { SourceFile } from '../source.js';
import type { EntryPoint } from './command.js';
import type { DockerIgnore } from './dockerignore.js';
import type { FileRoles } from './file-roles.js';
import type { FirstPartyIndex } from './first-party.js';
import type { StageState } from './image.js';
import type { MetadataIndex } from './metadata-index.js';
import type { ModuleMap } from './module-map.js';
import type { PythonProject } from './python-project-types.js';
import type { NpmGraph } from './npm-graph-types.js';
import type { JsImport } from '../parsers/js-imports.js';

export interface Located {
  readonly file: string;
  readonly line: number;
  readonly span: Span;
}

/** One `pip install` (or uv/poetry) that runs while building a service's image. */
export interface InstallStep extends Located {
  readonly pip: PipInstall;
  readonly stage: number;
  readonly instructionIndex: number;
  readonly workdir: string;
}

/** A requirements file an image installs, and how it was reached. */
export interface InstalledFile {
  readonly path: string; // repo path
  readonly via: InstallStep;
  /** Include chain from the file named in the Dockerfile down to this one. */
  readonly chain: readonly string[];
  readonly constraint: boolean;
}

export interface InstalledRequirement {
  readonly requirement: Requirement;
  /** Repo path of the requirements file, or the Dockerfile for inline `pip install x==1`. */
  readonly file: string;
  readonly via: InstallStep;
  readonly constraint: boolean;
}

/** A requirements file named by `-r`/`-c` that the build cannot read. */
export interface MissingRequirementsFile extends Located {
  readonly written: string;
  readonly reason: 'not-found' | 'not-copied-yet' | 'not-in-image';
  readonly constraint: boolean;
  /** The repo file the path most likely meant, when one exists. */
  readonly repoPath: string | null;
}

/** One part of the command a container runs, where it is written. */
/** A `git clone URL [DIR]` in a RUN (#16 idiom 10): where the checkout lands in the image. */
export interface GitClone {
  readonly url: string;
  /** The folder the clone creates (an image path), or null when it comes from a variable. */
  readonly root: string | null;
  /** `--branch`/`-b` as written, else null (the remote's default branch). */
  readonly branch: string | null;
  readonly line: number;
  /** The URL word in the Dockerfile. */
  readonly span: Span;
  readonly stage: number;
  readonly instructionIndex: number;
}

/** A `git clone` in the image; `remote` when its URL is one of the repository's own remotes. */
export interface ServiceClone extends GitClone {
  readonly remote: GitRemote | null;
}

/** A module a system package installs for the system interpreter (#16 idiom 8). */
export interface SystemModule {
  readonly package: string;
  readonly module: string;
  /** Distributions (normalised) that provide the module: an import of theirs is served. */
  readonly keys: readonly string[];
  readonly file: string;
  readonly line: number;
  /** Whether the Python the service runs reads the system's packages: 'yes' makes them installed. */
  readonly reach: 'yes' | 'no' | 'unknown';
  readonly why: string;
}

export interface CommandPart extends Located {
  readonly origin: 'compose' | 'dockerfile';
  readonly instruction: 'command' | 'entrypoint' | 'CMD' | 'ENTRYPOINT';
  readonly argv: readonly string[];
  readonly compose: ComposeCommand | null;
  readonly docker: DockerCommand | null;
}

export interface Service {
  readonly name: string;
  readonly kind: 'compose' | 'dockerfile' | 'project';
  readonly composeFile: string | null;
  readonly compose: ComposeService | null;
  /** False for override/dev/local/test compose files and Dockerfile.dev-style files. */
  readonly production: boolean;
  /** The service's Dockerfile is a development one (`Dockerfile.dev`; config `development`). */
  readonly devDockerfile: boolean;
  readonly context: string | null;
  readonly dockerfilePath: string | null;
  readonly dockerfile: DockerfileModel | null;
  readonly dockerignore: DockerIgnore | null;
  readonly stages: readonly StageState[];
  readonly final: StageState | null;
  readonly pythonVersion: string;
  readonly installs: readonly InstallStep[];
  readonly installedFiles: readonly InstalledFile[];
  readonly installed: readonly InstalledRequirement[];
  /** Normalised names of everything installed (requirements, inline, local projects' deps). */
  readonly installedKeys: ReadonlySet<string>;
  readonly missingRequirementsFiles: readonly MissingRequirementsFile[];
  /** Installs whose packages cannot be listed statically; missing-module findings soften to warnings. */
  readonly unknownInstalls: readonly { readonly file: string; readonly line: number; readonly message: string }[];
  /** Modules the image's system packages install (`apt-get install python3-psycopg2`) and whether the service's Python reads them. */
  readonly systemModules: readonly SystemModule[];
  /** `git clone`s in the final image's stages, each with the repository's own remote when it clones that (#16 idiom 10). */
  readonly clones: readonly ServiceClone[];
  /** `FROM acme/api:1.0` where this repository builds acme/api:1.0 (#16 idiom 9): that image, who builds it, and the image its chain starts from. */
  /** The command starts as root and drops privileges itself (uWSGI `uid =`, supervisord programs with `user =`). */
  readonly privilegeDrop: { readonly file: string; readonly line: number; readonly how: string } | null;
  readonly repoBase: { readonly image: string; readonly builtBy: string; readonly dockerfilePath: string; readonly root: string | null } | null;
  /** Image directories put on sys.path by `pip install .`/`-e .`. */
  readonly localPackageDirs: readonly string[];
  readonly command: readonly CommandPart[];
  readonly argv: readonly string[];
  readonly entry: EntryPoint | null;
  /** Image directories on sys.path when the command runs (with the code's evaluated sys.path changes). */
  readonly pythonPath: readonly string[];
  /** Changes to sys.path in the code that runs which driftcheck could not evaluate: sys.path is not fully known. */
  readonly sysPathUnknown: readonly { readonly file: string; readonly line: number; readonly expr: string | null }[];
  readonly cwd: string;
  /** Repo paths of the Python files that run, and how they were chosen. */
  readonly runFiles: readonly RunFile[];
  readonly runFilesFrom: 'entry' | 'all-image-files' | 'all-repo-files';
  /** Repo paths of the shell scripts the command runs (`ENTRYPOINT ["/entrypoint.sh"]`), read as text. */
  readonly scripts: readonly string[];
  /** Variables `${VAR}` in the compose file interpolates with (the `.env` beside it). */
  readonly composeVars: ComposeVars;
  /** Variables from the service's `env_file:` files that exist in the repository, in load order. */
  readonly envFileVars: readonly EnvFileVar[];
  /** Project mode: the Python project this service audits (its declarations and code); null for images. */
  readonly project: PythonProject | null;
  /** The JavaScript the service runs, when its command runs Node (or npm, yarn, a Node framework); null otherwise or when not built. */
  readonly node: NodeRun | null;
}

/** A file a Node service's command starts. */
export interface NodeEntry {
  readonly imagePath: string;
  readonly repoPath: string;
  /** Run by a TypeScript runner (ts-node, tsx, `node -r ts-node/register`, a .ts file). */
  readonly typescript: boolean;
  /** How the command reaches it (`npm start → "start": node dist/index.js`). */
  readonly how: string;
  readonly part: CommandPart;
}

export interface NodeRunFile {
  readonly imagePath: string;
  readonly repoPath: string;
  /** TypeScript source run by a TypeScript runner. */
  readonly typescript: boolean;
  readonly imports: readonly JsImport[];
  /** What of the file could not be read (see JsFileModel.unread). */
  readonly unread: string | null;
}

/** The JavaScript a Node service runs (src/model/service/node-run.ts). */
export interface NodeRun {
  readonly entries: readonly NodeEntry[];
  /** The entries' closure over relative and `#` imports, entries first. */
  readonly files: readonly NodeRunFile[];
  /** Parts of the command whose code driftcheck could not find (`next start`, a script built in the image), said how. */
  readonly unknownEntries: readonly string[];
}

export interface EnvFileVar {
  readonly key: string;
  readonly value: string;
  /** Repo path of the env file and the `KEY=value` line in it. */
  readonly file: string;
  readonly line: number;
  readonly span: Span;
}

export interface ComposeVars {
  /** Repo path of the `.env` file, null when there is none. */
  readonly file: string | null;
  readonly vars: ReadonlyMap<string, { readonly value: string; readonly line: number }>;
}

export interface RunFile {
  readonly repoPath: string;
  readonly imagePath: string | null;
}

export interface FileDiagnostic {
  readonly file: string;
  readonly diagnostic: ParseDiagnostic;
}

/**
 * Parts of the model that cost time to build and that only some rules read (`RuleMeta.needs`):
 * - `runFiles`: the Python files each service runs (the import closure from its entry module).
 * - `nodeRun`: the JavaScript each Node service runs (read on demand from its entry).
 */
export type ModelPart = 'runFiles' | 'nodeRun';

export const MODEL_PARTS: readonly ModelPart[] = ['runFiles', 'nodeRun'];

export interface Project {
  readonly root: string;
  readonly files: ReadonlyMap<string, SourceFile>;
  /** Every repo path driftcheck knows (discovered and loaded on demand), sorted. */
  readonly repoPaths: readonly string[];
  /** Files that exist but are not read (extension sources, git-ignored files), sorted. */
  readonly otherPaths: readonly string[];
  readonly python: ReadonlyMap<string, PythonFileModel>;
  readonly requirements: ReadonlyMap<string, RequirementsFileModel>;
  readonly dockerfiles: ReadonlyMap<string, DockerfileModel>;
  readonly compose: ReadonlyMap<string, ComposeFileModel>;
  readonly firstParty: FirstPartyIndex;
  readonly moduleMap: ModuleMap;
  /** Which compose files and Dockerfiles are development ones (config + naming heuristic). */
  readonly fileRoles: FileRoles;
  readonly services: readonly Service[];
  readonly diagnostics: readonly FileDiagnostic[];
  readonly warnings: readonly { readonly file: string; readonly message: string }[];
  /** Services that install each requirements file. */
  readonly installedBy: ReadonlyMap<string, readonly Service[]>;
  /** Requires-Dist from an installed env, lockfiles, the index cache or the bundled table. */
  readonly metadata: MetadataIndex;
  /** The dependency graph of each package-lock.json (by its path) that was loaded (src/metadata/npm-graph.ts). */
  readonly npmGraphs: ReadonlyMap<string, NpmGraph>;
  /**
   * Paths some file referenced (a `-r` target, a .dockerignore) that did not exist or could not be
   * read, and paths asked of the disk under unwalked folders (onDisk): the result cache stamps them.
   */
  readonly absentPaths: readonly string[];
  /**
   * What the disk holds at a repo path under an ignored folder the walk did not enter (untracked
   * files are in the build context unless .dockerignore drops them); null elsewhere or when absent.
   */
  readonly onDisk?: (repoPath: string) => 'file' | 'dir' | null;
  /** Files that exist but were not read for being over the size limit, sorted. */
  readonly tooLargePaths: readonly string[];
  /** A pyproject.toml that was read, parsed once by the Repository; null when it was not read. */
  pyprojectAt(path: string): PyprojectModel | null;
  /** A JSON file that was read (package.json, package-lock.json), parsed once; null when absent or not an object. */
  jsonAt(path: string): JsonObject | null;
}
