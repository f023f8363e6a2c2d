// The keyboard reducer as a plain function, on the real findings of the example fixture.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { audit } from '../../src/audit.js';
import { visible } from '../../src/report/summary.js';
import { arrange, fixKey } from '../../src/tui/model.js';
import { arranged, chosen, current, DEFAULT_PATCH, initialState, keysOf, reducer, unwritten, type Action, type KeyPress, type TuiState } from '../../src/tui/reducer.js';
import { REPO_ROOT } from '../helpers/cli.js';

const SUTAZAI = join(REPO_ROOT, 'fixtures/projects/sutazai');
const findings = visible(audit({ root: SUTAZAI }));

function press(state: TuiState, ...keys: (string | KeyPress)[]): TuiState {
  return keys.reduce<TuiState>((s, k) => reducer(s, typeof k === 'string' ? { type: 'key', input: k, key: {} } : { type: 'key', input: '', key: k }), state);
}

const start = (): TuiState => reducer(initialState(), { type: 'load', findings });

describe('tui reducer', () => {
  it('the fixture gives 15 findings, grouped by service then file', () => {
    expect(findings).toHaveLength(15);
    const rows = arrange(findings, start()).rows;
    expect(rows[0]).toEqual({ kind: 'group', text: 'Service backend' });
    expect(rows[1]).toEqual({ kind: 'subgroup', text: 'backend/app/api/agents.py' });
    expect(rows.filter((r) => r.kind === 'finding')).toHaveLength(15);
  });

  it('moves with arrows and j/k, clamped to the list', () => {
    let s = start();
    expect(current(s)?.ruleId).toBe('MOD001');
    s = press(s, { upArrow: true });
    expect(s.cursor).toBe(0);
    s = press(s, 'j', { downArrow: true });
    expect(s.cursor).toBe(2);
    expect(current(s)?.message).toContain('"chromadb"');
    s = press(s, 'k');
    expect(s.cursor).toBe(1);
    s = press(s, ...Array<string>(20).fill('j'));
    expect(s.cursor).toBe(14);
    expect(current(s)?.ruleId).toBe('PROD005');
    expect(press(s, { home: true }).cursor).toBe(0);
  });

  it('Enter toggles the detail pane; PgDn/PgUp scroll it and moving resets the scroll', () => {
    let s = press(start(), { return: true });
    expect(s.expanded).toBe(true);
    s = press(s, { pageDown: true }, { pageDown: true }, { pageUp: true });
    expect(s.detailScroll).toBe(10);
    s = press(s, 'j');
    expect(s.detailScroll).toBe(0);
    expect(press(s, { return: true }).expanded).toBe(false);
  });

  it('"/" filters live by text, keeps the cursor on the same finding, Esc restores the previous filter', () => {
    let s = press(start(), 'j', 'j'); // chromadb
    expect(current(s)?.message).toContain('"chromadb"');
    s = press(s, '/', 'c', 'h', 'r', 'o');
    expect(s.mode).toBe('filter');
    expect(s.filter).toBe('chro');
    expect(arranged(s).findings.map((f) => f.ruleId)).toEqual(['DEP001']);
    expect(current(s)?.message).toContain('"chromadb"');
    s = press(s, { backspace: true }, { delete: true }, { return: true });
    expect(s.mode).toBe('list');
    expect(s.filter).toBe('ch');
    s = press(s, '/', 'x', 'y', 'z', { escape: true });
    expect(s.filter).toBe('ch');
    // j and k type into the filter instead of moving
    s = press(s, '/', 'j', 'k');
    expect(s.filter).toBe('chjk');
    expect(arranged(s).findings).toHaveLength(0);
    expect(s.cursor).toBe(0);
  });

  it('"s" cycles the severity filter and "g" the grouping', () => {
    let s = press(start(), 's');
    expect(s.severity).toBe('error');
    expect(arranged(s).findings.every((f) => f.severity === 'error')).toBe(true);
    expect(arranged(s).findings).toHaveLength(7);
    s = press(s, 's');
    expect(s.severity).toBe('warning');
    expect(arranged(s).findings).toHaveLength(8);
    s = press(s, 's');
    expect(s.severity).toBe('info');
    expect(arranged(s).findings).toHaveLength(0);
    s = press(s, 's');
    expect(s.severity).toBe('all');
    s = press(s, 'g');
    expect(s.grouping).toBe('file');
    expect(arranged(s).rows[0]).toEqual({ kind: 'group', text: 'backend/app/api/agents.py' });
    s = press(s, 'g');
    expect(s.grouping).toBe('rule');
    expect(arranged(s).rows[0]).toEqual({ kind: 'group', text: 'DEP001 missing-dependency' });
    expect(press(s, 'g').grouping).toBe('service');
  });

  it('space toggles one fix, "a" selects every safe fix shown and then unselects them', () => {
    let s = press(start(), ' ');
    expect(chosen(s).map((f) => f.ruleId)).toEqual(['MOD001']);
    s = press(s, ' ');
    expect(chosen(s)).toEqual([]);
    s = press(s, 'j', 'j', 'j', ' '); // starlette: unsafe, may be chosen explicitly
    expect(chosen(s).map((f) => f.fix?.applicability)).toEqual(['unsafe']);
    s = press(s, 'a');
    expect(chosen(s)).toHaveLength(5);
    expect(s.status).toBe('Selected 4 safe fixes');
    s = press(s, 'a');
    expect(chosen(s)).toHaveLength(1);
    // with a filter, "a" only takes what is shown
    s = press(s, '/', 'D', 'E', 'P', '0', '0', '1', { return: true }, 'a');
    expect(chosen(s).map((f) => f.ruleId).sort()).toEqual(['DEP001', 'DEP001', 'DEP003']);
  });

  it('"w" asks for a file name (default driftcheck.patch) only when fixes are selected', () => {
    let s = press(start(), 'w');
    expect(s.mode).toBe('list');
    expect(s.status).toMatch(/No fixes selected/);
    s = press(s, 'a', 'w');
    expect(s.mode).toBe('write');
    const accepted = press(s, { return: true });
    expect(accepted.effect).toEqual({ kind: 'write', path: DEFAULT_PATCH });
    const named = press(s, 'o', 'u', 't', '.', 'p', 'q', { backspace: true }, { return: true });
    expect(named.effect).toEqual({ kind: 'write', path: 'out.p' });
    expect(press(s, 'x', { escape: true }).effect).toBeNull();
    // keys are ignored while an effect runs; effect-done reports and keeps the selection
    expect(press(accepted, 'j')).toBe(accepted);
    const done = reducer(accepted, { type: 'effect-done', status: 'Wrote it' });
    expect(done.effect).toBeNull();
    expect(done.status).toBe('Wrote it');
    expect(chosen(done)).toHaveLength(4);
  });

  it('"F" asks y/n before applying; n cancels; a new audit clears the selection', () => {
    let s = press(start(), 'F');
    expect(s.mode).toBe('list');
    s = press(s, 'a', 'F');
    expect(s.mode).toBe('confirm');
    expect(press(s, 'n').effect).toBeNull();
    expect(press(s, 'n').status).toBe('Nothing applied');
    expect(press(s, 'x').mode).toBe('confirm');
    s = press(s, 'y');
    expect(s.effect).toEqual({ kind: 'apply' });
    const loaded = reducer(s, { type: 'load', findings: findings.slice(0, 2), status: 'Applied' } satisfies Action);
    expect(loaded.effect).toBeNull();
    expect(loaded.selected.size).toBe(0);
    expect(loaded.status).toBe('Applied');
  });

  it('"?" opens the help, any key closes it; q and Esc ask to quit', () => {
    const help = press(start(), '?');
    expect(help.mode).toBe('help');
    expect(press(help, 'j').mode).toBe('list');
    expect(press(help, 'j').cursor).toBe(0);
    expect(press(start(), 'q').effect).toEqual({ kind: 'quit' });
    expect(press(start(), { escape: true }).effect).toEqual({ kind: 'quit' });
  });

  it('handles every key of one read: "jjj" moves three times, a typed-ahead prompt is answered', () => {
    // ink hands keys that arrive together over as one input string
    expect(press(start(), 'jjj').cursor).toBe(3);
    expect(press(start(), 'jjjk').cursor).toBe(2);
    let s = press(start(), '/pin\r');
    expect(s.mode).toBe('list');
    expect(s.filter).toBe('pin');
    s = press(start(), 'a', 'wout.patchx\u007f\r');
    expect(s.effect).toEqual({ kind: 'write', path: 'out.patch' });
    s = press(start(), '/redis\u0015pin\r'); // Ctrl-U clears the prompt
    expect(s.filter).toBe('pin');
    // keys after one that starts an effect are ignored, as when they come apart while it runs
    s = press(start(), 'jq');
    expect(s.cursor).toBe(1);
    expect(s.effect).toEqual({ kind: 'quit' });
    expect(keysOf('j\tk', {})).toEqual([{ input: 'j', key: {} }, { input: '', key: { tab: true } }, { input: 'k', key: {} }]);
    // one key, or a key ink named (Ctrl, Meta), stays as it came
    expect(keysOf('j', {})).toEqual([{ input: 'j', key: {} }]);
    expect(keysOf('ab', { meta: true })).toEqual([{ input: 'ab', key: { meta: true } }]);
  });

  it('Esc goes back one level: expanded detail, then the filter and severity, then quit', () => {
    let s = press(start(), '/', 'p', 'i', 'n', { return: true }, 's', { return: true });
    expect(s.expanded).toBe(true);
    s = press(s, { escape: true });
    expect(s.expanded).toBe(false);
    expect(s.effect).toBeNull();
    expect(s.filter).toBe('pin');
    s = press(s, { escape: true });
    expect([s.filter, s.severity, s.status, s.effect]).toEqual(['', 'all', 'Filter cleared', null]);
    expect(press(s, { escape: true }).effect).toEqual({ kind: 'quit' });
  });

  it('q with chosen fixes that no written patch holds asks y/n (w writes); once written, q quits', () => {
    let s = press(start(), 'a', 'q');
    expect(s.mode).toBe('quit');
    expect(s.effect).toBeNull();
    expect(unwritten(s)).toHaveLength(4);
    expect(press(s, 'x').mode).toBe('quit');
    expect(press(s, 'n').mode).toBe('list');
    expect(press(s, { escape: true }).mode).toBe('list');
    expect(press(s, 'y').effect).toEqual({ kind: 'quit' });
    expect(press(start(), 'a', { escape: true }).mode).toBe('quit');
    s = press(s, 'w', { return: true });
    expect(s.effect).toEqual({ kind: 'write', path: DEFAULT_PATCH });
    // an error while writing leaves them unwritten
    expect(press(reducer(s, { type: 'effect-done', status: 'Error: EACCES' }), 'q').mode).toBe('quit');
    s = reducer(s, { type: 'effect-done', status: 'Wrote it', wrote: true });
    expect(unwritten(s)).toEqual([]);
    expect(press(s, 'q').effect).toEqual({ kind: 'quit' });
    // one more choice after the write: asked again
    s = press(s, 'j', 'j', 'j', ' ');
    expect(unwritten(s).map((f) => f.fix?.applicability)).toEqual(['unsafe']);
    expect(press(s, 'q').mode).toBe('quit');
  });

  it('selection is by fix identity, so it survives regrouping', () => {
    let s = press(start(), 'j', ' ');
    const key = fixKey(current(s)!);
    s = press(s, 'g', 'g');
    expect(s.selected.has(key)).toBe(true);
    expect(fixKey(current(s)!)).toBe(key);
  });
});
