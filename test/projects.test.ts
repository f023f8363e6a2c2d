// Every scenario under fixtures/projects/ is audited through the CLI (in process) and compared with its
// committed expected text, JSON and patch (kept beside the inputs; discovery never reads them).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/cli.js';
import { runCliInProcess } from './helpers/in-process.js';
import { expectGolden } from './helpers/golden.js';

const PROJECTS = join(REPO_ROOT, 'fixtures/projects');

const projects = readdirSync(PROJECTS, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();

describe.each(projects)('project %s', (name) => {
  const dir = join(PROJECTS, name);
  const expected = (file: string): string => join(dir, file);

  it('text report matches expected.txt and the exit code follows the findings', async () => {
    const text = await runCliInProcess(['.', '--no-color'], { cwd: dir });
    const json = JSON.parse((await runCliInProcess(['.', '--format', 'json'], { cwd: dir })).stdout) as { findings: { severity: string; suppressed: boolean }[] };
    expect(text.stderr).toBe('');
    expect(text.status).toBe(json.findings.some((f) => f.severity === 'error' && !f.suppressed) ? 1 : 0);
    expectGolden(expected('expected.txt'), text.stdout);
  });

  it('json report matches expected.json', async () => {
    const json = await runCliInProcess(['.', '--format', 'json'], { cwd: dir });
    expect(() => JSON.parse(json.stdout)).not.toThrow();
    expectGolden(expected('expected.json'), json.stdout);
  });

  it('fix patch matches expected.patch', async () => {
    const diff = await runCliInProcess(['.', '--diff'], { cwd: dir });
    expect([0, 1]).toContain(diff.status);
    expectGolden(expected('expected.patch'), diff.stdout);
  });
});

it('every project fixture has its expected outputs', async () => {
  for (const name of projects) for (const file of ['expected.txt', 'expected.json', 'expected.patch']) expect(existsSync(join(PROJECTS, name, file)), `${name}/${file}`).toBe(true);
});
