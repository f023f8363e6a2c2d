// argv -> options. Throws UsageError with one clear line for anything it cannot accept.
import { parseArgs } from 'node:util';
import type { Severity } from '../findings/types.js';
import { FORMATS, type Format } from '../report/index.js';
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
  readonly color: boolean | null; // null: decide from the terminal
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

export function parseCliArgs(argv: readonly string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string', short: 'f' },
        output: { type: 'string', short: 'o' },
        diff: { type: 'boolean' },
        patch: { type: 'string' },
        fix: { type: 'boolean' },
        'unsafe-fixes': { type: 'boolean' },
        'fail-on': { type: 'string' },
        config: { type: 'string', short: 'c' },
        baseline: { type: 'string' },
        'update-baseline': { type: 'boolean' },
        select: { type: 'string', multiple: true },
        ignore: { type: 'string', multiple: true },
        'changed-since': { type: 'string' },
        'only-changed': { type: 'boolean' },
        quiet: { type: 'boolean', short: 'q' },
        color: { type: 'boolean' },
        'no-color': { type: 'boolean' },
        debug: { type: 'boolean' },
        interactive: { type: 'boolean', short: 'i' },
        'python-env': { type: 'string' },
        'index-url': { type: 'string' },
        'max-file-size': { type: 'string' },
        'max-files': { type: 'string' },
        'no-cache': { type: 'boolean' },
        workers: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'V' },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message.split('\n')[0] ?? 'invalid arguments' : 'invalid arguments');
  }
  const { values, positionals } = parsed;
  const format = values.format ?? 'text';
  if (!FORMATS.includes(format as Format)) throw new UsageError(`unknown --format "${format}" (expected one of: ${FORMATS.join(', ')})`);
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
  if (values.help) command = 'help';
  else if (values.version) command = 'version';
  else if (positionals[0] === 'rules') {
    command = 'rules';
    rest = positionals.slice(1);
  } else if (positionals[0] === 'explain') {
    command = 'explain';
    rest = positionals.slice(1);
    if (rest.length !== 1) throw new UsageError('usage: driftcheck explain RULE (a rule id like DEP001 or a name like missing-dependency)');
  }
  if (command === 'audit' && rest.length > 1) throw new UsageError(`expected one path to audit, got ${rest.length}: ${rest.join(' ')}`);
  const list = (items: readonly string[] | undefined): string[] => (items ?? []).flatMap((i) => i.split(',')).map((i) => i.trim()).filter(Boolean);
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
    select: list(values.select),
    ignore: list(values.ignore),
    changedSince: values['changed-since'] ?? null,
    onlyChanged: values['only-changed'] ?? false,
    quiet: values.quiet ?? false,
    color: values['no-color'] ? false : values.color ? true : null,
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

function positiveInt(flag: string, raw: string | undefined): number | null {
  if (raw === undefined) return null;
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(Number(raw)) || Number(raw) < 1) throw new UsageError(`${flag} expects a positive whole number, got "${raw}"`);
  return Number(raw);
}

export const HELP = `driftcheck - find the drift between what your code needs and what your build ships

Usage:
  driftcheck [PATH] [options]      audit a repository (default: .)
  driftcheck rules                 list every rule
  driftcheck explain RULE          show a rule's documentation (DEP001 or missing-dependency)

Output:
  -f, --format FORMAT    text (default), json, sarif (SARIF 2.1.0, code scanning),
                         github (Actions annotations), markdown (PR comment or step
                         summary, with the fix patch), gitlab (Code Quality report)
  -o, --output FILE      write the report to FILE instead of stdout
  -q, --quiet            one line per finding, no evidence
      --no-color         no ANSI colours (also: NO_COLOR=1); --color forces them
  -i, --interactive      browse the findings in the terminal, choose fixes, write a
                         patch or apply them (needs a terminal; else the text report)

Fixes:
      --diff             print the fix patch (unified diff) and change nothing
      --patch FILE       write the fix patch to FILE, then report as usual
      --fix              apply safe fixes in place (atomic writes, inside PATH only)
      --unsafe-fixes     include unsafe fixes in --diff, --patch and --fix

Selection:
      --select RULES     only these rules (ids, names or prefixes, comma-separated)
      --ignore RULES     skip these rules
      --changed-since REF  only the findings the changes since git REF introduce (the
                         same audit of REF's files, read from git objects, has no
                         finding with the same fingerprint)
      --only-changed     with --changed-since: every finding in files or services
                         changed since REF, new or not
      --fail-on LEVEL    exit 1 when a finding is at or above LEVEL: error (default),
                         warning, info, or never

Package metadata (for version checks; nothing is ever executed):
      --python-env PATH  read *.dist-info metadata of an installed environment
                         (default: .venv or venv under PATH, when present)
      --index-url URL    also ask this PEP 691 package index (opt-in network use;
                         cached in DRIFTCHECK_CACHE_DIR or the user cache folder)

  -h, --help             this help        -V, --version      the version
      --debug            stack traces for internal errors
      --no-cache         audit even when nothing changed since the last identical run
                         (results are cached in DRIFTCHECK_CACHE_DIR or the user
                         cache folder, keyed by version, options and file stats)

      --workers N        threads that read and scan Python files; results are the
                         same for any N (default auto: up to 8 on machines with 4+
                         cores once a tree has 1,000 Python files, else 1)

Limits (hitting one is reported as a warning naming the path):
      --max-file-size BYTES  skip files larger than BYTES (default 8388608)
      --max-files N          audit at most N files driftcheck reads (default 200000)

Configuration:
  -c, --config FILE      read FILE instead of .driftcheck.yaml / [tool.driftcheck]
                         in pyproject.toml at PATH
      --baseline FILE    report only findings that are not in FILE (by fingerprint:
                         rule, file, service and message, so line shifts do not
                         matter); default: the config's baseline: key
      --update-baseline  write every current finding to the baseline (FILE, else
                         the config's baseline:, else PATH/.driftcheck-baseline.json)
                         and exit 0

Exit codes: 0 nothing at or above --fail-on, 1 findings, 2 usage, config or internal error.

Examples:
  driftcheck .                                   audit the current repository
  driftcheck services/api --format json          machine-readable report
  driftcheck . --diff > fix.patch && git apply fix.patch
  driftcheck . --fix --unsafe-fixes              apply every available fix
`;
