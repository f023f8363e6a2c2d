// docker-compose parser: the `yaml` package's node tree (never `toJS()`), walked so that every value
// keeps its source range.
//
// Design notes (the parts the contract in ./types.ts leaves open):
// - Documents: what `parseAllDocuments` does (Parser + Composer, `merge: true`), done by hand so
//   the one CST pass also yields the comments. `uniqueKeys: false` because yaml's duplicate-key
//   check is quadratic in a mapping's size; duplicates are reported by our alias pass instead.
//   Only the first document is read; more documents give one info diagnostic. YAML errors and
//   warnings of every document are reported, on one line each.
// - Aliases are resolved by our own single pass (not `Alias.resolve`, which rescans the whole
//   document per call). An anchor becomes visible when its node is complete, so an alias inside
//   its own anchored node is unresolved (an error, as in Docker Compose) and alias graphs can't
//   have cycles. The same pass sums how many nodes alias expansion would add; beyond a budget
//   (an alias bomb) aliases are not expanded at all and one error is reported.
//   `maxAliasCount` is a `toJS()` option only, so that budget replaces it here.
// - `<<` merge keys are applied by `mapEntries`: explicit keys win over merged ones, earlier merge
//   sources win over later ones, nested merges are followed. Merged values keep the ranges of the
//   anchor's text. Duplicate explicit keys (a YAML error, reported) resolve to the last one.
// - Spans are `[start, valueEnd]` of a node. For block collections and block scalars the end is
//   trimmed to the end of the last value, so it never includes trailing comments or line breaks.
//   A value that came through an alias spans the anchored text, except list items and environment
//   entries, whose spans cover the item as written in the list (possibly `*alias`): what deleting
//   the entry removes. Quoted items are covered including their quotes.
// - Non-string scalars (numbers, booleans) read as the text written (`1.10` stays '1.10').
// - Comments for directives come from the yaml CST (so `#` inside quoted and block scalars is
//   never mistaken for a comment).
import {
  Composer,
  Parser,
  LineCounter,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type Alias,
  type Document,
  type Node as YamlNode,
  type Pair,
  type Scalar,
  type YAMLMap,
  type CST,
} from 'yaml';
import { MAX_YAML_DEPTH, yamlTooDeepAt } from '../util/yaml-depth.js';
import type { Span } from '../findings/types.js';
import { LineIndex } from '../source.js';
import { readDirective } from './directives.js';
import { COMPOSE_WORDS, splitShellWords } from './shell.js';
import type { ComposeCommand, ComposeFileModel, ComposeScalar, ComposeService, Directive, ParseDiagnostic } from './types.js';

/**
 * Nodes that alias expansion may add before the file is treated as an alias bomb: this floor, or
 * ALIAS_EXPANSION_FACTOR times the nodes written, whichever is larger (heavy but honest `<<` use
 * stays far below; a 9-level billion-laughs file expands to ~4e8 nodes).
 */
const MIN_ALIAS_EXPANSION = 200_000;
const ALIAS_EXPANSION_FACTOR = 4;
/** Nesting limit for `<<` merges (no cycles are possible; this only bounds recursion). */
const MAX_MERGE_DEPTH = 64;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Severity = ParseDiagnostic['severity'];
type Entry = { readonly key: string; readonly keyNode: YamlNode; readonly value: YamlNode | null };

class Context {
  readonly diagnostics: ParseDiagnostic[] = [];
  /** Alias -> the anchored node it refers to (null: unresolved). */
  readonly aliases = new Map<Alias, YamlNode | null>();
  aliasesDisabled = false;

  constructor(
    readonly text: string,
    readonly lc: LineCounter,
  ) {}

  private index: LineIndex | null = null;

  pos(offset: number): { line: number; column: number } {
    // Our own index, not yaml's LineCounter: the latter misses lines after some syntax errors.
    this.index ??= new LineIndex(this.text);
    return this.index.position(offset);
  }

  line(offset: number): number {
    return this.pos(offset).line;
  }

  diag(message: string, raw: Span, severity: Severity = 'error'): void {
    // yaml reports some errors (e.g. at end of input) one past the text: clamp into it.
    const start = Math.max(0, Math.min(raw.start, this.text.length));
    const span = { start, end: Math.max(start, Math.min(raw.end, this.text.length)) };
    const { line, column } = this.pos(span.start);
    this.diagnostics.push({ message, line, column, span, severity });
  }

  diagAt(node: unknown, message: string, severity: Severity = 'error'): void {
    this.diag(message, isNode(node) ? this.span(node) : { start: 0, end: 0 }, severity);
  }

  /** Follows an alias to its anchored node; null for unresolved aliases or when disabled. */
  deref(node: unknown): YamlNode | null {
    if (isAlias(node)) {
      if (this.aliasesDisabled) return null;
      return this.aliases.get(node) ?? null;
    }
    return isNode(node) ? node : null;
  }

  start(node: YamlNode): number {
    return node.range?.[0] ?? 0;
  }

  /** End of the value text: without trailing comments, and for block nodes without trailing blanks. */
  valueEnd(node: YamlNode): number {
    const range = node.range;
    if (!range) return 0;
    let end = range[1];
    if (isScalar(node)) {
      if (node.type === 'BLOCK_FOLDED' || node.type === 'BLOCK_LITERAL') end = this.trimEnd(range[0], end);
      return end;
    }
    if ((isMap(node) || isSeq(node)) && !node.flow) {
      const last = node.items[node.items.length - 1];
      if (last === undefined) return this.trimEnd(range[0], end);
      if (isMap(node)) {
        const pair = last as Pair<unknown, unknown>;
        let e = isNode(pair.key) ? this.valueEnd(pair.key) : range[0];
        if (isNode(pair.value) && pair.value.range) e = Math.max(e, this.valueEnd(pair.value));
        return e;
      }
      return isNode(last) ? this.valueEnd(last) : this.trimEnd(range[0], end);
    }
    return end;
  }

  span(node: YamlNode): Span {
    const start = this.start(node);
    return { start, end: Math.max(start, this.valueEnd(node)) };
  }

  source(node: YamlNode): string {
    const s = this.span(node);
    return this.text.slice(s.start, s.end);
  }

  private trimEnd(start: number, end: number): number {
    let e = end;
    while (e > start && /\s/.test(this.text[e - 1] ?? '')) e--;
    return e;
  }
}

function isNode(value: unknown): value is YamlNode {
  return isAlias(value) || isScalar(value) || isMap(value) || isSeq(value);
}

function isMergeKey(key: unknown): boolean {
  return isScalar(key) && typeof key.value === 'symbol';
}

/** A scalar's text: strings as they are, other values as written (`1.10`, `true`); null for null. */
function scalarText(node: Scalar): string | null {
  const v = node.value;
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof node.source === 'string' && node.source.length > 0) return node.source;
  return String(v);
}

function oneLine(message: string): string {
  const first = message.split(/\r?\n/)[0] ?? '';
  return first.replace(/\s+at line \d+, column \d+:?\s*$/, '').trim();
}

// ---------------------------------------------------------------- alias pass

/**
 * Resolves every alias in document order, reports unresolved ones and detects alias bombs.
 * Also reports duplicate mapping keys (the parser runs with `uniqueKeys: false`, whose own check
 * is quadratic in the number of keys of a mapping).
 */
function resolveAliases(ctx: Context, root: unknown): void {
  const anchors = new Map<string, YamlNode>();
  const sizes = new Map<YamlNode, number>();
  let expansion = 0;
  let written = 0;
  const aliasNodes: { alias: Alias; expansion: number }[] = [];

  const walk = (node: unknown): number => {
    if (isAlias(node)) {
      const target = anchors.get(node.source) ?? null;
      ctx.aliases.set(node, target);
      if (target === null) {
        ctx.diagAt(node, `unresolved alias *${node.source} (the anchor must be defined before the alias)`);
        return 1;
      }
      const size = sizes.get(target) ?? 1;
      expansion += size;
      aliasNodes.push({ alias: node, expansion });
      return size;
    }
    written++;
    let size = 1;
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        size += walk(pair.key) + walk(pair.value);
        const k = pair.key;
        if (isScalar(k) && !isMergeKey(k)) {
          const text = scalarText(k) ?? '';
          if (seen.has(text)) ctx.diagAt(k, `invalid YAML: duplicate key "${text}" (the last one is used)`);
          seen.add(text);
        }
      }
    } else if (isSeq(node)) {
      for (const item of node.items) size += walk(item);
    } else if (!isScalar(node)) {
      return 0;
    }
    const anchor = (node as { anchor?: string }).anchor;
    if (typeof anchor === 'string' && anchor.length > 0) {
      anchors.set(anchor, node as YamlNode);
      sizes.set(node as YamlNode, size);
    }
    return size;
  };
  walk(root);
  const limit = Math.max(MIN_ALIAS_EXPANSION, ALIAS_EXPANSION_FACTOR * written);
  if (expansion > limit) {
    ctx.aliasesDisabled = true;
    const at = aliasNodes.find((a) => a.expansion > limit)?.alias ?? null;
    ctx.diagAt(at, `excessive alias expansion (more than ${limit} nodes; possible alias bomb): aliases were not expanded`);
  }
}

// ---------------------------------------------------------------- maps with merges

/** The entries of a mapping after applying `<<` merges; keys in insertion order. */
function mapEntries(ctx: Context, map: YAMLMap, depth = 0): Entry[] {
  const out = new Map<string, Entry>();
  for (const pair of map.items) {
    if (isMergeKey(pair.key)) {
      const value = ctx.deref(pair.value);
      const sources: unknown[] = isSeq(value) ? value.items : [pair.value];
      for (const raw of sources) {
        const src = ctx.deref(raw);
        if (!isMap(src)) {
          if (!(isAlias(raw) && ctx.deref(raw) === null)) {
            ctx.diagAt(raw ?? pair.key, 'invalid merge: `<<` needs a mapping or a list of mappings');
          }
          continue;
        }
        if (depth >= MAX_MERGE_DEPTH) {
          ctx.diagAt(raw, 'invalid merge: `<<` merges are nested too deeply');
          continue;
        }
        for (const e of mapEntries(ctx, src, depth + 1)) if (!out.has(e.key)) out.set(e.key, e);
      }
      continue;
    }
    const keyNode = ctx.deref(pair.key);
    if (!isScalar(keyNode)) continue;
    const key = scalarText(keyNode);
    if (key === null || !isNode(pair.key)) continue;
    out.set(key, { key, keyNode: pair.key, value: isNode(pair.value) ? pair.value : null });
  }
  return [...out.values()];
}

function entryMap(ctx: Context, map: YAMLMap): Map<string, Entry> {
  return new Map(mapEntries(ctx, map).map((e) => [e.key, e]));
}

/** The scalar text of a (possibly aliased) node, or null when absent / not a scalar. */
function textOf(ctx: Context, node: unknown): string | null {
  const n = ctx.deref(node);
  return isScalar(n) ? scalarText(n) : null;
}

// ---------------------------------------------------------------- shell words

interface ShellWord {
  readonly value: string;
  readonly start: number; // offsets of the raw word in the input, quotes included
  readonly end: number;
}

/** Splits a command string like a POSIX shell (quote removal, no expansion). */
export function shellSplit(input: string): ShellWord[] {
  return splitShellWords(input, COMPOSE_WORDS).map((t) => ({ value: t.value, start: t.span.start, end: t.span.end }));
}

// ---------------------------------------------------------------- field readers

function readScalarField(ctx: Context, field: string, node: unknown): ComposeScalar | null {
  const n = ctx.deref(node);
  if (!isScalar(n)) {
    if (n !== null) ctx.diagAt(n, `\`${field}\` must be a string`);
    return null;
  }
  const value = scalarText(n);
  if (value === null) return null;
  const span = ctx.span(n);
  return { value, line: ctx.line(span.start), span };
}

function locateWords(ctx: Context, node: Scalar, value: string): { value: string; span: Span | null }[] {
  const words = shellSplit(value);
  const range = node.range;
  if (!range) return words.map((w) => ({ value: w.value, span: null }));
  const [r0] = range;
  const r1 = ctx.valueEnd(node);
  const src = ctx.text.slice(r0, r1);
  const quoted = node.type === 'QUOTE_SINGLE' || node.type === 'QUOTE_DOUBLE';
  let base: number | null = null;
  if (node.type === 'PLAIN' && src === value) base = r0;
  else if (quoted && src.length >= 2 && !src.includes('\n') && src.slice(1, -1) === value) base = r0 + 1;
  if (base !== null) {
    const b = base;
    return words.map((w) => ({ value: w.value, span: { start: b + w.start, end: b + w.end } }));
  }
  // Not a verbatim copy (block scalar, folded plain scalar, escapes): search each raw word in order.
  let regionStart = r0;
  let regionEnd = r1;
  if (node.type === 'BLOCK_FOLDED' || node.type === 'BLOCK_LITERAL') {
    const nl = ctx.text.indexOf('\n', r0);
    regionStart = nl === -1 || nl >= r1 ? r1 : nl + 1;
  } else if (quoted) {
    regionStart = r0 + 1;
    regionEnd = Math.max(regionStart, r1 - 1);
  }
  const region = ctx.text.slice(regionStart, regionEnd);
  const boundary = (i: number): boolean => i < 0 || i >= region.length || /\s/.test(region[i] ?? '');
  let cursor = 0;
  return words.map((w) => {
    const raw = value.slice(w.start, w.end);
    if (raw.length === 0) return { value: w.value, span: null };
    let at = region.indexOf(raw, cursor);
    while (at !== -1 && !(boundary(at - 1) && boundary(at + raw.length))) at = region.indexOf(raw, at + 1);
    if (at === -1) return { value: w.value, span: null };
    cursor = at + raw.length;
    return { value: w.value, span: { start: regionStart + at, end: regionStart + at + raw.length } };
  });
}

function readCommand(ctx: Context, field: string, node: unknown): ComposeCommand | null {
  const n = ctx.deref(node);
  if (n === null) return null;
  if (isScalar(n)) {
    const value = scalarText(n);
    if (value === null) return null;
    const span = ctx.span(n);
    return { form: 'string', tokens: locateWords(ctx, n, value), raw: ctx.source(n), line: ctx.line(span.start), span };
  }
  if (isSeq(n)) {
    const tokens: { value: string; span: Span | null }[] = [];
    for (const item of n.items) {
      const v = ctx.deref(item);
      if (v !== null && !isScalar(v)) {
        ctx.diagAt(v, `\`${field}\` list items must be strings`);
        continue;
      }
      const value = v === null ? '' : (scalarText(v) ?? '');
      tokens.push({ value, span: isNode(item) && item.range ? ctx.span(item) : null });
    }
    const span = ctx.span(n);
    return { form: 'list', tokens, raw: ctx.source(n), line: ctx.line(span.start), span };
  }
  ctx.diagAt(n, `\`${field}\` must be a string or a list of strings`);
  return null;
}

function readBuild(ctx: Context, node: unknown): ComposeService['build'] {
  const n = ctx.deref(node);
  if (n === null) return null;
  const span = ctx.span(n);
  const line = ctx.line(span.start);
  if (isScalar(n)) {
    const context = scalarText(n);
    if (context === null) return null;
    return { context, dockerfile: null, target: null, args: {}, line, span };
  }
  if (!isMap(n)) {
    ctx.diagAt(n, '`build` must be a string or a mapping');
    return null;
  }
  const e = entryMap(ctx, n);
  const args: [string, string][] = []; // Object.fromEntries below: `__proto__` stays an own key
  const argsNode = ctx.deref(e.get('args')?.value);
  if (isMap(argsNode)) {
    for (const a of mapEntries(ctx, argsNode)) {
      const v = textOf(ctx, a.value);
      if (v !== null) args.push([a.key, v]); // `KEY:` without value: taken from the environment, not known statically
    }
  } else if (isSeq(argsNode)) {
    for (const item of argsNode.items) {
      const s = textOf(ctx, item);
      if (s === null) continue;
      const eq = s.indexOf('=');
      if (eq > 0) args.push([s.slice(0, eq), s.slice(eq + 1)]);
    }
  }
  return {
    context: textOf(ctx, e.get('context')?.value) ?? '.',
    dockerfile: textOf(ctx, e.get('dockerfile')?.value),
    target: textOf(ctx, e.get('target')?.value),
    args: Object.fromEntries(args),
    line,
    span,
  };
}

function readEnvironment(ctx: Context, node: unknown): ComposeService['environment'] {
  const n = ctx.deref(node);
  const out: Mutable<ComposeService['environment'][number]>[] = [];
  if (isMap(n)) {
    for (const e of mapEntries(ctx, n)) {
      const v = ctx.deref(e.value);
      let value: string | null = null;
      if (isScalar(v)) value = scalarText(v);
      else if (v !== null) ctx.diagAt(v, `environment variable ${e.key} must have a scalar value`);
      const start = ctx.start(e.keyNode);
      const end = e.value && e.value.range ? ctx.valueEnd(e.value) : ctx.valueEnd(e.keyNode);
      out.push({ key: e.key, value, line: ctx.line(start), span: { start, end: Math.max(start, end) } });
    }
  } else if (isSeq(n)) {
    for (const item of n.items) {
      const s = textOf(ctx, item);
      if (s === null || !isNode(item)) continue;
      const eq = s.indexOf('=');
      const span = ctx.span(item);
      out.push({ key: eq === -1 ? s : s.slice(0, eq), value: eq === -1 ? null : s.slice(eq + 1), line: ctx.line(span.start), span });
    }
  } else if (n !== null && !(isScalar(n) && n.value === null)) {
    ctx.diagAt(n, '`environment` must be a mapping or a list');
  }
  return out;
}

/** Splits at `:` outside `${...}` (values are not interpolated, so `${PORT:-80}:80` stays one part). */
function splitColons(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i] ?? '';
    if (c === '$' && s[i + 1] === '{') {
      depth++;
      cur += '${';
      i++;
    } else if (c === '}' && depth > 0) {
      depth--;
      cur += c;
    } else if (c === ':' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else {
      cur += c;
    }
  }
  parts.push(cur);
  return parts;
}

/** `[[host_ip:]published:]target[/protocol]` -> published/target (host and protocol dropped). */
export function parsePortShort(raw: string): { published: string | null; target: string | null } {
  let rest = raw.trim().replace(/\/[A-Za-z]+$/, '');
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    rest = close === -1 ? '' : rest.slice(close + 1).replace(/^:/, '');
  }
  const parts = splitColons(rest);
  const target = parts[parts.length - 1] ?? '';
  const published = parts.length >= 2 ? (parts[parts.length - 2] ?? '') : '';
  return { published: published === '' ? null : published, target: target === '' ? null : target };
}

function readPorts(ctx: Context, node: unknown, key = 'ports'): ComposeService['ports'] {
  const n = ctx.deref(node);
  const out: Mutable<ComposeService['ports'][number]>[] = [];
  if (!isSeq(n)) {
    if (n !== null && !(isScalar(n) && n.value === null)) ctx.diagAt(n, `\`${key}\` must be a list`);
    return out;
  }
  for (const item of n.items) {
    const v = ctx.deref(item);
    if (!isNode(item) || v === null) continue;
    const span = ctx.span(item);
    const line = ctx.line(span.start);
    if (isScalar(v)) {
      const raw = scalarText(v);
      if (raw === null) continue;
      out.push({ raw, ...parsePortShort(raw), line, span });
    } else if (isMap(v)) {
      const e = entryMap(ctx, v);
      const strip = (s: string | null): string | null => (s === null ? null : s.replace(/\/[A-Za-z]+$/, '') || null);
      out.push({
        raw: ctx.source(v),
        published: strip(textOf(ctx, e.get('published')?.value)),
        target: strip(textOf(ctx, e.get('target')?.value)),
        line,
        span,
      });
    }
  }
  return out;
}

function readHealthcheck(ctx: Context, node: unknown): ComposeService['healthcheck'] {
  const n = ctx.deref(node);
  if (n === null || (isScalar(n) && n.value === null)) return null;
  if (!isMap(n)) {
    ctx.diagAt(n, '`healthcheck` must be a mapping');
    return null;
  }
  const e = entryMap(ctx, n);
  const t = ctx.deref(e.get('test')?.value);
  let test: string[] | null = null;
  if (isSeq(t)) test = t.items.map((i) => textOf(ctx, i) ?? '');
  else if (isScalar(t)) {
    const s = scalarText(t);
    test = s === null ? null : ['CMD-SHELL', s];
  }
  const d = ctx.deref(e.get('disable')?.value);
  const disable = (isScalar(d) && (d.value === true || d.value === 'true')) || test?.[0] === 'NONE';
  const span = ctx.span(n);
  return { test, disable, line: ctx.line(span.start), span };
}

function volumeType(source: string): 'bind' | 'volume' {
  return /^[./~]/.test(source) || /^[A-Za-z]:[\\/]/.test(source) || source.includes('/') ? 'bind' : 'volume';
}

/** `source:target[:mode]` or `target` (an anonymous volume). */
export function parseVolumeShort(raw: string): { type: 'bind' | 'volume'; source: string | null; target: string | null } {
  const parts = splitColons(raw);
  if (/^[A-Za-z]:[\\/]/.test(raw) && parts.length >= 2) parts.splice(0, 2, `${parts[0]}:${parts[1]}`);
  if (parts.length === 1) return { type: 'volume', source: null, target: parts[0] || null };
  const source = parts[0] ?? '';
  return { type: volumeType(source), source: source || null, target: parts[1] || null };
}

function readVolumes(ctx: Context, node: unknown): ComposeService['volumes'] {
  const n = ctx.deref(node);
  const out: Mutable<ComposeService['volumes'][number]>[] = [];
  if (!isSeq(n)) {
    if (n !== null && !(isScalar(n) && n.value === null)) ctx.diagAt(n, '`volumes` must be a list');
    return out;
  }
  for (const item of n.items) {
    const v = ctx.deref(item);
    if (!isNode(item) || v === null) continue;
    const span = ctx.span(item);
    const line = ctx.line(span.start);
    if (isScalar(v)) {
      const raw = scalarText(v);
      if (raw === null) continue;
      out.push({ raw, ...parseVolumeShort(raw), line, span });
    } else if (isMap(v)) {
      const e = entryMap(ctx, v);
      const source = textOf(ctx, e.get('source')?.value);
      const declared = textOf(ctx, e.get('type')?.value);
      let type: 'bind' | 'volume' | 'tmpfs' | 'other';
      if (declared === 'bind' || declared === 'volume' || declared === 'tmpfs') type = declared;
      else if (declared !== null) type = 'other';
      else type = source === null ? 'volume' : volumeType(source);
      out.push({ raw: ctx.source(v), type, source, target: textOf(ctx, e.get('target')?.value), line, span });
    }
  }
  return out;
}

function readExtends(ctx: Context, node: unknown): ComposeService['extends'] {
  const n = ctx.deref(node);
  if (n === null || (isScalar(n) && n.value === null)) return null;
  const span = ctx.span(n);
  const line = ctx.line(span.start);
  if (isScalar(n)) {
    const service = scalarText(n);
    return service ? { service, file: null, line, span } : null;
  }
  if (!isMap(n)) {
    ctx.diagAt(n, '`extends` must be a service name or a mapping');
    return null;
  }
  const e = entryMap(ctx, n);
  const service = textOf(ctx, e.get('service')?.value);
  if (!service) {
    ctx.diagAt(n, '`extends` needs a `service`');
    return null;
  }
  return { service, file: textOf(ctx, e.get('file')?.value), line, span };
}

function readProfiles(ctx: Context, node: unknown): string[] {
  const n = ctx.deref(node);
  if (isSeq(n)) return n.items.map((i) => textOf(ctx, i)).filter((s): s is string => s !== null);
  if (isScalar(n)) {
    const s = scalarText(n);
    return s === null ? [] : [s];
  }
  if (n !== null) ctx.diagAt(n, '`profiles` must be a list');
  return [];
}

function readEnvFiles(ctx: Context, node: unknown): ComposeService['envFiles'] {
  const n = ctx.deref(node);
  const out: Mutable<ComposeService['envFiles'][number]>[] = [];
  const add = (item: unknown): void => {
    const v = ctx.deref(item);
    if (!isNode(v)) return;
    const span = ctx.span(v);
    if (isScalar(v)) {
      const path = scalarText(v);
      if (path) out.push({ path, required: true, line: ctx.line(span.start), span });
    } else if (isMap(v)) {
      const fields = entryMap(ctx, v);
      const pathNode = ctx.deref(fields.get('path')?.value ?? null);
      const path = isScalar(pathNode) ? scalarText(pathNode) : null;
      if (!path) ctx.diagAt(v, '`env_file` entry needs a `path`');
      else {
        const requiredNode = ctx.deref(fields.get('required')?.value ?? null);
        out.push({ path, required: !(isScalar(requiredNode) && String(requiredNode.value).toLowerCase() === 'false'), line: ctx.line(span.start), span });
      }
    } else ctx.diagAt(v, '`env_file` entries must be paths');
  };
  if (isSeq(n)) for (const item of n.items) add(item);
  else if (n !== null && !(isScalar(n) && n.value === null)) add(n);
  return out;
}

/**
 * Compose's merge tags (Compose Specification, "Merge and override": `!reset` removes what the
 * files below set, `!override` replaces it instead of merging). Declared so that yaml resolves them
 * (no "Unresolved tag" warning); readService reads which keys carry them.
 */
const COMPOSE_TAGS = (['!reset', '!override'] as const).flatMap((tag) => [
  { tag, resolve: (value: string): string => value },
  { tag, collection: 'map' as const, resolve: <T>(value: T): T => value },
  { tag, collection: 'seq' as const, resolve: <T>(value: T): T => value },
]);

/** The service keys whose merge tags the model keeps, by the model's field name. */
const MERGE_TAGGED: Readonly<Record<string, string>> = {
  build: 'build', image: 'image', command: 'command', entrypoint: 'entrypoint', environment: 'environment', ports: 'ports', expose: 'expose',
  healthcheck: 'healthcheck', volumes: 'volumes', profiles: 'profiles', env_file: 'envFiles', user: 'user', working_dir: 'workingDir',
};

/** The tag written on a node (`!reset`, `!override`), if any. */
function tagOf(node: YamlNode | null | undefined): string | undefined {
  return node && typeof node === 'object' && 'tag' in node ? (node as { tag?: string }).tag : undefined;
}

function readService(ctx: Context, name: string, keyNode: YamlNode, valueNode: YamlNode | null): ComposeService | null {
  const n = ctx.deref(valueNode);
  if (!isMap(n)) {
    ctx.diagAt(keyNode, `service "${name}" must be a mapping`);
    return null;
  }
  const e = entryMap(ctx, n);
  const reset = Object.keys(MERGE_TAGGED).filter((k) => tagOf(e.get(k)?.value) === '!reset');
  const override = Object.keys(MERGE_TAGGED).filter((k) => tagOf(e.get(k)?.value) === '!override');
  // `key: !reset …` unsets the key: this file sets nothing there, and the files below it neither.
  const get = (k: string): YamlNode | null => (reset.includes(k) ? null : (e.get(k)?.value ?? null));
  const nameSpan = ctx.span(keyNode);
  return {
    name,
    line: ctx.line(nameSpan.start),
    nameSpan,
    build: readBuild(ctx, get('build')),
    image: readScalarField(ctx, 'image', get('image')),
    command: readCommand(ctx, 'command', get('command')),
    entrypoint: readCommand(ctx, 'entrypoint', get('entrypoint')),
    environment: readEnvironment(ctx, get('environment')),
    ports: readPorts(ctx, get('ports')),
    expose: readPorts(ctx, get('expose'), 'expose'),
    healthcheck: readHealthcheck(ctx, get('healthcheck')),
    volumes: readVolumes(ctx, get('volumes')),
    profiles: readProfiles(ctx, get('profiles')),
    envFiles: readEnvFiles(ctx, get('env_file')),
    user: readScalarField(ctx, 'user', get('user')),
    workingDir: readScalarField(ctx, 'working_dir', get('working_dir')),
    extends: readExtends(ctx, get('extends')),
    ...(reset.length > 0 ? { reset: reset.map((k) => MERGE_TAGGED[k] as string) } : {}),
    ...(override.length > 0 ? { override: override.map((k) => MERGE_TAGGED[k] as string) } : {}),
  };
}

function readServices(ctx: Context, doc: Document.Parsed): ComposeService[] {
  const services: ComposeService[] = [];
  const root = ctx.deref(doc.contents);
  if (root === null || (isScalar(root) && root.value === null)) return services;
  if (!isMap(root)) {
    ctx.diagAt(root, 'the compose file must be a mapping');
    return services;
  }
  const top = mapEntries(ctx, root);
  const servicesEntry = top.find((t) => t.key === 'services');
  let candidates: Entry[];
  let v1 = false;
  if (servicesEntry) {
    const s = ctx.deref(servicesEntry.value);
    if (s === null || (isScalar(s) && s.value === null)) return services;
    if (!isMap(s)) {
      ctx.diagAt(s, '`services` must be a mapping');
      return services;
    }
    candidates = mapEntries(ctx, s);
  } else {
    // Compose file format v1: services at the top level.
    candidates = top;
    v1 = true;
  }
  for (const c of candidates) {
    if (c.key.startsWith('x-')) continue;
    // `worker: !reset` in an override file removes the service the files below define: nothing
    // of it is read here (what the base file defines is read there), and it is not malformed.
    if (tagOf(c.value) === '!reset') continue;
    if (v1) {
      const m = ctx.deref(c.value);
      if (!isMap(m)) continue;
      const keys = entryMap(ctx, m);
      if (!keys.has('image') && !keys.has('build')) continue;
    }
    try {
      const svc = readService(ctx, c.key, c.keyNode, c.value);
      if (svc) services.push(svc);
    } catch (err) {
      ctx.diagAt(c.keyNode, `internal error while reading service "${c.key}": ${errorText(err)}`);
    }
  }
  return services;
}

// ---------------------------------------------------------------- directives

type Comment = { offset: number; source: string };

/** Collects every comment token of one CST token (never `#` inside scalars). */
function collectComments(token: CST.Token, out: Comment[]): void {
  const stack: unknown[] = [token];
  while (stack.length > 0) {
    const t = stack.pop();
    if (t === null || typeof t !== 'object') continue;
    if (Array.isArray(t)) {
      for (const x of t) if (x !== null && typeof x === 'object') stack.push(x);
      continue;
    }
    const tok = t as Record<string, unknown>;
    if (tok['type'] === 'comment' && typeof tok['offset'] === 'number' && typeof tok['source'] === 'string') {
      out.push({ offset: tok['offset'], source: tok['source'] });
      continue;
    }
    for (const k in tok) {
      const v = tok[k];
      if (v !== null && typeof v === 'object') stack.push(v);
    }
  }
}

/** Turns `# driftcheck: ignore[...]` comments into directives. */
function readDirectives(ctx: Context, comments: Comment[]): Directive[] {
  const { text } = ctx;
  comments.sort((a, b) => a.offset - b.offset);
  const starts = lineStarts(text);
  // nextCode[i]: the first 1-based line at or after 0-based line i that is neither blank nor a comment.
  const nextCode: (number | null)[] = new Array<number | null>(starts.length + 1).fill(null);
  for (let i = starts.length - 1; i >= 0; i--) {
    const t = text.slice(starts[i] ?? text.length, starts[i + 1] ?? text.length).trim();
    nextCode[i] = t === '' || t.startsWith('#') ? (nextCode[i + 1] ?? null) : i + 1;
  }
  const out: Directive[] = [];
  for (const c of comments) {
    const source = c.source.replace(/\r$/, '');
    if (!source.includes('driftcheck')) continue; // hadolint comments mean nothing in compose files
    const commentLine = ctx.line(c.offset);
    const lineStart = starts[commentLine - 1] ?? 0;
    const ownLine = text.slice(lineStart, c.offset).trim() === '';
    const line = ownLine ? (nextCode[commentLine] ?? commentLine) : commentLine;
    const d = readDirective(source, c.offset, commentLine, line);
    if (d && d.source === 'driftcheck') out.push(d);
  }
  return out;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function errorText(err: unknown): string {
  return oneLine(err instanceof Error ? err.message : String(err));
}

// ---------------------------------------------------------------- entry point

/** A Jinja/Django template placeholder or tag: `{{ name }}`, `{% if %}`. */
const TEMPLATE_PLACEHOLDER = /\{\{[^{}\n]*\}\}|\{%[^%\n]*%\}/;

/** The line of `text` holding offset `at`. */
function lineAt(text: string, at: number): string {
  const start = text.lastIndexOf('\n', Math.max(0, at - 1)) + 1;
  const end = text.indexOf('\n', at);
  return text.slice(start, end === -1 ? text.length : end);
}

export function parseCompose(text: string): ComposeFileModel {
  const lc = new LineCounter();
  const ctx = new Context(text, lc);
  const comments: Comment[] = [];
  let services: ComposeService[] = [];
  const yamlError = (e: { message: string; pos: [number, number] }, severity: Severity = 'error'): void => {
    // On a line with a template placeholder (`name: {{project_name}}_data` in a `django-admin
    // startproject --template` tree), the YAML is valid only once rendered: not a broken file.
    if (severity === 'error' && TEMPLATE_PLACEHOLDER.test(lineAt(text, e.pos[0]))) {
      ctx.diag(`YAML: ${oneLine(e.message)} (on a line with a {{ … }} template placeholder: the file is valid only once rendered)`, { start: e.pos[0], end: e.pos[1] }, 'info');
      return;
    }
    ctx.diag(`${severity === 'error' ? 'invalid YAML' : 'YAML'}: ${oneLine(e.message)}`, { start: e.pos[0], end: e.pos[1] }, severity);
  };
  try {
    // What parseAllDocuments does, with the CST read on the way for comments (one parse).
    const tokens = [...new Parser(lc.addNewLine).parse(text)];
    for (const token of tokens) collectComments(token, comments);
    const tooDeep = yamlTooDeepAt(tokens);
    if (tooDeep !== null) {
      ctx.diag(`YAML nested deeper than ${MAX_YAML_DEPTH} levels; the file is not read`, { start: tooDeep, end: tooDeep });
      return finish(ctx, [], readDirectivesSafely(ctx, comments));
    }
    const composer = new Composer({ merge: true, uniqueKeys: false, prettyErrors: false, customTags: COMPOSE_TAGS });
    const docs = [...composer.compose(tokens)];
    if (docs.length === 0) {
      const info = composer.streamInfo();
      for (const e of info.errors) yamlError(e);
      for (const w of info.warnings) yamlError(w, 'warning');
    }
    for (const doc of docs) {
      for (const e of doc.errors) yamlError(e);
      for (const w of doc.warnings) yamlError(w, 'warning');
    }
    const second = docs[1];
    if (second) {
      const at = second.range[0];
      ctx.diag(`the file has ${docs.length} YAML documents; only the first is read`, { start: at, end: at }, 'info');
    }
    const first = docs[0];
    if (first) {
      resolveAliases(ctx, first.contents);
      services = readServices(ctx, first);
    }
  } catch (err) {
    ctx.diag(`internal error while reading compose file: ${errorText(err)}`, { start: 0, end: 0 });
  }
  return finish(ctx, services, readDirectivesSafely(ctx, comments));
}

function readDirectivesSafely(ctx: Context, comments: Comment[]): Directive[] {
  try {
    return readDirectives(ctx, comments);
  } catch (err) {
    ctx.diag(`internal error while reading comments: ${errorText(err)}`, { start: 0, end: 0 });
    return [];
  }
}

function finish(ctx: Context, services: ComposeService[], directives: Directive[]): ComposeFileModel {
  const diagnostics = [...ctx.diagnostics].sort((a, b) => a.span.start - b.span.start);
  return { services, directives, diagnostics };
}

// ---------------------------------------------------------------- interpolation

/** Thrown by `interpolate` for `${VAR:?err}` / `${VAR?err}` on a missing variable, and for bad syntax. */
export class InterpolationError extends Error {
  override readonly name = 'InterpolationError';
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/**
 * Compose variable interpolation: `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
 * `${VAR:?err}`, `${VAR?err}`, `${VAR:+alt}`, `${VAR+alt}`, and `$$` for a literal `$`.
 * Defaults/alternatives are interpolated themselves (nesting works). Unset variables give ''.
 * A `$` not followed by a name or `{` stays literal. Throws InterpolationError for `?` forms on a
 * missing variable and for an unterminated or malformed `${...}`.
 */
export function interpolate(value: string, env: Readonly<Record<string, string>>): string {
  let out = '';
  let i = 0;
  while (i < value.length) {
    const c = value[i];
    if (c !== '$') {
      const next = value.indexOf('$', i);
      const stop = next === -1 ? value.length : next;
      out += value.slice(i, stop);
      i = stop;
      continue;
    }
    const next = value[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
    } else if (next === '{') {
      const close = matchingBrace(value, i + 2);
      if (close === -1) throw new InterpolationError(`invalid interpolation format: unterminated "${value.slice(i)}"`);
      out += expandBraced(value.slice(i + 2, close), env);
      i = close + 1;
    } else {
      const m = NAME.exec(value.slice(i + 1));
      if (m) {
        out += lookup(env, m[0]) ?? '';
        i += 1 + m[0].length;
      } else {
        out += '$';
        i += 1;
      }
    }
  }
  return out;
}

function lookup(env: Readonly<Record<string, string>>, name: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(env, name) ? env[name] : undefined;
}

function matchingBrace(s: string, from: number): number {
  let depth = 0;
  for (let j = from; j < s.length; j++) {
    const c = s[j];
    if (c === '$' && s[j + 1] === '$') j++;
    else if (c === '$' && s[j + 1] === '{') {
      depth++;
      j++;
    } else if (c === '}') {
      if (depth === 0) return j;
      depth--;
    }
  }
  return -1;
}

function expandBraced(inner: string, env: Readonly<Record<string, string>>): string {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([\s\S]*))?$/.exec(inner);
  if (!m) throw new InterpolationError(`invalid interpolation format: "\${${inner}}"`);
  const name = m[1] ?? '';
  const op = m[2];
  const arg = m[3] ?? '';
  const found = lookup(env, name);
  const set = found !== undefined;
  const v = found ?? '';
  const nonEmpty = v !== '';
  switch (op) {
    case undefined:
      return v;
    case ':-':
      return nonEmpty ? v : interpolate(arg, env);
    case '-':
      return set ? v : interpolate(arg, env);
    case ':+':
      return nonEmpty ? interpolate(arg, env) : '';
    case '+':
      return set ? interpolate(arg, env) : '';
    case ':?':
    case '?':
      if (op === ':?' ? nonEmpty : set) return v;
      throw new InterpolationError(`required variable ${name} is missing a value${arg ? `: ${interpolate(arg, env)}` : ''}`);
    default:
      return v;
  }
}
