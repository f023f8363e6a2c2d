import { describe, it, expect } from 'vitest';
import { scanPythonImports } from '../../src/parsers/python-imports.js';
import type { PyImport } from '../../src/parsers/types.js';

/** Source from lines, so tests can state exact lines and columns. */
const py = (...lines: string[]): string => lines.join('\n') + '\n';

interface Located {
  readonly module: string;
  readonly level: number;
  readonly line: number;
  readonly column: number;
  readonly text: string;
}

function located(text: string): Located[] {
  return scanPythonImports(text).imports.map((i) => ({
    module: i.module,
    level: i.level,
    line: i.line,
    column: i.column,
    text: text.slice(i.span.start, i.span.end),
  }));
}

function only(text: string): PyImport {
  const imports = scanPythonImports(text).imports;
  expect(imports).toHaveLength(1);
  const first = imports[0];
  if (first === undefined) throw new Error('no import');
  return first;
}

function byModule(text: string): Map<string, PyImport> {
  return new Map(scanPythonImports(text).imports.map((i) => [i.module, i]));
}

type Flags = Pick<PyImport, 'guarded' | 'typeChecking' | 'inFunction' | 'conditional'>;

function flags(text: string): Record<string, Flags> {
  const out: Record<string, Flags> = {};
  for (const i of scanPythonImports(text).imports) {
    out[i.module] = { guarded: i.guarded, typeChecking: i.typeChecking, inFunction: i.inFunction, conditional: i.conditional };
  }
  return out;
}

const NONE: Flags = { guarded: false, typeChecking: false, inFunction: false, conditional: false };
const GUARDED: Flags = { ...NONE, guarded: true };
const TC: Flags = { ...NONE, typeChecking: true };
const FN: Flags = { ...NONE, inFunction: true };
const COND: Flags = { ...NONE, conditional: true };

describe('scanPythonImports: import statements', () => {
  it('reads `import a.b as c, d` with exact ranges', () => {
    const text = py('import a.b as c, d');
    expect(located(text)).toEqual([
      { module: 'a.b', level: 0, line: 1, column: 8, text: 'a.b' },
      { module: 'd', level: 0, line: 1, column: 18, text: 'd' },
    ]);
    expect(scanPythonImports(text).imports.map((i) => i.names)).toEqual([[], []]);
  });

  it('normalises blanks inside a dotted name but keeps the span on the written text', () => {
    const text = py('import  os . path');
    expect(located(text)).toEqual([{ module: 'os.path', level: 0, line: 1, column: 9, text: 'os . path' }]);
  });

  it('reads relative from-imports; the span covers the dots and the name', () => {
    const text = py('x = 1', 'from .x import (a, b as c)', 'from . import x', 'from .. import y', 'from ...pkg.sub import w');
    expect(located(text)).toEqual([
      { module: 'x', level: 1, line: 2, column: 6, text: '.x' },
      { module: '', level: 1, line: 3, column: 6, text: '.' },
      { module: '', level: 2, line: 4, column: 6, text: '..' },
      { module: 'pkg.sub', level: 3, line: 5, column: 6, text: '...pkg.sub' },
    ]);
    expect(scanPythonImports(text).imports.map((i) => i.names)).toEqual([['a', 'b'], ['x'], ['y'], ['w']]);
  });

  it('reports `from __future__ import annotations` as module __future__', () => {
    const imp = only(py('"""Doc."""', 'from __future__ import annotations'));
    expect(imp).toMatchObject({ module: '__future__', level: 0, names: ['annotations'], line: 2, column: 6, dynamic: false });
  });

  it('reads star imports', () => {
    expect(only(py('from pkg.mod import *'))).toMatchObject({ module: 'pkg.mod', names: ['*'], line: 1, column: 6 });
  });

  it('reads multi-line parenthesised imports with comments and a trailing comma', () => {
    const text = py('from pkg import (  # import fake', '    alpha,  # from fake import y', '    beta as b,', ')', 'import after');
    const imports = scanPythonImports(text).imports;
    expect(imports.map((i) => [i.module, i.names, i.line, i.column])).toEqual([
      ['pkg', ['alpha', 'beta'], 1, 6],
      ['after', [], 5, 8],
    ]);
  });

  it('follows backslash continuations; offsets point at the real characters', () => {
    const text = py('from \\', '    pkg.mod import x, \\', '    y', 'import a, \\', '  b');
    expect(located(text)).toEqual([
      { module: 'pkg.mod', level: 0, line: 2, column: 5, text: 'pkg.mod' },
      { module: 'a', level: 0, line: 4, column: 8, text: 'a' },
      { module: 'b', level: 0, line: 5, column: 3, text: 'b' },
    ]);
    expect(scanPythonImports(text).imports[0]?.names).toEqual(['x', 'y']);
  });

  it('splits statements on top-level `;` only', () => {
    const text = py('import a; import b', 'x = ";"; from c import d; y = {1: 2}');
    expect(located(text).map((i) => [i.module, i.line, i.column])).toEqual([
      ['a', 1, 8],
      ['b', 1, 18],
      ['c', 2, 15],
    ]);
  });

  it('handles inline bodies after a header colon', () => {
    const text = py('try: import a', 'except ImportError: import b', 'if TYPE_CHECKING: import c; import d', 'def f(x={1: 2}): import e');
    expect(flags(text)).toEqual({ a: GUARDED, b: GUARDED, c: TC, d: TC, e: FN });
    expect(located(text).find((i) => i.module === 'e')).toMatchObject({ line: 4, column: 25 });
  });

  it('ignores the word import inside strings, docstrings, f-strings and comments', () => {
    const text = py(
      '"""Module doc.',
      'import fake1',
      '"""',
      "s = 'import fake2'; t = r\"from fake3 import x\"",
      "u = b'import fake4' + rb'import fake5' + Rb\"x\" + u'import fake6'",
      'v = f"{a!r:>{w}} import fake7"',
      '# import fake8',
      "w = '''",
      'from fake9 import y',
      "'''",
      'import real',
    );
    expect(located(text)).toEqual([{ module: 'real', level: 0, line: 11, column: 8, text: 'real' }]);
  });

  it('treats Python 3.12 f-strings with nested same quotes as one string', () => {
    const text = py(
      's = f"{x["import fake"]} {y:{"<"}{width}}"; import real',
      "t = f'{f'{a['k']}'} import fake2'",
      'u = f"""{',
      '    ", ".join(["import fake3"])  # a comment',
      '}"""',
      'import after',
    );
    expect(located(text)).toEqual([
      { module: 'real', level: 0, line: 1, column: 52, text: 'real' },
      { module: 'after', level: 0, line: 6, column: 8, text: 'after' },
    ]);
    expect(scanPythonImports(text).diagnostics).toEqual([]);
  });

  it('skips escaped quotes, including in raw strings', () => {
    const text = py('s = "a \\" import fake"; t = r\'\\\' import fake\'', 'import real');
    expect(located(text).map((i) => i.module)).toEqual(['real']);
  });
});

describe('scanPythonImports: dynamic imports', () => {
  it('reads __import__ and import_module with a literal first argument', () => {
    const text = py('m = __import__("os")', "n = importlib.import_module('pkg.mod', None)", 'o = import_module(', '    "multi.line",', ')');
    expect(located(text)).toEqual([
      { module: 'os', level: 0, line: 1, column: 17, text: 'os' },
      { module: 'pkg.mod', level: 0, line: 2, column: 30, text: 'pkg.mod' },
      { module: 'multi.line', level: 0, line: 4, column: 6, text: 'multi.line' },
    ]);
    expect(scanPythonImports(text).imports.every((i) => i.dynamic && i.names.length === 0)).toBe(true);
  });

  it('sets the level of a relative literal from its dots', () => {
    const text = py('m = import_module(".rel.mod", package=__name__)', 'n = import_module("..", __package__)');
    expect(located(text)).toEqual([
      { module: 'rel.mod', level: 1, line: 1, column: 20, text: '.rel.mod' },
      { module: '', level: 2, line: 2, column: 20, text: '..' },
    ]);
  });

  it('skips non-literal arguments', () => {
    const text = py(
      'import_module(name)',
      'import_module(f"pkg.{name}")',
      'import_module("pkg." + name)',
      'import_module("pkg".strip())',
      '__import__(b"bytes")',
      'import_module(name="kw")',
      'my_import_module("not.this")',
    );
    expect(scanPythonImports(text).imports).toEqual([]);
  });
});

describe('scanPythonImports: context flags', () => {
  it('guards imports in a try body whose handlers catch import errors, and in those handlers', () => {
    const text = py(
      'try:',
      '    import a',
      '    if x:',
      '        import b',
      'except (ValueError, ImportError) as e:',
      '    import c',
      'try:',
      '    import d',
      'except KeyError:',
      '    import e',
      'except ModuleNotFoundError:',
      '    import f',
      'else:',
      '    import g',
      'finally:',
      '    import h',
      'try:',
      '    import i',
      'finally:',
      '    pass',
      'try:',
      '    import j',
      'except:',
      '    pass',
      'try:',
      '    import k',
      'except builtins.Exception:',
      '    pass',
      'try:',
      '    import l',
      'except* BaseException:',
      '    pass',
    );
    expect(flags(text)).toEqual({
      a: GUARDED,
      b: { ...GUARDED, conditional: true },
      c: GUARDED,
      d: GUARDED,
      e: NONE,
      f: GUARDED,
      g: NONE,
      h: NONE,
      i: NONE,
      j: GUARDED,
      k: GUARDED,
      l: GUARDED,
    });
  });

  it('reads what the except handler does: re-raises or exits (required), only reports (a lost feature), or falls back', () => {
    const text = py(
      'try:',
      '    import raises',
      'except ImportError as e:',
      '    logger.error("no raises")',
      '    raise RuntimeError("install raises") from e',
      'try:',
      '    import exits',
      'except ImportError: sys.exit("exits is required")',
      'try:',
      '    from gremlin.config import Local',
      '    class Remote(Local): pass',
      'except ImportError:',
      '    logging.warning("""gremlin not installed""")',
      'try:',
      '    import silent',
      'except ImportError:',
      '    """optional"""',
      '    pass',
      'try:',
      '    import flagged',
      '    HAS_FLAGGED = True',
      'except ImportError:',
      '    HAS_FLAGGED = False',
      'try:',
      '    import conditional_exit',
      'except ImportError:',
      '    if settings.ENABLED:',
      '        sys.exit("needed")',
      'try:',
      '    import alternative',
      'except ImportError:',
      '    print("falling back")',
      '    import fallback_module',
      'try:',
      '    import first_handler',
      'except KeyError:',
      '    raise',
      'except Exception:',
      '    log.debug("x")',
      'except ImportError:',
      '    raise',
      'try:',
      '    try:',
      '        import inner',
      '    except ImportError:',
      '        raise',
      'except Exception:',
      '    inner = None',
      'def f():',
      '    try:',
      '        from app.telemetry import uuid',
      '    except Exception:',
      '        logger.debug("failed to tag")',
    );
    const got = byModule(text);
    const shape = (m: string): [boolean, string | null, number | null] => [got.get(m)?.guarded ?? true, got.get(m)?.guard?.handling ?? null, got.get(m)?.guard?.line ?? null];
    expect(shape('raises')).toEqual([false, 'raises', 3]);
    expect(shape('exits')).toEqual([false, 'raises', 8]);
    expect(shape('gremlin.config')).toEqual([true, 'reports', 12]);
    expect(shape('silent')).toEqual([true, null, null]);
    expect(shape('flagged')).toEqual([true, null, null]);
    expect(shape('conditional_exit')).toEqual([true, null, null]);
    expect(shape('alternative')).toEqual([true, null, null]);
    expect(shape('fallback_module')).toEqual([true, null, null]); // inside the handler: the fallback itself
    expect(shape('first_handler')).toEqual([true, 'reports', 38]); // `except Exception` comes first: it decides
    expect(shape('inner')).toEqual([true, null, null]); // re-raised to an outer try that falls back
    expect(shape('app.telemetry')).toEqual([true, 'reports', 52]);
  });

  it('a module-level try with no fallback whose name a later module-level statement reads is no guard', () => {
    const text = py(
      'try:',
      '    import yaml',
      '    from fast import dumps as fast_dumps',
      'except ImportError:',
      '    pass',
      'try:',
      '    import lazy',
      'except ImportError:',
      '    pass',
      'try:',
      '    import rebound',
      'except ImportError:',
      '    pass',
      'rebound = None',
      'print(rebound.x, keyword=lazy)',
      'SETTINGS = yaml.safe_load("a: 1")',
      'def f():',
      '    return lazy.thing, fast_dumps',
    );
    const got = byModule(text);
    expect([got.get('yaml')?.guarded, got.get('yaml')?.guard]).toEqual([false, { handling: 'used', line: 16 }]);
    expect([got.get('fast')?.guarded, got.get('fast')?.guard]).toEqual([true, undefined]); // used only in a function
    expect([got.get('lazy')?.guarded, got.get('lazy')?.guard]).toEqual([false, { handling: 'used', line: 15 }]); // `keyword=lazy` reads it
    expect([got.get('rebound')?.guarded, got.get('rebound')?.guard]).toEqual([true, undefined]); // rebound first
  });

  it('marks TYPE_CHECKING blocks; their else branch always runs', () => {
    const text = py(
      'if TYPE_CHECKING:',
      '    import a',
      'else:',
      '    import b',
      'if typing.TYPE_CHECKING:',
      '    from c import C',
      'elif sys.platform == "win32":',
      '    import d',
      'else:',
      '    import e',
      'if (TYPE_CHECKING): import f',
    );
    expect(flags(text)).toEqual({ a: TC, b: NONE, c: TC, d: COND, e: COND, f: TC });
  });

  it('marks imports under other if/elif/else as conditional', () => {
    const text = py(
      'if sys.version_info >= (3, 11):',
      '    import tomllib',
      'else:',
      '    import tomli',
      'if (n := 3) > 2: import walrus',
      'if lambda: 1: import lam',
      'import top',
    );
    expect(flags(text)).toEqual({ tomllib: COND, tomli: COND, walrus: COND, lam: COND, top: NONE });
  });

  it('marks function bodies but not decorators, defaults or class bodies', () => {
    const text = py(
      '@register(import_module("deco"))',
      'def f(a=__import__("default")) -> dict[str, int]:',
      '    import lazy',
      '    class Inner:',
      '        import nested',
      'class C(metaclass=__import__("meta").Meta):',
      '    import in_class',
      '    async def m(self):',
      '        from x import y',
      'import after',
    );
    expect(flags(text)).toEqual({ deco: NONE, default: NONE, lazy: FN, nested: FN, meta: NONE, in_class: NONE, x: FN, after: NONE });
  });

  it('gives no flag for with/for/while blocks, makes match arms conditional and handles soft keywords', () => {
    const text = py(
      'match = 1',
      'case = match',
      'match command.split():',
      '    case [action]:',
      '        import a',
      '    case {"k": 1}: import b',
      'with open(p) as f:',
      '    import c',
      'for i in {1: 2}:',
      '    import d',
      'else:',
      '    import e',
      'while (x := f()):',
      '    import g',
    );
    // One arm of a match runs only when its pattern matches.
    expect(flags(text)).toEqual({ a: COND, b: COND, c: NONE, d: NONE, e: NONE, g: NONE });
  });

  it('makes imports optional under find_spec and INSTALLED_APPS tests and after early-return gates', () => {
    const text = py(
      'if importlib.util.find_spec("a") is not None:',
      '    import a',
      'if "b" in settings.INSTALLED_APPS: import b',
      'if find_spec(name):',
      '    import c',
      'def f():',
      '    if find_spec("d") is None:',
      '        return',
      '    import d',
      'def g():',
      '    if not find_spec("e"): return',
      '    else:',
      '        import e',
      '    import e2',
      'def h():',
      '    if find_spec("r") is None:',
      '        raise ImportError("r")',
      '    import r',
      'import top',
    );
    const got = byModule(text);
    expect(Object.fromEntries([...got].map(([m, i]) => [m, i.guarded]))).toEqual({ a: true, b: true, c: false, d: true, e: false, e2: false, r: false, top: false });
  });

  it('marks the body of the main guard, which is not otherwise conditional', () => {
    const got = byModule(py('if __name__ == "__main__":', '    import cli', '    if x:', '        import opt', 'else:', '    import other', 'import top'));
    expect([...got].map(([m, i]) => [m, i.mainBlock === true, i.conditional])).toEqual([['cli', true, false], ['opt', true, true], ['other', false, true], ['top', false, false]]);
  });

  it('records sys.path changes and the path assignments they may name', () => {
    const model = scanPythonImports(py(
      'BASE = os.path.dirname(os.path.abspath(__file__))',
      'count = 3',
      'sys.path.insert(0, os.path.join(BASE, ".."))',
      'sys.path.append(str(Path(__file__).parents[1] / "lib"))',
      'sys.path += ["x"]',
      'site.addsitedir("/opt/site")',
    ));
    expect(model.sysPathEdits).toEqual([
      { expr: 'os.path.join(BASE, "..")', front: true, line: 3 },
      { expr: 'str(Path(__file__).parents[1] / "lib")', front: false, line: 4 },
      { expr: null, front: false, line: 5 },
      { expr: '"/opt/site"', front: false, line: 6 },
    ]);
    expect(model.pathAssignments).toEqual([{ name: 'BASE', expr: 'os.path.dirname(os.path.abspath(__file__))', line: 1 }]);
  });

  it('applies the elif chain to a dynamic import in the elif test', () => {
    const text = py('if a:', '    pass', 'elif import_module("x"):', '    pass');
    expect(flags(text)).toEqual({ x: COND });
  });

  it('ignores comment lines and continuation lines for indentation', () => {
    const text = py(
      'if x:',
      '    y = foo(',
      '1)',
      '# comment at column 0',
      '    import still_inside',
      '    s = """',
      'import not_real',
      '"""',
      '    import also_inside',
      'import outside',
    );
    expect(flags(text)).toEqual({ still_inside: COND, also_inside: COND, outside: NONE });
  });

  it('uses Python indentation rules for tabs and form feeds', () => {
    const text = 'if x:\n\tif y:\n\t\timport a\n\f\nimport b\n';
    expect(flags(text)).toEqual({ a: COND, b: NONE });
  });
});

describe('scanPythonImports: line endings, Python 2 and broken files', () => {
  it('handles CRLF and bare CR line endings', () => {
    const crlf = 'x = 1\r\nif TYPE_CHECKING:\r\n    from a import (\r\n        b)\r\nimport c\r\n';
    expect(located(crlf)).toEqual([
      { module: 'a', level: 0, line: 3, column: 10, text: 'a' },
      { module: 'c', level: 0, line: 5, column: 8, text: 'c' },
    ]);
    expect(flags(crlf)).toEqual({ a: TC, c: NONE });
    const cr = 'x = 1\rimport a\r';
    expect(located(cr)).toEqual([{ module: 'a', level: 0, line: 2, column: 8, text: 'a' }]);
  });

  it('counts columns in UTF-16 code units', () => {
    expect(located(py('s = "😀"; import a'))).toEqual([{ module: 'a', level: 0, line: 1, column: 18, text: 'a' }]);
  });

  it('reads Python 2 files', () => {
    const text = py(
      'print "import fake"',
      'exec "import fake2"',
      'try:',
      '    import cPickle as pickle',
      'except ImportError, e:',
      '    import pickle',
      's = ur"import fake3"',
      'x = `1`',
    );
    expect(flags(text)).toEqual({ cPickle: GUARDED, pickle: GUARDED });
    expect(scanPythonImports(text).diagnostics).toEqual([]);
  });

  it('reports an unterminated string and keeps reading at the next line', () => {
    const text = py('import a', 's = "oops', 'import b');
    const model = scanPythonImports(text);
    expect(model.imports.map((i) => i.module)).toEqual(['a', 'b']);
    expect(model.diagnostics).toEqual([
      { message: 'unterminated string literal', line: 2, column: 5, span: { start: 13, end: 18 }, severity: 'info' },
    ]);
  });

  it('reports an unterminated triple-quoted string and keeps what came before', () => {
    const model = scanPythonImports(py('import a', 's = """never closed', 'import b'));
    expect(model.imports.map((i) => i.module)).toEqual(['a']);
    expect(model.diagnostics.map((d) => [d.message, d.line, d.severity])).toEqual([['unterminated triple-quoted string literal', 2, 'info']]);
  });

  it('reports an unclosed bracket and keeps what came before', () => {
    const model = scanPythonImports(py('import a', 'x = foo(1,', 'import b'));
    expect(model.imports.map((i) => i.module)).toEqual(['a']);
    expect(model.diagnostics.map((d) => [d.message, d.line, d.column])).toEqual([['unclosed bracket', 2, 8]]);
  });

  it('never throws on random input', () => {
    let seed = 7;
    const next = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296;
    const alphabet = ['import ', 'from ', '.', 'a', ' ', '\n', '\r\n', '\t', '(', ')', '[', '{', '}', '"', "'", '"""', 'f"', '{', '\\', '#', ':', ';', ',', 'if ', 'try:', 'except ', 'def ', '__import__("', 'run(', 'debug=', 'match ', 'case ', '😀'];
    for (let n = 0; n < 2000; n++) {
      let s = '';
      const len = Math.floor(next() * 80);
      for (let k = 0; k < len; k++) s += alphabet[Math.floor(next() * alphabet.length)] ?? '';
      expect(() => scanPythonImports(s)).not.toThrow();
    }
  });

  it('stays linear on pathological input', () => {
    const inputs = [
      '('.repeat(200_000),
      'f"{'.repeat(50_000),
      'x.run('.repeat(50_000),
      'a.'.repeat(100_000) + 'run(debug=1)',
      'import_module("x" '.repeat(50_000),
      'if x:\n'.repeat(50_000),
      '    '.repeat(50_000) + 'import a\n',
      '"'.repeat(100_000),
      `try:\n  pass\nexcept (A,${' '.repeat(100_000)}B):\n  pass\n`,
      `if ${'('.repeat(50_000)}x${')'.repeat(50_000)}:\n  pass\n`,
      `except ${'('.repeat(50_000)}x${')'.repeat(50_000)}:\n  pass\n`,
    ];
    for (const text of inputs) {
      const started = performance.now();
      scanPythonImports(text);
      expect(performance.now() - started).toBeLessThan(2000);
    }
  });
});

describe('scanPythonImports: keyword calls, main guard, directives', () => {
  it('records reload= and debug= keywords of run() calls', () => {
    const text = py(
      'uvicorn.run("app.main:app", reload=True)',
      'app.run(host="0.0.0.0", debug=True)',
      'app.run(',
      '    debug=os.environ.get("D", "0") == "1",  # from env',
      ')',
      'create_app().run(debug = False)',
      'run(reload=flag)',
      'def run(self, debug=False):',
      '    subprocess.run(cmd, check=True)',
      'x.run(debug==1)',
    );
    const calls = scanPythonImports(text).keywordCalls;
    expect(calls.map((c) => ({ callee: c.callee, keyword: c.keyword, value: c.value, line: c.line, column: c.column, text: text.slice(c.span.start, c.span.end) }))).toEqual([
      { callee: 'uvicorn.run', keyword: 'reload', value: 'True', line: 1, column: 29, text: 'reload=True' },
      { callee: 'app.run', keyword: 'debug', value: 'True', line: 2, column: 25, text: 'debug=True' },
      { callee: 'app.run', keyword: 'debug', value: 'os.environ.get("D", "0") == "1"', line: 4, column: 5, text: 'debug=os.environ.get("D", "0") == "1"' },
      { callee: 'create_app().run', keyword: 'debug', value: 'False', line: 6, column: 18, text: 'debug = False' },
      { callee: 'run', keyword: 'reload', value: 'flag', line: 7, column: 5, text: 'reload=flag' },
    ]);
  });

  it('detects the main guard in either order and quote style', () => {
    expect(scanPythonImports(py('if __name__ == "__main__":', '    main()')).hasMainGuard).toBe(true);
    expect(scanPythonImports(py("if '__main__' == __name__: main()")).hasMainGuard).toBe(true);
    expect(scanPythonImports(py("if (__name__ == '__main__'):", '    import cli')).hasMainGuard).toBe(true);
    expect(scanPythonImports(py('if __name__ == "__other__":', '    pass')).hasMainGuard).toBe(false);
    expect(scanPythonImports(py('s = "if __name__ == \'__main__\':"')).hasMainGuard).toBe(false);
    // Not conditional: it runs whenever the file is the script started (`mainBlock`).
    expect(byModule(py("if __name__ == '__main__':", '    import cli')).get('cli')?.mainBlock).toBe(true);
  });

  it('reads directives from comments, on the line of the comment', () => {
    const text = py(
      'import requests  # driftcheck: ignore[DEP001] -- vendored',
      'from pkg import (',
      '    a,  # driftcheck: ignore[MOD001,MOD002]',
      ')',
      's = "# driftcheck: ignore[DEP009]"',
      '# driftcheck: ignore',
    );
    const directives = scanPythonImports(text).directives;
    expect(directives.map((d) => ({ line: d.line, commentLine: d.commentLine, rules: d.rules, reason: d.reason, text: text.slice(d.span.start, d.span.end) }))).toEqual([
      { line: 1, commentLine: 1, rules: ['DEP001'], reason: 'vendored', text: '# driftcheck: ignore[DEP001] -- vendored' },
      { line: 3, commentLine: 3, rules: ['MOD001', 'MOD002'], reason: null, text: '# driftcheck: ignore[MOD001,MOD002]' },
    ]);
  });
});
