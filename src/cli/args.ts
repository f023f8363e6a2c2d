// argv -> options. Throws UsageError with one clear line for anything it cannot accept.
import { parseArgs } from 'node:util';
import type { Severity } from '../findings/types.js';
import { FORMATS, type Format } from '../report/index.js';
import { isRuleSelector, unknownRuleMessage } from '../rules/index.js';
import { closest } from '../util/edit-distance.js';
import { UsageError } from './errors.js';

// The formats are the reporter registry's (src/report/index.ts).
export { FORMATS, type Format };

export interface CliOptions {
  readonly command: 'audit' | 'rules' | 'explain' | 'help' | 'version';
  readonly path: string;
  readonly rule: string | null;
  readonly format: Format;
  readonly output: string | null;
  readonly diff: boolean;
  readonly patch: string | null;
  readonly fix: boolean;
  readonly unsafeFixes: boolean;
  /** null: not given on the command line (the config's failOn, else error). */
  readonly failOn: Severity | 'never' | null;
  readonly config: string | null;
  readonly baseline: string | null;
  readonly updateBaseline: boolean;
  readonly select: readonly string[];
  readonly ignore: readonly string[];
  readonly changedSince: string | null;
  /** --only-changed: with --changed-since, every finding in changed files or services (not only new ones). */
  readonly onlyChanged: boolean;
  readonly quiet: boolean;
  /** --color=always/--color (true), --color=never/--no-color (false); null: auto (FORCE_COLOR, NO_COLOR, the terminal). */
  readonly color: boolean | null;
  /** --statistics: counts per rule instead of the findings. */
  readonly statistics: boolean;
  /** --exit-zero: exit 0 even when findings are at or above --fail-on (2 for errors still). */
  readonly exitZero: boolean;
  /** --exclude GLOB (repeatable): gitignore-style patterns, relative to PATH, left out of discovery. */
  readonly exclude: readonly string[];
  /** --cache-dir DIR: where results (and index responses) are cached; beats DRIFTCHECK_CACHE_DIR. */
  readonly cacheDir: string | null;
  readonly debug: boolean;
  readonly interactive: boolean;
  readonly pythonEnv: string | null;
  readonly indexUrl: string | null;
  /** --max-file-size / --max-files: discovery limits (null: the defaults). */
  readonly maxFileBytes: number | null;
  readonly maxFiles: number | null;
  /** false with --no-cache: always audit, never read or write the result cache. */
  readonly cache: boolean;
  /** --workers: threads that read and scan Python files ('auto': every core on large trees). */
  readonly workers: number | 'auto';
}

const FAIL_ON = ['error', 'warning', 'info', 'never'] as const;
const COLOR_WHEN = ['always', 'never', 'auto'] as const;

const OPTIONS = {
  format: { type: 'string', short: 'f' },
  output: { type: 'string', short: 'o' },
  diff: { type: 'boolean' },
  patch: { type: 'string' },
  fix: { type: 'boolean' },
  'unsafe-fixes': { type: 'boolean' },
  'fail-on': { type: 'string' },
  'exit-zero': { type: 'boolean' },
  statistics: { type: 'boolean' },
  config: { type: 'string', short: 'c' },
  baseline: { type: 'string' },
  'update-baseline': { type: 'boolean' },
  select: { type: 'string', multiple: true },
  ignore: { type: 'string', multiple: true },
  exclude: { type: 'string', multiple: true },
  'changed-since': { type: 'string' },
  'only-changed': { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  debug: { type: 'boolean' },
  interactive: { type: 'boolean', short: 'i' },
  'python-env': { type: 'string' },
  'index-url': { type: 'string' },
  'max-file-size': { type: 'string' },
  'max-files': { type: 'string' },
  'no-cache': { type: 'boolean' },
  'cache-dir': { type: 'string' },
  workers: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const;

/** Every long flag's name, for "did you mean" (--color and --no-color are read before parseArgs). */
const LONG_FLAGS = [...Object.keys(OPTIONS), 'color', 'no-color'];

export function parseCliArgs(argv: readonly string[]): CliOptions {
  const { args, color } = readColorFlags(argv);
  checkFlags(args);
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, strict: true, options: OPTIONS });
  } catch (error) {
    // checkFlags catches what parseArgs would reject; this is a fallback for anything it missed.
    throw new UsageError(error instanceof Error ? error.message.split('\n')[0] ?? 'invalid arguments' : 'invalid arguments');
  }
  const { values, positionals } = parsed;
  const format = values.format ?? 'text';
  if (!FORMATS.includes(format as Format)) throw new UsageError(`unknown --format "${format}" (expected one of: ${FORMATS.join(', ')})${suggestion(format, FORMATS)}`);
  const failOn = values['fail-on'] ?? null;
  if (failOn !== null && !(FAIL_ON as readonly string[]).includes(failOn)) throw new UsageError(`unknown --fail-on "${failOn}" (expected one of: ${FAIL_ON.join(', ')})`);
  if (values['only-changed'] && values['changed-since'] === undefined) throw new UsageError('--only-changed needs --changed-since REF (the revision the changes are counted from)');
  if (values.diff && values.fix) throw new UsageError('--diff and --fix cannot be combined: --diff only prints the patch');
  if (values.interactive) {
    const clash = [values.diff && '--diff', values.fix && '--fix', values.patch !== undefined && '--patch', values.output !== undefined && '--output', format !== 'text' && '--format'].find(Boolean);
    if (clash) throw new UsageError(`--interactive and ${clash} cannot be combined: the interactive report writes patches and fixes itself`);
  }

  const indexUrl = values['index-url'] ?? null;
  if (indexUrl !== null && !/^https?:\/\/[^\s/]+/i.test(indexUrl)) throw new UsageError(`--index-url must be an http(s) URL, got "${indexUrl}"`);

  let command: CliOptions['command'] = 'audit';
  let rest = positionals;
  if (values.help || positionals[0] === 'help') command = 'help';
  else if (values.version) command = 'version';
  else if (positionals[0] === 'rules') {
    command = 'rules';
    rest = positionals.slice(1);
    if (rest.length > 0) throw new UsageError(`usage: driftcheck rules [--format text|json] (got "${rest.join(' ')}")`);
    if (format !== 'text' && format !== 'json') throw new UsageError(`driftcheck rules prints text or json, not --format ${format}`);
  } else if (positionals[0] === 'explain') {
    command = 'explain';
    rest = positionals.slice(1);
    if (rest.length !== 1) throw new UsageError('usage: driftcheck explain RULE (a rule id like DEP001 or a name like missing-dependency)');
  }
  if (command === 'audit' && rest.length > 1) throw new UsageError(`expected one path to audit, got ${rest.length}: ${rest.join(' ')}`);
  const list = (items: readonly string[] | undefined): string[] => (items ?? []).flatMap((i) => i.split(',')).map((i) => i.trim()).filter(Boolean);
  const select = list(values.select);
  const ignored = list(values.ignore);
  // A typo must not quietly select nothing (and turn CI green): every item names a rule or a family.
  for (const [flag, items] of [['--select', select], ['--ignore', ignored]] as const) {
    for (const item of items) if (!isRuleSelector(item)) throw new UsageError(`${flag}: ${unknownRuleMessage(item)}`);
  }
  const statistics = values.statistics ?? false;
  if (statistics && format !== 'text' && format !== 'json') throw new UsageError(`--statistics prints text or json, not --format ${format}`);
  return {
    command,
    path: command === 'audit' ? (rest[0] ?? '.') : '.',
    rule: command === 'explain' ? (rest[0] ?? null) : null,
    format: format as Format,
    output: values.output ?? null,
    diff: values.diff ?? false,
    patch: values.patch ?? null,
    fix: values.fix ?? false,
    unsafeFixes: values['unsafe-fixes'] ?? false,
    failOn: failOn as CliOptions['failOn'],
    config: values.config ?? null,
    baseline: values.baseline ?? null,
    updateBaseline: values['update-baseline'] ?? false,
    select,
    ignore: ignored,
    changedSince: values['changed-since'] ?? null,
    onlyChanged: values['only-changed'] ?? false,
    quiet: values.quiet ?? false,
    color,
    statistics,
    exitZero: values['exit-zero'] ?? false,
    exclude: (values.exclude ?? []).map((g) => g.trim().replace(/^\.\//, '')).filter(Boolean),
    cacheDir: values['cache-dir'] ?? null,
    debug: values.debug ?? false,
    interactive: values.interactive ?? false,
    pythonEnv: values['python-env'] ?? null,
    indexUrl,
    maxFileBytes: positiveInt('--max-file-size', values['max-file-size']),
    maxFiles: positiveInt('--max-files', values['max-files']),
    cache: !(values['no-cache'] ?? false),
    workers: values.workers === undefined || values.workers.trim() === 'auto' ? 'auto' : (positiveInt('--workers', values.workers) ?? 'auto'),
  };
}

/**
 * `--color` (always), `--color=WHEN`, `--color WHEN` and `--no-color` (never), read before
 * parseArgs (which has no optional values); the last one wins. Stops at `--`.
 */
function readColorFlags(argv: readonly string[]): { args: string[]; color: boolean | null } {
  const args: string[] = [];
  let when: (typeof COLOR_WHEN)[number] | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') {
      args.push(...argv.slice(i));
      break;
    }
    if (arg === '--no-color') when = 'never';
    else if (arg === '--color') {
      const next = argv[i + 1];
      if (next !== undefined && (COLOR_WHEN as readonly string[]).includes(next)) {
        when = next as (typeof COLOR_WHEN)[number];
        i++;
      } else when = 'always';
    } else if (arg.startsWith('--color=')) {
      const value = arg.slice('--color='.length);
      if (!(COLOR_WHEN as readonly string[]).includes(value)) throw new UsageError(`--color expects always, never or auto, got "${value}"`);
      when = value as (typeof COLOR_WHEN)[number];
    } else args.push(arg);
  }
  return { args, color: when === 'always' ? true : when === 'never' ? false : null };
}

/**
 * Our own one-line messages for what parseArgs would reject with its raw text: an unknown flag
 * (with the nearest known one), a missing value, a value given to a switch.
 */
function checkFlags(args: readonly string[]): void {
  const { tokens } = parseArgs({ args: [...args], allowPositionals: true, strict: false, tokens: true, options: OPTIONS });
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const spec = (OPTIONS as Readonly<Record<string, { readonly type: 'string' | 'boolean' }>>)[token.name];
    if (spec === undefined) {
      const near = token.rawName.startsWith('--') ? closest(token.name, LONG_FLAGS) : undefined;
      throw new UsageError(`unknown option ${token.rawName} (${near ? `did you mean --${near}?` : 'run "driftcheck --help" for the options'})`);
    }
    if (spec.type === 'string' && token.value === undefined) throw new UsageError(`${token.rawName} needs a value`);
    if (spec.type === 'boolean' && token.inlineValue) throw new UsageError(`${token.rawName} takes no value`);
  }
}

/** ` (did you mean X?)` when `word` is a near miss of one of `choices`. */
function suggestion(word: string, choices: readonly string[]): string {
  const near = closest(word, choices);
  return near ? ` (did you mean ${near}?)` : '';
}

function positiveInt(flag: string, raw: string | undefined): number | null {
  if (raw === undefined) return null;
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(Number(raw)) || Number(raw) < 1) throw new UsageError(`${flag} expects a positive whole number, got "${raw}"`);
  return Number(raw);
}

export const HELP = `driftcheck - find the drift between what your code needs and what your build ships

Usage:
  driftcheck [PATH] [options]      audit a repository (default: .)
  driftcheck rules [-f json]       list every rule (json: id, name, severity, fixable, summary)
  driftcheck explain RULE          show a rule's documentation (DEP001 or missing-dependency)
  driftcheck help                  this help (audit a folder named help as ./help)

Output:
  -f, --format FORMAT    text (default), concise (path:line:col: CODE message, one
                         line per finding), json, sarif (SARIF 2.1.0, code scanning),
                         github (Actions annotations), markdown (PR comment or step
                         summary, with the fix patch), gitlab (Code Quality report),
                         junit, checkstyle (XML for CI test and lint viewers),
                         prometheus (node_exporter textfile metrics)
  -o, --output FILE      write the report to FILE instead of stdout
  -q, --quiet            the concise lines only: no summary, no warnings
      --statistics       count the findings per rule instead (text or json)
      --color WHEN       always, never or auto (default: colour on a terminal;
                         FORCE_COLOR forces it, NO_COLOR turns it off; --color
                         alone is always, --no-color is never)
  -i, --interactive      browse the findings in the terminal, choose fixes, write a
                         patch or apply them (needs a terminal; else the text report)

Fixes:
      --diff             print the fix patch (unified diff) and change nothing; exits
                         0 when it printed a patch, 1 when there is nothing to fix
      --patch FILE       write the fix patch to FILE, then report as usual
      --fix              apply safe fixes in place (atomic writes, inside PATH only)
      --unsafe-fixes     include unsafe fixes in --diff, --patch and --fix

Selection:
      --select RULES     only these rules (ids, names or prefixes, comma-separated;
                         an unknown one is an error)
      --ignore RULES     skip these rules
      --exclude GLOB     leave matching files and folders out (gitignore syntax,
                         relative to PATH; repeatable)
      --changed-since REF  only the findings the changes since git REF introduce (the
                         same audit of REF's files, read from git objects, has no
                         finding with the same fingerprint)
      --only-changed     with --changed-since: every finding in files or services
                         changed since REF, new or not
      --fail-on LEVEL    exit 1 when a finding is at or above LEVEL: error (default),
                         warning, info, or never
      --exit-zero        exit 0 even when findings are at or above --fail-on

Package metadata (for version checks; nothing is ever executed):
      --python-env PATH  read *.dist-info metadata of an installed environment
                         (default: .venv or venv under PATH, when present)
      --index-url URL    also ask this PEP 691 package index (opt-in network use;
                         cached in the cache folder, see --cache-dir)

  -h, --help             this help        -V, --version      the version
      --debug            stack traces for internal errors; what the caches reused
      --no-cache         audit even when nothing changed since the last identical run, and
                         parse every file (reports are cached by version, options and file
                         stats; per-file parse results by content)
      --cache-dir DIR    the cache folder (default: DRIFTCHECK_CACHE_DIR, else the
                         user cache folder)

      --workers N        threads that read and scan Python files; results are the
                         same for any N (default auto: up to 8 on machines with 4+
                         cores once a tree has 1,000 Python files, else 1)

Limits (hitting one is reported as a warning naming the path):
      --max-file-size BYTES  skip files larger than BYTES (default 8388608)
      --max-files N          audit at most N files driftcheck reads (default 200000)

Configuration:
  -c, --config FILE      read FILE instead of the nearest .driftcheck.yaml, or
                         pyproject.toml with [tool.driftcheck], found in PATH or a
                         folder above it up to the repository top (the one with .git)
      --baseline FILE    report only findings that are not in FILE (by fingerprint:
                         rule, file, service and message, so line shifts do not
                         matter); default: the config's baseline: key
      --update-baseline  write every current finding to the baseline (FILE, else
                         the config's baseline:, else PATH/.driftcheck-baseline.json)
                         and exit 0

Exit codes: 0 nothing at or above --fail-on (or --exit-zero), 1 findings (--diff:
nothing to fix), 2 usage, config or internal error.

Examples:
  driftcheck .                                   audit the current repository
  driftcheck services/api --format json          machine-readable report
  driftcheck . --diff > fix.patch && git apply fix.patch
  driftcheck . --fix --unsafe-fixes              apply every available fix
`;
