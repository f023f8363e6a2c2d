// What a container command really runs: shell wrappers unwrapped, `&&` chains split, process
// wrappers (tini, dumb-init, gosu, ddtrace-run, ...) skipped, and the Python entry point read
// from the runner's own argument grammar.
import { COMMAND_WORDS, splitShellWords } from '../parsers/shell.js';

export interface EntryPoint {
  /** The program that serves the app: 'uvicorn', 'gunicorn', 'python', 'celery', ... */
  readonly runner: string;
  /** Dotted module the runner imports first (`app.main` from `app.main:app`), if any. */
  readonly module: string | null;
  /** Script path as written (`python app.py`, `streamlit run ui.py`), if any. */
  readonly script: string | null;
  /** Extra sys.path entries set by the runner (`--app-dir`, `--pythonpath`), as written. */
  readonly pathDirs: readonly string[];
  /** Directory the runner changes into (`gunicorn --chdir`). */
  readonly chdir: string | null;
  /** Index of the runner's word in the analysed segment, and that segment's words. */
  readonly words: readonly string[];
}

const WRAPPERS = new Set(['exec', 'tini', 'dumb-init', 'gosu', 'su-exec', 'ddtrace-run', 'opentelemetry-instrument', 'time', 'nice', 'nohup']);
const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh']);
const SEPARATORS = new Set(['&&', '||', ';', '|', '&']);

/** Splits a shell command string into words (quotes removed) and `&&`/`||`/`;`/`|`/`&`; good enough for commands. */
export function shellSplit(text: string): string[] {
  return splitShellWords(text, COMMAND_WORDS).map((t) => t.value);
}

/** The simple commands an argv runs, with `sh -c '...'` unwrapped and `&&`/`;` chains split. */
export function commandSegments(argv: readonly string[]): string[][] {
  const segments: string[][] = [];
  let current: string[] = [];
  const flush = (): void => {
    if (current.length > 0) segments.push(current);
    current = [];
  };
  for (const word of argv) {
    if (SEPARATORS.has(word)) flush();
    else current.push(word);
  }
  flush();
  return segments.flatMap((segment) => {
    const shell = base(segment[0] ?? '');
    // `sh -c`, `bash -lc`, `bash -ec`: the script is the word after the flag group holding `c`.
    const c = segment.findIndex((word, i) => i > 0 && /^-[a-z]*c[a-z]*$/.test(word));
    if (SHELLS.has(shell) && c !== -1 && segment[c + 1] !== undefined) return commandSegments(shellSplit(segment[c + 1] ?? ''));
    return [segment];
  });
}

function base(word: string): string {
  return word.slice(word.lastIndexOf('/') + 1);
}

/** Drops environment assignments, process wrappers and project runners (`uv run`) in front of the real program. */
export function stripWrappers(words: readonly string[]): string[] {
  return unwrap(words).words;
}

/**
 * Project runners that start a program inside the project's environment (`uv run uvicorn …`,
 * `poetry run gunicorn …`): the program after them is what runs, and the runner must be in the
 * image too. Per runner, its options that take a value (from each tool's `run --help`).
 */
const PROJECT_RUNNERS: Readonly<Record<string, ReadonlySet<string>>> = {
  uv: new Set(['--with', '--with-editable', '--with-requirements', '--env-file', '--python', '-p', '--project', '--directory',
    '--package', '--extra', '--group', '--only-group', '--no-group', '--index', '--index-url', '--extra-index-url', '--default-index',
    '--find-links', '-f', '--cache-dir', '--config-file', '--color', '--python-platform', '--script', '--gui-script']),
  poetry: new Set(['--directory', '-C', '--project', '-P']),
  pipenv: new Set([]),
  pdm: new Set(['-p', '--project', '--venv']),
  hatch: new Set(['-e', '--env']),
  rye: new Set(['--pyproject']),
};

/** The words with wrappers removed, and the project runners (`uv`, `poetry`) passed on the way. */
export function unwrap(words: readonly string[]): { words: string[]; runners: string[] } {
  const runners: string[] = [];
  let i = 0;
  while (i < words.length) {
    const word = words[i] ?? '';
    const name = base(word);
    const runnerOptions = PROJECT_RUNNERS[name];
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(word)) i++;
    else if (name === 'env') {
      i++;
      while (i < words.length && (/^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i] ?? '') || (words[i] ?? '').startsWith('-'))) i++;
    } else if (name === 'gosu' || name === 'su-exec') i += 2;
    else if (name === 'newrelic-admin' && words[i + 1] === 'run-program') i += 2;
    else if (runnerOptions && words[i + 1] === 'run') {
      runners.push(name);
      i += 2;
      while (i < words.length && (words[i] ?? '').startsWith('-') && words[i] !== '--') i += runnerOptions.has(words[i] ?? '') ? 2 : 1;
      if (words[i] === '--') i++;
    } else if (WRAPPERS.has(name)) {
      i++;
      if (words[i] === '--') i++;
    } else break;
  }
  return { words: words.slice(i), runners };
}

// Options that take a value, per runner, so positional arguments are found exactly.
const VALUE_OPTIONS: Readonly<Record<string, ReadonlySet<string>>> = {
  uvicorn: new Set(['--host', '--port', '--uds', '--fd', '--loop', '--http', '--ws', '--ws-max-size', '--ws-max-queue',
    '--ws-ping-interval', '--ws-ping-timeout', '--ws-per-message-deflate', '--lifespan', '--interface', '--env-file',
    '--log-config', '--log-level', '--root-path', '--limit-concurrency', '--backlog', '--limit-max-requests',
    '--timeout-keep-alive', '--timeout-graceful-shutdown', '--ssl-keyfile', '--ssl-certfile', '--ssl-keyfile-password',
    '--ssl-version', '--ssl-cert-reqs', '--ssl-ca-certs', '--ssl-ciphers', '--header', '-H', '--forwarded-allow-ips',
    '--app-dir', '--reload-dir', '--reload-include', '--reload-exclude', '--reload-delay', '--workers',
    '--h11-max-incomplete-event-size']),
  gunicorn: new Set(['-b', '--bind', '-w', '--workers', '-k', '--worker-class', '-t', '--timeout', '-c', '--config',
    '--chdir', '--pythonpath', '--threads', '--log-level', '--access-logfile', '--error-logfile', '--log-file', '-e', '--env',
    '--max-requests', '--max-requests-jitter', '--graceful-timeout', '--keep-alive', '-n', '--name', '-u', '--user',
    '-g', '--group', '--worker-connections', '--forwarded-allow-ips', '--certfile', '--keyfile', '--log-config', '-p',
    '--pid', '--reload-engine', '--reload-extra-file', '--statsd-host', '--statsd-prefix', '--backlog', '--umask',
    '--worker-tmp-dir', '--access-logformat', '--limit-request-line', '--limit-request-fields', '--limit-request-field_size',
    '--proxy-allow-from', '-m', '--paste', '--logger-class']),
  hypercorn: new Set(['-b', '--bind', '-w', '--workers', '-k', '--worker-class', '-c', '--config', '--root-path',
    '--log-level', '--access-logfile', '--error-logfile', '--keep-alive', '--certfile', '--keyfile', '--graceful-timeout',
    '--insecure-bind', '--quic-bind', '--backlog', '--access-logformat', '-p', '--pid', '-g', '--group', '-u', '--user']),
  daphne: new Set(['-b', '--bind', '-p', '--port', '-u', '--unix-socket', '--fd', '-e', '--endpoint', '-v', '--verbosity',
    '-t', '--http-timeout', '--access-log', '--ping-interval', '--ping-timeout', '--application-close-timeout',
    '--root-path', '--websocket_timeout', '--websocket_connect_timeout', '--proxy-headers-host', '--proxy-headers-port',
    '--server-name']),
  granian: new Set(['--host', '--port', '--interface', '--workers', '--threads', '--blocking-threads', '--loop',
    '--http', '--log-level', '--backlog', '--ssl-keyfile', '--ssl-certificate', '--url-path-prefix', '--working-dir',
    '--reload-paths', '--reload-ignore-dirs', '--reload-ignore-patterns', '--pid-file']),
};

const APP_SPEC = /^[A-Za-z_][\w.]*(:[A-Za-z_][\w.]*(\(.*\))?)?$/;

function positional(args: readonly string[], valueOptions: ReadonlySet<string>): string | null {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg.startsWith('-')) {
      if (!arg.includes('=') && valueOptions.has(arg)) i++;
      continue;
    }
    return arg;
  }
  return null;
}

function optionValues(args: readonly string[], names: readonly string[]): string[] {
  const out: string[] = [];
  args.forEach((arg, i) => {
    for (const name of names) {
      if (arg === name && args[i + 1] !== undefined) out.push(args[i + 1] ?? '');
      else if (arg.startsWith(`${name}=`)) out.push(arg.slice(name.length + 1));
    }
  });
  return out;
}

const PYTHON = /^python(\d(\.\d+)?)?$/;

/** Reads the Python entry point of one simple command, or null when it runs no Python app. */
export function entryOfSegment(segment: readonly string[]): EntryPoint | null {
  const words = stripWrappers(segment);
  const program = base(words[0] ?? '');
  const args = words.slice(1);
  const make = (runner: string, module: string | null, script: string | null, pathDirs: string[] = [], chdir: string | null = null): EntryPoint =>
    ({ runner, module, script, pathDirs, chdir, words });

  if (PYTHON.test(program)) {
    const m = args.indexOf('-m');
    if (m !== -1 && args[m + 1]) {
      const module = args[m + 1] ?? '';
      // `python -m uvicorn app:app` runs uvicorn's own argument grammar.
      if (module in VALUE_OPTIONS || module === 'celery' || module === 'flask' || module === 'streamlit') {
        return entryOfSegment([module, ...args.slice(m + 2)]);
      }
      return make('python', module, null);
    }
    const script = args.find((a) => !a.startsWith('-'));
    return script ? make('python', null, script) : null;
  }
  const valueOptions = VALUE_OPTIONS[program];
  if (valueOptions) {
    const app = positional(args, valueOptions);
    const module = app && APP_SPEC.test(app) ? (app.split(':')[0] ?? null) : null;
    const pathDirs = optionValues(args, ['--app-dir', '--pythonpath']).flatMap((v) => v.split(','));
    const chdir = optionValues(args, ['--chdir', '--working-dir'])[0] ?? null;
    return make(program, module, null, pathDirs, chdir);
  }
  if (program === 'celery') {
    const app = optionValues(args, ['-A', '--app'])[0] ?? null;
    return make('celery', app ? (app.split(':')[0] ?? null) : null, null);
  }
  if (program === 'flask') {
    const app = optionValues(args, ['--app', '-A'])[0] ?? null;
    if (!app) return make('flask', null, null);
    return app.endsWith('.py') ? make('flask', null, app) : make('flask', app.split(':')[0] ?? null, null);
  }
  if ((program === 'streamlit' || program === 'fastapi' || program === 'chainlit') && (args[0] === 'run' || args[0] === 'dev')) {
    const target = args.slice(1).find((a) => !a.startsWith('-')) ?? null;
    return make(program, null, target);
  }
  return null;
}

/** The program a simple command runs and its arguments; `python -m mod` reads as mod's own CLI. */
export function programOf(words: readonly string[]): { program: string; args: readonly string[] } {
  const program = base(words[0] ?? '');
  if (PYTHON.test(program)) {
    const m = words.indexOf('-m');
    if (m !== -1 && words[m + 1]) return { program: words[m + 1] ?? '', args: words.slice(m + 2) };
  }
  return { program, args: words.slice(1) };
}

/** The entry point of a whole command: the last simple command that starts a Python app. */
export function entryOfCommand(argv: readonly string[]): EntryPoint | null {
  let found: EntryPoint | null = null;
  for (const segment of commandSegments(argv)) {
    const entry = entryOfSegment(segment);
    if (entry && (entry.module !== null || entry.script !== null)) found = entry;
  }
  return found;
}

/**
 * Programs that never run the image's Python code (servers and runtimes of other languages, test
 * runners of other ecosystems). A command made only of these runs no Python file of the image.
 */
const NON_PYTHON_PROGRAMS = new Set([
  'node', 'npm', 'npx', 'yarn', 'pnpm', 'bun', 'bunx', 'deno', 'cypress', 'playwright', 'next', 'nuxt', 'vite', 'ng', 'serve', 'http-server',
  'nginx', 'httpd', 'apache2', 'apache2ctl', 'caddy', 'traefik', 'haproxy', 'envoy', 'java', 'dotnet', 'ruby', 'rails', 'bundle', 'php', 'php-fpm',
  'redis-server', 'postgres', 'mysqld', 'mongod', 'memcached', 'rabbitmq-server', 'sleep', 'tail', 'true', 'cat', 'echo',
]);

/** True when the command is known and none of its parts starts a Python program. */
export function runsNoPython(argv: readonly string[]): boolean {
  const segments = commandSegments(argv);
  if (segments.length === 0) return false;
  return segments.every((segment) => {
    const words = stripWrappers(segment);
    return NON_PYTHON_PROGRAMS.has(base(words[0] ?? ''));
  });
}
