// Import name -> distribution, in DESIGN.md §5's order of trust: config moduleMap, then the
// curated table, then the normalised-name guess (flagged as a guess: never a safe fix).
import {
  ALTERNATIVE_DISTRIBUTIONS,
  BINARY_TO_DISTRIBUTION,
  MODULE_TO_DISTRIBUTION,
} from '../knowledge/module-map-data.js';
import { WELL_KNOWN_EXTRAS, WELL_KNOWN_REQUIRES, WELL_KNOWN_REQUIRES_BEFORE_PYTHON, WELL_KNOWN_REQUIRES_OLDER } from '../knowledge/transitive-data.js';
import { satisfiesSpecifier } from './pep440.js';
import { WELL_KNOWN_LEAVES } from '../knowledge/transitive-leaves-data.js';
import { MORE_ALTERNATIVE_DISTRIBUTIONS, MORE_MODULE_TO_DISTRIBUTION } from '../knowledge/module-map-extra-data.js';
import { normalizeName } from '../util/names.js';

export type MappingSource = 'config' | 'env' | 'table' | 'guess';

export interface DistributionGuess {
  /** Distribution names, canonical first; installing any of them provides the module. */
  readonly distributions: readonly string[];
  readonly source: MappingSource;
}

/** PEP 503 normalisation: lowercase, runs of `-`, `_` and `.` become `-`. */
export { normalizeName };

export class ModuleMap {
  private readonly table = new Map<string, string[]>();
  private readonly config = new Map<string, string[]>();
  private readonly env = new Map<string, string[]>();

  /** `installed`: distributions of an installed environment and the top-level names they provide. */
  constructor(configMap: Readonly<Record<string, string | readonly string[]>> = {}, installed: readonly { readonly name: string; readonly topLevel: readonly string[] }[] = []) {
    for (const dist of installed) for (const module of dist.topLevel) this.env.set(module, unique([...(this.env.get(module) ?? []), dist.name]));
    for (const [module, dist] of MORE_MODULE_TO_DISTRIBUTION) this.table.set(module, [dist]);
    for (const [module, dist] of MODULE_TO_DISTRIBUTION) this.table.set(module, [dist]);
    for (const [module, dists] of [...ALTERNATIVE_DISTRIBUTIONS, ...MORE_ALTERNATIVE_DISTRIBUTIONS]) {
      const canonical = this.table.get(module) ?? [];
      this.table.set(module, unique([...canonical, ...dists]));
    }
    for (const [module, dist] of Object.entries(configMap)) this.config.set(module, typeof dist === 'string' ? [dist] : [...dist]);
  }

  /** Distributions for a dotted module, trying the longest known dotted prefix first. */
  lookup(module: string): DistributionGuess {
    let answer = this.answers.get(module);
    if (!answer) {
      answer = this.lookupUncached(module);
      this.answers.set(module, answer);
    }
    return answer;
  }

  /** Every rule asks about the same few hundred modules for each of thousands of files. */
  private readonly answers = new Map<string, DistributionGuess>();

  private lookupUncached(module: string): DistributionGuess {
    const parts = module.split('.');
    for (const [source, map] of [['config', this.config], ['env', this.env], ['table', this.table]] as const) {
      for (let n = parts.length; n >= 1; n--) {
        const found = map.get(parts.slice(0, n).join('.'));
        if (found) return { distributions: found, source };
      }
    }
    // PyPI spells most names with dashes (sentry_sdk -> sentry-sdk); pip treats both alike.
    return { distributions: [(parts[0] ?? module).replace(/_/g, '-')], source: 'guess' };
  }

  /**
   * Top-level import names a distribution may provide: every module the config or the table
   * maps to it, then guesses from its name (`python-dotenv` -> dotenv, `kafka-python` -> kafka,
   * `django-environ` -> environ).
   */
  importNamesOf(distribution: string): string[] {
    this.reverse ??= this.buildReverse();
    const key = normalizeName(distribution);
    return unique([...(this.reverse.get(key) ?? []), ...nameStems(key)]);
  }

  private reverse: Map<string, Set<string>> | undefined;

  /** Distribution -> top-level import names, each once, in the order the tables give them. */
  private buildReverse(): Map<string, Set<string>> {
    const reverse = new Map<string, Set<string>>();
    for (const map of [this.config, this.env, this.table]) {
      for (const [module, dists] of map) {
        const top = module.split('.')[0] ?? module;
        for (const dist of dists) {
          const key = normalizeName(dist);
          const names = reverse.get(key);
          if (names) names.add(top);
          else reverse.set(key, new Set([top]));
        }
      }
    }
    return reverse;
  }
}

function unique(items: readonly string[]): string[] {
  return [...new Set(items)];
}

const BINARIES = new Map(BINARY_TO_DISTRIBUTION.map(([binary, dist]) => [binary, dist]));

/** The distribution whose console script a command runs (`uvicorn` -> uvicorn), if known. */
export function distributionOfBinary(binary: string): string | undefined {
  return BINARIES.get(binary);
}

/** Console scripts a distribution is known to install (reverse of the binary table). */
export function binariesOf(distribution: string): string[] {
  const key = normalizeName(distribution);
  return BINARY_TO_DISTRIBUTION.filter(([, dist]) => normalizeName(dist) === key).map(([binary]) => binary);
}

// Keys are normalised names, and `name[extra]` for what an extra adds (`uvicorn[standard]`).
const REQUIRES = new Map([...WELL_KNOWN_LEAVES.map(([dist, deps]) => [dist, deps] as const), ...WELL_KNOWN_REQUIRES, ...WELL_KNOWN_EXTRAS].map(([dist, deps]) => [normalizeName(dist), deps.map(normalizeName)]));
const REQUIRES_BEFORE_PYTHON = new Map(WELL_KNOWN_REQUIRES_BEFORE_PYTHON.map(([dist, deps, below]) => [normalizeName(dist), { deps: deps.map(normalizeName), below }]));

/**
 * Import names a distribution plausibly provides, read from its name as projects spell them:
 * `django-csp` -> csp, `traceloop-sdk` -> traceloop, `python-ulid` -> ulid, `pyhumps` -> humps,
 * `progressbar2` -> progressbar, `graphql-core` -> graphql, `openfeature-provider-flagd` ->
 * openfeature. Used only where the curated table and an installed env say nothing, and only to
 * decide that a module is NOT proven missing (or a distribution NOT proven unused).
 */
export function nameStems(distribution: string, loose = false): string[] {
  const key = normalizeName(distribution);
  const base = key.replace(/-/g, '_');
  const tokens = key.split('-');
  const out = [base, base.replace(/^(python|py|django|flask|fastapi|pytest|sphinx)_/, ''), base.replace(/_(python|py)$/, ''), base.replace(/^py/, ''), base.replace(/_/g, '')];
  const trimmed = tokens.filter((t, i) => !(i === 0 && STEM_PREFIXES.has(t)) && !(i > 0 && i === tokens.length - 1 && STEM_SUFFIXES.has(t)));
  if (trimmed.length > 0) out.push(trimmed.join('_'), trimmed.join(''));
  // The first part alone (`openfeature-provider-flagd` -> openfeature) only where a module is in
  // question, never to call a distribution used because some word of the code matches it.
  if (loose && tokens.length > 1 && !NAMESPACE_ROOTS.has(tokens[0] ?? '')) out.push(tokens[0] ?? '');
  out.push(base.replace(/\d+$/, ''));
  return unique(out.filter((g) => g.length > 1));
}

const STEM_PREFIXES = new Set(['python', 'py', 'django', 'flask', 'fastapi', 'pytest', 'sphinx', 'sentry']);
const STEM_SUFFIXES = new Set(['sdk', 'client', 'core', 'tool', 'tools', 'binary', 'plus', 'lib', 'api', 'python', 'py', 'bin', 'slim', 'lite', 'headless']);
/** First name parts shared by many unrelated distributions (namespace packages). */
const NAMESPACE_ROOTS = new Set(['google', 'azure', 'opentelemetry', 'zope', 'jaraco', 'backports', 'sphinxcontrib', 'aws', 'oslo', 'types', 'django', 'flask', 'pytest', 'python', 'py', 'apache', 'mypy', 'nvidia', 'langchain', 'llama']);

/** Whether the bundled table lists this distribution's Requires-Dist (an empty list counts). */
export function hasBundledRequires(key: string): boolean {
  return REQUIRES.has(key);
}

/** Whether Python `version` ("3.10") is older than `below` ("3.11"). */
function pythonOlderThan(version: string, below: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const [belowMajor = 0, belowMinor = 0] = below.split('.').map(Number);
  return major < belowMajor || (major === belowMajor && minor < belowMinor);
}

/** The bundled table's Requires-Dist of one distribution (or `name[extra]`) on this Python. */
function bundledRequires(key: string, python: string | null): readonly string[] {
  const always = REQUIRES.get(key) ?? [];
  const markered = REQUIRES_BEFORE_PYTHON.get(key);
  return markered && python !== null && pythonOlderThan(python, markered.below) ? [...always, ...markered.deps] : always;
}

/**
 * Distributions installed as dependencies of `roots` (normalised names, or `name[extra]`)
 * according to the bundled table of well-known Requires-Dist (with the markered entries that hold
 * on `python`, the image's "X.Y", when given), mapped to the root that pulls each one in.
 */
export function transitiveClosure(roots: Iterable<string>, moreRequires: (key: string) => readonly string[] = () => [], python: string | null = null): Map<string, string> {
  const via = new Map<string, string>();
  const queue: [string, string][] = [];
  for (const root of roots) queue.push([normalizeName(root), normalizeName(root)]);
  while (queue.length > 0) {
    const [dist, root] = queue.shift() ?? ['', ''];
    for (const dep of [...bundledRequires(dist, python), ...moreRequires(dist).map(normalizeName)]) {
      if (via.has(dep)) continue;
      via.set(dep, root);
      queue.push([dep, root]);
    }
  }
  return via;
}

/** What an older release of `key` (normalised) required and the current one does not, at `version`. */
export function olderReleaseRequires(key: string, version: string): readonly string[] {
  return WELL_KNOWN_REQUIRES_OLDER.filter(([dist, releases]) => dist === key && satisfiesSpecifier(version, releases) === true).flatMap(([, , deps]) => deps.map(normalizeName));
}
