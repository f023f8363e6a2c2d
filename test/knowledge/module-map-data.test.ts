import { describe, it, expect } from 'vitest';
import {
  ALTERNATIVE_DISTRIBUTIONS,
  BINARY_TO_DISTRIBUTION,
  MODULE_TO_DISTRIBUTION,
} from '../../src/knowledge/module-map-data.js';
import { WELL_KNOWN_EXTRAS, WELL_KNOWN_REQUIRES } from '../../src/knowledge/transitive-data.js';

/** PEP 503 normalisation. */
const normalise = (name: string): string => name.toLowerCase().replace(/[-_.]+/g, '-');

/** What the fallback guess would say: the normalised top-level segment of the import. */
const guess = (module: string): string => normalise(module.split('.')[0] ?? module);

/** PEP 508 distribution name. */
const DIST_NAME = /^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i;
/** Dotted Python identifiers (ASCII; no stored import needs more). */
const MODULE_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
/** A binary on PATH: no slashes or spaces. */
const BINARY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Entries whose module normalises to its distribution's name, kept anyway.
 * - aio_pika: DESIGN §5 names aio_pika -> aio-pika as a required table entry; keeping it makes the
 *   table the one place the required pairs can be checked, and lets a fix use the PyPI spelling.
 */
const SAME_NAME_ALLOWED = new Set(['aio_pika']);

const moduleMap = new Map(MODULE_TO_DISTRIBUTION);

function duplicates(keys: readonly string[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const k of keys) {
    if (seen.has(k)) dup.add(k);
    seen.add(k);
  }
  return [...dup];
}

describe('MODULE_TO_DISTRIBUTION', () => {
  it('has at least 300 entries and no duplicate module keys', () => {
    expect(MODULE_TO_DISTRIBUTION.length).toBeGreaterThanOrEqual(300);
    expect(duplicates(MODULE_TO_DISTRIBUTION.map(([m]) => m))).toEqual([]);
  });

  it('uses valid module and distribution names', () => {
    const bad = MODULE_TO_DISTRIBUTION.filter(([m, d]) => !MODULE_NAME.test(m) || !DIST_NAME.test(d));
    expect(bad).toEqual([]);
  });

  it('lists only genuine mismatches (the normalised-name guess would be wrong)', () => {
    const same = MODULE_TO_DISTRIBUTION.filter(([m, d]) => guess(m) === normalise(d) && !SAME_NAME_ALLOWED.has(m));
    expect(same).toEqual([]);
    // the allow-list is not stale
    for (const m of SAME_NAME_ALLOWED) expect(moduleMap.has(m)).toBe(true);
  });

  it('has no dotted entry made redundant by its nearest mapped ancestor', () => {
    const redundant: string[] = [];
    for (const [m, d] of MODULE_TO_DISTRIBUTION) {
      const parts = m.split('.');
      for (let i = parts.length - 1; i > 0; i--) {
        const parent = moduleMap.get(parts.slice(0, i).join('.'));
        if (parent !== undefined) {
          if (normalise(parent) === normalise(d)) redundant.push(m);
          break;
        }
      }
    }
    expect(redundant).toEqual([]);
  });

  it('contains the pairs DESIGN §5 requires', () => {
    const required: Array<[string, string]> = [
      ['aio_pika', 'aio-pika'],
      ['yaml', 'PyYAML'],
      ['PIL', 'Pillow'],
      ['cv2', 'opencv-python'],
      ['sklearn', 'scikit-learn'],
      ['bs4', 'beautifulsoup4'],
      ['dotenv', 'python-dotenv'],
      ['jose', 'python-jose'],
      ['jwt', 'PyJWT'],
    ];
    for (const [m, d] of required) expect(moduleMap.get(m), m).toBe(d);
  });

  it('maps namespace packages at submodule level (deptry#1528)', () => {
    expect(moduleMap.get('google.cloud.storage')).toBe('google-cloud-storage');
    expect(moduleMap.get('azure.storage.blob')).toBe('azure-storage-blob');
    expect(moduleMap.get('google.protobuf')).toBe('protobuf');
    expect(moduleMap.get('opentelemetry.sdk')).toBe('opentelemetry-sdk');
    // no bare namespace roots: they belong to no single distribution
    for (const root of ['google', 'google.cloud', 'azure', 'opentelemetry', 'zope', 'jaraco', 'backports']) {
      expect(moduleMap.has(root), root).toBe(false);
    }
  });

  it('covers the names the design calls out as measured false positives', () => {
    for (const m of ['rest_framework', 'django_filters', 'environ', 'Crypto', 'git']) {
      expect(moduleMap.has(m), m).toBe(true);
    }
  });
});

describe('ALTERNATIVE_DISTRIBUTIONS', () => {
  it('has unique keys, at least two valid distributions each, no repeats', () => {
    expect(duplicates(ALTERNATIVE_DISTRIBUTIONS.map(([m]) => m))).toEqual([]);
    for (const [m, ds] of ALTERNATIVE_DISTRIBUTIONS) {
      expect(MODULE_NAME.test(m), m).toBe(true);
      expect(ds.length, m).toBeGreaterThanOrEqual(2);
      for (const d of ds) expect(DIST_NAME.test(d), d).toBe(true);
      expect(new Set(ds.map(normalise)).size, m).toBe(ds.length);
    }
  });

  it('puts the canonical distribution first (the table entry, else the guess)', () => {
    for (const [m, ds] of ALTERNATIVE_DISTRIBUTIONS) {
      const canonical = moduleMap.get(m) ?? guess(m);
      expect(normalise(ds[0] ?? ''), m).toBe(normalise(canonical));
    }
  });

  it('includes the well-known binary/headless variants', () => {
    const alt = new Map(ALTERNATIVE_DISTRIBUTIONS);
    expect(alt.get('psycopg2')).toContain('psycopg2-binary');
    expect(alt.get('cv2')).toContain('opencv-python-headless');
  });
});

describe('BINARY_TO_DISTRIBUTION', () => {
  it('has at least 30 valid, unique entries', () => {
    expect(BINARY_TO_DISTRIBUTION.length).toBeGreaterThanOrEqual(30);
    expect(duplicates(BINARY_TO_DISTRIBUTION.map(([b]) => b))).toEqual([]);
    const bad = BINARY_TO_DISTRIBUTION.filter(([b, d]) => !BINARY_NAME.test(b) || !DIST_NAME.test(d));
    expect(bad).toEqual([]);
  });

  it('knows the common container commands', () => {
    const bins = new Map(BINARY_TO_DISTRIBUTION);
    expect(bins.get('uvicorn')).toBe('uvicorn');
    expect(bins.get('gunicorn')).toBe('gunicorn');
    expect(bins.get('celery')).toBe('celery');
    expect(bins.get('django-admin')).toBe('Django');
    expect(bins.get('airflow')).toBe('apache-airflow');
    expect(bins.get('waitress-serve')).toBe('waitress');
  });
});

describe('WELL_KNOWN_REQUIRES', () => {
  it('has at least 80 unique distributions', () => {
    expect(WELL_KNOWN_REQUIRES.length).toBeGreaterThanOrEqual(80);
    expect(duplicates(WELL_KNOWN_REQUIRES.map(([d]) => d))).toEqual([]);
  });

  it('uses PEP 503-normalised names only, with no self or repeated requirements', () => {
    for (const [dist, reqs] of WELL_KNOWN_REQUIRES) {
      expect(normalise(dist), dist).toBe(dist);
      expect(DIST_NAME.test(dist), dist).toBe(true);
      for (const r of reqs) {
        expect(normalise(r), `${dist} -> ${r}`).toBe(r);
        expect(DIST_NAME.test(r), `${dist} -> ${r}`).toBe(true);
      }
      expect(reqs, dist).not.toContain(dist);
      expect(new Set(reqs).size, dist).toBe(reqs.length);
    }
  });

  it('records the examples DESIGN §5 relies on', () => {
    const req = new Map(WELL_KNOWN_REQUIRES);
    expect(req.get('fastapi')).toEqual(expect.arrayContaining(['starlette', 'pydantic']));
    expect(req.get('flask')).toEqual(expect.arrayContaining(['werkzeug', 'jinja2', 'click', 'itsdangerous']));
    expect(req.get('requests')).toEqual(expect.arrayContaining(['urllib3', 'idna', 'certifi', 'charset-normalizer']));
    expect(req.get('celery')).toEqual(expect.arrayContaining(['kombu', 'billiard']));
    expect(req.get('django')).toEqual(expect.arrayContaining(['asgiref', 'sqlparse']));
    expect(req.get('httpx')).toEqual(expect.arrayContaining(['httpcore', 'anyio']));
    expect(req.get('boto3')).toEqual(expect.arrayContaining(['botocore', 's3transfer']));
  });
});

describe('WELL_KNOWN_EXTRAS', () => {
  it('uses normalised `name[extra]` keys and normalised requirement names', () => {
    expect(duplicates(WELL_KNOWN_EXTRAS.map(([k]) => k))).toEqual([]);
    for (const [key, reqs] of WELL_KNOWN_EXTRAS) {
      const m = /^([a-z0-9-]+)\[([a-z0-9-]+)\]$/.exec(key);
      expect(m, key).not.toBeNull();
      expect(normalise(m?.[1] ?? ''), key).toBe(m?.[1]);
      expect(reqs.length, key).toBeGreaterThan(0);
      for (const r of reqs) expect(normalise(r), `${key} -> ${r}`).toBe(r);
    }
  });

  it('includes uvicorn[standard]', () => {
    const extras = new Map(WELL_KNOWN_EXTRAS);
    expect(extras.get('uvicorn[standard]')).toEqual(
      expect.arrayContaining(['uvloop', 'httptools', 'websockets', 'watchfiles', 'python-dotenv', 'pyyaml']),
    );
  });
});
