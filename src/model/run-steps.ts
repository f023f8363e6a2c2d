// Which RUN commands could install Python distributions that driftcheck did not read (#15): the
// open-world half of install collection. A command is "read" when it is a pip/uv/poetry/pipenv
// install the parser understood, or a program known never to install Python distributions into
// the image's interpreter; anything else (a repository script, make, an installer piped into a
// shell, pdm, conda, setup.py install) leaves the service's install set open, and the evidence
// names the command.
import { programName as basename } from '../parsers/shell.js';
import { parseInstallScript } from '../parsers/dockerfile.js';
import type { RunInstruction, Word } from '../parsers/types.js';

/**
 * Programs that never install Python distributions into an interpreter. Source: each tool's own
 * documentation (coreutils, util-linux, shadow, the distribution package managers, git, the Node
 * package managers, compilers). System package managers are here because the packages they install
 * are read separately (`python3-foo` is the distribution `foo`).
 */
const NEVER_INSTALLS_PYTHON: ReadonlySet<string> = new Set([
  // shells' own builtins and coreutils
  'cd', 'echo', 'printf', 'export', 'set', 'unset', 'true', 'false', 'test', '[', '[[', ':', 'exit', 'source', '.', 'umask', 'ulimit', 'trap', 'shopt', 'alias', 'read', 'wait', 'command', 'type', 'hash',
  'mkdir', 'rm', 'rmdir', 'cp', 'mv', 'ln', 'chmod', 'chown', 'chgrp', 'touch', 'cat', 'tee', 'ls', 'pwd', 'install', 'stat', 'du', 'df', 'sync',
  'head', 'tail', 'sort', 'uniq', 'wc', 'cut', 'tr', 'basename', 'dirname', 'realpath', 'readlink', 'date', 'sleep', 'yes', 'env', 'id', 'whoami', 'uname', 'nproc', 'seq', 'md5sum', 'sha256sum', 'sha1sum', 'sha512sum', 'base64', 'mktemp', 'truncate', 'dd',
  'sed', 'awk', 'gawk', 'grep', 'egrep', 'fgrep', 'find', 'envsubst', 'diff', 'cmp', 'file', 'which',
  'tar', 'gzip', 'gunzip', 'zcat', 'bzip2', 'xz', 'unxz', 'unzip', 'zip', '7z', 'zstd',
  'curl', 'wget', 'git', 'ssh-keyscan', 'ssh-keygen', 'openssl', 'gpg', 'gpgconf', 'dirmngr', 'update-ca-certificates', 'c_rehash',
  // users, locales, libraries
  'useradd', 'adduser', 'groupadd', 'addgroup', 'usermod', 'groupmod', 'userdel', 'passwd', 'chpasswd', 'deluser', 'delgroup',
  'locale-gen', 'update-locale', 'localedef', 'dpkg-reconfigure', 'ldconfig', 'ln', 'update-alternatives', 'setcap', 'fc-cache',
  // system package managers (their python3-* packages are read elsewhere)
  'apt-get', 'apt', 'apt-cache', 'apt-key', 'apt-mark', 'add-apt-repository', 'dpkg', 'apk', 'yum', 'dnf', 'microdnf', 'rpm', 'zypper', 'tdnf', 'pacman', 'rm-apt-list',
  // other ecosystems
  'npm', 'npx', 'yarn', 'pnpm', 'bun', 'bunx', 'node', 'corepack', 'deno', 'go', 'cargo', 'rustup', 'gem', 'bundle', 'composer', 'mvn', 'gradle', 'java', 'javac', 'dotnet',
  'gcc', 'cc', 'g++', 'strip', 'upx', 'cmake', 'ninja', 'ccache', 'patch', 'tini', 'gosu', 'su-exec', 'chroot', 'crontab', 'mkfifo', 'nginx', 'supervisord', 'htpasswd',
  // Python tooling that creates interpreters or configuration, not distributions
  'virtualenv', 'pyenv',
]);

/** Installers whose commands are read by the parser (pip, uv, poetry, pipenv). */
const READ_INSTALLERS = new Set(['pip', 'pip3', 'uv', 'poetry', 'pipenv']);
/** Installers driftcheck does not read at all: their packages are unknown. */
const UNREAD_INSTALLERS = new Set(['pdm', 'conda', 'mamba', 'micromamba', 'easy_install', 'pipx', 'hatch', 'rye', 'pixi', 'flit']);

const PYTHON = /^python(?:\d(?:\.\d+)?)?$/;
const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh']);

/** pip/uv/poetry subcommands that install nothing into the interpreter. */
const INERT_SUBCOMMANDS = new Set([
  'wheel', 'download', 'freeze', 'list', 'show', 'check', 'cache', 'config', 'debug', 'hash', 'inspect', 'index', 'uninstall', 'search', 'help', 'completion',
  'venv', 'export', 'lock', 'compile', 'tree', 'version', 'self', 'python', 'tool', 'build', 'publish', 'env', 'source', 'requirements', 'graph', 'clean', 'scripts', 'shell', 'check',
  '--version', '-V', '--help', '-h',
]);

const PIPED_INSTALLER = /\|\s*(?:sudo\s+)?(?:\S*\/)?(sh|bash|python\d?(?:\.\d+)?)\b(?!\s+\S+\.(?:py|sh))/;
/** Installer scripts piped into a shell that install tools, not the application's packages. */
const KNOWN_INSTALLER_SCRIPTS = /install\.python-poetry\.org|astral\.sh\/uv|get-pip\.py|nodesource|deb\.nodesource|rustup|sh\.rustup|get\.docker|yarnpkg|bun\.sh|pnpm/;

export interface UnreadCommand {
  readonly line: number;
  /** What the evidence says, e.g. `runs bin/docker/pip-install, which driftcheck cannot read`. */
  readonly message: string;
}

export interface RunContext {
  /** The text of a file the image holds at this image path (for a script the RUN starts), or null. */
  readonly script: (word: string) => string | null;
}

/**
 * The commands of one RUN that could install Python distributions driftcheck did not read.
 * Empty when every command is read or inert.
 */
export function unreadInstallCommands(run: RunInstruction, context: RunContext, depth = 0): UnreadCommand[] {
  const out: UnreadCommand[] = [];
  const say = (message: string): void => {
    if (!out.some((o) => o.message === message)) out.push({ line: run.line, message });
  };
  // `curl … | sh`, `curl … | python -`: an installer script fetched at build time.
  const piped = PIPED_INSTALLER.exec(run.text);
  if (piped && !KNOWN_INSTALLER_SCRIPTS.test(run.text)) {
    say(`pipes a downloaded script into ${piped[1]}, which driftcheck cannot read`);
  }
  for (const words of run.commands) {
    const verdict = classify(words, context, depth);
    if (verdict !== null) say(verdict);
  }
  return out;
}

function classify(words: readonly Word[], context: RunContext, depth: number): string | null {
  const first = words[0]?.value ?? '';
  if (first === '' || first.startsWith('-')) return null;
  const program = basename(first);
  if (program.includes('$')) return `runs ${first}, a program named by a build variable`;
  if (NEVER_INSTALLS_PYTHON.has(program)) return xargsInstall(words);
  if (program === 'xargs' || program === 'parallel') return xargsInstall(words) ?? null;
  if (READ_INSTALLERS.has(program)) return null; // read by the parser (pip install, uv sync, ...) or inert
  if (UNREAD_INSTALLERS.has(program)) {
    const sub = words[1]?.value ?? '';
    return INERT_SUBCOMMANDS.has(sub) || sub === 'config' || sub === 'clean' || sub === 'info' ? null : `runs ${program} ${sub}`.trim() + ', which driftcheck does not read';
  }
  if (PYTHON.test(program)) return pythonCommand(words, context, depth);
  if (SHELLS.has(program)) {
    const script = words.slice(1).find((w) => !w.value.startsWith('-'))?.value;
    return script === undefined ? null : scriptCommand(script, context, depth);
  }
  if (program === 'make' || program === 'just' || program === 'task' || program === 'invoke' || program === 'nox' || program === 'tox') return `runs ${words.map((w) => w.value).slice(0, 3).join(' ')}, which driftcheck cannot read`;
  // A program from the repository or the image: read it if the image holds it.
  return scriptCommand(first, context, depth);
}

function pythonCommand(words: readonly Word[], context: RunContext, depth: number): string | null {
  const args = words.slice(1).map((w) => w.value);
  const m = args.indexOf('-m');
  if (m >= 0) {
    const module = args[m + 1] ?? '';
    if (module === 'pip') return null; // read by the parser
    if (['compileall', 'venv', 'py_compile', 'ensurepip', 'site', 'json.tool', 'http.server', 'zipfile', 'tarfile', 'unittest', 'pytest', 'nltk.downloader', 'spacy', 'playwright', 'django', 'alembic', 'flask', 'grpc_tools.protoc', 'build', 'black', 'ruff', 'mypy'].includes(module)) return null;
    return `runs python -m ${module}, which driftcheck cannot read`;
  }
  if (args.includes('-c')) {
    const code = args[args.indexOf('-c') + 1] ?? '';
    return /\bpip\b|subprocess|os\.system/.test(code) ? 'runs python -c with code that may install packages' : null;
  }
  const file = args.find((a) => !a.startsWith('-'));
  if (file === undefined) return null;
  if (/(^|\/)setup\.py$/.test(file)) {
    return args.some((a) => a === 'install' || a === 'develop') ? `runs python ${file} install, which driftcheck does not read` : null;
  }
  if (/(^|\/)manage\.py$/.test(file)) return null; // Django management commands install nothing
  return scriptCommand(file, context, depth);
}

/** A script the RUN starts: read it when the image has it; it is open only if it may install. */
function scriptCommand(path: string, context: RunContext, depth: number): string | null {
  const text = context.script(path);
  // A bare name the image does not hold from the repository is a program some package put on
  // PATH (`alembic`, `tldextract`): open only when its name says it installs or provisions.
  if (text === null && !path.includes('/') && !INSTALLER_NAME.test(path)) return null;
  if (text === null) return `runs ${path}, which driftcheck cannot read`;
  if (!MAY_INSTALL.test(text)) return null;
  // A script one level down is read like the RUN itself (#16 idiom 2): its pip/uv/poetry/pipenv
  // commands are install steps (stages.ts), anything else that may install leaves the set open.
  if (depth > 0) return `runs ${path}, which installs packages driftcheck does not read`;
  const piped = PIPED_INSTALLER.exec(text);
  if (piped && !KNOWN_INSTALLER_SCRIPTS.test(text)) return `runs ${path}, which pipes a downloaded script into ${piped[1]}`;
  for (const words of parseInstallScript(text).commands) {
    // `pip install "$@"`: what it installs is what the RUN passes the script, not read here.
    if (installsArguments(words)) return `runs ${path}, whose install takes its packages from the script's arguments`;
    const verdict = classify(words, context, depth + 1);
    if (verdict !== null) return `runs ${path}, which ${verdict}`;
  }
  return null;
}

const INSTALLER_NAME = /install|pip|setup|deps|requirements|bootstrap|provision/i;

/** Words in a script that start a Python package installer. */
const MAY_INSTALL = /\b(?:pip3?|uv|poetry|pipenv|pdm|conda|mamba|micromamba|easy_install|pipx)\s+(?:-\S+\s+)*(?:install|sync|add|create|update|env\s+create)\b|\bsetup\.py\s+(?:install|develop)\b|\bpython\d?(?:\.\d+)?\s+-m\s+pip\s+install\b/;

const SCRIPT_SHELLS = SHELLS;

/** An install command of a script whose words include the script's arguments (`"$@"`, `$*`, `$1`). */
function installsArguments(words: readonly Word[]): boolean {
  const values = words.map((w) => w.value);
  const program = basename(values[0] ?? '');
  const installs = (READ_INSTALLERS.has(program) || /^pip\d/.test(program) || (PYTHON.test(program) && values.includes('pip'))) && values.some((v) => v === 'install' || v === 'sync');
  return installs && values.some((v) => /\$(?:@|\*|[0-9]|\{(?:@|\*|[0-9]+)\})/.test(v));
}

/** The script a command starts (`./install.sh`, `bash scripts/deps.sh`, `install-deps` on PATH), or null. */
export function scriptOfCommand(words: readonly Word[]): string | null {
  const first = words[0]?.value ?? '';
  if (first === '' || first.startsWith('-') || first.includes('$')) return null;
  const program = basename(first);
  if (SCRIPT_SHELLS.has(program)) {
    if (words.some((w) => /^-\w*c\w*$/.test(w.value))) return null; // `sh -c '…'`: already read as commands
    return words.slice(1).find((w) => !w.value.startsWith('-'))?.value ?? null;
  }
  if (NEVER_INSTALLS_PYTHON.has(program) || READ_INSTALLERS.has(program) || UNREAD_INSTALLERS.has(program) || PYTHON.test(program)) return null;
  return first;
}

function xargsInstall(words: readonly Word[]): string | null {
  const rest = words.slice(1).map((w) => w.value);
  if (rest.some((w) => /^(?:pip3?|uv|poetry|pipenv|pdm|conda)$/.test(basename(w))) && rest.includes('install')) return `runs ${basename(words[0]?.value ?? '')} … install, whose packages come from its input`;
  return null;
}
