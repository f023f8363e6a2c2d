// Builders for the text edits fixes carry. They only compute ranges; the fix engine applies them.
import type { Span, TextEdit } from '../findings/types.js';
import type { SourceFile } from '../source.js';
import { jsonMembers, type JsonMember } from '../parsers/json-spans.js';

/** A lone `\r` ends a line too (see LineIndex): appending after it needs no extra break. */
function endsWithBreak(text: string): boolean {
  return text.endsWith('\n') || text.endsWith('\r');
}

/** Appends a line at the end of a file, adding the missing final newline first. */
export function appendLine(file: SourceFile, line: string): TextEdit {
  const needsBreak = file.text.length > 0 && !endsWithBreak(file.text);
  return { file: file.path, start: file.text.length, end: file.text.length, text: `${needsBreak ? file.eol : ''}${line}${file.eol}` };
}

/** Inserts a whole line after 1-based line `afterLine`. */
export function insertLineAfter(file: SourceFile, afterLine: number, line: string): TextEdit {
  const span = file.lines.lineSpan(afterLine);
  const atEnd = span.end === file.text.length && !endsWithBreak(file.text);
  return { file: file.path, start: span.end, end: span.end, text: atEnd ? `${file.eol}${line}` : `${line}${file.eol}` };
}

export function replaceSpan(file: SourceFile, span: Span, text: string): TextEdit {
  return { file: file.path, start: span.start, end: span.end, text };
}

const QUOTES = new Set(['"', "'"]);

/**
 * Removes one argument from a command, whatever its form: a shell word (with the blank before
 * it), a JSON/flow-list item (with its comma), or a block-list item (the whole line).
 */
export function removeArgument(file: SourceFile, span: Span): TextEdit {
  const text = file.text;
  let start = span.start;
  let end = span.end;
  if (QUOTES.has(text[start - 1] ?? '') && text[end] === text[start - 1]) {
    start--;
    end++;
  }
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  if (/^\s*-\s*$/.test(text.slice(lineStart, start))) {
    const lineEnd = text.indexOf('\n', end);
    return { file: file.path, start: lineStart, end: lineEnd === -1 ? text.length : lineEnd + 1, text: '' };
  }
  let before = start;
  while (before > 0 && (text[before - 1] === ' ' || text[before - 1] === '\t')) before--;
  if (text[before - 1] === ',') return { file: file.path, start: before - 1, end, text: '' };
  let after = end;
  while (after < text.length && (text[after] === ' ' || text[after] === '\t')) after++;
  if (text[after] === ',') {
    after++;
    while (after < text.length && (text[after] === ' ' || text[after] === '\t')) after++;
    return { file: file.path, start, end: after, text: '' };
  }
  // Alone on its line (a YAML folded block): remove the whole line, so no blank line is left
  // behind (in a `>` block a blank line would become a newline). Not after a `\` continuation,
  // where removing the line would join the next instruction onto this one.
  const lineEnd = text.indexOf('\n', end);
  const restOfLine = text.slice(end, lineEnd === -1 ? text.length : lineEnd).replace(/\r$/, '');
  const continued = /\\\r?\n$/.test(text.slice(Math.max(0, lineStart - 3), lineStart));
  if (before === lineStart && lineStart > 0 && restOfLine.trim() === '' && !continued) {
    return { file: file.path, start: lineStart, end: lineEnd === -1 ? text.length : lineEnd + 1, text: '' };
  }
  // A shell word: take the blank before it, or after it when it starts the command.
  if (before < start && !['[', '"', "'"].includes(text[before - 1] ?? '')) return { file: file.path, start: before, end, text: '' };
  return { file: file.path, start, end: after, text: '' };
}

/** Finds `token` as a whole argument inside `within` (a command's text); null when absent. */
export function findToken(file: SourceFile, within: Span, token: string): Span | null {
  const slice = file.text.slice(within.start, within.end);
  const pattern = new RegExp(`(^|[\\s"'\\[,])(${token.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')})(?=$|[\\s"'\\],=])`);
  const match = pattern.exec(slice);
  if (!match) return null;
  const start = within.start + match.index + (match[1]?.length ?? 0);
  return { start, end: start + token.length };
}

/**
 * Adds a dependency to a pyproject.toml: into PEP 621 `[project] dependencies = [...]` (one
 * item per line when the array is multi-line, inline otherwise), else as `name = "spec"` at
 * the end of `[tool.poetry.dependencies]`. Null when neither exists (nothing to edit safely).
 */
export function addPyprojectDependency(file: SourceFile, name: string, version: string | null): TextEdit | null {
  const text = file.text;
  const project = tableRange(text, 'project');
  if (project) {
    const key = /^[ \t]*dependencies[ \t]*=[ \t]*\[/m.exec(text.slice(project.start, project.end));
    if (key) {
      const open = project.start + key.index + key[0].length - 1;
      const close = closingBracket(text, open);
      if (close !== -1) return insertArrayItem(file, open, close, JSON.stringify(version ? `${name}==${version}` : name));
    }
  }
  const poetry = tableRange(text, 'tool.poetry.dependencies');
  if (!poetry) return null;
  const body = text.slice(poetry.start, poetry.end).replace(/\s+$/, '');
  const at = poetry.start + body.length;
  return { file: file.path, start: at, end: at, text: `${file.eol}${name} = ${JSON.stringify(version ?? '*')}` };
}

/**
 * Adds `item` (a requirement string) to the array `key = [...]` of table `[table]`
 * (`[project.optional-dependencies] test = [...]`, `[dependency-groups] dev = [...]`), or as
 * `name = "*"` at the end of a Poetry `[tool.poetry.group.X.dependencies]` table. Null when the
 * array or table is not written in that plain form.
 */
export function addPyprojectTableItem(file: SourceFile, section: string, name: string, version: string | null): TextEdit | null {
  const text = file.text;
  const poetry = /^tool\.poetry\.(group\.[^.]+\.dependencies|dev-dependencies)$/.test(section) ? tableRange(text, section) : null;
  if (poetry) {
    const body = text.slice(poetry.start, poetry.end).replace(/\s+$/, '');
    const at = poetry.start + body.length;
    return { file: file.path, start: at, end: at, text: `${file.eol}${name} = ${JSON.stringify(version ? `==${version}` : '*')}` };
  }
  const dot = section.lastIndexOf('.');
  if (dot < 0) return null;
  const range = tableRange(text, section.slice(0, dot));
  if (!range) return null;
  const key = section.slice(dot + 1).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const found = new RegExp(`^[ \\t]*["']?${key}["']?[ \\t]*=[ \\t]*\\[`, 'm').exec(text.slice(range.start, range.end));
  if (!found) return null;
  const open = range.start + found.index + found[0].length - 1;
  const close = closingBracket(text, open);
  return close === -1 ? null : insertArrayItem(file, open, close, JSON.stringify(version ? `${name}==${version}` : name));
}

/** The body of a `[name]` table: from after its header line to the next header or the end. */
function tableRange(text: string, name: string): { start: number; end: number } | null {
  const header = new RegExp(`^\\[[ \\t]*${name.replace(/\./g, '\\.')}[ \\t]*\\][^\\n]*\\n?`, 'm').exec(text);
  if (!header) return null;
  const start = header.index + header[0].length;
  const next = /^[ \t]*\[/m.exec(text.slice(start));
  return { start, end: next ? start + next.index : text.length };
}

/** Index of the `]` closing the array opened at `open`, skipping strings and comments. */
function closingBracket(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"' || ch === "'") {
      const end = text.indexOf(ch, i + 1);
      if (end === -1) return -1;
      i = end;
    } else if (ch === '#') {
      const end = text.indexOf('\n', i);
      if (end === -1) return -1;
      i = end;
    } else if (ch === '[') depth++;
    else if (ch === ']' && --depth === 0) return i;
  }
  return -1;
}

function insertArrayItem(file: SourceFile, open: number, close: number, item: string): TextEdit {
  const text = file.text;
  const inner = text.slice(open + 1, close);
  const last = inner.replace(/#[^\n]*/g, '').trimEnd();
  const needsComma = last.trim() !== '' && !last.endsWith(',');
  if (!inner.includes('\n')) {
    return { file: file.path, start: close, end: close, text: `${last.trim() === '' ? '' : needsComma ? ', ' : ' '}${item}` };
  }
  // Multi-line: a new line before the closing bracket, indented like the items.
  const lineStart = text.lastIndexOf('\n', close - 1) + 1;
  const indent = /\n([ \t]+)\S/.exec(inner)?.[1] ?? '    ';
  const commaAt = open + 1 + last.length;
  const closeLineIsBlank = text.slice(lineStart, close).trim() === '';
  const insertAt = closeLineIsBlank ? lineStart : close;
  const addition = `${closeLineIsBlank ? '' : file.eol}${indent}${item},${file.eol}`;
  if (!needsComma) return { file: file.path, start: insertAt, end: insertAt, text: addition };
  return { file: file.path, start: commaAt, end: insertAt, text: `,${text.slice(commaAt, insertAt)}${addition}` };
}

/**
 * Moves `name` from one dependency table of a package.json to another (`devDependencies` →
 * `dependencies`), keeping its range, the file's indentation and the target table's alphabetical
 * order; the target table is created before the source one when absent. Null when the file is not
 * a JSON object with that member.
 */
export function moveJsonDependency(file: SourceFile, from: string, to: string, name: string): TextEdit[] | null {
  const members = jsonMembers(file.text);
  const source = members?.find((m) => m.key === from);
  const list = source?.members;
  const index = list ? list.findIndex((m) => m.key === name) : -1;
  const member = list?.[index];
  if (!members || !source || !list || !member) return null;
  const edits: TextEdit[] = [];
  // Out of the source table, with its comma.
  const next = list[index + 1];
  const previous = list[index - 1];
  if (next) edits.push({ file: file.path, start: member.span.start, end: next.span.start, text: '' });
  else if (previous) edits.push({ file: file.path, start: previous.span.end, end: member.span.end, text: '' });
  else edits.push({ file: file.path, start: source.value.start, end: source.value.end, text: '{}' });
  const insert = insertJsonMember(file, members, to, name, file.text.slice(member.span.start, member.span.end), member.span.start, source.span.start);
  return insert ? [...edits, insert] : null;
}

/** Adds `"name": "range"` to a dependency table of a package.json (created at the end when absent); null when the file is not a JSON object. */
export function addJsonDependency(file: SourceFile, to: string, name: string, range: string): TextEdit | null {
  const members = jsonMembers(file.text);
  const last = members?.[members.length - 1];
  if (!members || !last) return null;
  return insertJsonMember(file, members, to, name, `${JSON.stringify(name)}: ${JSON.stringify(range)}`, last.span.start, null);
}

/**
 * The edit that puts `entry` into table `to` in alphabetical order, indented like `like` (an
 * offset on a member line); a new table goes before the member at `before`, or after the last one.
 */
function insertJsonMember(file: SourceFile, members: readonly JsonMember[], to: string, name: string, entry: string, like: number, before: number | null): TextEdit | null {
  const text = file.text;
  const eol = file.eol;
  const indentOf = (offset: number): string => {
    const lineStart = Math.max(text.lastIndexOf('\n', offset - 1), text.lastIndexOf('\r', offset - 1)) + 1;
    return /^[ \t]*/.exec(text.slice(lineStart, offset))?.[0] ?? '';
  };
  const target = members.find((m) => m.key === to);
  const top = members[0];
  const tableIndent = top ? indentOf(top.span.start) : '  ';
  const memberIndent = before === null ? `${tableIndent}${tableIndent}` : indentOf(like);
  if (!target) {
    const table = `"${to}": {${eol}${memberIndent}${entry}${eol}${tableIndent}}`;
    if (before !== null) return { file: file.path, start: before, end: before, text: `${table},${eol}${tableIndent}` };
    const last = members[members.length - 1];
    return last ? { file: file.path, start: last.span.end, end: last.span.end, text: `,${eol}${tableIndent}${table}` } : null;
  }
  const list = target.members;
  if (!list) return null;
  if (list.length === 0) return { file: file.path, start: target.value.start, end: target.value.end, text: `{${eol}${memberIndent}${entry}${eol}${indentOf(target.span.start)}}` };
  const after = list.find((m) => m.key > name);
  const last = list[list.length - 1];
  if (after) return { file: file.path, start: after.span.start, end: after.span.start, text: `${entry},${eol}${indentOf(after.span.start)}` };
  return last ? { file: file.path, start: last.span.end, end: last.span.end, text: `,${eol}${indentOf(last.span.start)}${entry}` } : null;
}
