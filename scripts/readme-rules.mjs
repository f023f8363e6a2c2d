// Regenerates the README's rule table from the built registry: `npm run readme:rules`.
import { readFileSync, writeFileSync } from 'node:fs';
import { rulesMarkdown } from '../dist/cli/rules-table.js';

const path = new URL('../README.md', import.meta.url);
const readme = readFileSync(path, 'utf8');
const updated = readme.replace(/<!-- rules:start -->[\s\S]*<!-- rules:end -->/, `<!-- rules:start -->\n${rulesMarkdown()}\n<!-- rules:end -->`);
writeFileSync(path, updated);
