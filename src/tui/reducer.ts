// Every piece of keyboard state of the interactive report, as one pure reducer. ink re-subscribes
// useInput handlers in an effect, so a handler that read useState values could act on a stale
// cursor when keys arrive quickly; dispatching keys here never does (libraries.md §7). Keys that
// arrive in one read (typed ahead, a key held down, a paste) reach the reducer as one string:
// each of them is handled, in order.
// Side effects (write a patch, apply fixes, quit) are requested through `effect`; the app runs
// them and answers with `effect-done` or `load`.
import type { Finding } from '../findings/types.js';
import { arrange, fixKey, GROUPINGS, isSafe, selectable, SEVERITY_FILTERS, type Arranged, type Grouping, type SeverityFilter } from './model.js';

export type Mode = 'list' | 'filter' | 'write' | 'confirm' | 'quit' | 'help';
export type Effect = { readonly kind: 'write'; readonly path: string } | { readonly kind: 'apply' } | { readonly kind: 'quit' };

export const DEFAULT_PATCH = 'driftcheck.patch';

export interface TuiState {
  /** The findings to show (unsuppressed), in audit order. */
  readonly findings: readonly Finding[];
  /** Index into the arranged (filtered, grouped) findings. */
  readonly cursor: number;
  readonly expanded: boolean;
  /** First line of the detail pane (PgUp/PgDn). */
  readonly detailScroll: number;
  readonly filter: string;
  readonly severity: SeverityFilter;
  readonly grouping: Grouping;
  /** fixKey of every chosen fix. */
  readonly selected: ReadonlySet<string>;
  /** fixKey of every fix in the last patch written (quitting asks first while others are chosen). */
  readonly written: ReadonlySet<string>;
  readonly mode: Mode;
  /** What is being typed in the filter or file-name prompt. */
  readonly input: string;
  /** The filter before "/" was pressed, restored by Esc. */
  readonly previousFilter: string;
  readonly status: string | null;
  readonly effect: Effect | null;
}

/** The keys the reducer looks at (a subset of ink's Key). */
export interface KeyPress {
  readonly upArrow?: boolean;
  readonly downArrow?: boolean;
  readonly pageUp?: boolean;
  readonly pageDown?: boolean;
  readonly home?: boolean;
  readonly end?: boolean;
  readonly return?: boolean;
  readonly escape?: boolean;
  readonly backspace?: boolean;
  readonly delete?: boolean;
  readonly ctrl?: boolean;
  readonly meta?: boolean;
  readonly tab?: boolean;
}

export type Action =
  | { readonly type: 'key'; readonly input: string; readonly key: KeyPress }
  | { readonly type: 'load'; readonly findings: readonly Finding[]; readonly status?: string | null }
  | { readonly type: 'effect-done'; readonly status: string | null; readonly clearSelection?: boolean; readonly wrote?: boolean };

export function initialState(findings: readonly Finding[] = []): TuiState {
  return {
    findings,
    cursor: 0,
    expanded: false,
    detailScroll: 0,
    filter: '',
    severity: 'all',
    grouping: 'service',
    selected: new Set(),
    written: new Set(),
    mode: 'list',
    input: '',
    previousFilter: '',
    status: null,
    effect: null,
  };
}

export function arranged(state: TuiState): Arranged {
  return arrange(state.findings, state);
}

export function current(state: TuiState): Finding | undefined {
  return arranged(state).findings[state.cursor];
}

/** The chosen findings, in audit order. */
export function chosen(state: TuiState): Finding[] {
  return state.findings.filter((f) => state.selected.has(fixKey(f)) && selectable(f));
}

/** Chosen fixes that are in no patch written yet (quitting would lose them). */
export function unwritten(state: TuiState): Finding[] {
  return chosen(state).filter((f) => !state.written.has(fixKey(f)));
}

export function reducer(state: TuiState, action: Action): TuiState {
  switch (action.type) {
    case 'load':
      return keepCursor(state, { ...state, findings: action.findings, selected: new Set(), written: new Set(), effect: null, status: action.status ?? null });
    case 'effect-done': {
      const written = action.wrote ? new Set(chosen(state).map(fixKey)) : state.written;
      return { ...state, effect: null, status: action.status, selected: action.clearSelection ? new Set() : state.selected, written };
    }
    case 'key':
      return keysOf(action.input, action.key).reduce(oneKey, state);
  }
}

interface KeyEvent {
  readonly input: string;
  readonly key: KeyPress;
}

/**
 * The keys of one read from the terminal. ink hands a run of plain characters over as one input
 * ("jjj" when j arrives three times before it reads; text that was pasted): split it into one key
 * per character, naming the control characters ink would have named had they come alone.
 */
export function keysOf(input: string, key: KeyPress): KeyEvent[] {
  const chars = [...input];
  if (chars.length <= 1 || key.ctrl || key.meta) return [{ input, key }];
  return chars.map((ch): KeyEvent => {
    if (ch === '\r' || ch === '\n') return { input: '', key: { return: true } };
    if (ch === '\t') return { input: '', key: { tab: true } };
    if (ch === '\u007f' || ch === '\b') return { input: '', key: { backspace: true } };
    if (ch === '\u001b') return { input: '', key: { escape: true, meta: true } };
    const code = ch.codePointAt(0) ?? 0;
    if (code >= 1 && code <= 26) return { input: String.fromCharCode(code + 96), key: { ctrl: true } };
    return { input: ch, key: {} };
  });
}

function oneKey(state: TuiState, { input, key }: KeyEvent): TuiState {
  if (state.effect !== null) return state; // busy: the app is running an effect
  switch (state.mode) {
    case 'list':
      return listKey(state, input, key);
    case 'filter':
      return filterKey(state, input, key);
    case 'write':
      return writeKey(state, input, key);
    case 'confirm':
      return confirmKey(state, input, key);
    case 'quit':
      return quitKey(state, input, key);
    case 'help':
      return { ...state, mode: 'list' };
  }
}

const PAGE = 10;

function move(state: TuiState, to: number): TuiState {
  const count = arranged(state).findings.length;
  const cursor = count === 0 ? 0 : Math.max(0, Math.min(count - 1, to));
  return cursor === state.cursor ? { ...state, status: null } : { ...state, cursor, detailScroll: 0, status: null };
}

function listKey(state: TuiState, input: string, key: KeyPress): TuiState {
  if (key.upArrow || input === 'k') return move(state, state.cursor - 1);
  if (key.downArrow || input === 'j') return move(state, state.cursor + 1);
  if (key.home) return move(state, 0);
  if (key.end) return move(state, Number.MAX_SAFE_INTEGER);
  if (key.pageDown) return { ...state, detailScroll: state.detailScroll + PAGE };
  if (key.pageUp) return { ...state, detailScroll: Math.max(0, state.detailScroll - PAGE) };
  if (key.return) return { ...state, expanded: !state.expanded };
  if (key.escape) return back(state);
  if (input === 'q') return quit(state);
  if (key.ctrl || key.meta) return state;
  switch (input) {
    case '/':
      return { ...state, mode: 'filter', input: state.filter, previousFilter: state.filter, status: null };
    case 's':
      return keepCursor(state, { ...state, severity: next(SEVERITY_FILTERS, state.severity), status: null });
    case 'g':
      return keepCursor(state, { ...state, grouping: next(GROUPINGS, state.grouping), status: null });
    case ' ':
      return toggleSelection(state);
    case 'a':
      return selectSafe(state);
    case 'w':
      if (chosen(state).length === 0) return { ...state, status: 'No fixes selected: space selects one, a selects every safe fix' };
      return { ...state, mode: 'write', input: '', status: null };
    case 'F':
      if (chosen(state).length === 0) return { ...state, status: 'No fixes selected: space selects one, a selects every safe fix' };
      return { ...state, mode: 'confirm', status: null };
    case '?':
      return { ...state, mode: 'help', status: null };
    default:
      return state;
  }
}

/**
 * Esc goes back one level: the expanded detail pane closes, then an active filter (text and
 * severity) is dropped, and only then does the report quit.
 */
function back(state: TuiState): TuiState {
  if (state.expanded) return { ...state, expanded: false, detailScroll: 0, status: null };
  if (state.filter !== '' || state.severity !== 'all') return keepCursor(state, { ...state, filter: '', severity: 'all', status: 'Filter cleared' });
  return quit(state);
}

/** Quits, after a y/n question when chosen fixes are in no written patch. */
function quit(state: TuiState): TuiState {
  if (unwritten(state).length > 0) return { ...state, mode: 'quit', status: null };
  return { ...state, effect: { kind: 'quit' } };
}

function quitKey(state: TuiState, input: string, key: KeyPress): TuiState {
  if (input === 'y' || input === 'Y') return { ...state, mode: 'list', effect: { kind: 'quit' } };
  if (input === 'w') return { ...state, mode: 'write', input: '', status: null };
  if (input === 'n' || input === 'N' || key.escape || key.return) return { ...state, mode: 'list', status: null };
  return state;
}

function filterKey(state: TuiState, input: string, key: KeyPress): TuiState {
  if (key.escape) return keepCursor(state, { ...state, mode: 'list', input: '', filter: state.previousFilter });
  if (key.return) return { ...state, mode: 'list', input: '' };
  const text = editText(state.input, input, key);
  if (text === null) return state;
  return keepCursor(state, { ...state, input: text, filter: text });
}

function writeKey(state: TuiState, input: string, key: KeyPress): TuiState {
  if (key.escape) return { ...state, mode: 'list', input: '', status: 'Patch not written' };
  if (key.return) {
    const path = state.input.trim() === '' ? DEFAULT_PATCH : state.input.trim();
    return { ...state, mode: 'list', input: '', effect: { kind: 'write', path } };
  }
  const text = editText(state.input, input, key);
  return text === null ? state : { ...state, input: text };
}

function confirmKey(state: TuiState, input: string, key: KeyPress): TuiState {
  if (input === 'y' || input === 'Y') return { ...state, mode: 'list', effect: { kind: 'apply' } };
  if (input === 'n' || input === 'N' || key.escape || key.return) return { ...state, mode: 'list', status: 'Nothing applied' };
  return state;
}

/** Line editing for prompts; null when the key does not edit. */
function editText(text: string, input: string, key: KeyPress): string | null {
  if (key.backspace || key.delete) return text.slice(0, -1);
  if (key.ctrl && input === 'u') return '';
  if (key.ctrl || key.meta || key.tab || key.upArrow || key.downArrow || key.pageUp || key.pageDown || key.home || key.end) return null;
  const printable = input.replace(/[\u0000-\u001f\u007f]/g, '');
  return printable === '' ? null : text + printable;
}

function toggleSelection(state: TuiState): TuiState {
  const finding = current(state);
  if (!finding) return state;
  if (!selectable(finding)) return { ...state, status: finding.fix ? 'This fix is only a suggestion; it cannot be applied' : 'This finding has no fix' };
  const selected = new Set(state.selected);
  const key = fixKey(finding);
  if (selected.has(key)) selected.delete(key);
  else selected.add(key);
  return { ...state, selected, status: null };
}

/** Selects every safe fix among the shown findings; when all already are, unselects them. */
function selectSafe(state: TuiState): TuiState {
  const safe = arranged(state).findings.filter(isSafe).map(fixKey);
  if (safe.length === 0) return { ...state, status: 'No safe fixes among the shown findings' };
  const selected = new Set(state.selected);
  const all = safe.every((k) => selected.has(k));
  for (const k of safe) {
    if (all) selected.delete(k);
    else selected.add(k);
  }
  return { ...state, selected, status: all ? `Unselected ${safe.length} safe fixes` : `Selected ${safe.length} safe fixes` };
}

function next<T>(list: readonly T[], value: T): T {
  return list[(list.indexOf(value) + 1) % list.length] as T;
}

/** After the shown list changes, keep the cursor on the same finding when it is still shown. */
function keepCursor(before: TuiState, after: TuiState): TuiState {
  const was = current(before);
  const list = arranged(after).findings;
  let cursor = was ? list.indexOf(was) : -1;
  if (cursor < 0 && was) cursor = list.findIndex((f) => fixKey(f) === fixKey(was) && f.line === was.line);
  if (cursor < 0) cursor = Math.min(before.cursor, Math.max(0, list.length - 1));
  return { ...after, cursor, detailScroll: cursor === before.cursor ? after.detailScroll : 0 };
}
