// A nesting limit for YAML, checked on the `yaml` package's CST before anything builds nodes.
// The CST parser keeps its own stack, but the Composer (CST -> nodes) recurses once per level and
// overflows V8's stack near 1,000 levels. Catching that RangeError is not enough: an overflow that
// lands inside V8's native code (compiling a RegExp, say) aborts the whole process, which CI saw
// once as a test worker dying. So a document nested deeper than any real file is refused here.
import type { CST } from 'yaml';

/** Far beyond any compose or config file (they nest under 15), far below the ~1,000 that overflows. */
export const MAX_YAML_DEPTH = 128;

const COLLECTIONS = new Set(['block-map', 'block-seq', 'flow-collection']);

/** Offset of the first collection nested deeper than `limit` in these CST tokens, or null. */
export function yamlTooDeepAt(tokens: readonly CST.Token[], limit = MAX_YAML_DEPTH): number | null {
  const stack: { node: unknown; depth: number }[] = tokens.map((node) => ({ node, depth: 0 }));
  while (stack.length > 0) {
    const { node, depth } = stack.pop() as { node: unknown; depth: number };
    if (node === null || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      for (const child of node) if (child !== null && typeof child === 'object') stack.push({ node: child, depth });
      continue;
    }
    const token = node as Record<string, unknown>;
    const inner = COLLECTIONS.has(token['type'] as string) ? depth + 1 : depth;
    if (inner > limit) return typeof token['offset'] === 'number' ? token['offset'] : 0;
    for (const key in token) {
      const child = token[key];
      if (child !== null && typeof child === 'object') stack.push({ node: child, depth: inner });
    }
  }
  return null;
}
