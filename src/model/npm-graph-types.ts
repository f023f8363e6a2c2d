// The dependency graph of one package-lock.json, as @npmcli/arborist's virtual tree sees it (the
// tree `npm ci` starts from). Plain data: src/metadata/npm-graph*.ts computes it before the
// synchronous audit; the model carries it (Project.npmGraphs) and NPM001 reads it.

/** What the loader needs for one lock: the texts it reads, by repo path, and npm's settings. */
export interface NpmGraphRequest {
  /** Repo path of the lock (`web/package-lock.json`). */
  readonly lockPath: string;
  /** Repo folder of the package.json beside it ('' for the root). */
  readonly dir: string;
  /** Repo path → text: the package.json, the lock, and the package.json of each workspace or `file:` link inside the repository. */
  readonly files: Readonly<Record<string, string>>;
  /** `legacy-peer-deps=true` in the project's .npmrc: npm ci then ignores peer dependencies. */
  readonly legacyPeerDeps: boolean;
}

/** One dependency edge of the graph that `npm ci` would have to resolve again. */
export interface NpmGraphProblem {
  /** MISSING: nothing in the lock satisfies it (an optional dependency too); INVALID: the lock resolves it to a version outside the spec. */
  readonly error: 'MISSING' | 'INVALID' | 'PEER LOCAL' | 'DETACHED';
  /** The lock location of the package that depends ('' root, `packages/a` a workspace, `node_modules/x`). */
  readonly from: string;
  readonly fromName: string;
  readonly fromVersion: string | null;
  /** The dependency's name, spec (after overrides) and the spec as written by the dependent. */
  readonly name: string;
  readonly spec: string;
  readonly rawSpec: string;
  readonly type: 'prod' | 'dev' | 'optional' | 'peer' | 'peerOptional' | 'workspace';
  /** Where the lock resolves it (null when missing), and that version. */
  readonly to: string | null;
  readonly toVersion: string | null;
}

/** A locked package nothing depends on any more (the top of such a group). */
export interface NpmGraphExtraneous {
  readonly location: string;
  readonly name: string;
  readonly version: string | null;
}

export type NpmGraph =
  | {
      readonly ok: true;
      readonly lockfileVersion: number;
      /** How many packages the lock holds (for --debug and the benchmark). */
      readonly packages: number;
      readonly problems: readonly NpmGraphProblem[];
      readonly extraneous: readonly NpmGraphExtraneous[];
    }
  | {
      readonly ok: false;
      /** arborist's error code (EOVERRIDE, EMISSINGTARGET, EJSONPARSE, ...) or LOADER when arborist could not run. */
      readonly code: string;
      readonly message: string;
    };
