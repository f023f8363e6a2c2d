// Where the members of a JSON object are in its text, for fixes that edit package.json in place.
// acorn reads the text as an ECMAScript expression (JSON is one), so every span is a real parser's;
// it is loaded on first use, as by js-imports.ts.
import { createRequire } from 'node:module';
import type { Node, Options } from 'acorn';
import type { Span } from '../findings/types.js';

export interface JsonMember {
  readonly key: string;
  /** The whole `"key": value`. */
  readonly span: Span;
  /** The value; an object's members are listed when it is one. */
  readonly value: Span;
  readonly members: readonly JsonMember[] | null;
}

interface Acorn {
  parseExpressionAt(input: string, pos: number, options: Options): Node;
}

let acorn: Acorn | undefined;

type ObjectNode = Node & { properties: (Node & { key: Node & { value?: unknown; name?: string }; value: Node })[] };

/** The members of the top-level object of a JSON text; null when it is not an object acorn can read. */
export function jsonMembers(text: string): readonly JsonMember[] | null {
  acorn ??= createRequire(import.meta.url)('acorn') as Acorn;
  let tree: Node;
  try {
    const start = text.search(/\S/);
    tree = acorn.parseExpressionAt(text, Math.max(0, start), { ecmaVersion: 'latest' });
  } catch {
    return null;
  }
  return tree.type === 'ObjectExpression' ? membersOf(tree as ObjectNode) : null;
}

function membersOf(node: ObjectNode): JsonMember[] {
  const out: JsonMember[] = [];
  for (const property of node.properties) {
    if (property.type !== 'Property') continue;
    const key = typeof property.key.value === 'string' ? property.key.value : (property.key.name ?? '');
    const value = property.value;
    out.push({ key, span: { start: property.start, end: property.end }, value: { start: value.start, end: value.end }, members: value.type === 'ObjectExpression' ? membersOf(value as ObjectNode) : null });
  }
  return out;
}
