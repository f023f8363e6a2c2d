// The header and footer at any width: the parts that matter are never cut off.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { audit } from '../../src/audit.js';
import { visible } from '../../src/report/summary.js';
import { reducer, initialState, type TuiState } from '../../src/tui/reducer.js';
import { screenLines } from '../../src/tui/screen.js';
import { REPO_ROOT } from '../helpers/cli.js';

const SUTAZAI = join(REPO_ROOT, 'fixtures/projects/sutazai');
const result = audit({ root: SUTAZAI });
const loaded = reducer(initialState(), { type: 'load', findings: visible(result) });
const text = (state: TuiState, root: string, width: number): string[] =>
  screenLines({ state, result, root, width, height: 24, patchFor: () => '' }).map((line) => line.map((s) => s.text).join(''));
const press = (state: TuiState, input: string): TuiState => reducer(state, { type: 'key', input, key: {} });

describe('screen header and footer', () => {
  it('a long root is shortened from its start and the services list says how many it left out', () => {
    const root = '/home/someone/work/projects/a-monorepo-with-a-long-name/services/backend-api';
    const [title = ''] = text(loaded, root, 80);
    expect([...title].length).toBeLessThanOrEqual(80);
    expect(title).toMatch(/^driftcheck …[^ ]*backend-api {2}(services: backend(, \w+)*, \+\d more|4 services)$/);
    expect(text(loaded, root, 200)[0]).toBe(`driftcheck ${root}  services: backend, agents, rabbitmq, chromadb`);
    expect(text(loaded, 'sutazai', 50)[0]).toBe('driftcheck sutazai  services: backend, +3 more');
    expect(text(loaded, 'sutazai', 30)[0]).toBe('driftcheck sutazai  4 services');
  });

  it('the footer keeps F, ? and q at every width down to 40, and beside a status', () => {
    for (const width of [40, 60, 80, 100, 120]) {
      const footer = text(loaded, 'sutazai', width).at(-1) ?? '';
      expect([...footer].length, `${width}`).toBeLessThanOrEqual(width);
      expect(footer, `${width}`).toMatch(/F apply {2}\? help {2}q quit$/);
    }
    expect(text(loaded, 'sutazai', 120).at(-1)).toBe('j/k move  Enter expand  / filter  s severity  g group  space select  a safe  w write  F apply  ? help  q quit');
    const status = press(loaded, 'a'); // "Selected 4 safe fixes"
    expect(text(status, 'sutazai', 80).at(-1)).toBe('Selected 4 safe fixes  / filter  space select  w write  F apply  ? help  q quit');
  });

  it('the filter and the severity filter stay in the header at any width; the rest gives way', () => {
    const filtered = press(press(press(loaded, '/'), 'pin\r'), 's');
    for (const width of [50, 80, 100]) {
      const view = text(filtered, 'sutazai', width)[1] ?? '';
      expect([...view].length, `${width}`).toBeLessThanOrEqual(width);
      expect(view, `${width}`).toContain('filter "pin"');
      expect(view, `${width}`).toContain('severity error');
    }
    expect(text(filtered, 'sutazai', 100)[1]).toBe('7 errors  8 warnings  0 info  |  shown 3/15  filter "pin"  severity error  selected 0  group service');
    expect(text(filtered, 'sutazai', 80)[1]).toBe('7 errors  8 warnings  0 info  |  shown 3/15  filter "pin"  severity error');
    expect(text(filtered, 'sutazai', 50)[1]).toBe('7E 8W 0I |  3/15  filter "pin"  severity error');
    // a long filter is shortened first, the counts only after
    const long = press(press(press(loaded, '/'), `redis${'x'.repeat(60)}\r`), 's');
    expect(text(long, 'sutazai', 80)[1]).toMatch(/^7 errors {2}8 warnings {2}0 info {2}\| {2}shown 0\/15 {2}filter "redisx+…" {2}severity error$/);
    expect(text(long, 'sutazai', 80)[1]).toHaveLength(80);
    expect(text(long, 'sutazai', 50)[1]).toBe('7E 8W 0I |  0/15  filter "redisx…"  severity error');
  });
});
