// What one service builds (BuildSpec), and the build context of a Dockerfile nobody builds
// through compose.
import type { ComposeService } from '../../parsers/types.js';
import { hasPathUnder, repoDirname, repoJoin } from '../../util/paths.js';
import type { Repository } from '../repository.js';
import type { StageState } from '../image.js';
import type { CommandPart } from '../types.js';

/** An image this repository builds (compose `build:` with `image:`, or a `docker build -t` script), as a `FROM` sees it. */
export interface RepoImage {
  /** The image as its builder names it. */
  readonly image: string;
  /** Who builds it: `compose.yml (service api)`, `Makefile`. */
  readonly builtBy: string;
  readonly dockerfilePath: string;
  readonly final: StageState;
  /** Its own ENTRYPOINT and CMD (a compose override of its builder's service is not part of the image). */
  readonly entrypoint: CommandPart | null;
  readonly cmd: CommandPart | null;
  readonly installedKeys: ReadonlySet<string>;
  readonly unknownInstalls: readonly { readonly file: string; readonly line: number; readonly message: string }[];
  readonly localPackageDirs: readonly string[];
  readonly pythonVersion: string;
  /** The image its own chain starts from (`python:3.12-slim`), followed through repository images; null when unknown. */
  readonly root: string | null;
}

/** Repository-built images by name; null for every other image (and for a FROM cycle). */
export interface RepoImages {
  resolve(image: string): RepoImage | null;
}

export interface BuildSpec {
  readonly name: string;
  readonly kind: 'compose' | 'dockerfile';
  readonly composeFile: string | null;
  readonly compose: ComposeService | null;
  readonly production: boolean;
  readonly context: string;
  readonly dockerfilePath: string;
  readonly target: string | null;
}

/**
 * A Dockerfile nobody builds through compose: its context is its own folder unless its COPY
 * sources only exist relative to the repository root (`docker build -f docker/api/Dockerfile .`).
 */
export function guessContext(repo: Repository, dockerfilePath: string): string {
  const own = repoDirname(dockerfilePath);
  const model = repo.dockerfiles.get(dockerfilePath);
  if (own === '' || !model) return own;
  const sources = model.stages.flatMap((s) => s.instructions.flatMap((i) => (i.kind === 'copy' && i.from === null ? i.sources.map((w) => w.value) : [])));
  const paths = repo.contextPaths();
  const exists = (context: string, source: string): boolean => {
    const target = repoJoin(context, source.replace(/^\/+/, ''));
    return hasPathUnder(paths, target);
  };
  const concrete = sources.filter((s) => !/[*?[]/.test(s) && s !== '.' && s !== './');
  if (concrete.length === 0) return own;
  const ownHits = concrete.filter((s) => exists(own, s)).length;
  const rootHits = concrete.filter((s) => exists('', s)).length;
  return rootHits > ownHits ? '' : own;
}
