// Dependencies of older releases (WELL_KNOWN_REQUIRES_OLDER), at the boundaries read from each
// project's own files at its git tags (issue #17 point 8).
import { describe, expect, it } from 'vitest';
import { olderReleaseRequires } from '../../src/model/module-map.js';

describe('olderReleaseRequires', () => {
  it.each([
    ['requests', '2.15.1', []], // chardet, idna and urllib3 were vendored: no install_requires
    ['requests', '2.16.0', ['chardet']],
    ['requests', '2.25.1', ['chardet']],
    ['requests', '2.26.0', []], // charset_normalizer on Python 3
    ['celery', '3.1.26', ['pytz']],
    ['celery', '5.0.5', ['pytz']],
    ['celery', '5.2.7', ['pytz']], // the old table stopped at 5.1
    ['celery', '5.3.0', []], // tzdata and python-dateutil instead
    ['babel', '2.13.1', ['setuptools']],
    ['babel', '2.14.0', []],
    ['instana', '2.5.3', ['basictracer', 'opentracing', 'protobuf', 'six']],
    ['instana', '3.0.0', ['protobuf', 'six']],
    ['instana', '3.6.0', ['six', 'setuptools']],
    ['instana', '3.17.0', []],
  ] as const)('%s==%s requires %j beyond the current release', (key, version, expected) => {
    expect([...olderReleaseRequires(key, version)].sort()).toEqual([...expected].sort());
  });
});
