import { describe, expect, it } from 'vitest';
import { evaluateSysPathEntry } from '../../src/model/sys-path.js';

const FILE = '/srv/jobs/nightly/run.py';
const at = (expr: string, assignments: { name: string; expr: string; line: number }[] = []): string | null => evaluateSysPathEntry(expr, FILE, '/srv', assignments, 99);

describe('evaluateSysPathEntry', () => {
  it('evaluates __file__ with dirname chains, join and pathlib', () => {
    expect(at('os.path.dirname(__file__)')).toBe('/srv/jobs/nightly');
    expect(at('os.path.dirname(os.path.dirname(os.path.abspath(__file__)))')).toBe('/srv/jobs');
    expect(at("os.path.join(os.path.dirname(__file__), '..')")).toBe('/srv/jobs');
    expect(at('os.path.join(os.path.dirname(__file__), "..", "..", "lib")')).toBe('/srv/lib');
    expect(at('str(Path(__file__).resolve().parents[2])')).toBe('/srv');
    expect(at('Path(__file__).parent.parent')).toBe('/srv/jobs');
    expect(at('pathlib.Path(__file__).parent / "vendor"')).toBe('/srv/jobs/nightly/vendor');
    expect(at('os.path.dirname(__file__) + "/.."')).toBe('/srv/jobs');
  });

  it('resolves literals against the working directory and names assigned earlier', () => {
    expect(at('"/opt/plugins"')).toBe('/opt/plugins');
    expect(at("'lib'")).toBe('/srv/lib');
    expect(at('os.getcwd()')).toBe('/srv');
    expect(at('ROOT', [{ name: 'ROOT', expr: 'Path(__file__).parents[1]', line: 3 }])).toBe('/srv/jobs');
    expect(at('os.path.join(BASE, "..")', [{ name: 'BASE', expr: 'os.path.dirname(__file__)', line: 1 }])).toBe('/srv/jobs');
  });

  it('gives null for what it cannot evaluate', () => {
    expect(at('os.environ["PLUGIN_DIR"]')).toBeNull();
    expect(at('settings.BASE_DIR')).toBeNull();
    expect(at('f"{root}/lib"')).toBeNull();
    expect(at('find_root()')).toBeNull();
    expect(at('LATER', [{ name: 'LATER', expr: '"/x"', line: 120 }])).toBeNull();
  });
});
