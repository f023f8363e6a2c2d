// The modules a JavaScript or TypeScript file loads, read by real parsers (never a hand-written
// scanner): es-module-lexer for ES module syntax (static `import`, `export … from`, dynamic
// `import()` with a literal specifier), and acorn (with acorn-walk) for CommonJS `require('x')`.
// cjs-module-lexer cannot serve for the second: it lists a CommonJS module's *exports* (what Node
// needs to import CJS from ESM) and reports no requires; acorn is a small, dependency-free,
// well-kept ECMAScript parser, and its tree says whether a call sits in a `try` block or under a
// condition. Both libraries are loaded on first use (createRequire), so an audit without Node code
// never loads them; acorn only runs on files whose text mentions `require`.
//
// Nothing is executed: es-module-lexer decodes a specifier's string literal, acorn builds a tree.
import { createRequire } from 'node:module';
import type { Node, Options } from 'acorn';
import type { Span } from '../findings/types.js';
import { lastIndexAtMost } from '../util/arrays.js';

/** One module a file loads. */
export interface JsImport {
  /** The specifier as written (`./db`, `express`, `node:fs`, `#config`); null when it is not a literal. */
  readonly specifier: string | null;
  readonly kind: 'import' | 'export' | 'dynamic' | 'require';
  readonly line: number;
  /** The specifier (with quotes), or the call for a non-literal one. */
  readonly span: Span;
  /** `import type …`, `export type … from`, or `import { type A, type B }` (TypeScript): never loaded at run time. */
  readonly typeOnly: boolean;
  /**
   * A TypeScript static import with bindings: the compiler (tsc, ts-node, tsx/esbuild) drops it when
   * the bindings are used only as types, which driftcheck does not check.
   */
  readonly elidable: boolean;
  /** Inside the block of a `try` statement (or a dynamic `import()` with a `.catch`): the code copes without it. */
  readonly guarded: boolean;
  /** Under an `if`, a `?:`, `&&`/`||`: loaded only when a condition holds. */
  readonly conditional: boolean;
}

export interface JsFileModel {
  readonly imports: readonly JsImport[];
  /** Why part of the file could not be read (a syntax the parsers do not accept); null when all was read. */
  readonly unread: string | null;
}

interface Lexer {
  initSync(): void;
  parse(source: string, name?: string): readonly [readonly { n: string | undefined; t: number; s: number; e: number; ss: number; se: number; d: number }[], unknown, boolean, boolean];
}
interface Acorn {
  parse(input: string, options: Options): Node;
}
interface Walk {
  ancestor(node: Node, visitors: Record<string, (node: Node, state: unknown, ancestors: Node[]) => void>): void;
}

let libraries: { lexer: Lexer; acorn: Acorn; walk: Walk } | undefined;

function load(): { lexer: Lexer; acorn: Acorn; walk: Walk } {
  if (!libraries) {
    const require = createRequire(import.meta.url);
    const lexer = require('es-module-lexer') as Lexer;
    lexer.initSync();
    libraries = { lexer, acorn: require('acorn') as Acorn, walk: require('acorn-walk') as Walk };
  }
  return libraries;
}

/** es-module-lexer's import types (ImportType): static, dynamic, import.meta, source/defer phases. */
const STATIC = 1;
const DYNAMIC = 2;

/**
 * The imports of one file. `typescript`: .ts/.tsx/.mts/.cts source (type-only imports marked,
 * requires not read: acorn does not parse TypeScript).
 */
export function scanJsImports(text: string, typescript = false): JsFileModel {
  const { lexer, acorn, walk } = load();
  const lines = lineStarts(text);
  const lineOf = (offset: number): number => lineAt(lines, offset);
  const imports: JsImport[] = [];
  const unread: string[] = [];
  let moduleSyntax = false;
  try {
    const [found, , , hasModuleSyntax] = lexer.parse(text);
    moduleSyntax = hasModuleSyntax;
    for (const imp of found) {
      if (imp.t !== STATIC && imp.t !== DYNAMIC) continue; // import.meta, source/defer phase imports
      if (imp.t === DYNAMIC) {
        // `d` is the start of `import(`; `s`/`e` the argument, `n` set only for a lone string literal.
        const after = text.slice(imp.se, imp.se + 40);
        imports.push({
          specifier: imp.n ?? null, kind: 'dynamic', line: lineOf(imp.d), span: imp.n === undefined ? { start: imp.d, end: imp.se } : { start: imp.s, end: imp.e },
          typeOnly: false, elidable: false, guarded: /^\s*\.\s*catch\b/.test(after), conditional: false,
        });
        continue;
      }
      const statement = text.slice(imp.ss, imp.se);
      const isExport = /^export\b/.test(statement);
      const typeOnly = typescript && typeOnlyStatement(statement);
      // `import 'x'` (side effects only) and `export * from 'x'` stay; imports with bindings may be elided.
      const hasBindings = /^import\s*[^'"\s]/.test(statement) && !/^import\s*\(/.test(statement);
      imports.push({
        specifier: imp.n ?? null, kind: isExport ? 'export' : 'import', line: lineOf(imp.s),
        // The quotes too: es-module-lexer's s/e hold the specifier's text without them.
        span: { start: imp.s - 1, end: imp.e + 1 },
        typeOnly, elidable: typescript && !typeOnly && hasBindings, guarded: false, conditional: false,
      });
    }
  } catch (error) {
    unread.push(`es-module-lexer: ${(error as Error).message.split('\n')[0] ?? ''}`);
  }
  if (!typescript && /\brequire\b/.test(text)) {
    const tree = parseTree(acorn, text, moduleSyntax);
    if (tree) {
      walk.ancestor(tree, {
        CallExpression(node, _state, ancestors) {
          const call = node as Node & { callee: Node & { name?: string }; arguments: (Node & { value?: unknown; expressions?: unknown[]; quasis?: { value: { cooked: string | null } }[] })[] };
          if (call.callee.type !== 'Identifier' || call.callee.name !== 'require' || call.arguments.length !== 1) return;
          const arg = call.arguments[0];
          if (!arg) return;
          const literal = arg.type === 'Literal' && typeof arg.value === 'string'
            ? arg.value
            : arg.type === 'TemplateLiteral' && arg.expressions?.length === 0 ? (arg.quasis?.[0]?.value.cooked ?? null) : null;
          imports.push({
            specifier: literal, kind: 'require', line: lineOf(call.start), span: literal === null ? { start: call.start, end: call.end } : { start: arg.start, end: arg.end },
            typeOnly: false, elidable: false, guarded: inTryBlock(ancestors), conditional: underCondition(ancestors),
          });
        },
      });
    } else unread.push('acorn could not parse the file, so its require() calls were not read');
  }
  imports.sort((a, b) => a.span.start - b.span.start);
  return { imports, unread: unread.length > 0 ? unread.join('; ') : null };
}

/** The tree of a file as a script or a module (CommonJS allows a top-level `return`); null when neither parses. */
function parseTree(acorn: Acorn, text: string, moduleSyntax: boolean): Node | null {
  const base: Options = { ecmaVersion: 'latest', allowHashBang: true, allowReturnOutsideFunction: true, allowAwaitOutsideFunction: true, allowImportExportEverywhere: true };
  for (const sourceType of moduleSyntax ? (['module', 'script'] as const) : (['script', 'module'] as const)) {
    try {
      return acorn.parse(text, { ...base, sourceType, ...(sourceType === 'module' ? { allowReturnOutsideFunction: false } : {}) });
    } catch {
      // the other source type, then give up
    }
  }
  return null;
}

function typeOnlyStatement(statement: string): boolean {
  if (/^(import|export)\s+type\s*[{*\w]/.test(statement) && !/^import\s+type\s*,/.test(statement) && !/^import\s+type\s+from\b/.test(statement)) return true;
  // `import { type A, type B } from 'x'`: every named binding is a type, and there is no default one.
  const named = /^import\s*\{([^}]*)\}\s*from\b/.exec(statement);
  if (!named) return false;
  const names = (named[1] ?? '').split(',').map((n) => n.trim()).filter((n) => n !== '');
  return names.length > 0 && names.every((n) => /^type\s+\S/.test(n));
}

function inTryBlock(ancestors: readonly Node[]): boolean {
  for (let i = ancestors.length - 2; i >= 0; i--) {
    const node = ancestors[i] as Node & { block?: Node };
    if (isFunction(node)) return false; // a try around the function's definition does not guard its body's run
    if (node.type === 'TryStatement' && node.block === ancestors[i + 1]) return true;
  }
  return false;
}

function underCondition(ancestors: readonly Node[]): boolean {
  for (let i = ancestors.length - 2; i >= 0; i--) {
    const node = ancestors[i] as Node & { test?: Node; left?: Node };
    if (isFunction(node)) return false;
    const child = ancestors[i + 1];
    if ((node.type === 'IfStatement' || node.type === 'ConditionalExpression') && node.test !== child) return true;
    if (node.type === 'LogicalExpression' && node.left !== child) return true;
  }
  return false;
}

function isFunction(node: Node): boolean {
  return node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression';
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function lineAt(starts: readonly number[], offset: number): number {
  return lastIndexAtMost(starts, offset) + 1;
}
