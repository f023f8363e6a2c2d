// The whole screen as lines: header, findings list, detail pane, footer. Heights are computed
// here so the frame is always shorter than the terminal (ink redraws in place only then).
import type { AuditResult } from '../audit.js';
import type { Finding } from '../findings/types.js';
import { findRule } from '../rules/index.js';
import { detailLines, lineLength, SEVERITY_COLOR, truncate, type Line, type Segment } from './format.js';
import { listLines } from './components/list.js';
import { arrange, countBySeverity, fixKey } from './model.js';
import { chosen, DEFAULT_PATCH, unwritten, type TuiState } from './reducer.js';

export interface ScreenInput {
  readonly state: TuiState;
  readonly result: AuditResult;
  readonly root: string;
  readonly width: number;
  readonly height: number;
  /** The unified diff a finding's fix would make ('' when none). */
  readonly patchFor: (finding: Finding) => string;
  /** What the app is doing for the effect under way (writing a patch, auditing again). */
  readonly activity?: string | null;
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
  ['Esc', 'back: close the detail pane, then drop the filter, then quit'],
  ['q', 'quit (asks first when selected fixes were not written)'],
];

/**
 * The footer's keys, in the order shown, with the order in which they give way when the terminal
 * is narrow (lower goes first; F, ? and q always stay: the help lists the rest).
 */
const HINTS: readonly { readonly key: string; readonly label: string; readonly drop: number }[] = [
  { key: 'j/k', label: 'move', drop: 2 },
  { key: 'Enter', label: 'expand', drop: 3 },
  { key: '/', label: 'filter', drop: 6 },
  { key: 's', label: 'severity', drop: 5 },
  { key: 'g', label: 'group', drop: 4 },
  { key: 'space', label: 'select', drop: 7 },
  { key: 'a', label: 'safe', drop: 1 },
  { key: 'w', label: 'write', drop: 8 },
  { key: 'F', label: 'apply', drop: Number.POSITIVE_INFINITY },
  { key: '?', label: 'help', drop: Number.POSITIVE_INFINITY },
  { key: 'q', label: 'quit', drop: Number.POSITIVE_INFINITY },
];

export function screenLines({ state, result, root, width, height, patchFor, activity = null }: ScreenInput): Line[] {
  const { findings, rows } = arrange(state.findings, state, result.services);
  const header = headerLines(state, result, root, findings.length, width);
  const footer = footerLine(state, width, activity);
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

/** An item of a header or footer line, and when it gives way to a narrow terminal (lower first; Infinity: never). */
interface Part {
  readonly segments: readonly Segment[];
  readonly drop: number;
  /** A shorter form, used once nothing more can be dropped. */
  readonly short?: readonly Segment[];
}

/**
 * Joins parts with `separator`, dropping the most dispensable ones until the line fits `width`,
 * then (`shorten`) using the short forms of those that have one.
 */
function fitParts(parts: readonly Part[], width: number, separator: string, shorten = true): Line {
  const kept = [...parts];
  const join = (list: readonly Part[]): Segment[] => list.flatMap((p, i) => (i === 0 ? [...p.segments] : [{ text: separator, dim: true }, ...p.segments]));
  for (;;) {
    const line = join(kept);
    if (lineLength(line) <= width) return line;
    let worst = -1;
    for (let i = 0; i < kept.length; i++) {
      const drop = kept[i]?.drop ?? Number.POSITIVE_INFINITY;
      if (drop !== Number.POSITIVE_INFINITY && (worst < 0 || drop <= (kept[worst]?.drop ?? 0))) worst = i;
    }
    if (worst >= 0) {
      kept.splice(worst, 1);
      continue;
    }
    const long = shorten ? kept.findIndex((p) => p.short !== undefined) : -1;
    if (long < 0) return line;
    const part = kept[long] as Part;
    kept[long] = { segments: part.short ?? part.segments, drop: part.drop };
  }
}

/** `text` cut to `max` characters by dropping its start ("…/services/api"). */
function keepEnd(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `…${chars.slice(chars.length - Math.max(1, max - 1)).join('')}`;
}

/** `text` cut to `max` characters at its end ("redis-cl…"). */
function keepStart(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, Math.max(1, max - 1)).join('')}…`;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Two lines that always fit `width`: the root and the services (shortened, never cut off), then the
 * counts and the view (the filter and a severity filter are always shown; the rest gives way).
 */
function headerLines(state: TuiState, result: AuditResult, root: string, shown: number, width: number): Line[] {
  return [titleLine(result, root, width), viewLine(state, shown, width)];
}

function titleLine(result: AuditResult, root: string, width: number): Line {
  const names = result.services.filter((s) => s.kind !== 'project').map((s) => s.name);
  const title = 'driftcheck ';
  const least = names.length === 0 ? '  services: (none)' : `  ${plural(names.length, 'service')}`;
  const rootText = keepEnd(root, Math.max(12, width - title.length - least.length));
  const room = width - title.length - [...rootText].length;
  let services = '';
  for (let n = names.length; n >= 0 && services === ''; n--) {
    const more = names.length - n;
    const text = names.length === 0 ? least : n === 0 ? least : `  services: ${names.slice(0, n).join(', ')}${more > 0 ? `, +${more} more` : ''}`;
    if ([...text].length <= room) services = text;
  }
  return [
    { text: title, bold: true },
    { text: rootText, color: 'cyan' },
    { text: services, dim: true },
  ];
}

function viewLine(state: TuiState, shown: number, width: number): Line {
  const counts = countBySeverity(state.findings);
  const filtered = state.filter !== '' || state.severity !== 'all';
  const selected = chosen(state).length;
  const countsPart: Part = {
    segments: [
      { text: plural(counts.error, 'error'), color: SEVERITY_COLOR.error, bold: counts.error > 0 },
      { text: '  ' },
      { text: plural(counts.warning, 'warning'), color: SEVERITY_COLOR.warning, bold: counts.warning > 0 },
      { text: '  ' },
      { text: `${counts.info} info`, color: SEVERITY_COLOR.info },
      { text: '  |', dim: true },
    ],
    short: [
      { text: `${counts.error}E`, color: SEVERITY_COLOR.error, bold: counts.error > 0 },
      { text: ' ' },
      { text: `${counts.warning}W`, color: SEVERITY_COLOR.warning, bold: counts.warning > 0 },
      { text: ' ' },
      { text: `${counts.info}I`, color: SEVERITY_COLOR.info },
      { text: ' |', dim: true },
    ],
    drop: Number.POSITIVE_INFINITY,
  };
  const filterPart = (text: string): Part => ({ segments: [{ text: 'filter ', color: 'yellow' }, { text: `"${text}"`, color: 'yellow', bold: true }], drop: Number.POSITIVE_INFINITY });
  const parts: Part[] = [
    countsPart,
    {
      segments: [{ text: `shown ${shown}/${state.findings.length}`, ...(filtered ? { color: 'yellow' as const } : { dim: true }) }],
      short: [{ text: `${shown}/${state.findings.length}`, ...(filtered ? { color: 'yellow' as const } : { dim: true }) }],
      drop: filtered ? Number.POSITIVE_INFINITY : 3,
    },
  ];
  if (state.filter !== '') parts.push(filterPart(state.filter));
  parts.push({ segments: [{ text: `severity ${state.severity}`, ...(state.severity !== 'all' ? { color: 'yellow' as const, bold: true } : { dim: true }) }], drop: state.severity !== 'all' ? Number.POSITIVE_INFINITY : 2 });
  parts.push({ segments: [{ text: `selected ${selected}`, ...(selected > 0 ? { color: 'green' as const } : { dim: true }) }], drop: selected > 0 ? 4 : 1 });
  parts.push({ segments: [{ text: `group ${state.grouping}`, dim: true }], drop: 0 });
  // Still too wide once the rest has given way: a long filter text is shortened (to 8 characters
  // at least), then the counts and "shown" take their short forms, then the filter shrinks again.
  let filterLength = [...state.filter].length;
  const fit = (short: boolean, least: number): Line => {
    let line = fitParts(parts, width, '  ', short);
    const over = lineLength(line) - width;
    if (over > 0 && state.filter !== '' && filterLength > least) {
      filterLength = Math.max(least, filterLength - over);
      parts[parts.findIndex((p) => p.segments[0]?.text === 'filter ')] = filterPart(keepStart(state.filter, filterLength));
      line = fitParts(parts, width, '  ', short);
    }
    return line;
  };
  const line = fit(false, 8);
  return lineLength(line) > width ? fit(true, 4) : line;
}

function hintParts(): Part[] {
  return HINTS.map((h) => ({ segments: [{ text: h.key, color: 'cyan' as const }, { text: ` ${h.label}`, dim: true }], drop: h.drop }));
}

function footerLine(state: TuiState, width: number, activity: string | null): Line {
  switch (state.mode) {
    case 'filter':
      return [{ text: 'Filter: ', bold: true }, { text: `${state.input}_` }, { text: '  (Enter keeps, Esc drops)', dim: true }];
    case 'write':
      return [{ text: `Write ${chosen(state).length} selected fixes to (default ${DEFAULT_PATCH}): `, bold: true }, { text: `${state.input}_` }];
    case 'confirm':
      return [{ text: `Apply ${chosen(state).length} selected fixes to the files in place? (y/n)`, bold: true, color: 'yellow' }];
    case 'quit': {
      const n = unwritten(state).length;
      return [{ text: `${n} selected fix${n === 1 ? ' was' : 'es were'} not written. Quit?`, bold: true, color: 'yellow' }, { text: ' y quits, n stays, w writes', dim: true }];
    }
    case 'help':
      return [{ text: 'Press any key to close the help', dim: true }];
    case 'list': {
      if (state.effect !== null && state.effect.kind !== 'quit') return [{ text: activity ?? (state.effect.kind === 'write' ? `Writing ${state.effect.path}…` : 'Applying fixes…'), color: 'yellow' }];
      if (state.status === null) return fitParts(hintParts(), width, '  ');
      // A status keeps the keys that fit beside it.
      const status: Part = { segments: [{ text: state.status, color: 'green' }], drop: Number.POSITIVE_INFINITY };
      const keys = hintParts().map((p, i) => ({ ...p, drop: p.drop === Number.POSITIVE_INFINITY ? 100 + i : p.drop }));
      return fitParts([status, ...keys], width, '  ');
    }
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
