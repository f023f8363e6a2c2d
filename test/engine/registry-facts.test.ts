// Rule facts the engine and the config read from the registry instead of hard-coding them.
import { describe, expect, it } from 'vitest';
import { hadolintEquivalents, ruleLookup, RULES } from '../../src/rules/index.js';

describe('rule facts in meta', () => {
  it('hadolint codes map to the rules that declare them', () => {
    expect(Object.fromEntries(hadolintEquivalents())).toEqual({
      DL3002: ['PROD005'], DL3006: ['PROD004'], DL3007: ['PROD004'], DL3025: ['PROD009'], DL3016: ['NPM002'],
    });
  });

  it('allowUnused stands for DEP002, the one rule declaring it', () => {
    expect(ruleLookup.shorthand('allowUnused')).toBe('DEP002');
    expect(RULES.filter((r) => r.meta.configShorthand === 'allowUnused')).toHaveLength(1);
  });

  // NPM004 asks whether a lock is in sync (lockInSync) before it trusts what the lock says npm hoists.
  it('the rules that read npm lock graphs say so (the engine loads them only for these)', () => {
    expect(RULES.filter((r) => r.meta.npmGraphs).map((r) => r.meta.id)).toEqual(['NPM001', 'NPM002', 'NPM004']);
  });

  it('exactly one rule reviews the suppressions (SUP001)', () => {
    expect(RULES.filter((r) => r.reviewSuppressions).map((r) => r.meta.id)).toEqual(['SUP001']);
  });
});
