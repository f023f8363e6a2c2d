// Plain-data lines for the screen: the app measures and truncates here, so every pane has an
// exact height and the screen fits 80x24. Pure; no ink.
import type { Severity } from '../findings/types.js';
import type { Finding } from '../findings/types.js';
import type { RuleMeta } from '../rules/define-rule.js';

export type Color = 'red' | 'green' | 'yellow' | 'blue' | 'cyan' | 'magenta' | 'gray';

export interface Segment {
  readonly text: string;
  readonly color?: Color;
  readonly dim?: boolean;
  readonly bold?: boolean;
  readonly inverse?: boolean;
}

export type Line = readonly Segment[];

export const SEVERITY_COLOR: Readonly<Record<Severity, Color>> = { error: 'red', warning: 'yellow', info: 'blue' };

export function lineLength(line: Line): number {
  return line.reduce((n, s) => n + [...s.text].length, 0);
}

/** Cuts a line to `width` characters, ending with "…" when something was cut. */
export function truncate(line: Line, width: number): Line {
  if (width <= 0) return [];
  if (lineLength(line) <= width) return line;
  const out: Segment[] = [];
  let room = width - 1;
  for (const segment of line) {
    if (room <= 0) break;
    const chars = [...segment.text];
    out.push({ ...segment, text: chars.slice(0, room).join('') });
    room -= Math.min(room, chars.length);
  }
  out.push({ text: '…', dim: true });
  return out;
}

/** Word-wraps plain text to `width`, splitting words longer than a line. */
export function wrap(text: string, width: number, indent = ''): string[] {
  const room = Math.max(1, width - indent.length);
  const out: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/ +/)) {
      let rest = word;
      while ([...rest].length > room) {
        if (line !== '') {
          out.push(indent + line);
          line = '';
        }
        const chars = [...rest];
        out.push(indent + chars.slice(0, room).join(''));
        rest = chars.slice(room).join('');
      }
      if (line === '') line = rest;
      else if ([...line].length + 1 + [...rest].length <= room) line += ` ${rest}`;
      else {
        out.push(indent + line);
        line = rest;
      }
    }
    out.push(indent + line);
  }
  return out;
}

export interface DocLine {
  readonly text: string;
  readonly style: 'heading' | 'code' | 'text';
}

const FENCE = /^\s*(```|~~~)/;
const LIST_ITEM = /^(\s*)([-*+]|\d+[.)])\s+(.*)$/;

/**
 * Rule documentation (markdown written with hard line breaks) for a pane `width` wide: each
 * paragraph and list item is joined and wrapped again to the width (list items with a hanging
 * indent), headings stand alone without their `#`s, and code (fenced or indented four spaces) and
 * tables keep their lines as written (the screen cuts what is too wide). Runs of blank lines become
 * one; none at either end.
 */
export function reflow(markdown: string, width: number, indent = ''): DocLine[] {
  const out: DocLine[] = [];
  let words: string[] = [];
  let first = ''; // the list marker, or ''
  const blank = (): void => {
    if (out.length > 0 && out[out.length - 1]?.text !== '') out.push({ text: '', style: 'text' });
  };
  const flush = (): void => {
    if (words.length === 0) return;
    const hanging = ' '.repeat([...first].length);
    wrap(words.join(' '), width - [...indent].length - hanging.length).forEach((text, i) => out.push({ text: `${indent}${i === 0 ? first : hanging}${text}`, style: 'text' }));
    words = [];
    first = '';
  };
  let fenced = false;
  for (const raw of markdown.split('\n')) {
    const line = raw.trimEnd();
    if (fenced || FENCE.test(line)) {
      flush();
      if (FENCE.test(line)) fenced = !fenced;
      out.push({ text: `${indent}${line}`, style: 'code' });
      continue;
    }
    if (line.trim() === '') {
      flush();
      blank();
      continue;
    }
    const heading = /^#{1,6}\s+(.*)$/.exec(line);
    if (heading) {
      flush();
      blank();
      out.push({ text: `${indent}${heading[1] ?? ''}`, style: 'heading' });
      continue;
    }
    if (/^\s*\|/.test(line) || (words.length === 0 && /^( {4,}|\t)/.test(line))) {
      flush();
      out.push({ text: `${indent}${line}`, style: 'code' });
      continue;
    }
    const item = LIST_ITEM.exec(line);
    if (item) {
      flush();
      first = `${item[1] ?? ''}${item[2] ?? ''} `;
      words = [item[3] ?? ''];
      continue;
    }
    words.push(line.trim());
  }
  flush();
  while (out.length > 0 && out[out.length - 1]?.text === '') out.pop();
  return out;
}

/**
 * A unified diff for the screen, coloured and compact: the three header lines of a file become one
 * line naming it, and only one line of context is kept around each change.
 */
export function diffLines(patch: string): Line[] {
  const all = patch
    .replace(/\n$/, '')
    .split('\n')
    .filter((text) => !text.startsWith('--- ') && !text.startsWith('+++ '));
  const change = (i: number): boolean => /^[+-]/.test(all[i] ?? '');
  return all
    .filter((text, i) => !text.startsWith(' ') || change(i - 1) || change(i + 1))
    .map((text): Line => {
      const header = /^diff --git a\/(.*) b\/.*$/.exec(text);
      if (header) return [{ text: `  ${header[1] ?? ''}`, bold: true }];
      if (text.startsWith('@@')) return [{ text, color: 'cyan' }];
      if (text.startsWith('+')) return [{ text, color: 'green' }];
      if (text.startsWith('-')) return [{ text, color: 'red' }];
      return [{ text }];
    });
}

export interface DetailInput {
  readonly finding: Finding;
  readonly meta: RuleMeta | undefined;
  readonly patch: string;
  readonly selected: boolean;
}

/** The detail pane of one finding: message, evidence chain, fix preview, rule documentation. */
export function detailLines({ finding, meta, patch, selected }: DetailInput, width: number): Line[] {
  const lines: Line[] = [];
  const where = `${finding.file}:${finding.line}:${finding.column}`;
  lines.push([
    { text: finding.severity, color: SEVERITY_COLOR[finding.severity], bold: true },
    { text: ' ' },
    { text: `${finding.ruleId} ${finding.ruleName}`, bold: true },
    { text: `  ${where}${finding.service ? `  service ${finding.service}` : ''}`, dim: true },
  ]);
  for (const text of wrap(finding.message, width)) lines.push([{ text }]);
  if (finding.evidence.length > 0) {
    for (const e of finding.evidence) {
      const [first = '', ...rest] = wrap(`${e.file}:${e.line} ${e.message}`, width, '     ');
      lines.push([{ text: `  -> `, dim: true }, { text: first.slice(5), color: 'cyan' }]);
      for (const more of rest) lines.push([{ text: more, dim: true }]);
    }
  }
  if (finding.fix) {
    const state = finding.fix.applicability === 'display-only' ? 'suggestion, not applied' : selected ? 'selected' : 'space selects';
    lines.push([{ text: `Fix (${finding.fix.applicability}): `, bold: true }, { text: finding.fix.title }, { text: ` [${state}]`, color: selected ? 'green' : 'gray' }]);
    if (patch !== '') lines.push(...diffLines(patch));
  } else {
    lines.push([{ text: 'No automatic fix', dim: true }]);
  }
  if (meta) {
    lines.push([{ text: `Rule ${meta.id} ${meta.name}`, bold: true }, { text: ` (${meta.category}, fix: ${meta.fix})`, dim: true }]);
    for (const doc of reflow(meta.docs.trim(), width, '  ')) {
      if (doc.text === '') lines.push([]);
      else lines.push([doc.style === 'heading' ? { text: doc.text, bold: true } : doc.style === 'code' ? { text: doc.text, color: 'cyan' } : { text: doc.text }]);
    }
  }
  return lines;
}
