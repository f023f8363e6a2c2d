// Which compose files and Dockerfiles are development ones (their dev settings are expected and
// not flagged): the config's `production`/`development` globs first, then the naming heuristic
// (override files, `*dev*`, `*local*`, `*test*`, `*ci*`).
// The policy is process-wide because rules and the model both ask it; one audit at a time sets it.
import { basename, pathGlobMatcher } from '../util/paths.js';

const DEV_COMPOSE = /(^|[.\-_/])(override|dev|devel|development|local|test|tests|ci)([.\-_]|$)/i;
const DEV_DOCKERFILE = /(^|[.\-_])(dev|devel|development|local|test)([.\-_]|$)/i;

export interface FileRolePolicy {
  readonly production: readonly string[];
  readonly development: readonly string[];
  readonly composeSets?: readonly (readonly string[])[];
}

let production: ((path: string) => boolean)[] = [];
let development: ((path: string) => boolean)[] = [];
let sets: readonly (readonly string[])[] = [];

/** The configured `docker compose -f` sets (config `composeSets`). */
export function configuredComposeSets(): readonly (readonly string[])[] {
  return sets;
}

export function setFileRolePolicy(policy: FileRolePolicy): void {
  production = policy.production.map(pathGlobMatcher);
  development = policy.development.map(pathGlobMatcher);
  sets = policy.composeSets ?? [];
}

/** True: configured as development; false: as production; null: not configured. */
export function configuredRole(path: string): boolean | null {
  if (production.some((m) => m(path))) return false;
  if (development.some((m) => m(path))) return true;
  return null;
}

export function isDevComposeFile(path: string): boolean {
  return configuredRole(path) ?? DEV_COMPOSE.test(basename(path).replace(/\.ya?ml$/i, ''));
}

export function isDevDockerfile(path: string): boolean {
  return configuredRole(path) ?? DEV_DOCKERFILE.test(basename(path).replace(/^Dockerfile/, ''));
}
