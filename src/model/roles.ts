// Whether a compose service is a development setup, from evidence in the repository (#15): the
// production rules (reload, debug, dev servers, source mounts, …) run only on production services,
// and a compose file is not production merely because its name does not say otherwise.
import type { ComposeService } from '../parsers/types.js';
import { basename, escapesRoot, pathsUnder, repoDirname, repoJoin } from '../util/paths.js';
import type { Repository } from './repository.js';

/** `docker-compose.prod.yml`, `compose.production.yaml`, `production.yml`, `prod.yml`. */
export const PROD_COMPOSE_NAME = /(^|[.\-_])(prod|production)([.\-_]|$)/i;
/** Build targets that name a development or build-tool stage. */
const DEV_TARGET = /^(dev|devel|develop|development|debug|local|test|tests|testing|builder|build)$/i;
const CODE = /\.(py|js|mjs|cjs|ts|tsx|jsx|rb|php|go)$/;

/**
 * A compose file that has no `build:` and no `image:` in any service is an overlay: it is deployed
 * on top of its folder's base file (`docker compose -f docker-compose.yml -f docker-compose.prod.yml`).
 */
export function isOverlayFile(services: readonly ComposeService[]): boolean {
  return services.length > 0 && services.every((s) => s.build === null && s.image === null);
}

/**
 * Why a compose service of a file that is not named for development is still a development one,
 * or null: a complete production file beside it (`docker-compose.prod.yml` next to
 * `docker-compose.yml`), a development build target, or the repository's source bind-mounted over
 * the image's code (how a container is edited live; production images carry their code).
 */
export function developmentEvidence(repo: Repository, composePath: string, compose: ComposeService): string | null {
  const name = basename(composePath);
  // A file named for production (`docker-compose.prod.yml`) is production whatever it mounts:
  // PROD008 reports the source mount there.
  if (PROD_COMPOSE_NAME.test(name.replace(/\.ya?ml$/i, ''))) return null;
  const file = fileEvidence(repo, composePath);
  if (file.beside !== null) return file.beside;
  // The same file's other services count too: a file that mounts source or watches it into the
  // container (`develop: watch`) is a development stack as a whole.
  if (file.watch) return 'it syncs source into the container (develop: watch)';
  const own = sourceMount(repo, composePath, compose);
  if (own !== null) return `it bind-mounts source code (${own})`;
  const other = file.mounts.find((m) => m.name !== compose.name);
  if (other) return `service "${other.name}" of the same file bind-mounts source code (${other.mounted})`;
  const target = compose.build?.target ?? null;
  if (target !== null && DEV_TARGET.test(target)) return `it builds the "${target}" target`;
  return null;
}

interface FileEvidence {
  readonly paths: number;
  readonly composeFiles: number;
  readonly text: string | undefined;
  readonly services: readonly ComposeService[] | undefined;
  /** The production file beside this one, as evidence, or null. */
  readonly beside: string | null;
  readonly watch: boolean;
  /** The file's services that bind-mount source, in file order. */
  readonly mounts: readonly { readonly name: string; readonly mounted: string }[];
}

const fileEvidenceCache = new WeakMap<Repository, Map<string, FileEvidence>>();

/**
 * The evidence of a whole compose file, once per file (not once per service: 5,000 services of one
 * file each re-scanning the file and every other service was quadratic). Recomputed when the
 * repository's known paths (what a source mount holds) or the file itself change.
 */
function fileEvidence(repo: Repository, composePath: string): FileEvidence {
  let byFile = fileEvidenceCache.get(repo);
  if (!byFile) fileEvidenceCache.set(repo, (byFile = new Map()));
  // Known paths and compose files only grow during a run: their counts say whether they changed.
  const paths = repo.repoPaths().length;
  const composeFiles = repo.compose.size;
  const text = repo.files.get(composePath)?.text;
  const services = repo.compose.get(composePath)?.services;
  const cached = byFile.get(composePath);
  if (cached && cached.paths === paths && cached.composeFiles === composeFiles && cached.text === text && cached.services === services) return cached;
  let beside: string | null = null;
  const dir = repoDirname(composePath);
  for (const [other, model] of repo.compose) {
    if (other === composePath || repoDirname(other) !== dir) continue;
    if (PROD_COMPOSE_NAME.test(basename(other).replace(/\.ya?ml$/i, '')) && !isOverlayFile(model.services)) {
      beside = `${other} is the production file beside it`;
      break;
    }
  }
  const watch = /^\s+develop:[ \t]*\r?\n(?:[ \t]*(?:#.*)?\r?\n)*\s+watch:/m.test(text ?? '');
  const mounts: { name: string; mounted: string }[] = [];
  for (const service of services ?? []) {
    const mounted = sourceMount(repo, composePath, service);
    if (mounted !== null) mounts.push({ name: service.name, mounted });
  }
  const evidence = { paths, composeFiles, text, services, beside, watch, mounts };
  byFile.set(composePath, evidence);
  return evidence;
}

/** A relative bind mount of a folder that holds code (`.:/app`, `./backend:/usr/src/app`). */
function sourceMount(repo: Repository, composePath: string, compose: ComposeService): string | null {
  for (const volume of compose.volumes) {
    if (volume.type !== 'bind' || volume.source === null || !/^\.{1,2}(\/|$)/.test(volume.source)) continue;
    const source = repoJoin(repoDirname(volume.file ?? composePath), volume.source);
    if (escapesRoot(source)) continue;
    if (pathsUnder(repo.repoPaths(), source).some((p) => CODE.test(p))) return volume.source;
  }
  return null;
}
