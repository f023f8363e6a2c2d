// Which top-level module names belong to the Python standard library, per Python version.
// Data: `sys.stdlib_module_names` of CPython 3.11.7 (generated with python3 on the build machine), with
// the documented per-version additions/removals applied below (What's New in Python 3.9–3.13, PEP 594).

const BASE_3_11 = `
  __future__ _abc _aix_support _ast _asyncio _bisect _blake2 _bootsubprocess _bz2 _codecs _codecs_cn
  _codecs_hk _codecs_iso2022 _codecs_jp _codecs_kr _codecs_tw _collections _collections_abc
  _compat_pickle _compression _contextvars _crypt _csv _ctypes _curses _curses_panel _datetime _dbm
  _decimal _elementtree _frozen_importlib _frozen_importlib_external _functools _gdbm _hashlib
  _heapq _imp _io _json _locale _lsprof _lzma _markupbase _md5 _msi _multibytecodec _multiprocessing
  _opcode _operator _osx_support _overlapped _pickle _posixshmem _posixsubprocess _py_abc _pydecimal
  _pyio _queue _random _scproxy _sha1 _sha256 _sha3 _sha512 _signal _sitebuiltins _socket _sqlite3
  _sre _ssl _stat _statistics _string _strptime _struct _symtable _thread _threading_local _tkinter
  _tokenize _tracemalloc _typing _uuid _warnings _weakref _weakrefset _winapi _zoneinfo abc aifc
  antigravity argparse array ast asynchat asyncio asyncore atexit audioop base64 bdb binascii bisect
  builtins bz2 cProfile calendar cgi cgitb chunk cmath cmd code codecs codeop collections colorsys
  compileall concurrent configparser contextlib contextvars copy copyreg crypt csv ctypes curses
  dataclasses datetime dbm decimal difflib dis distutils doctest email encodings ensurepip enum
  errno faulthandler fcntl filecmp fileinput fnmatch fractions ftplib functools gc genericpath
  getopt getpass gettext glob graphlib grp gzip hashlib heapq hmac html http idlelib imaplib imghdr
  imp importlib inspect io ipaddress itertools json keyword lib2to3 linecache locale logging lzma
  mailbox mailcap marshal math mimetypes mmap modulefinder msilib msvcrt multiprocessing netrc nis
  nntplib nt ntpath nturl2path numbers opcode operator optparse os ossaudiodev pathlib pdb pickle
  pickletools pipes pkgutil platform plistlib poplib posix posixpath pprint profile pstats pty pwd
  py_compile pyclbr pydoc pydoc_data pyexpat queue quopri random re readline reprlib resource
  rlcompleter runpy sched secrets select selectors shelve shlex shutil signal site smtpd smtplib
  sndhdr socket socketserver spwd sqlite3 sre_compile sre_constants sre_parse ssl stat statistics
  string stringprep struct subprocess sunau symtable sys sysconfig syslog tabnanny tarfile telnetlib
  tempfile termios textwrap this threading time timeit tkinter token tokenize tomllib trace
  traceback tracemalloc tty turtle turtledemo types typing unicodedata unittest urllib uu uuid venv
  warnings wave weakref webbrowser winreg winsound wsgiref xdrlib xml xmlrpc zipapp zipfile
  zipimport zlib zoneinfo
`;

interface VersionDelta {
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

/** What each version changed relative to the one before it. 3.11 is the base. */
const DELTAS: Readonly<Record<number, VersionDelta>> = {
  9: {
    added: ['graphlib', 'zoneinfo', '_zoneinfo', '_peg_parser'],
    removed: ['_dummy_thread', 'dummy_threading'],
  },
  10: {
    added: [],
    removed: ['formatter', 'parser', 'symbol', '_bootlocale', '_peg_parser'],
  },
  11: {
    added: ['tomllib'],
    removed: ['binhex'],
  },
  12: {
    added: ['_pydatetime', '_pylong', '_sha2', '_wmi'],
    removed: ['asynchat', 'asyncore', 'distutils', 'imp', 'smtpd', '_sha256', '_sha512'],
  },
  13: {
    added: [
      '_android_support', '_colorize', '_interpchannels', '_interpqueues', '_interpreters', '_ios_support',
      '_opcode_metadata', '_pyrepl', '_suggestions',
    ],
    // PEP 594's dead batteries, lib2to3, and the private modules behind crypt and msilib.
    removed: [
      'aifc', 'audioop', 'cgi', 'cgitb', 'chunk', 'crypt', 'imghdr', 'mailcap', 'msilib', 'nis', 'nntplib',
      'ossaudiodev', 'pipes', 'sndhdr', 'spwd', 'sunau', 'telnetlib', 'uu', 'xdrlib', 'lib2to3', '_crypt', '_msi',
    ],
  },
};

const BASE_MINOR = 11;
const OLDEST_MINOR = 8;
const NEWEST_MINOR = 13;
const DEFAULT_MINOR = 12;
/** `__main__` is not in `sys.stdlib_module_names` but is never a distribution. */
const ALWAYS = ['__future__', '__main__'];

const cache = new Map<number, ReadonlySet<string>>();

function build(minor: number): ReadonlySet<string> {
  const names = new Set(BASE_3_11.split(/\s+/).filter((n) => n !== ''));
  // Undo each newer-than-target change walking down from the base, or apply them walking up.
  for (let m = BASE_MINOR; m > minor; m--) {
    for (const n of DELTAS[m]?.added ?? []) names.delete(n);
    for (const n of DELTAS[m]?.removed ?? []) names.add(n);
  }
  for (let m = BASE_MINOR + 1; m <= minor; m++) {
    for (const n of DELTAS[m]?.removed ?? []) names.delete(n);
    for (const n of DELTAS[m]?.added ?? []) names.add(n);
  }
  for (const n of ALWAYS) names.add(n);
  return names;
}

/** '3.12', '3.12.4', 'py312' → the nearest minor version with data (3.8–3.13); 3.12 when unreadable. */
function knownMinor(version: string): number {
  const m = /(\d)\.?(\d{1,2})?/.exec(version.trim());
  if (!m) return DEFAULT_MINOR;
  const major = Number(m[1]);
  if (major < 3) return OLDEST_MINOR;
  if (major > 3) return NEWEST_MINOR;
  if (m[2] === undefined) return DEFAULT_MINOR;
  return Math.min(Math.max(Number(m[2]), OLDEST_MINOR), NEWEST_MINOR);
}

/** Top-level module names of the standard library of `version` (e.g. '3.11'). */
const byVersionText = new Map<string, ReadonlySet<string>>();

export function stdlibModules(version: string): ReadonlySet<string> {
  const known = byVersionText.get(version);
  if (known) return known;
  const minor = knownMinor(version);
  let names = cache.get(minor);
  if (!names) {
    names = build(minor);
    cache.set(minor, names);
  }
  byVersionText.set(version, names);
  return names;
}

/** The Python versions the standard-library data covers, oldest first ('3.8' … '3.13'). */
export function stdlibVersions(): string[] {
  const out: string[] = [];
  for (let m = OLDEST_MINOR; m <= NEWEST_MINOR; m++) out.push(`3.${m}`);
  return out;
}

/** True when `topLevelName` is in that version's stdlib (a dotted name is reduced to its first part). */
export function isStdlib(topLevelName: string, version: string): boolean {
  const top = topLevelName.split('.')[0] ?? topLevelName;
  return stdlibModules(version).has(top);
}

/**
 * A module that is standard library in some supported version but not in `version`:
 * `tomllib` on 3.10 is "added in 3.11", `distutils` on 3.12 is "removed in 3.12". Null otherwise.
 */
export function stdlibChange(topLevelName: string, version: string): { readonly kind: 'added' | 'removed'; readonly in: string } | null {
  const top = topLevelName.split('.')[0] ?? topLevelName;
  if (isStdlib(top, version)) return null;
  const minor = knownMinor(version);
  for (let m = minor + 1; m <= NEWEST_MINOR; m++) if (stdlibModules(`3.${m}`).has(top)) return { kind: 'added', in: `3.${m}` };
  for (let m = minor - 1; m >= OLDEST_MINOR; m--) if (stdlibModules(`3.${m}`).has(top)) return { kind: 'removed', in: `3.${m + 1}` };
  return null;
}

// Backports that code imports only on older Pythons (`if sys.version_info < (3, 11): import
// tomli`): module -> the minor version whose standard library replaces it. Source: each
// backport's README ("backport of X from Python 3.N").
const BACKPORTS: Readonly<Record<string, number>> = {
  tomli: 11, exceptiongroup: 11, async_timeout: 11, taskgroup: 11, typing_extensions: 8,
  importlib_metadata: 10, importlib_resources: 9, graphlib_backport: 9, cached_property: 8,
  backports: 8, mock: 3, pathlib2: 4, contextlib2: 7, singledispatch: 4, zipp: 10,
};

/** Is `module` a backport whose standard-library replacement exists in `version`? */
export function isReplacedBackport(module: string, version: string): boolean {
  const minor = BACKPORTS[module.split('.')[0] ?? module];
  return minor !== undefined && knownMinor(version) >= minor;
}
