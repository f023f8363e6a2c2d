// Rule documentation in the detail pane: markdown written with hard line breaks, re-flowed to the
// pane's width.
import { describe, expect, it } from 'vitest';
import { reflow } from '../../src/tui/format.js';
import { RULES } from '../../src/rules/index.js';

const DOC = [
  '## What it does',
  'Flags every module the code imports that the image never',
  'installs, following requirements files.',
  '',
  '',
  '- a first item that is long enough to',
  '  wrap over two lines of the pane',
  '- second',
  '',
  '```yaml',
  'services:   # kept as written, however wide',
  '  api: {}',
  '```',
  '',
  '    indented code stays',
  '',
].join('\n');

describe('reflow', () => {
  it('joins and re-wraps paragraphs and list items, keeps headings, code and one blank line between blocks', () => {
    expect(reflow(DOC, 32, '  ').map((l) => `${l.style[0]}|${l.text}`)).toEqual([
      'h|  What it does',
      't|  Flags every module the code',
      't|  imports that the image never',
      't|  installs, following',
      't|  requirements files.',
      't|',
      't|  - a first item that is long',
      't|    enough to wrap over two',
      't|    lines of the pane',
      't|  - second',
      't|',
      'c|  ```yaml',
      'c|  services:   # kept as written, however wide',
      'c|    api: {}',
      'c|  ```',
      't|',
      'c|      indented code stays',
    ]);
  });

  it('every rule\'s docs fit an 80-column pane outside code, with nothing lost', () => {
    for (const rule of RULES) {
      const lines = reflow(rule.meta.docs.trim(), 80, '  ');
      for (const line of lines) if (line.style !== 'code') expect([...line.text].length, `${rule.meta.id}: ${line.text}`).toBeLessThanOrEqual(80);
      const words = (text: string): string[] => text.replace(/^#+ /gm, '').split(/\s+/).filter(Boolean);
      expect(words(lines.map((l) => l.text).join('\n')), rule.meta.id).toEqual(words(rule.meta.docs));
    }
  });
});
