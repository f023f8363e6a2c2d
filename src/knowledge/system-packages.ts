// What operating-system packages (apt on Debian/Ubuntu, apk on Alpine) put into an image for
// Python (#16 idiom 8): the modules a `python3-*`/`py3-*` package installs into the system
// interpreter's site directory (/usr/lib/python3/dist-packages on Debian, /usr/lib/python3.X/
// site-packages on Alpine), and the programs a package puts on PATH (`supervisor` ->
// supervisord). Which interpreter reads those directories is the model's question
// (model/service/system-python.ts): the system `python3`, never a python:3.x image's
// /usr/local/bin/python.
import { sourced, type Sourced } from './sourced.js';

/**
 * Debian Python Policy, 2.2 "Module Package Names": a package of modules importable as `foo` is
 * named `python3-foo`, lower case, `_` written `-`. Alpine's py3-* packages follow the same scheme
 * (Alpine wiki, "Creating an Alpine package", Python: `py3-<name>`). A package name therefore says
 * its module, except for the packages below, whose file lists say otherwise.
 */
export const SYSTEM_MODULE_PREFIXES: readonly string[] = ['python3-', 'py3-'];

/** Packages of the interpreter itself or its build files: no module of their own. */
export const SYSTEM_PACKAGES_WITHOUT_MODULES = /^(?:python3|py3)-(?:dev|dbg|all|all-dev|all-dbg|minimal|full|doc|examples|stdlib-extensions|venv|lib2to3|pip-whl|setuptools-whl|tests?)$|-(?:doc|dbg|dev)$/;

/**
 * Packages whose modules are not named by the policy's rule, and packages (with or without a
 * prefix) that install programs: [package, modules it installs, programs it installs].
 */
export const SYSTEM_PACKAGE_GROUPS: readonly Sourced<readonly [pkg: string, modules: readonly string[], programs: readonly string[]]>[] = [
  { source: 'packages.debian.org/bookworm/python3-pil, file list: /usr/lib/python3/dist-packages/PIL', entries: [['python3-pil', ['PIL'], []]] },
  { source: 'packages.debian.org/bookworm/python3-opencv, file list: /usr/lib/python3/dist-packages/cv2', entries: [['python3-opencv', ['cv2'], []]] },
  { source: 'packages.debian.org/bookworm/python3-tz, file list: /usr/lib/python3/dist-packages/pytz', entries: [['python3-tz', ['pytz'], []]] },
  { source: 'packages.debian.org/bookworm/python3-dnspython, file list: /usr/lib/python3/dist-packages/dns', entries: [['python3-dnspython', ['dns'], []]] },
  { source: 'packages.debian.org/bookworm/python3-mysqldb, file list: /usr/lib/python3/dist-packages/MySQLdb', entries: [['python3-mysqldb', ['MySQLdb'], []]] },
  { source: 'packages.debian.org/bookworm/python3-openssl, file list: /usr/lib/python3/dist-packages/OpenSSL', entries: [['python3-openssl', ['OpenSSL'], []]] },
  { source: 'packages.debian.org/bookworm/python3-protobuf, file list: /usr/lib/python3/dist-packages/google/protobuf', entries: [['python3-protobuf', ['google.protobuf'], []]] },
  { source: 'packages.debian.org/bookworm/python3-googleapi, file list: /usr/lib/python3/dist-packages/googleapiclient', entries: [['python3-googleapi', ['googleapiclient'], []]] },
  { source: 'packages.debian.org/bookworm/python3-pycryptodome, file list: /usr/lib/python3/dist-packages/Cryptodome', entries: [['python3-pycryptodome', ['Cryptodome'], []]] },
  { source: 'packages.debian.org/bookworm/python3-setuptools, file list: /usr/lib/python3/dist-packages/setuptools, pkg_resources', entries: [['python3-setuptools', ['setuptools', 'pkg_resources'], []]] },
  { source: 'packages.debian.org/bookworm/python3-distutils, file list: /usr/lib/python3.11/distutils', entries: [['python3-distutils', ['distutils'], []]] },
  { source: 'packages.debian.org/bookworm/python3-pymongo, file list: /usr/lib/python3/dist-packages/pymongo, bson, gridfs', entries: [['python3-pymongo', ['pymongo', 'bson', 'gridfs'], []]] },
  { source: 'packages.debian.org/bookworm/python3-paho-mqtt, file list: /usr/lib/python3/dist-packages/paho', entries: [['python3-paho-mqtt', ['paho'], []]] },
  { source: 'packages.debian.org/bookworm/python3-gdal, file list: /usr/lib/python3/dist-packages/osgeo', entries: [['python3-gdal', ['osgeo'], []]] },
  { source: 'packages.debian.org/bookworm/python3-levenshtein, file list: /usr/lib/python3/dist-packages/Levenshtein', entries: [['python3-levenshtein', ['Levenshtein'], []]] },
  { source: 'packages.debian.org/bookworm/python3-pyqt5, file list: /usr/lib/python3/dist-packages/PyQt5', entries: [['python3-pyqt5', ['PyQt5'], []]] },
  { source: 'packages.debian.org/bookworm/python3-xlib, file list: /usr/lib/python3/dist-packages/Xlib', entries: [['python3-xlib', ['Xlib'], []]] },
  // Programs (the packages depend on their python3-* module package, so the module comes too).
  { source: 'packages.debian.org/bookworm/supervisor, file list: /usr/bin/supervisord, supervisorctl, pidproxy, echo_supervisord_conf', entries: [['supervisor', ['supervisor'], ['supervisord', 'supervisorctl', 'pidproxy', 'echo_supervisord_conf']]] },
  { source: 'packages.debian.org/bookworm/gunicorn, file list: /usr/bin/gunicorn (depends on python3-gunicorn)', entries: [['gunicorn', ['gunicorn'], ['gunicorn']]] },
  { source: 'packages.debian.org/bookworm/uwsgi-core, file list: /usr/bin/uwsgi-core and the uwsgi alternative', entries: [['uwsgi', [], ['uwsgi']], ['uwsgi-core', [], ['uwsgi', 'uwsgi-core']]] },
  { source: 'packages.debian.org/bookworm/uvicorn, file list: /usr/bin/uvicorn (depends on python3-uvicorn)', entries: [['uvicorn', ['uvicorn'], ['uvicorn']]] },
  { source: 'pkgs.alpinelinux.org/package/v3.20/main/x86_64/supervisor, contents: /usr/bin/supervisord, supervisorctl', entries: [['supervisor', ['supervisor'], ['supervisord', 'supervisorctl']]] },
  { source: 'pkgs.alpinelinux.org/package/v3.20/community/x86_64/py3-gunicorn, contents: /usr/bin/gunicorn', entries: [['py3-gunicorn', ['gunicorn'], ['gunicorn']]] },
  { source: 'pkgs.alpinelinux.org/package/v3.20/community/x86_64/py3-uvicorn, contents: /usr/bin/uvicorn', entries: [['py3-uvicorn', ['uvicorn'], ['uvicorn']]] },
];

const TABLE = (() => {
  const map = new Map<string, { modules: string[]; programs: string[] }>();
  for (const [pkg, modules, programs] of sourced(SYSTEM_PACKAGE_GROUPS)) {
    const entry = map.get(pkg) ?? { modules: [], programs: [] };
    for (const m of modules) if (!entry.modules.includes(m)) entry.modules.push(m);
    for (const p of programs) if (!entry.programs.includes(p)) entry.programs.push(p);
    map.set(pkg, entry);
  }
  return map;
})();

/**
 * The modules a system package installs for the system interpreter: the table's, else the one
 * its name gives by the naming policy (`python3-psycopg2` -> psycopg2, `py3-yaml` -> yaml); [] for
 * a package that is not a Python module package.
 */
export function systemPackageModules(pkg: string): readonly string[] {
  const name = pkg.toLowerCase();
  const known = TABLE.get(name);
  if (known) return known.modules;
  if (SYSTEM_PACKAGES_WITHOUT_MODULES.test(name)) return [];
  const prefix = SYSTEM_MODULE_PREFIXES.find((p) => name.startsWith(p));
  if (prefix === undefined) return [];
  const rest = name.slice(prefix.length);
  return /^[a-z0-9][a-z0-9-]*$/.test(rest) ? [rest.replace(/-/g, '_')] : [];
}

/** Programs a system package puts on PATH (`supervisor` -> supervisord, supervisorctl, …). */
export function systemPackagePrograms(pkg: string): readonly string[] {
  return TABLE.get(pkg.toLowerCase())?.programs ?? [];
}
