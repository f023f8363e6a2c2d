// src/parsers/js-imports.ts: es-module-lexer for ES module syntax, acorn for require().
import { describe, expect, it } from 'vitest';
import { scanJsImports, type JsImport } from '../../src/parsers/js-imports.js';

const short = (imports: readonly JsImport[]): string[] =>
  imports.map((i) => [i.kind, i.specifier ?? '<expr>', ...(i.typeOnly ? ['type'] : []), ...(i.elidable ? ['elidable'] : []), ...(i.guarded ? ['guarded'] : []), ...(i.conditional ? ['conditional'] : [])].join(' '));

describe('scanJsImports', () => {
  it('ES modules: static imports, re-exports, dynamic imports with literals; import.meta is none', () => {
    const text = "import a from 'a';\nimport 'b';\nexport * from \"c\";\nexport { d } from 'd/sub';\nconst e = await import('e');\nimport(name);\nimport('f').catch(() => null);\nconsole.log(import.meta.url);\n";
    const model = scanJsImports(text);
    expect(short(model.imports)).toEqual(['import a', 'import b', 'export c', 'export d/sub', 'dynamic e', 'dynamic <expr>', 'dynamic f guarded']);
    expect(model.unread).toBeNull();
    // spans cover the quoted specifier; lines are 1-based
    const first = model.imports[0];
    expect(first && text.slice(first.span.start, first.span.end)).toBe("'a'");
    expect(model.imports.map((i) => i.line)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('CommonJS: require with a literal or a plain template; try blocks guard, conditions condition; require.resolve is no import', () => {
    const text = [
      "const x = require('x');",
      'const y = require(`y`);',
      'const z = require(`z-${v}`);',
      "try { require('opt'); } catch { /* optional */ }",
      "if (process.env.DEBUG) require('debug-only');",
      "const w = flag && require('maybe');",
      "function later() { return require('lazy'); }",
      "try { later = () => require('not-guarded'); } catch {}",
      "require.resolve('resolved');",
      'return;', // CommonJS allows a top-level return
    ].join('\n');
    expect(short(scanJsImports(text).imports)).toEqual([
      'require x', 'require y', 'require <expr>', 'require opt guarded', 'require debug-only conditional', 'require maybe conditional', 'require lazy', 'require not-guarded',
    ]);
  });

  it('a module that also requires (createRequire) gives both', () => {
    expect(short(scanJsImports("import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\nconst pg = require('pg');\n").imports)).toEqual(['import node:module', 'require pg']);
  });

  it('TypeScript: import type and all-type named imports are type-only; imports with bindings may be elided; side effects stay', () => {
    const text = "import type { A } from 'a';\nimport { type B, type C } from 'b';\nimport { type D, E } from 'd';\nimport F from 'f';\nimport 'g';\nexport * from 'h';\nconst i = await import('i');\n";
    expect(short(scanJsImports(text, true).imports)).toEqual(['import a type', 'import b type', 'import d elidable', 'import f elidable', 'import g', 'export h', 'dynamic i']);
  });

  it('a file acorn cannot parse (JSX) says its requires were not read, and keeps what the lexer found', () => {
    const model = scanJsImports("const React = require('react');\nmodule.exports = () => <div />;\n");
    expect(model.imports).toEqual([]);
    expect(model.unread).toBe('acorn could not parse the file, so its require() calls were not read');
  });

  it('never throws on garbage', () => {
    expect(() => scanJsImports('import {{{ from "\n require(')).not.toThrow();
    expect(scanJsImports('').imports).toEqual([]);
  });
});
