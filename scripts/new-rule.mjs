// Scaffolds a rule: `node scripts/new-rule.mjs PROD013 some-name production [--dry-run]`.
// Writes src/rules/<folder>/<name>.ts (meta with the required docs headings, an empty check), adds
// the rule to the registry (src/rules/index.ts: its import and its line in RULES, after the last
// rule of the same folder) and creates fixtures/rules/<name>/flags-example/ and ok-example/.
// --dry-run prints what it would do and writes nothing. The folder is the rules' subfolder
// (python, pins, npm, production, suppressions, or a new one); it is also the category when it
// names one (correctness, reproducibility, security, production), else the category is correctness.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CATEGORIES = ['correctness', 'reproducibility', 'security', 'production'];
const USAGE = 'usage: node scripts/new-rule.mjs ID name folder [--dry-run]   (e.g. PROD013 some-name production)';

const args = process.argv.slice(2);
const dryRun = args.includes('--dry-run');
const [id, name, folder, ...extra] = args.filter((a) => a !== '--dry-run');

function fail(message) {
  process.stderr.write(`new-rule: ${message}\n${USAGE}\n`);
  process.exit(2);
}

if (!id || !name || !folder || extra.length > 0) fail('expected an id, a name and a folder');
if (!/^[A-Z]{3,4}\d{3}$/.test(id)) fail(`"${id}" is not a rule id (PREFIX + 3 digits, e.g. PROD013)`);
if (!/^[a-z]+(-[a-z]+)*$/.test(name)) fail(`"${name}" is not a rule name (kebab-case, e.g. some-name)`);
if (!/^[a-z]+(-[a-z]+)*$/.test(folder)) fail(`"${folder}" is not a folder name (lower-case, e.g. production)`);

const rulesDir = join(ROOT, 'src/rules');
const registryPath = join(rulesDir, 'index.ts');
const rulePath = join(rulesDir, folder, `${name}.ts`);
const fixtureDir = join(ROOT, 'fixtures/rules', name);

// The id and the name must be new: look at every rule file's meta.
for (const dir of readdirSync(rulesDir, { withFileTypes: true }).filter((d) => d.isDirectory())) {
  for (const file of readdirSync(join(rulesDir, dir.name)).filter((f) => f.endsWith('.ts'))) {
    const text = readFileSync(join(rulesDir, dir.name, file), 'utf8');
    if (text.includes(`id: '${id}'`)) fail(`${id} is taken (src/rules/${dir.name}/${file})`);
    if (text.includes(`name: '${name}'`)) fail(`the name ${name} is taken (src/rules/${dir.name}/${file})`);
  }
}
if (existsSync(rulePath)) fail(`${relative(ROOT, rulePath)} exists`);
if (existsSync(fixtureDir)) fail(`${relative(ROOT, fixtureDir)} exists`);

const category = CATEGORIES.includes(folder) ? folder : 'correctness';
const identifier = name.replace(/-([a-z])/g, (_m, c) => c.toUpperCase());

const ruleFile = `// ${id} ${name}: TODO one line on what it flags and from which facts of the model.
import { defineRule } from '../define-rule.js';

export default defineRule({
  meta: {
    id: '${id}',
    name: '${name}',
    severity: 'warning',
    category: '${category}',
    fix: 'none',
    summary: 'TODO: one line for the rules table',
    docs: \`## What it does
TODO: what is flagged, and what is not (development files, unknown facts).

## Why is this bad?
TODO

## Example
\\\`\\\`\\\`text
TODO
\\\`\\\`\\\`

Use instead: TODO

## References
- TODO\`,
  },
  check(_ctx) {
    // TODO: for each problem, _ctx.report({ file, span, message, service }) (rename _ctx to use it).
  },
});
`;

// The registry: the import after the last import from the same folder (else after the last
// import), the entry after that rule's entry in RULES (else at the end of RULES).
const registry = readFileSync(registryPath, 'utf8');
const lines = registry.split('\n');
const importRe = /^import (\w+) from '\.\/([\w-]+)\/[\w-]+\.js';$/;
const imports = lines.map((line, i) => ({ i, m: importRe.exec(line) })).filter((x) => x.m);
if (imports.length === 0) fail('src/rules/index.ts: no rule imports found');
const sameFolder = imports.filter((x) => x.m[2] === folder);
const anchor = (sameFolder.length > 0 ? sameFolder : imports).at(-1);
const rulesStart = lines.findIndex((line) => line.startsWith('export const RULES'));
const rulesEnd = lines.findIndex((line, i) => i > rulesStart && line === '];');
if (rulesStart === -1 || rulesEnd === -1) fail('src/rules/index.ts: no `export const RULES = [ ... ];`');
const anchorEntry = sameFolder.length > 0 ? lines.findIndex((line, i) => i > rulesStart && i < rulesEnd && line.trim() === `${anchor.m[1]},`) : -1;
const entryAt = anchorEntry === -1 ? rulesEnd : anchorEntry + 1;
const updated = [...lines];
updated.splice(entryAt, 0, `  ${identifier},`);
updated.splice(anchor.i + 1, 0, `import ${identifier} from './${folder}/${name}.js';`);

const fixtureNote = (kind) => `Placeholder: put the inputs of a case ${kind === 'flags' ? `${id} flags here` : `${id} must not flag here`} (Dockerfile, compose file,
requirements, Python code), then run \`UPDATE_GOLDENS=1 npx vitest run test/rules.test.ts -t ${name}\`
and review the ${kind === 'flags' ? 'expected.txt (and expected.patch, for a fix) it writes' : 'result: no expected.txt means no findings'}. Delete this file.
`;

const writes = [
  [rulePath, ruleFile],
  [registryPath, updated.join('\n')],
  [join(fixtureDir, 'flags-example', 'TODO.md'), fixtureNote('flags')],
  [join(fixtureDir, 'ok-example', 'TODO.md'), fixtureNote('ok')],
];

for (const [path, text] of writes) {
  const shown = relative(ROOT, path);
  if (dryRun) {
    process.stdout.write(`would write ${shown}${path === registryPath ? ` (+ import ${identifier}, + RULES entry)` : ''}\n`);
    continue;
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  process.stdout.write(`wrote ${shown}\n`);
}
process.stdout.write(`next: write the check and the docs, fill the two fixture cases, then npm run readme:rules (the README's rule table)${dryRun ? '\n(dry run: nothing written)' : ''}\n`);
