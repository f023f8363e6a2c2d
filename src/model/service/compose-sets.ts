// Compose sets: which compose files `docker compose` combines (base + override, configured
// `-f` sets), the services they define after merging and `extends`, which are production, and the
// `.env` / `env_file:` variables beside them.
import { parseDotenv } from '../../parsers/dotenv.js';
import type { ComposeService } from '../../parsers/types.js';
import { basename, escapesRoot, repoDirname, repoJoin } from '../../util/paths.js';
import { mergeComposeService, resolveExtends } from '../compose-merge.js';
import type { FileRoles } from '../file-roles.js';
import type { Repository } from '../repository.js';
import { PROD_COMPOSE_NAME, isOverlayFile } from '../roles.js';
import type { ComposeVars, EnvFileVar } from '../types.js';

const DEV_PROFILE = /^(dev|devel|development|local|test|tests|testing|debug|ci)$/i;

/**
 * Whether a compose service counts as production: its file is not an override/dev file, and it is
 * not only started under a development profile (`profiles: [dev]`). The base file(s) alone are
 * production; an override file never removes a base finding. One function for config to wire.
 */
export function isProductionComposeService(roles: FileRoles, composePath: string, compose: ComposeService): boolean {
  if (roles.isDevComposeFile(composePath)) return false;
  return !(compose.profiles.length > 0 && compose.profiles.every((p) => DEV_PROFILE.test(p)));
}

/** `image:` names that a service of the set builds (`build:` with `image: myorg/app:1.0`). */
export function imageBuilders(services: readonly MergedService[]): Map<string, NonNullable<ComposeService['build']>> {
  const out = new Map<string, NonNullable<ComposeService['build']>>();
  for (const { composePath, compose } of services) {
    if (compose.build && compose.image && !out.has(compose.image.value)) out.set(compose.image.value, { ...compose.build, file: compose.build.file ?? composePath });
  }
  return out;
}

/**
 * A service that runs an image another service of the same project builds (a Celery worker on
 * the web service's `image: myorg/app:1.0`) runs that build: its command is audited against it.
 */
export function withBuilderOf(compose: ComposeService, builders: ReadonlyMap<string, NonNullable<ComposeService['build']>>): ComposeService {
  if (compose.build || !compose.image) return compose;
  const build = builders.get(compose.image.value);
  return build ? { ...compose, build } : compose;
}

export interface ComposeSet {
  /** False when the set is a development one (a dev file in it); profiles still count per service. */
  readonly production: boolean;
  /** Production by explicit evidence (configured, or a production overlay file): no dev heuristics. */
  readonly explicit?: boolean;
  /** Each service once, merged across the set's files; `composePath` is the first file defining it. */
  readonly services: readonly MergedService[];
}

const BASE_COMPOSE = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];

const OVERRIDE_COMPOSE = ['compose.override.yaml', 'compose.override.yml', 'docker-compose.override.yaml', 'docker-compose.override.yml'];

/**
 * The compose projects `docker compose` would load: the configured `-f` sets first; then, per
 * folder, the base file with its override file merged on top (what a bare `docker compose up`
 * runs: a development view, since the override is a dev file); every other file alone. An
 * override service that builds the same image as its base adds no service (its DEP findings would
 * repeat the base's); one that builds another image, or exists only in the override, is a
 * development service.
 */
export function composeSets(repo: Repository): ComposeSet[] {
  const out: ComposeSet[] = [];
  const claimed = new Set<string>();
  // Each file's services have their `extends` resolved once: resolving reports cycles as
  // diagnostics, and a base file is read both alone and under its override.
  const resolved = new Map<string, ComposeService[]>();
  const resolvedOf = (file: string): ComposeService[] => {
    let services = resolved.get(file);
    if (!services) {
      services = (repo.compose.get(file)?.services ?? []).map((written) => resolveExtends(repo, file, written));
      resolved.set(file, services);
    }
    return services;
  };
  const merged = (files: readonly string[]): MergedService[] => mergedServices(files.map((file) => ({ file, services: resolvedOf(file) })));
  for (const files of repo.roles.composeSets) {
    const present = files.filter((f) => repo.load(f, 'compose') !== null);
    if (present.length === 0) continue;
    present.forEach((f) => claimed.add(f));
    out.push({ production: !present.some((p) => repo.roles.isDevComposeFile(p)), explicit: true, services: merged(present) });
  }
  // `docker-compose.prod.yml` that only overrides (no build:, no image:) is deployed on its
  // folder's base file: that merge is the production project.
  for (const path of [...repo.compose.keys()].sort()) {
    if (claimed.has(path) || !PROD_COMPOSE_NAME.test(basename(path).replace(/\.ya?ml$/i, '')) || !isOverlayFile(resolvedOf(path))) continue;
    const base = baseOf(repo, path, claimed);
    if (base === undefined) continue;
    claimed.add(base);
    claimed.add(path);
    // A service the overlay names carries the overlay's positions (like an override file's).
    const named = new Set(resolvedOf(path).map((s) => s.name));
    out.push({ production: true, explicit: true, services: merged([base, path]).map((s) => (named.has(s.compose.name) ? { ...s, composePath: path } : s)) });
  }
  // Base files before the rest, so a service name shared with a dev file resolves to the base.
  const paths = [...repo.compose.keys()].filter((p) => !claimed.has(p)).sort((a, b) => Number(repo.roles.isDevComposeFile(a)) - Number(repo.roles.isDevComposeFile(b)) || (a < b ? -1 : a > b ? 1 : 0));
  for (const path of paths) {
    const base = OVERRIDE_COMPOSE.includes(basename(path)) ? baseOf(repo, path, claimed) : undefined;
    if (base === undefined) {
      out.push({ production: !repo.roles.isDevComposeFile(path), services: merged([path]) });
      continue;
    }
    const baseServices = new Map(resolvedOf(base).map((s) => [s.name, s]));
    const overlay = merged([base, path]).filter(({ compose }) => {
      const own = baseServices.get(compose.name);
      return own === undefined || !sameImage(own, compose, base);
    });
    out.push({ production: false, services: overlay.map((s) => ({ ...s, composePath: path })) });
  }
  return out;
}

/** The base compose file an override file in the same folder is merged onto, if any. */
function baseOf(repo: Repository, overridePath: string, claimed: ReadonlySet<string>): string | undefined {
  const dir = repoDirname(overridePath);
  return BASE_COMPOSE.map((name) => (dir ? `${dir}/${name}` : name)).find((candidate) => repo.compose.has(candidate) && !claimed.has(candidate));
}

export type MergedService = { readonly composePath: string; readonly compose: ComposeService };

/** Services of several files (each with `extends` already resolved) merged in order, by name. */
function mergedServices(files: readonly { readonly file: string; readonly services: readonly ComposeService[] }[]): MergedService[] {
  const byName = new Map<string, MergedService>();
  for (const { file, services } of files) {
    for (const service of services) {
      const earlier = byName.get(service.name);
      byName.set(service.name, earlier ? { composePath: earlier.composePath, compose: mergeComposeService(earlier.compose, earlier.composePath, service) } : { composePath: file, compose: service });
    }
  }
  return [...byName.values()];
}

/** Do two definitions of a service (written in `composePath`'s folder) build the same image, or pull the same one? */
function sameImage(a: ComposeService, b: ComposeService, composePath: string): boolean {
  const build = (s: ComposeService): string =>
    s.build === null
      ? `image:${s.image?.value ?? ''}`
      : JSON.stringify([repoJoin(repoDirname(s.build.file ?? composePath), s.build.context), s.build.dockerfile ?? 'Dockerfile', s.build.target, s.build.args]);
  return build(a) === build(b);
}

/**
 * `env_file:` variables, later files winning, each with the line that sets it. Paths are relative
 * to the compose file that wrote them; files outside the root or absent (often git-ignored
 * secrets) add nothing.
 */
export function envFileVars(repo: Repository, composePath: string, compose: ComposeService): EnvFileVar[] {
  const byKey = new Map<string, EnvFileVar>();
  for (const entry of compose.envFiles) {
    const path = repoJoin(repoDirname(entry.file ?? composePath), entry.path);
    if (escapesRoot(path)) continue;
    const file = repo.load(path, 'config');
    if (!file) continue;
    for (const [key, { value, line }] of parseDotenv(file.text)) {
      const whole = file.lines.lineSpan(line);
      byKey.delete(key);
      byKey.set(key, { key, value, file: path, line, span: { start: whole.start, end: whole.start + file.text.slice(whole.start, whole.end).trimEnd().length } });
    }
  }
  return [...byKey.values()];
}

export const EMPTY_VARS: ComposeVars = { file: null, vars: new Map() };

/** The `.env` file beside a compose file: what `docker compose` interpolates `${VAR}` with. */
export function dotenvBeside(repo: Repository, composePath: string): ComposeVars {
  const dir = repoDirname(composePath);
  const path = dir ? `${dir}/.env` : '.env';
  const file = repo.load(path, 'config');
  if (!file) return EMPTY_VARS;
  return { file: path, vars: parseDotenv(file.text) };
}
