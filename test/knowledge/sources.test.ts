// Every fact in knowledge/ says where it comes from (#14): a `source` on each entry of each table.
import { describe, expect, it } from 'vitest';
import { BASE_IMAGE_DIRECTORY_GROUPS, BASE_IMAGES } from '../../src/knowledge/base-images.js';
import { INCOMPATIBLE } from '../../src/knowledge/incompatible-data.js';
import { ALTERNATIVE_DISTRIBUTIONS, BINARY_TO_DISTRIBUTION, MODULE_TO_DISTRIBUTION } from '../../src/knowledge/module-map-data.js';
import { MORE_ALTERNATIVE_DISTRIBUTIONS, MORE_MODULE_TO_DISTRIBUTION } from '../../src/knowledge/module-map-extra-data.js';
import { META_PACKAGES, WELL_KNOWN_EXTRAS, WELL_KNOWN_REQUIRES, WELL_KNOWN_REQUIRES_BEFORE_PYTHON, WELL_KNOWN_REQUIRES_DIST, WELL_KNOWN_REQUIRES_OLDER } from '../../src/knowledge/transitive-data.js';
import { WELL_KNOWN_LEAVES } from '../../src/knowledge/transitive-leaves-data.js';
import { LOADED_BY } from '../../src/knowledge/usage-data.js';
import { sourced } from '../../src/knowledge/sourced.js';
import { SYSTEM_PACKAGE_GROUPS } from '../../src/knowledge/system-packages.js';

const TUPLE_TABLES: Record<string, ReadonlyArray<readonly unknown[]>> = {
  MODULE_TO_DISTRIBUTION, ALTERNATIVE_DISTRIBUTIONS, BINARY_TO_DISTRIBUTION, MORE_MODULE_TO_DISTRIBUTION, MORE_ALTERNATIVE_DISTRIBUTIONS,
  WELL_KNOWN_REQUIRES, WELL_KNOWN_REQUIRES_BEFORE_PYTHON, WELL_KNOWN_EXTRAS, WELL_KNOWN_REQUIRES_DIST, WELL_KNOWN_REQUIRES_OLDER, META_PACKAGES, WELL_KNOWN_LEAVES, LOADED_BY,
  BASE_IMAGE_DIRECTORIES: sourced(BASE_IMAGE_DIRECTORY_GROUPS),
  SYSTEM_PACKAGES: sourced(SYSTEM_PACKAGE_GROUPS),
};

// A source names a document, a file or a published page: a few words at least, not a placeholder.
const looksLikeASource = (source: unknown): boolean => typeof source === 'string' && source.trim().split(/\s+/).length >= 3 && !/^(todo|tbd|unknown)\b/i.test(source.trim());

describe('knowledge sources', () => {
  it.each(Object.entries(TUPLE_TABLES))('%s: every entry ends with its source', (_name, table) => {
    expect(table.length).toBeGreaterThan(0);
    const without = table.filter((entry) => !looksLikeASource(entry[entry.length - 1]));
    expect(without).toEqual([]);
  });

  it('BASE_IMAGES and INCOMPATIBLE: every entry has a source', () => {
    expect([...BASE_IMAGES, ...INCOMPATIBLE].filter((entry) => !looksLikeASource(entry.source))).toEqual([]);
  });
});
