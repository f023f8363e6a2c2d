// The findings list: headings and one line per finding, scrolled so the cursor stays in view.
import type { Finding } from '../../findings/types.js';
import { SEVERITY_COLOR, truncate, type Line } from '../format.js';
import { fixKey, fixMarker, selectable, type Row } from '../model.js';
import { Lines } from './line.js';

export interface ListProps {
  readonly rows: readonly Row[];
  readonly cursor: number;
  readonly selected: ReadonlySet<string>;
  readonly height: number;
  readonly width: number;
  readonly grouping: 'service' | 'file' | 'rule';
}

/** First row to show: the cursor's row centred, clamped to the list. */
export function scrollOffset(rows: readonly Row[], cursor: number, height: number): number {
  const at = rows.findIndex((r) => r.kind === 'finding' && r.index === cursor);
  if (at < 0 || rows.length <= height) return 0;
  return Math.max(0, Math.min(rows.length - height, at - Math.floor(height / 2)));
}

export function listLines({ rows, cursor, selected, height, width, grouping }: ListProps): Line[] {
  if (rows.length === 0) return [[{ text: '  No findings match the filter', dim: true }]];
  const offset = scrollOffset(rows, cursor, height);
  const pad = Math.max(7, ...rows.map((r) => (r.kind === 'finding' ? where(r.finding, grouping).length : 0)));
  return rows.slice(offset, offset + height).map((row) => truncate(rowLine(row, cursor, selected, grouping, pad), width));
}

function where(f: Finding, grouping: ListProps['grouping']): string {
  return grouping === 'rule' ? `${f.file}:${f.line}` : `${f.line}:${f.column}`;
}

function rowLine(row: Row, cursor: number, selected: ReadonlySet<string>, grouping: ListProps['grouping'], pad: number): Line {
  if (row.kind === 'group') return [{ text: row.text, bold: true }];
  if (row.kind === 'subgroup') return [{ text: `  ${row.text}`, color: 'cyan' }];
  const f: Finding = row.finding;
  const here = row.index === cursor;
  const box = selectable(f) ? (selected.has(fixKey(f)) ? '[x]' : '[ ]') : '   ';
  const indent = grouping === 'service' ? '  ' : '';
  const marker = fixMarker(f);
  return [
    { text: `${here ? '>' : ' '} ${indent}`, bold: here },
    { text: box, color: 'green' },
    { text: ` ${where(f, grouping).padEnd(pad)} ` },
    { text: f.severity.padEnd(7), color: SEVERITY_COLOR[f.severity] },
    { text: ` ${f.ruleId}`, bold: true },
    { text: ` ${f.message.split('\n')[0] ?? ''}`, ...(here ? { inverse: true } : {}) },
    ...(marker ? [{ text: ` ${marker}`, color: 'green' as const }] : []),
  ];
}

export function FindingList(props: ListProps) {
  return <Lines lines={listLines(props)} />;
}
