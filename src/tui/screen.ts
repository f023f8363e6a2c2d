// The whole screen as lines: header, findings list, detail pane, footer. Heights are computed
// here so the frame is always shorter than the terminal (ink redraws in place only then).
import type { AuditResult } from '../audit.js';
import type { Finding } from '../findings/types.js';
import { findRule } from '../rules/index.js';
import { detailLines, SEVERITY_COLOR, truncate, type Line } from './format.js';
import { listLines } from './components/list.js';
import { arrange, countBySeverity, fixKey } from './model.js';
import { chosen, DEFAULT_PATCH, type TuiState } from './reducer.js';

export interface ScreenInput {
  readonly state: TuiState;
  readonly result: AuditResult;
  readonly root: string;
  readonly width: number;
  readonly height: number;
  /** The unified diff a finding's fix would make ('' when none). */
  readonly patchFor: (finding: Finding) => string;
}

export const HELP_LINES: readonly (readonly [string, string])[] = [
  ['up/down, k/j', 'move between findings'],
  ['Enter', 'expand or collapse the detail pane'],
  ['PgUp/PgDn', 'scroll the detail pane'],
  ['/', 'filter by text (rule, file, service, message); Enter keeps it, Esc drops it'],
  ['s', 'cycle the severity filter: all, error, warning, info'],
  ['g', 'cycle grouping: service, file, rule'],
  ['space', 'select or unselect the fix of the finding under the cursor'],
  ['a', 'select every safe fix shown (again: unselect them)'],
  ['w', `write the selected fixes to a patch file (default ${DEFAULT_PATCH})`],
  ['F', 'apply the selected fixes to the files in place (asks y/n first)'],
  ['?', 'this help'],
  ['q, Esc', 'quit'],
];

const HINTS = 'j/k move  Enter expand  / filter  s severity  g group  space select  a safe  w write  F apply  ? help  q quit';

export function screenLines({ state, result, root, width, height, patchFor }: ScreenInput): Line[] {
  const { findings, rows } = arrange(state.findings, state, result.services);
  const header = headerLines(state, result, root, findings.length);
  const footer = footerLine(state);
  const rule: Line = [{ text: '─'.repeat(width), dim: true }];
  // Keep the frame one line shorter than the terminal.
  const body = Math.max(2, height - 1 - header.length - 2 - 1);
  let middle: Line[];
  if (state.mode === 'help') {
    middle = [[{ text: 'Keys', bold: true }], ...HELP_LINES.map(([k, what]): Line => [{ text: `  ${k.padEnd(14)}`, color: 'cyan' }, { text: what }])];
    middle = fit(middle, body + 1, width);
  } else {
    const listHeight = state.expanded ? Math.min(3, Math.max(1, body - 2)) : Math.max(1, Math.floor(body * 0.4));
    const detailHeight = body - listHeight;
    const list =
      state.findings.length === 0
        ? [[{ text: '  No problems found', color: 'green' }] as Line]
        : listLines({ rows, cursor: state.cursor, selected: state.selected, height: listHeight, width, grouping: state.grouping });
    while (list.length < listHeight) list.push([]);
    const finding = findings[state.cursor];
    const detail = finding
      ? detailLines({ finding, meta: findRule(finding.ruleId)?.meta, patch: patchFor(finding), selected: state.selected.has(fixKey(finding)) }, width)
      : [[{ text: state.findings.length === 0 ? '' : 'No finding under the cursor', dim: true }] as Line];
    middle = [...list, rule, ...window(detail, state.detailScroll, detailHeight, width, state.expanded)];
  }
  return [...header.map((l) => truncate(l, width)), rule, ...middle, truncate(footer, width)];
}

function headerLines(state: TuiState, result: AuditResult, root: string, shown: number): Line[] {
  const counts = countBySeverity(state.findings);
  const services = result.services.filter((s) => s.kind !== 'project').map((s) => s.name);
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  const filters: string[] = [`shown ${shown}/${state.findings.length}`, `selected ${chosen(state).length}`, `severity ${state.severity}`, `group ${state.grouping}`];
  if (state.filter !== '') filters.push(`filter "${state.filter}"`);
  return [
    [
      { text: 'driftcheck ', bold: true },
      { text: root, color: 'cyan' },
      { text: `  services: ${services.length > 0 ? services.join(', ') : '(none)'}`, dim: true },
    ],
    [
      { text: plural(counts.error, 'error'), color: SEVERITY_COLOR.error, bold: counts.error > 0 },
      { text: '  ' },
      { text: plural(counts.warning, 'warning'), color: SEVERITY_COLOR.warning, bold: counts.warning > 0 },
      { text: '  ' },
      { text: `${counts.info} info`, color: SEVERITY_COLOR.info },
      { text: `  |  ${filters.join('  ')}`, dim: true },
    ],
  ];
}

function footerLine(state: TuiState): Line {
  switch (state.mode) {
    case 'filter':
      return [{ text: 'Filter: ', bold: true }, { text: `${state.input}_` }, { text: '  (Enter keeps, Esc drops)', dim: true }];
    case 'write':
      return [{ text: `Write ${chosen(state).length} selected fixes to (default ${DEFAULT_PATCH}): `, bold: true }, { text: `${state.input}_` }];
    case 'confirm':
      return [{ text: `Apply ${chosen(state).length} selected fixes to the files in place? (y/n)`, bold: true, color: 'yellow' }];
    case 'help':
      return [{ text: 'Press any key to close the help', dim: true }];
    case 'list':
      if (state.effect !== null && state.effect.kind !== 'quit') return [{ text: 'Working…', color: 'yellow' }];
      return state.status !== null ? [{ text: state.status, color: 'green' }] : [{ text: HINTS, dim: true }];
  }
}

/** `height` lines of `lines` from `from`, with a "more" marker when cut. */
function window(lines: readonly Line[], from: number, height: number, width: number, expanded: boolean): Line[] {
  const start = Math.max(0, Math.min(from, Math.max(0, lines.length - 1)));
  const rest = lines.slice(start);
  if (rest.length <= height) return fit([...rest], height, width);
  const shown = rest.slice(0, Math.max(0, height - 1));
  const more = rest.length - shown.length;
  const hint = expanded ? 'PgDn scrolls' : 'Enter expands, PgDn scrolls';
  return fit([...shown, [{ text: `… ${more} more line${more === 1 ? '' : 's'} (${hint})`, dim: true }]], height, width);
}

function fit(lines: Line[], height: number, width: number): Line[] {
  const out = lines.slice(0, height).map((l) => truncate(l, width));
  while (out.length < height) out.push([]);
  return out;
}
