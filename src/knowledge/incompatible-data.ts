/**
 * Known-incompatible version combinations for PIN007: pins that resolve fine (pip accepts them,
 * because the older package never declared an upper bound) and break at import or run time.
 * Only combinations documented by the projects themselves; one source line per entry.
 */
export interface Incompatibility {
  /** The package that breaks, and the releases affected. */
  readonly package: readonly [distribution: string, releases: string];
  /** The dependency whose newer releases break it. */
  readonly dependency: readonly [distribution: string, releases: string];
  /** What the service shows at run time. */
  readonly symptom: string;
  /** A release of the dependency known to work with every affected release of the package. */
  readonly safe: string | null;
  /** `package[extra]` that pulls the dependency in unpinned (so it is installed at its latest). */
  readonly extra: string | null;
  readonly source: string;
}

export const INCOMPATIBLE: readonly Incompatibility[] = [
  {
    // bcrypt 4.1.0 removed `bcrypt.__about__`, which passlib 1.7.4 (its last release) reads.
    package: ['passlib', '<=1.7.4'],
    dependency: ['bcrypt', '>=4.1'],
    symptom: '"(trapped) error reading bcrypt version" (AttributeError: module \'bcrypt\' has no attribute \'__about__\')',
    safe: '4.0.1',
    extra: 'bcrypt',
    source: 'pyca/bcrypt CHANGELOG 4.1.0 (removed __about__); passlib issue 190 on foss.heptapod.net',
  },
  {
    // Werkzeug 3.0.0 removed the deprecated werkzeug.urls functions Flask 2.2 imports.
    package: ['flask', '>=2.2,<2.3'],
    dependency: ['werkzeug', '>=3.0'],
    symptom: "ImportError: cannot import name 'url_quote' from 'werkzeug.urls'",
    safe: '2.2.3',
    extra: null,
    source: 'Werkzeug 3.0.0 changelog (removed werkzeug.urls url_quote and friends); flask 2.2 helpers.py imports url_quote',
  },
  {
    // The same removal breaks every older Flask too; no Werkzeug release is known to suit all of them.
    package: ['flask', '<2.2'],
    dependency: ['werkzeug', '>=3.0'],
    symptom: "ImportError at start-up: cannot import name 'url_quote' from 'werkzeug.urls'",
    safe: null,
    extra: null,
    source: 'Werkzeug 3.0.0 changelog (removed werkzeug.urls url_quote and friends); flask 1.x-2.1 helpers.py imports url_quote',
  },
  {
    // pandas wheels before 2.2.2 are built against the NumPy 1 ABI.
    package: ['pandas', '<2.2.2'],
    dependency: ['numpy', '>=2'],
    symptom: 'ValueError: numpy.dtype size changed, may indicate binary incompatibility',
    safe: null,
    extra: null,
    source: 'pandas 2.2.2 release notes ("the first version of pandas compatible with NumPy 2.0")',
  },
  {
    // httpx 0.28.0 removed the deprecated `proxies` argument the openai client passed.
    package: ['openai', '>=1.0,<1.55.3'],
    dependency: ['httpx', '>=0.28'],
    symptom: "TypeError: Client.__init__() got an unexpected keyword argument 'proxies'",
    safe: '0.27.2',
    extra: null,
    source: 'httpx 0.28.0 changelog (removed `proxies`); openai-python 1.55.3 release notes (fix for httpx 0.28)',
  },
];
