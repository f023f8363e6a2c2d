import { describe, expect, it } from 'vitest';
import { mergeComposeService } from '../../src/model/compose-merge.js';
import { parseCompose } from '../../src/parsers/compose.js';
import { parseDotenv } from '../../src/parsers/dotenv.js';

const BASE = [
  'services:',
  '  base:',
  '    build: .',
  '    command: gunicorn app:app',
  '    environment:',
  '      DEBUG: "0"',
  '      LOG_LEVEL: info',
  '    ports: ["8000:8000"]',
  '    volumes:',
  '      - ./data:/data',
  '      - cache:/cache',
  '',
].join('\n');

const CHILD = [
  'services:',
  '  api:',
  '    extends: base',
  '    environment:',
  '      DEBUG: "1"',
  '    ports: ["9000:9000"]',
  '    volumes:',
  '      - other:/cache',
  '',
].join('\n');

describe('mergeComposeService', () => {
  const base = parseCompose(BASE).services[0]!;
  const child = parseCompose(CHILD).services[0]!;
  const merged = mergeComposeService(base, 'common.yml', child);

  it('reads extends', () => {
    expect(child.extends).toMatchObject({ service: 'base', file: null, line: 3 });
  });

  it('keeps the child name and replaces single values only when the child sets them', () => {
    expect(merged.name).toBe('api');
    expect(merged.command?.raw).toBe('gunicorn app:app');
    expect(merged.command?.file).toBe('common.yml');
    expect(merged.build?.file).toBe('common.yml');
    expect(merged.extends).toBeNull();
  });

  it('merges environment by key, appends ports, merges volumes by target, and keeps each value\'s file', () => {
    expect(merged.environment.map((e) => [e.key, e.value, e.file ?? 'child'])).toEqual([
      ['LOG_LEVEL', 'info', 'common.yml'],
      ['DEBUG', '1', 'child'],
    ]);
    expect(merged.ports.map((p) => [p.raw, p.file ?? 'child'])).toEqual([
      ['8000:8000', 'common.yml'],
      ['9000:9000', 'child'],
    ]);
    expect(merged.volumes.map((v) => [v.raw, v.file ?? 'child'])).toEqual([
      ['./data:/data', 'common.yml'],
      ['other:/cache', 'child'],
    ]);
  });
});

describe('parseDotenv', () => {
  it('reads KEY=VALUE lines with export, quotes and comments', () => {
    const vars = parseDotenv('# c\nexport A=1\nB="two words" \nC=\'$lit\'\nD=x # trailing\n\nbad line\n');
    expect([...vars].map(([k, v]) => [k, v.value, v.line])).toEqual([
      ['A', '1', 2],
      ['B', 'two words', 3],
      ['C', '$lit', 4],
      ['D', 'x', 5],
    ]);
  });
});

describe('compose merge tags !reset and !override (#16 idiom 12)', () => {
  const TAGGED = [
    'services:',
    '  api:',
    '    extends: base',
    '    command: !reset null',
    '    ports: !reset []',
    '    environment: !override',
    '      ONLY: "1"',
    '    volumes: !override',
    '      - other:/cache',
    '',
  ].join('\n');
  const parsed = parseCompose(TAGGED);
  const child = parsed.services[0]!;
  const base = parseCompose(BASE).services[0]!;
  const merged = mergeComposeService(base, 'common.yml', child);

  it('are read without a YAML warning, the reset keys unset in the file itself', () => {
    expect(parsed.diagnostics).toEqual([]);
    expect(child.command).toBeNull();
    expect(child.ports).toEqual([]);
    expect(child.reset).toEqual(['command', 'ports']);
    expect(child.override).toEqual(['environment', 'volumes']);
  });

  it('!reset drops what the service is merged onto, !override replaces it instead of merging', () => {
    expect(merged.command).toBeNull();
    expect(merged.ports).toEqual([]);
    expect(merged.environment.map((e) => e.key)).toEqual(['ONLY']);
    expect(merged.volumes.map((v) => v.raw)).toEqual(['other:/cache']);
    // Untagged fields still merge, and the merged service carries no tags any more.
    expect(merged.build?.context).toBe('.');
    expect(merged.reset).toBeUndefined();
    expect(merged.override).toBeUndefined();
  });
  it('a whole service written `!reset` (removed by an override file) is not read, and is no error', () => {
    const override = parseCompose(['services:', '  proxy: !reset', '  worker: !reset null', '  api:', '    depends_on: !override', '      db:', '        condition: service_started', '    image: app:1', ''].join('\n'));
    expect(override.diagnostics).toEqual([]);
    expect(override.services.map((s) => s.name)).toEqual(['api']);
    // Untagged, a service with no mapping is still malformed.
    expect(parseCompose('services:\n  proxy:\n  api:\n    image: app:1\n').diagnostics.map((d) => d.message)).toEqual(['service "proxy" must be a mapping']);
  });
});
