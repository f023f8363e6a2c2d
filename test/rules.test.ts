// One folder per rule case: fixtures/rules/<rule-name>/<case>/. Each case is audited with only
// its rule selected; expected.txt holds the concise report (absent: no findings at all), and
// expected.patch the --unsafe-fixes patch (absent: no patch). Fixes must converge.
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { rulesMarkdown } from '../src/cli/rules-table.js';
import { loadConfig } from '../src/config/load.js';
import { auditInParallel } from '../src/engine/pipeline.js';
import { textReport } from '../src/report/text.js';
import { RULES, ruleLookup } from '../src/rules/index.js';
import { REPO_ROOT, gitCopy, run } from './helpers/cli.js';
import { runCliInProcess } from './helpers/in-process.js';
import { expectGolden } from './helpers/golden.js';

const RULES_DIR = join(REPO_ROOT, 'fixtures/rules');

const cases = RULES.flatMap((rule) => {
  const dir = join(RULES_DIR, rule.meta.name);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => ({ id: rule.meta.id, name: `${rule.meta.name}/${d.name}`, dir: join(dir, d.name) }));
});

describe.each(cases)('$name', ({ id, dir }) => {
  it('reports exactly what expected.txt says', async () => {
    // The text report without evidence (severity, service, file, one line per finding), from the
    // library: the CLI's -q prints the concise format, which has no severity. The asynchronous
    // audit, as the CLI runs it: it loads npm lock graphs (arborist) in process, where the
    // synchronous one would need the built child (src/metadata/npm-graph.ts).
    const result = await auditInParallel({ root: dir, select: [id], config: loadConfig(dir, null, ruleLookup) }, 1);
    const text = textReport(result, { color: false, displayRoot: '.', quiet: true });
    const findings = text.includes('No problems found') ? '' : text;
    const golden = join(dir, 'expected.txt');
    // No expected.txt means "no findings"; an empty golden is never written.
    if (findings === '' && !existsSync(golden)) return;
    expectGolden(golden, findings);
  });

  it('writes expected.patch, which applies and converges', async () => {
    const patch = (await runCliInProcess(['.', '--select', id, '--diff', '--unsafe-fixes'], { cwd: dir })).stdout;
    const golden = join(dir, 'expected.patch');
    if (patch === '' && !existsSync(golden)) return;
    expectGolden(golden, patch);
    if (patch === '') return;
    const copy = gitCopy(dir);
    const patchFile = join(copy, '..', `rule-${process.pid}-${Date.now()}.patch`);
    writeFileSync(patchFile, patch);
    expect(run('git', ['apply', patchFile], copy).status).toBe(0);
    expect((await runCliInProcess(['.', '--select', id, '--diff', '--unsafe-fixes'], { cwd: copy })).stdout).toBe('');
  });
});

describe('rule conventions', () => {
  it('the README rule table is generated from the registry (npm run readme:rules)', () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    expect(readme).toContain(`<!-- rules:start -->\n${rulesMarkdown()}\n<!-- rules:end -->`);
  });

  it('ids and names are unique and well formed', () => {
    const ids = RULES.map((r) => r.meta.id);
    const names = RULES.map((r) => r.meta.name);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(names).size).toBe(names.length);
    for (const rule of RULES) {
      expect(rule.meta.id).toMatch(/^[A-Z]{3,4}\d{3}$/);
      expect(rule.meta.name).toMatch(/^[a-z]+(-[a-z]+)*$/);
    }
  });

  it.each(RULES.map((r) => [r.meta.id, r] as const))('%s has docs with the required headings', (_id, rule) => {
    for (const heading of ['## What it does', '## Why is this bad?', '## Example']) expect(rule.meta.docs).toContain(heading);
    if (rule.meta.fix !== 'none') expect(rule.meta.docs).toContain('## Fix safety');
  });

  it.each(RULES.map((r) => [r.meta.id, r] as const))('%s has a flagged and a clean fixture case', (_id, rule) => {
    const mine = cases.filter((c) => c.name.startsWith(`${rule.meta.name}/`));
    expect(mine.some((c) => existsSync(join(c.dir, 'expected.txt')))).toBe(true);
    expect(mine.some((c) => !existsSync(join(c.dir, 'expected.txt')))).toBe(true);
    if (rule.meta.fix !== 'none') expect(mine.some((c) => existsSync(join(c.dir, 'expected.patch')))).toBe(true);
  });
});
