// Which compose files and Dockerfiles are development ones (their dev settings are expected and
// not flagged): the config's `production`/`development` globs first, then the naming heuristic
// (override files, `*dev*`, `*local*`, `*test*`, `*ci*`).
// One FileRoles per audit, passed explicitly: the Repository holds it for the service builder and
// the Project carries it for rules (`project.fileRoles`).
import { basename, pathGlobMatcher } from '../util/paths.js';

const DEV_COMPOSE = /(^|[.\-_/])(override|dev|devel|development|local|test|tests|ci)([.\-_]|$)/i;
const DEV_DOCKERFILE = /(^|[.\-_])(dev|devel|development|local|test)([.\-_]|$)/i;

export interface FileRolePolicy {
  readonly production: readonly string[];
  readonly development: readonly string[];
  readonly composeSets?: readonly (readonly string[])[];
  /** Prefix of repo-relative paths before the globs see them (a config above the audited root). */
  readonly pathBase?: string;
}

export class FileRoles {
  private readonly production: ((path: string) => boolean)[];
  private readonly development: ((path: string) => boolean)[];
  /** The configured `docker compose -f` sets (config `composeSets`). */
  readonly composeSets: readonly (readonly string[])[];

  constructor(policy: FileRolePolicy = { production: [], development: [] }) {
    const base = policy.pathBase ?? '';
    const matcher = (glob: string): ((path: string) => boolean) => {
      const match = pathGlobMatcher(glob);
      return base === '' ? match : (path) => match(`${base}${path}`);
    };
    this.production = policy.production.map(matcher);
    this.development = policy.development.map(matcher);
    this.composeSets = policy.composeSets ?? [];
  }

  /** True: configured as development; false: as production; null: not configured. */
  configuredRole(path: string): boolean | null {
    if (this.production.some((m) => m(path))) return false;
    if (this.development.some((m) => m(path))) return true;
    return null;
  }

  isDevComposeFile(path: string): boolean {
    return this.configuredRole(path) ?? DEV_COMPOSE.test(basename(path).replace(/\.ya?ml$/i, ''));
  }

  isDevDockerfile(path: string): boolean {
    return this.configuredRole(path) ?? DEV_DOCKERFILE.test(basename(path).replace(/^Dockerfile/, ''));
  }
}

/** The roles without configuration: the naming heuristic only. */
export const DEFAULT_FILE_ROLES = new FileRoles();
