// Differential test: the hand-written import scanner against CPython's own `ast`.
//
// Corpus: 2,000+ generated files mixing every construct the scanner handles, plus every .py file of the
// local CPython stdlib. ONE python3 process parses them all and dumps, per import, the module, level,
// exact position of the module name and the four context flags, computed by walking ast parents with
// the same rules the scanner applies. Nothing is written outside a temp dir.
//
// Positions: our contract puts line/column on the MODULE NAME, not on the statement. ast gives the
// alias position for `import a.b` (3.10+) and a dynamic import's string literal position; for
// `from x import y` it only gives the statement, so the script walks from the `from` keyword over
// whitespace and `\` line joins to the first dot/name. That makes every comparison exact: line,
// column (UTF-16 units, converted from ast's UTF-8 byte columns) and span.start. The span end is
// checked separately: the span text minus blanks and `\` joins must equal the dots plus the module.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanPythonImports } from '../../src/parsers/python-imports.js';
import type { PythonFileModel } from '../../src/parsers/types.js';

const GENERATED_FILES = 2000;
const SEED = 20261126;

// ------------------------------------------------------------------------------------------ ground truth

const DUMP_PY = String.raw`
import ast, bisect, json, re, sys

QUAL = {'ImportError', 'ModuleNotFoundError', 'Exception', 'BaseException'}
DYN = {'__import__', 'import_module'}
NL = re.compile(r'\r\n|\r|\n')
PREFIX = re.compile(r'[A-Za-z]*')
ASTRAL = re.compile('[\U00010000-\U0010FFFF]')
CALLS = re.compile(r'\b(?:run|__import__|import_module)\s*\(')
BLOCKS = (ast.stmt, ast.excepthandler, ast.match_case)
TRY_TYPES = (ast.Try, ast.TryStar) if hasattr(ast, 'TryStar') else (ast.Try,)
DEFS = (ast.FunctionDef, ast.AsyncFunctionDef)

def last_name(e):
    if isinstance(e, ast.Name): return e.id
    if isinstance(e, ast.Attribute): return e.attr
    return None

def catches(h):
    if h.type is None: return True
    elts = h.type.elts if isinstance(h.type, ast.Tuple) else [h.type]
    return any(last_name(e) in QUAL for e in elts)

RANK = {'silent': 0, 'reports': 1, 'fallback': 2, 'raises': 3}
REPORTS = {'debug', 'info', 'warning', 'warn', 'error', 'exception', 'critical', 'fatal', 'log', 'print', 'echo', 'secho'}
EXITS = {'sys.exit', 'exit', 'quit', 'os._exit'}

def dotted(e):
    if isinstance(e, ast.Name): return e.id
    if isinstance(e, ast.Attribute):
        d = dotted(e.value)
        return None if d is None else d + '.' + e.attr
    return None

def stmt_shape(s):
    if isinstance(s, ast.Pass): return 'silent'
    if isinstance(s, ast.Raise): return 'raises'
    if isinstance(s, ast.Expr):
        v = s.value
        if isinstance(v, ast.Constant) and (v.value is Ellipsis or isinstance(v.value, (str, bytes))): return 'silent'
        if isinstance(v, ast.JoinedStr): return 'silent'
        if isinstance(v, ast.Call):
            d = dotted(v.func)
            if d in EXITS: return 'raises'
            if d is not None and d.split('.')[-1] in REPORTS: return 'reports'
    return 'fallback'

def handling(node):
    # The first handler that catches import errors decides; its strongest statement kind wins.
    for h in node.handlers:
        if catches(h):
            return (max((stmt_shape(s) for s in h.body), key=RANK.get), h.lineno)
    return None

def is_spec(e):
    return isinstance(e, ast.Call) and last_name(e.func) == 'find_spec' and len(e.args) == 1 and not e.keywords and isinstance(e.args[0], ast.Constant) and isinstance(e.args[0].value, str) and all(isinstance(n, (ast.Name, ast.Attribute, ast.expr_context)) for n in ast.walk(e.func))

def is_apps(e, op):
    return isinstance(e, ast.Compare) and len(e.ops) == 1 and isinstance(e.ops[0], op) and isinstance(e.left, ast.Constant) and isinstance(e.left.value, str) and last_name(e.comparators[0]) == 'INSTALLED_APPS' and (isinstance(e.comparators[0], ast.Name) or isinstance(e.comparators[0].value, ast.Name))

def is_none_cmp(e, op):
    return isinstance(e, ast.Compare) and len(e.ops) == 1 and isinstance(e.ops[0], op) and is_spec(e.left) and isinstance(e.comparators[0], ast.Constant) and e.comparators[0].value is None

def presence(t):
    return is_spec(t) or is_none_cmp(t, ast.IsNot) or is_apps(t, ast.In)

def absence(t):
    return (isinstance(t, ast.UnaryOp) and isinstance(t.op, ast.Not) and is_spec(t.operand)) or is_none_cmp(t, ast.Is) or is_apps(t, ast.NotIn)

def is_main(t):
    if not (isinstance(t, ast.Compare) and len(t.ops) == 1 and isinstance(t.ops[0], ast.Eq)): return False
    a, b = t.left, t.comparators[0]
    name = lambda e: isinstance(e, ast.Name) and e.id == '__name__'
    lit = lambda e: isinstance(e, ast.Constant) and e.value == '__main__'
    return (name(a) and lit(b)) or (lit(a) and name(b))

def gate(stmt):
    # if find_spec("x") is None: return  (no elif/else): the rest of the block is optional
    return isinstance(stmt, ast.If) and absence(stmt.test) and not stmt.orelse and isinstance(stmt.body[0], ast.Return)

def is_tc(t):
    if isinstance(t, ast.Name): return t.id == 'TYPE_CHECKING'
    return isinstance(t, ast.Attribute) and t.attr == 'TYPE_CHECKING' and isinstance(t.value, ast.Name)

class Src:
    def __init__(self, text):
        self.text = text
        self.starts = [0] + [m.end() for m in NL.finditer(text)]
        # Offsets of characters that take two UTF-16 units, for JS-compatible columns.
        self.astral = [m.start() for m in ASTRAL.finditer(text)] if text and max(text) > '\uffff' else []
    def off(self, lineno, col):
        ls = self.starts[lineno - 1]
        le = self.starts[lineno] if lineno < len(self.starts) else len(self.text)
        return ls + len(self.text[ls:le].encode('utf-8')[:col].decode('utf-8'))
    def u16(self, off):
        return off + bisect.bisect_left(self.astral, off)
    def pos(self, off):
        li = bisect.bisect_right(self.starts, off) - 1
        start = self.u16(off)
        return [li + 1, start - self.u16(self.starts[li]) + 1, start]

def child_flags(node, field, flags):
    g, t, f, c, m, tries = flags
    if isinstance(node, TRY_TYPES):
        if field == 'body' and any(catches(h) for h in node.handlers): tries = tries + (handling(node),)
    elif isinstance(node, ast.ExceptHandler):
        if field == 'body' and catches(node): g = True
    elif isinstance(node, ast.If):
        if field == 'body':
            if is_tc(node.test): t = True
            elif is_main(node.test) and not getattr(node, '_elif', False): m = True
            else: c = True
            if presence(node.test): g = True
        elif field == 'orelse' and not is_tc(node.test): c = True
    elif isinstance(node, DEFS):
        if field == 'body': f = True
    elif isinstance(node, ast.match_case):
        if field == 'body': c = True
    return (g, t, f, c, m, tries)

def loads(node):
    # Names read, f-strings left out (the scanner treats them as opaque).
    out, stack = set(), [node]
    while stack:
        n = stack.pop()
        if isinstance(n, ast.JoinedStr): continue
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load): out.add(n.id)
        stack.extend(ast.iter_child_nodes(n))
    return out

def bound(stmt):
    # (record key, names it binds) for each import record of a statement.
    if isinstance(stmt, ast.Import):
        return [(('i', a.lineno, a.col_offset), [a.asname or a.name.split('.')[0]]) for a in stmt.names]
    if isinstance(stmt, ast.ImportFrom):
        return [(('f', stmt.lineno, stmt.col_offset), [a.asname or a.name for a in stmt.names if a.name != '*'])]
    return []

def used_after(tree):
    # A module-level try whose import-error handler binds nothing (passes or only reports): a name
    # its direct imports bind, read by a later module-level expression or assignment value, is a
    # NameError at import. Record key -> line of that use.
    used, watch, pending = {}, {}, []
    for stmt in getattr(tree, 'body', []):
        for t in pending:
            h = handling(t)
            if h and h[0] in ('silent', 'reports'):
                for s in t.body:
                    for key, names in bound(s):
                        for n in names: watch.setdefault(n, []).append(key)
        pending = []
        if isinstance(stmt, TRY_TYPES):
            pending.append(stmt)
            continue
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            for _key, names in bound(stmt):
                for n in names: watch.pop(n, None)
            continue
        if isinstance(stmt, ast.Expr): value, targets = stmt.value, []
        elif isinstance(stmt, ast.Assign): value, targets = stmt.value, stmt.targets
        else: continue
        for n in loads(value):
            for key in watch.pop(n, []): used.setdefault(key, stmt.lineno)
        for tg in targets:
            if isinstance(tg, ast.Name): watch.pop(tg.id, None)
    return used

USED = {}

def guard_of(flags):
    # guarded, and the handler that proves more than "optional" (raises / reports), as the scanner says.
    g, tries = flags[0], flags[5]
    decided = next((h for h in reversed(tries) if h[0] != 'raises'), None)
    guarded = g or decided is not None
    if g: return guarded, None
    shown = decided or next((h for h in reversed(tries) if h[0] == 'raises'), None)
    return guarded, (list(shown) if shown and shown[0] in ('raises', 'reports') else None)

def from_module_offset(src, node):
    text = src.text
    p = src.off(node.lineno, node.col_offset)
    assert text.startswith('from', p)
    p += 4
    while p < len(text):
        ch = text[p]
        if ch in ' \t\x0c': p += 1
        elif ch == '\\' and text[p + 1:p + 2] in ('\r', '\n'):
            p += 3 if text[p + 1:p + 3] == '\r\n' else 2
        else: break
    return p

def literal(src, const):
    cs = src.off(const.lineno, const.col_offset)
    ce = src.off(const.end_lineno, const.end_col_offset)
    seg = src.text[cs:ce]
    prefix = PREFIX.match(seg).group(0)
    q = 3 if seg[len(prefix):len(prefix) + 3] in ('"""', "'''") else 1
    body = seg[len(prefix) + q:len(seg) - q]
    # Escapes and implicit concatenation make the value differ from the text: the scanner skips those.
    if '\\' in seg or body != const.value: return None
    return cs + len(prefix) + q

def record(src, out, module, level, off, flags, dynamic, names=(), key=None):
    guarded, guard = guard_of(flags)
    if key in USED and not flags[0] and any(h[0] != 'raises' for h in flags[5]):
        guarded, guard = False, ['used', USED[key]]
    out.append([module, level] + src.pos(off) + [guarded, flags[1], flags[2], flags[3], dynamic, list(names), flags[4], guard])

def visit(src, node, flags, imports, calls):
    if isinstance(node, ast.Import):
        for a in node.names:
            record(src, imports, a.name, 0, src.off(a.lineno, a.col_offset), flags, False, (), ('i', a.lineno, a.col_offset))
    elif isinstance(node, ast.ImportFrom):
        names = [a.name for a in node.names]
        record(src, imports, node.module or '', node.level, from_module_offset(src, node), flags, False, names, ('f', node.lineno, node.col_offset))
    elif isinstance(node, ast.Call):
        name = last_name(node.func)
        if name in DYN and node.args:
            a0 = node.args[0]
            if isinstance(a0, ast.Constant) and isinstance(a0.value, str) and a0.value != '':
                off = literal(src, a0)
                if off is not None:
                    mod = a0.value.lstrip('.')
                    record(src, imports, mod, len(a0.value) - len(mod), off, flags, True)
        elif name == 'run':
            for kw in node.keywords:
                if kw.arg in ('reload', 'debug'):
                    v = kw.value
                    vs = src.off(v.lineno, v.col_offset)
                    ve = src.off(v.end_lineno, v.end_col_offset)
                    callee = ast.unparse(node.func)
                    calls.append([callee, kw.arg, src.text[vs:ve]] + src.pos(src.off(kw.lineno, kw.col_offset)))

def elif_of(src, node):
    # An elif is an If inside orelse whose own line starts with 'elif'.
    return src.text.startswith('elif', src.off(node.lineno, node.col_offset))

def walk(src, tree):
    # Without a call-like text anywhere, only statements can hold what we look for: skip expressions.
    statements_only = CALLS.search(src.text) is None
    imports, calls = [], []
    stack = [(tree, (False, False, False, False, False, ()))]
    while stack:
        node, flags = stack.pop()
        visit(src, node, flags, imports, calls)
        if isinstance(node, ast.JoinedStr): continue  # the scanner treats f-strings as opaque
        for field, value in ast.iter_fields(node):
            if isinstance(value, list):
                if value and isinstance(value[0], BLOCKS if statements_only else ast.AST):
                    cf = child_flags(node, field, flags)
                    if isinstance(node, ast.If) and field == 'orelse' and len(value) == 1 and isinstance(value[0], ast.If):
                        value[0]._elif = elif_of(src, value[0])
                    for child in value:
                        if isinstance(child, ast.AST): stack.append((child, cf))
                        if isinstance(child, ast.stmt) and gate(child): cf = (True,) + cf[1:]
            elif isinstance(value, ast.AST) and not statements_only:
                stack.append((value, child_flags(node, field, flags)))
    imports.sort(key=lambda r: r[4])
    calls.sort(key=lambda r: r[5])
    return imports, calls

def main():
    paths = json.load(open(sys.argv[1]))
    results = []
    for path in paths:
        try:
            text = open(path, 'rb').read().decode('utf-8-sig')
            tree = ast.parse(text)
        except (SyntaxError, ValueError, UnicodeDecodeError, RecursionError, MemoryError):
            results.append(None)
            continue
        USED.clear()
        USED.update(used_after(tree))
        imports, calls = walk(Src(text), tree)
        results.append({'imports': imports, 'calls': calls})
    json.dump(results, open(sys.argv[2], 'w'))

sys.setrecursionlimit(100000)
main()
`;

type AstImport = [string, number, number, number, number, boolean, boolean, boolean, boolean, boolean, string[], boolean, [string, number] | null];
type AstCall = [string, string, string, number, number, number];
type AstResult = { imports: AstImport[]; calls: AstCall[] } | null;

function runPython(manifest: string[], dir: string): Promise<AstResult[]> {
  const script = join(dir, 'dump_imports.py');
  const input = join(dir, 'manifest.json');
  const output = join(dir, 'ast.json');
  writeFileSync(script, DUMP_PY);
  writeFileSync(input, JSON.stringify(manifest));
  return new Promise((resolve, reject) => {
    const child = spawn('python3', [script, input, output], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`python3 failed (${code}): ${stderr}`));
      else resolve(JSON.parse(readFileSync(output, 'utf8')) as AstResult[]);
    });
  });
}

// ------------------------------------------------------------------------------------------ generator

/** mulberry32: small, fast, good enough for reproducible fuzzing. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class PyGen {
  private readonly rand: () => number;
  private readonly unit: string;
  private counter = 0;

  constructor(seed: number) {
    this.rand = rng(seed);
    const r = this.rand();
    this.unit = r < 0.7 ? '    ' : r < 0.85 ? '  ' : '\t';
  }

  private int(n: number): number {
    return Math.floor(this.rand() * n);
  }

  private pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new Error('empty pick');
    return item;
  }

  private chance(p: number): boolean {
    return this.rand() < p;
  }

  private mod(): string {
    return this.pick(['os', 'sys', 'json', 'requests', 'numpy', 'pkg.sub', 'a.b.c', 'yaml', 'ujson', 'tomli', 'typing_extensions', 'café', 'x1', 'flask', 'mod_' + this.int(50)]);
  }

  private name(): string {
    return this.pick(['a', 'b', 'thing', 'Other', 'x_1', 'välue', 'helper']);
  }

  file(): string {
    const lines: string[] = [];
    if (this.chance(0.5)) lines.push(...this.docstring(''));
    if (this.chance(0.3)) lines.push('from __future__ import annotations');
    const count = 6 + this.int(14);
    for (let i = 0; i < count; i++) lines.push(...this.statement('', 0));
    const r = this.rand();
    const eol = r < 0.8 ? '\n' : r < 0.97 ? '\r\n' : '\r';
    return lines.join(eol) + (this.chance(0.9) ? eol : '');
  }

  private docstring(indent: string): string[] {
    return this.pick([
      [`${indent}"""Module doc: import fake_one`, `from fake_two import x`, `"""`],
      [`${indent}'''single import fake'''`],
      [`${indent}r"""raw \\d import fake"""`],
    ]);
  }

  private statement(indent: string, depth: number): string[] {
    const r = this.rand();
    if (depth < 3 && r < 0.3) return this.compound(indent, depth);
    if (r < 0.38) return this.noise(indent);
    return this.simple(indent, depth).map((l, i) => (i === 0 ? indent + l : l));
  }

  /** Blank lines, comment lines at odd indents, form feeds: none of them are statements. */
  private noise(indent: string): string[] {
    return this.pick([
      [''],
      ['# import fake_comment'],
      [`${indent}# from fake import y  # driftcheck: ignore[DEP001] -- test`],
      ['   # misaligned comment'],
      ['\f'],
      [`${indent}   `],
    ]);
  }

  /** One logical line (continuation lines are returned unindented as written). */
  private simple(indent: string, depth: number): string[] {
    const m = this.mod();
    const n = this.name();
    const u = this.unit;
    const k = this.int(46);
    switch (k) {
      case 0: return [`import ${m}`];
      case 1: return [`import ${m} as alias_${this.counter++}`];
      case 2: return [`import ${m}, ${this.mod()} as q`];
      case 3: return [`import  os . path`];
      case 4: return [`from ${m} import ${n}`];
      case 5: return [`from .${m} import ${n} as z`];
      case 6: return [`from . import ${n}`];
      case 7: return [`from .. import (${n}, other)`];
      case 8: return [`from ...${m} import (`, `${indent}${u}${n},  # import fake`, `${indent}${u}thing as t,`, `${indent})`];
      case 9: return [`from ${m} import *`];
      case 10: return [`from ${m} import ${n}, \\`, `${indent}${u}other`];
      case 11: return [`from \\`, `${indent}${u}${m} import ${n}`];
      case 12: return [`import ${m}, \\`, `${indent}${u}${this.mod()}`];
      case 13: return [`mod = importlib.import_module("${m}")`];
      case 14: return [`mod = import_module('.${m}', package=__name__)`];
      case 15: return [`__import__("${m}")`];
      case 16: return [`__import__("${m}", fromlist=["x"])`];
      case 17: return [`mod = import_module(name)`, ];
      case 18: return [`mod = import_module(f"${m}{k}")`];
      case 19: return [`mod = __import__("a" + suffix)`];
      case 20: return [`mod = import_module(`, `${indent}${u}"${m}",`, `${indent})`];
      case 21: return [`mods = [__import__("${m}") for _ in range(1)]`];
      case 22: return [`s = "import fake"; t = 'from fake import x'`];
      case 23: return [`s = """`, `import fake_in_string`, `${indent}from fake import y`, `"""`];
      case 24: return [`s = f"{d['k']} import fake {x!r:>{w}} {y:{'a'}}"`];
      case 25: return [`s = f'''{a}`, `import fake`, `'''`];
      case 26: return [`s = rb'import fake' + Rb"x" + u"import y"; b2 = br"\\x"`];
      case 27: return [`s = "esc \\" import fake"; t = 'it\\'s'`];
      case 28: return [`s = "😀 wide"; import ${m}`];
      case 29: return [`import ${m}; import ${this.mod()}`];
      case 30: return [`x = 1; from ${m} import ${n}; y = 2`];
      case 31: return [`uvicorn.run("app.main:app", reload=True)`];
      case 32: return [`app.run(debug=True, host="0.0.0.0")`];
      case 33: return [`app.run(`, `${indent}${u}host="h",`, `${indent}${u}debug=os.environ.get("D", "0") == "1",  # comment`, `${indent})`];
      case 34: return [`asyncio.run(main(), debug=False)`];
      case 35: return [`x = {"a": 1, "b": [1, 2]}; match = 1; case = match + 1`];
      case 36: return [`f = lambda: __import__("${m}")`];
      case 37: return [`x = (1 +`, `2)  # continuation at column 0`];
      case 38: return [`x = 1 + \\`, `${indent}${u}2`];
      case 39: return depth > 0 ? ['pass'] : ['...'];
      case 40: return [`print("import in call"); value = (n := 10)`];
      // What an except handler may do: re-raise, exit, only report, or fall back.
      case 41: return [this.pick(['raise', 'raise ImportError("x") from None', 'sys.exit(1)', 'sys . exit("no")', 'os._exit(3)', 'quit()'])];
      case 42: return [this.pick(['logger.warning("x %s", e)', 'logging . exception ( "y" )', 'log.info("a"); print("b")', 'warnings.warn("w")', 'print("p")', 'click.echo(msg)'])];
      case 44: return [this.pick(['print(json.dumps({}))', 'value = yaml.safe_load(s)', 'a = b = None', 'helper(thing=1)', 'data = {a: b}', 'r = requests if flag else os', 'os = None', 'x1.run()', 'v = numpy . array(q)', 'z += 1', 'Other: int = 2', 'del t', 'w = [other for other in q]', 'k = (thing := 3)'])];
      case 43: return [this.pick(['"""doc"""', "b'bytes'", '...', 'f"{x}"', 'x = None', 'HAS_X = False', 'logger.warning("x")[0]', 'print("a") if f else None', 'get_logger().error("x")', '"a" "b"'])];
      default: return [`\u00e9l\u00e8ve = import_module(r"${m}") if flag else None`];
    }
  }

  private body(indent: string, depth: number): string[] {
    const inner = indent + this.unit;
    const lines: string[] = [];
    if (this.chance(0.15)) lines.push(...this.docstring(inner));
    const count = 1 + this.int(4);
    for (let i = 0; i < count; i++) lines.push(...this.statement(inner, depth + 1));
    // A body needs at least one real statement.
    lines.push(...this.simple(inner, depth + 1).map((l, i) => (i === 0 ? inner + l : l)));
    return lines;
  }

  /** `head` followed by an inline simple statement or an indented body. */
  private clause(indent: string, head: string, depth: number): string[] {
    if (this.chance(0.2)) {
      const inline = this.pick([`import ${this.mod()}`, `from ${this.mod()} import x; y = 1`, 'pass', `m = __import__("${this.mod()}")`]);
      return [`${indent}${head} ${inline}`];
    }
    return [`${indent}${head}`, ...this.body(indent, depth)];
  }

  private compound(indent: string, depth: number): string[] {
    switch (this.int(9)) {
      case 0:
      case 1:
        return this.tryStatement(indent, depth);
      case 2:
      case 3:
        return this.ifChain(indent, depth);
      case 4:
        return this.functionDef(indent, depth);
      case 5:
        return [`${indent}class C${this.counter++}(Base, metaclass=__import__("abc").ABCMeta):`, ...this.body(indent, depth)];
      case 6:
        return this.loop(indent, depth);
      case 7:
        return this.matchStatement(indent, depth);
      default:
        return this.clause(indent, this.pick(['with open(p) as f, lock:', 'with (a as b, c as d):', 'while (x := f()):']), depth);
    }
  }

  private tryStatement(indent: string, depth: number): string[] {
    if (this.chance(0.35)) return this.optionalImport(indent);
    const handlers = ['except ImportError:', 'except ModuleNotFoundError:', 'except (ImportError, AttributeError):', 'except Exception:', 'except BaseException as e:', 'except:', 'except KeyError:', 'except (KeyError, ValueError):', 'except ImportError as e:', 'except builtins.ImportError:', 'except OSError:'];
    const lines = this.clause(indent, 'try:', depth);
    if (this.chance(0.1)) {
      lines.push(...this.clause(indent, this.pick(['except* ImportError:', 'except* KeyError:']), depth));
      return lines;
    }
    const count = this.chance(0.15) ? 0 : 1 + this.int(2);
    for (let i = 0; i < count; i++) {
      const handler = i === count - 1 || this.chance(0.5) ? this.pick(handlers.filter((h) => h !== 'except:')) : 'except KeyError:';
      lines.push(...this.clause(indent, handler, depth));
    }
    if (count > 0 && this.chance(0.2)) lines.push(...this.clause(indent, 'except:', depth));
    if (count > 0 && this.chance(0.3)) lines.push(...this.clause(indent, 'else:', depth));
    if (count === 0 || this.chance(0.2)) lines.push(...this.clause(indent, 'finally:', depth));
    return lines;
  }

  /** An optional import the usual ways: the handler re-raises, reports, passes or falls back; uses may follow. */
  private optionalImport(indent: string): string[] {
    const inner = indent + this.unit;
    const body = this.pick([['import json'], ['import yaml as a'], ['from numpy import array, helper as b'], ['import os.path', 'import x1'], ['from . import thing'], ['import requests', 'HAS = True']]);
    const handler = this.pick(['except ImportError:', 'except Exception as e:', 'except (ImportError, KeyError):', 'except KeyError:']);
    const action = this.pick([['pass'], ['logger.warning("missing")'], ['print("no")', '"""doc"""'], ['raise'], ['sys.exit(1)'], ['json = None'], ['a = b = None'], ['log.info("x")', 'pass']]);
    const after = this.chance(0.7) ? [this.pick(['print(json.dumps({}))', 'value = a.load(s)', 'c = b(array)', 'os.path.join("x")', 'x1.run()', 'thing()', 'print(requests.get)', 'json = 1', 'k = json', 'e = {a: b}'])] : [];
    return [`${indent}try:`, ...body.map((l) => inner + l), `${indent}${handler}`, ...action.map((l) => inner + l), ...after.map((l) => indent + l)];
  }

  private ifChain(indent: string, depth: number): string[] {
    const tests = ['TYPE_CHECKING', 'typing.TYPE_CHECKING', '(TYPE_CHECKING)', 'sys.version_info >= (3, 8)', 'sys.platform == "win32"', '__name__ == "__main__"', "'__main__' == __name__", 'd[1:2]', '(n := 5) > 3', 'lambda: 1', 'x if y else z', 'import_module("dyn_in_test")', '{1: 2}', 'TYPE_CHECKING and flag', 'importlib.util.find_spec("spec_mod")', 'find_spec("spec_mod") is not None', '"app_mod" in settings.INSTALLED_APPS', '"app_mod" in INSTALLED_APPS', 'find_spec(name)', 'find_spec("a") and flag', '(__name__ == "__main__")'];
    const lines = this.clause(indent, `if ${this.pick(tests)}:`, depth);
    const elifs = this.int(3);
    for (let i = 0; i < elifs; i++) lines.push(...this.clause(indent, `elif ${this.pick(tests)}:`, depth));
    if (this.chance(0.5)) lines.push(...this.clause(indent, 'else:', depth));
    return lines;
  }

  private functionDef(indent: string, depth: number): string[] {
    const lines: string[] = [];
    if (this.chance(0.4)) lines.push(`${indent}@decorator(import_module("deco_mod"))`);
    if (this.chance(0.2)) lines.push(`${indent}@other.thing`);
    const name = `f${this.counter++}`;
    const head = this.pick([
      `def ${name}(a, b=__import__("default_mod"), *args, **kw) -> dict[str, int]:`,
      `async def ${name}(x: "A:B" = {1: 2}):`,
      `def ${name}(`,
      `def run(self, debug=False):`,
    ]);
    if (head.endsWith('(')) {
      lines.push(`${indent}${head}`, `${indent}${this.unit}x=1,`, `${indent}):`, ...this.body(indent, depth));
      return lines;
    }
    if (this.chance(0.3)) {
      // An early-return gate (`if find_spec("x") is None: return`), sometimes not one.
      const inner = indent + this.unit;
      const test = this.pick(['importlib.util.find_spec("gate_mod") is None', 'not find_spec("gate_mod")', '"gate_app" not in settings.INSTALLED_APPS', 'find_spec("gate_mod") is not None', 'not flag']);
      const gate = this.chance(0.3) ? [`${inner}if ${test}: return`] : [`${inner}if ${test}:`, `${inner}${this.unit}${this.pick(['return', 'return None', 'raise ImportError("x")', 'pass'])}`];
      if (this.chance(0.2)) gate.push(`${inner}else:`, `${inner}${this.unit}import else_mod`);
      return [...lines, `${indent}${head}`, ...gate, ...this.body(indent, depth)];
    }
    return [...lines, ...this.clause(indent, head, depth)];
  }

  private loop(indent: string, depth: number): string[] {
    const lines = this.clause(indent, this.pick(['for i in {1: 2}:', 'for k, v in items:', 'while 0:']), depth);
    if (this.chance(0.4)) lines.push(...this.clause(indent, 'else:', depth));
    return lines;
  }

  private matchStatement(indent: string, depth: number): string[] {
    const lines = [`${indent}${this.pick(['match x:', 'match (x):', 'match x, y:', 'match -x:'])}`];
    const inner = indent + this.unit;
    const cases = ['case 1:', 'case {"k": v}:', 'case [a, *rest]:', 'case Point(x=0) if y:', 'case _:'];
    const count = 1 + this.int(3);
    for (let i = 0; i < count; i++) lines.push(...this.clause(inner, this.pick(cases), depth + 1));
    return lines;
  }
}

// ------------------------------------------------------------------------------------------ comparison

function scannerImports(model: PythonFileModel): AstImport[] {
  return model.imports.map((i) => [i.module, i.level, i.line, i.column, i.span.start, i.guarded, i.typeChecking, i.inFunction, i.conditional, i.dynamic, [...i.names], i.mainBlock === true, i.guard ? [i.guard.handling, i.guard.line] : null]);
}

function scannerCalls(model: PythonFileModel): AstCall[] {
  return model.keywordCalls.map((c) => [c.callee, c.keyword, c.value, c.line, c.column, c.span.start]);
}

interface Tally {
  matched: number;
  total: number;
  mismatches: string[];
}

/** Multiset comparison; `total` counts ast's items plus the scanner's extras. */
function tally(into: Tally, file: string, expected: readonly unknown[][], actual: readonly unknown[][], key: (r: readonly unknown[]) => string): void {
  const left = new Map<string, number>();
  for (const e of expected) left.set(key(e), (left.get(key(e)) ?? 0) + 1);
  let matched = 0;
  const extra: string[] = [];
  for (const a of actual) {
    const k = key(a);
    const count = left.get(k) ?? 0;
    if (count > 0) {
      left.set(k, count - 1);
      matched++;
    } else extra.push(k);
  }
  const missing = [...left].flatMap(([k, c]) => Array<string>(c).fill(k));
  into.matched += matched;
  into.total += expected.length + extra.length;
  for (const k of missing) into.mismatches.push(`${file}: ast only     ${k}`);
  for (const k of extra) into.mismatches.push(`${file}: scanner only ${k}`);
}

const fullKey = (r: readonly unknown[]): string => JSON.stringify(r);
const basicKey = (r: readonly unknown[]): string => JSON.stringify(r.slice(0, 3));

/** The span must cover exactly the dots and the dotted name, whatever blanks or `\` joins lie between. */
function spanProblems(file: string, text: string, model: PythonFileModel): string[] {
  const out: string[] = [];
  for (const i of model.imports) {
    const written = text.slice(i.span.start, i.span.end).replace(/[ \t\f]|\\\r?\n|\\\r/g, '');
    if (written !== '.'.repeat(i.level) + i.module) out.push(`${file}:${i.line}: span ${JSON.stringify(written)} for ${'.'.repeat(i.level)}${i.module}`);
  }
  for (const c of model.keywordCalls) {
    if (!/^\w+\s*=/.test(text.slice(c.span.start, c.span.end))) out.push(`${file}:${c.line}: keyword span`);
  }
  return out;
}

function listPython(dir: string, out: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'site-packages' && entry.name !== '__pycache__') listPython(path, out);
    } else if (entry.name.endsWith('.py') && statSync(path).isFile()) out.push(path);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function readSource(path: string): string | null {
  try {
    return utf8.decode(readFileSync(path)).replace(/^\uFEFF/, '');
  } catch {
    return null; // not UTF-8: ast would read it with another codec, so offsets would not compare
  }
}

interface Corpus {
  readonly paths: string[];
  readonly texts: string[];
  readonly models: PythonFileModel[];
  readonly ast: AstResult[];
}

describe('python import scanner vs CPython ast', () => {
  let dir = '';
  let generated: Corpus;
  let stdlib: Corpus;
  let scanSeconds = 0;
  let scannedChars = 0;

  beforeAll(async () => {
    const t0 = performance.now();
    dir = mkdtempSync(join(tmpdir(), 'driftcheck-pyast-'));
    const genPaths: string[] = [];
    const genTexts: string[] = [];
    for (let f = 0; f < GENERATED_FILES; f++) {
      const text = new PyGen(SEED + f).file();
      const path = join(dir, `gen_${f}.py`);
      writeFileSync(path, text);
      genPaths.push(path);
      genTexts.push(text);
    }
    const stdlibDir = execFileSync('python3', ['-c', "import sysconfig;print(sysconfig.get_paths()['stdlib'])"], { encoding: 'utf8' }).trim();
    const libPaths: string[] = [];
    const libTexts: string[] = [];
    const all: string[] = [];
    listPython(stdlibDir, all);
    for (const path of all.sort()) {
      const text = readSource(path);
      if (text === null) continue;
      libPaths.push(path);
      libTexts.push(text);
    }
    // Python runs in its own process while this one scans.
    const t1 = performance.now();
    const pending = runPython([...genPaths, ...libPaths], dir);
    const started = performance.now();
    const genModels = genTexts.map((t) => scanPythonImports(t));
    const libModels = libTexts.map((t) => scanPythonImports(t));
    scanSeconds = (performance.now() - started) / 1000;
    scannedChars = [...genTexts, ...libTexts].reduce((sum, t) => sum + t.length, 0);
    const results = await pending;
    console.log(`setup ${((t1 - t0) / 1000).toFixed(1)} s, python ${((performance.now() - t1) / 1000).toFixed(1)} s`);
    generated = { paths: genPaths, texts: genTexts, models: genModels, ast: results.slice(0, genPaths.length) };
    stdlib = { paths: libPaths, texts: libTexts, models: libModels, ast: results.slice(genPaths.length) };
  }, 300_000); // CPython parses thousands of generated files: minutes on a loaded 2-core machine

  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('agrees 100% with ast on the generated corpus (module, level, names, line, column, span.start, flags)', () => {
    const imports: Tally = { matched: 0, total: 0, mismatches: [] };
    const calls: Tally = { matched: 0, total: 0, mismatches: [] };
    const spans: string[] = [];
    let unparsed = 0;
    generated.paths.forEach((path, f) => {
      const truth = generated.ast[f];
      const model = generated.models[f];
      const text = generated.texts[f];
      if (model === undefined || text === undefined) return;
      if (truth === null || truth === undefined) {
        unparsed++;
        return;
      }
      tally(imports, path, truth.imports, scannerImports(model), fullKey);
      tally(calls, path, truth.calls, scannerCalls(model), fullKey);
      spans.push(...spanProblems(path, text, model));
    });
    console.log(
      `generated corpus: ${generated.paths.length} files, imports ${imports.matched}/${imports.total} agree, ` +
        `keyword calls ${calls.matched}/${calls.total} agree, ${(scannedChars / 1e6).toFixed(1)}M characters (both corpora) scanned in ${scanSeconds.toFixed(2)} s in total`,
    );
    expect(unparsed, 'generated files ast could not parse').toBe(0);
    // Every kind of except handler the scanner tells apart occurs, so agreement covers each.
    const guards = new Map<string, number>();
    for (const model of generated.models) for (const i of model.imports) if (i.guard) guards.set(i.guard.handling, (guards.get(i.guard.handling) ?? 0) + 1);
    console.log(`generated corpus: guards ${JSON.stringify(Object.fromEntries(guards))}`);
    for (const handling of ['raises', 'reports', 'used']) expect(guards.get(handling) ?? 0, handling).toBeGreaterThan(20);
    expect(imports.total).toBeGreaterThan(20_000);
    expect(imports.mismatches.slice(0, 20)).toEqual([]);
    expect(calls.total).toBeGreaterThan(500);
    expect(calls.mismatches.slice(0, 20)).toEqual([]);
    expect(spans.slice(0, 20)).toEqual([]);
  });

  it('agrees with ast on the CPython stdlib (>= 99.9%)', () => {
    const full: Tally = { matched: 0, total: 0, mismatches: [] };
    const basic: Tally = { matched: 0, total: 0, mismatches: [] };
    const calls: Tally = { matched: 0, total: 0, mismatches: [] };
    let parsed = 0;
    stdlib.paths.forEach((path, f) => {
      const truth = stdlib.ast[f];
      const model = stdlib.models[f];
      if (truth === null || truth === undefined || model === undefined) return;
      parsed++;
      tally(full, path, truth.imports, scannerImports(model), fullKey);
      tally(basic, path, truth.imports, scannerImports(model), basicKey);
      tally(calls, path, truth.calls, scannerCalls(model), fullKey);
    });
    const pct = (t: Tally): string => ((100 * t.matched) / Math.max(1, t.total)).toFixed(3);
    console.log(
      `stdlib: ${parsed}/${stdlib.paths.length} files parsed by ast; imports (module, level, line): ` +
        `${basic.matched}/${basic.total} (${pct(basic)}%); with names, column, span.start and flags: ${full.matched}/${full.total} ` +
        `(${pct(full)}%); keyword calls ${calls.matched}/${calls.total}`,
    );
    for (const m of [...full.mismatches, ...calls.mismatches].slice(0, 50)) console.log(`  mismatch ${m}`);
    expect(parsed).toBeGreaterThan(1500);
    expect(basic.matched / basic.total).toBeGreaterThanOrEqual(0.999);
    expect(full.matched / full.total).toBeGreaterThanOrEqual(0.999);
  });
});
