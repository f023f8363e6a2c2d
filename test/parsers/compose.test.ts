import { describe, it, expect } from 'vitest';
import { parseCompose, interpolate, InterpolationError, shellSplit, parsePortShort, parseVolumeShort } from '../../src/parsers/compose.js';
import type { ComposeFileModel, ComposeService } from '../../src/parsers/types.js';
import type { Span } from '../../src/findings/types.js';

const MAIN = [
  'x-default: &default', // 1
  '  restart: unless-stopped', // 2
  '  image: base:1.0', // 3
  '  environment: &env', // 4
  '    LOG_LEVEL: info', // 5
  '    SHARED: "1"', // 6
  '', // 7
  'services:', // 8
  '  api:', // 9
  '    <<: *default', // 10
  '    image: myapp:latest', // 11
  '    build:', // 12
  '      context: ./api', // 13
  '      dockerfile: Dockerfile.prod', // 14
  '      target: runtime', // 15
  '      args:', // 16
  '        PY: "3.12"', // 17
  '        EMPTY:', // 18
  '    command: uvicorn app.main:app --host 0.0.0.0 --port 8000 --reload', // 19
  '    environment:', // 20
  '      <<: *env', // 21
  '      SHARED: "2"', // 22
  '      DEBUG: true', // 23
  '      PORT: 8000', // 24
  '      NOTHING:', // 25
  '    ports:', // 26
  '      - "10010:8000"', // 27
  '      - 8000', // 28
  '      - 127.0.0.1:80:8000/tcp', // 29
  '      - "3000-3005"', // 30
  '      - target: 9000', // 31
  '        published: "9001"', // 32
  '        host_ip: 127.0.0.1', // 33
  '        protocol: udp', // 34
  '    healthcheck:', // 35
  '      test: ["CMD", "curl", "-f", "http://localhost:8000/health"]', // 36
  '      interval: 30s   # every 30 seconds', // 37
  '    volumes:', // 38
  '      - ./src:/app/src:ro', // 39
  '      - data:/var/lib/x', // 40
  '      - /abs:/x', // 41
  '      - ~/x:/y', // 42
  '      - /anon', // 43
  '      - type: bind', // 44
  '        source: ./cfg', // 45
  '        target: /etc/cfg', // 46
  '      - type: volume', // 47
  '        source: cache', // 48
  '        target: /cache', // 49
  '      - type: tmpfs', // 50
  '        target: /tmp', // 51
  '    profiles: [dev, debug]', // 52
  '    user: "1000:1000"', // 53
  '    working_dir: /app', // 54
  '  worker:', // 55
  '    <<: *default', // 56
  '    build: ./worker', // 57
  `    command: ["celery", "-A", "tasks", 'worker', "--loglevel=info"]`, // 58
  '    environment:', // 59
  '      - KEY=value', // 60
  '      - EMPTY=', // 61
  '      - BARE', // 62
  '      - "QUOTED=a b"', // 63
  '    healthcheck:', // 64
  '      test: curl -f http://localhost/ || exit 1', // 65
  '  web:', // 66
  '    build:', // 67
  '      dockerfile: web.Dockerfile', // 68
  '    command:', // 69
  '      - npm', // 70
  '      - "run"', // 71
  '      - dev   # comment', // 72
  '    entrypoint: "/docker-entrypoint.sh --flag"', // 73
  '    healthcheck:', // 74
  '      test: ["NONE"]', // 75
  '  folded:', // 76
  '    image: x', // 77
  '    command: >-', // 78
  '      uvicorn app.main:app', // 79
  '      --reload', // 80
  '    healthcheck:', // 81
  '      disable: true', // 82
  '  x-ignored:', // 83
  '    image: nope', // 84
  '',
].join('\n');

const sl = (text: string, span: Span | null | undefined): string | null =>
  span ? text.slice(span.start, span.end) : null;

function svc(model: ComposeFileModel, name: string): ComposeService {
  const s = model.services.find((x) => x.name === name);
  if (!s) throw new Error(`no service ${name}`);
  return s;
}

describe('parseCompose: main fixture', () => {
  const m = parseCompose(MAIN);
  const api = svc(m, 'api');
  const worker = svc(m, 'worker');
  const web = svc(m, 'web');
  const folded = svc(m, 'folded');

  it('reads services in order, skipping x-* keys, without diagnostics', () => {
    expect(m.diagnostics).toEqual([]);
    expect(m.services.map((s) => s.name)).toEqual(['api', 'worker', 'web', 'folded']);
    expect(api.line).toBe(9);
    expect(sl(MAIN, api.nameSpan)).toBe('api');
  });

  it('applies << merges with explicit keys winning; merged spans point at the anchor', () => {
    expect(api.image?.value).toBe('myapp:latest');
    expect(api.image?.line).toBe(11);
    expect(sl(MAIN, api.image?.span)).toBe('myapp:latest');
    expect(worker.image?.value).toBe('base:1.0');
    expect(worker.image?.line).toBe(3);
    expect(sl(MAIN, worker.image?.span)).toBe('base:1.0');
  });

  it('merges nested environment maps (explicit wins, merged entries point at the anchor)', () => {
    expect(api.environment.map((e) => [e.key, e.value, e.line])).toEqual([
      ['LOG_LEVEL', 'info', 5],
      ['SHARED', '2', 22],
      ['DEBUG', 'true', 23],
      ['PORT', '8000', 24],
      ['NOTHING', null, 25],
    ]);
    expect(api.environment.map((e) => sl(MAIN, e.span))).toEqual([
      'LOG_LEVEL: info',
      'SHARED: "2"',
      'DEBUG: true',
      'PORT: 8000',
      'NOTHING:',
    ]);
    // worker's own environment list wins over the merged environment map
    expect(worker.environment.map((e) => e.key)).toEqual(['KEY', 'EMPTY', 'BARE', 'QUOTED']);
  });

  it('reads environment in list form', () => {
    expect(worker.environment.map((e) => [e.key, e.value, e.line, sl(MAIN, e.span)])).toEqual([
      ['KEY', 'value', 60, 'KEY=value'],
      ['EMPTY', '', 61, 'EMPTY='],
      ['BARE', null, 62, 'BARE'],
      ['QUOTED', 'a b', 63, '"QUOTED=a b"'],
    ]);
  });

  it('splits a plain string command with exact token spans', () => {
    const c = api.command;
    expect(c?.form).toBe('string');
    expect(c?.line).toBe(19);
    expect(c?.raw).toBe('uvicorn app.main:app --host 0.0.0.0 --port 8000 --reload');
    expect(sl(MAIN, c?.span)).toBe(c?.raw);
    expect(c?.tokens.map((t) => t.value)).toEqual(['uvicorn', 'app.main:app', '--host', '0.0.0.0', '--port', '8000', '--reload']);
    for (const t of c?.tokens ?? []) expect(sl(MAIN, t.span)).toBe(t.value);
    const reload = c?.tokens[6]?.span;
    expect(reload).toEqual({ start: MAIN.indexOf('--reload'), end: MAIN.indexOf('--reload') + '--reload'.length });
    expect(MAIN.slice(0, reload?.start).split('\n').length).toBe(19);
  });

  it('reads a flow list command; item spans include the quotes', () => {
    const c = worker.command;
    expect(c?.form).toBe('list');
    expect(c?.line).toBe(58);
    expect(c?.tokens.map((t) => t.value)).toEqual(['celery', '-A', 'tasks', 'worker', '--loglevel=info']);
    expect(c?.tokens.map((t) => sl(MAIN, t.span))).toEqual(['"celery"', '"-A"', '"tasks"', "'worker'", '"--loglevel=info"']);
    expect(c?.raw).toBe(`["celery", "-A", "tasks", 'worker', "--loglevel=info"]`);
    expect(sl(MAIN, c?.span)).toBe(c?.raw);
  });

  it('reads a block list command; the span stops before the trailing comment', () => {
    const c = web.command;
    expect(c?.form).toBe('list');
    expect(c?.line).toBe(70);
    expect(c?.tokens.map((t) => t.value)).toEqual(['npm', 'run', 'dev']);
    expect(c?.tokens.map((t) => sl(MAIN, t.span))).toEqual(['npm', '"run"', 'dev']);
    expect(c?.raw).toBe('- npm\n      - "run"\n      - dev');
    expect(sl(MAIN, c?.span)).toBe(c?.raw);
  });

  it('locates tokens inside a quoted string', () => {
    const e = web.entrypoint;
    expect(e?.form).toBe('string');
    expect(e?.tokens.map((t) => t.value)).toEqual(['/docker-entrypoint.sh', '--flag']);
    expect(e?.tokens.map((t) => sl(MAIN, t.span))).toEqual(['/docker-entrypoint.sh', '--flag']);
    expect(e?.raw).toBe('"/docker-entrypoint.sh --flag"');
  });

  it('locates tokens inside a folded >- block scalar', () => {
    const c = folded.command;
    expect(c?.form).toBe('string');
    expect(c?.line).toBe(78);
    expect(c?.raw).toBe('>-\n      uvicorn app.main:app\n      --reload');
    expect(c?.tokens.map((t) => t.value)).toEqual(['uvicorn', 'app.main:app', '--reload']);
    expect(c?.tokens.map((t) => sl(MAIN, t.span))).toEqual(['uvicorn', 'app.main:app', '--reload']);
    const reload = c?.tokens[2]?.span;
    expect(MAIN.slice(0, reload?.start).split('\n').length).toBe(80);
  });

  it('reads build in string, object and dockerfile-only forms', () => {
    expect(api.build).toMatchObject({ context: './api', dockerfile: 'Dockerfile.prod', target: 'runtime', args: { PY: '3.12' }, line: 13 });
    expect(sl(MAIN, api.build?.span)).toBe(
      'context: ./api\n      dockerfile: Dockerfile.prod\n      target: runtime\n      args:\n        PY: "3.12"\n        EMPTY:',
    );
    expect(worker.build).toMatchObject({ context: './worker', dockerfile: null, target: null, args: {}, line: 57 });
    expect(sl(MAIN, worker.build?.span)).toBe('./worker');
    expect(web.build).toMatchObject({ context: '.', dockerfile: 'web.Dockerfile', target: null });
    expect(folded.build).toBeNull();
  });

  it('reads ports in short and long syntax', () => {
    expect(api.ports.map((p) => [p.raw, p.published, p.target, p.line])).toEqual([
      ['10010:8000', '10010', '8000', 27],
      ['8000', null, '8000', 28],
      ['127.0.0.1:80:8000/tcp', '80', '8000', 29],
      ['3000-3005', null, '3000-3005', 30],
      ['target: 9000\n        published: "9001"\n        host_ip: 127.0.0.1\n        protocol: udp', '9001', '9000', 31],
    ]);
    expect(api.ports.map((p) => sl(MAIN, p.span))).toEqual([
      '"10010:8000"',
      '8000',
      '127.0.0.1:80:8000/tcp',
      '"3000-3005"',
      'target: 9000\n        published: "9001"\n        host_ip: 127.0.0.1\n        protocol: udp',
    ]);
  });

  it('reads healthcheck forms', () => {
    expect(api.healthcheck).toMatchObject({ test: ['CMD', 'curl', '-f', 'http://localhost:8000/health'], disable: false, line: 36 });
    expect(sl(MAIN, api.healthcheck?.span)).toBe('test: ["CMD", "curl", "-f", "http://localhost:8000/health"]\n      interval: 30s');
    expect(worker.healthcheck).toMatchObject({ test: ['CMD-SHELL', 'curl -f http://localhost/ || exit 1'], disable: false, line: 65 });
    expect(web.healthcheck).toMatchObject({ test: ['NONE'], disable: true });
    expect(folded.healthcheck).toMatchObject({ test: null, disable: true, line: 82 });
  });

  it('reads volumes in short and long syntax', () => {
    expect(api.volumes.map((v) => [v.type, v.source, v.target, v.line])).toEqual([
      ['bind', './src', '/app/src', 39],
      ['volume', 'data', '/var/lib/x', 40],
      ['bind', '/abs', '/x', 41],
      ['bind', '~/x', '/y', 42],
      ['volume', null, '/anon', 43],
      ['bind', './cfg', '/etc/cfg', 44],
      ['volume', 'cache', '/cache', 47],
      ['tmpfs', null, '/tmp', 50],
    ]);
    expect(api.volumes[0]?.raw).toBe('./src:/app/src:ro');
    expect(sl(MAIN, api.volumes[0]?.span)).toBe('./src:/app/src:ro');
    expect(sl(MAIN, api.volumes[7]?.span)).toBe('type: tmpfs\n        target: /tmp');
  });

  it('reads profiles, user and working_dir', () => {
    expect(api.profiles).toEqual(['dev', 'debug']);
    expect(worker.profiles).toEqual([]);
    expect(api.user).toMatchObject({ value: '1000:1000', line: 53 });
    expect(sl(MAIN, api.user?.span)).toBe('"1000:1000"'); // the value node, quotes included
    expect(api.workingDir).toMatchObject({ value: '/app', line: 54 });
    expect(sl(MAIN, api.workingDir?.span)).toBe('/app');
  });
});

describe('parseCompose: more forms', () => {
  it('merges a list of sources (earlier wins) and nested merges', () => {
    const text = [
      'x-a: &a',
      '  image: a',
      '  user: ua',
      'x-b: &b',
      '  image: b',
      '  working_dir: /b',
      '  user: ub',
      'x-c: &c',
      '  <<: *b',
      '  user: uc',
      'services:',
      '  one:',
      '    <<: [*a, *b]',
      '    user: own',
      '  two:',
      '    <<: *c',
      '',
    ].join('\n');
    const m = parseCompose(text);
    expect(m.diagnostics).toEqual([]);
    const one = svc(m, 'one');
    expect([one.image?.value, one.user?.value, one.workingDir?.value]).toEqual(['a', 'own', '/b']);
    expect(one.image?.line).toBe(2);
    const two = svc(m, 'two');
    expect([two.image?.value, two.user?.value, two.workingDir?.value]).toEqual(['b', 'uc', '/b']);
  });

  it('resolves an aliased command and aliased list items', () => {
    const text = [
      'x-cmd: &cmd uvicorn app:app --reload',
      'x-flag: &flag "--reload"',
      'services:',
      '  a:',
      '    image: x',
      '    command: *cmd',
      '  b:',
      '    image: x',
      '    command: [uvicorn, *flag]',
      '',
    ].join('\n');
    const m = parseCompose(text);
    const a = svc(m, 'a').command;
    expect(a?.tokens.map((t) => t.value)).toEqual(['uvicorn', 'app:app', '--reload']);
    expect(sl(text, a?.tokens[2]?.span)).toBe('--reload');
    expect(a?.line).toBe(1);
    const b = svc(m, 'b').command;
    expect(b?.tokens.map((t) => [t.value, sl(text, t.span)])).toEqual([
      ['uvicorn', 'uvicorn'],
      ['--reload', '*flag'],
    ]);
  });

  it('gives null spans for tokens that cannot be located exactly', () => {
    const text = 'services:\n  a:\n    image: x\n    command: "sh -c \\"echo hi\\" done"\n';
    const m = parseCompose(text);
    const c = svc(m, 'a').command;
    expect(c?.tokens.map((t) => t.value)).toEqual(['sh', '-c', 'echo hi', 'done']);
    expect(c?.tokens.map((t) => sl(text, t.span))).toEqual(['sh', '-c', null, 'done']);
  });

  it('strips shell quotes from string-form tokens, spans covering the quoted word', () => {
    const text = `services:\n  a:\n    image: x\n    command: sh -c 'echo "a b"' x\\ y\n`;
    const c = svc(parseCompose(text), 'a').command;
    expect(c?.tokens.map((t) => [t.value, sl(text, t.span)])).toEqual([
      ['sh', 'sh'],
      ['-c', '-c'],
      ['echo "a b"', `'echo "a b"'`],
      ['x y', 'x\\ y'],
    ]);
  });

  it('reads a literal | block command and a multi-line plain scalar', () => {
    const text = 'services:\n  a:\n    image: x\n    command: |\n      python -m app\n    entrypoint: tini\n      --\n';
    const s = svc(parseCompose(text), 'a');
    expect(s.command?.tokens.map((t) => [t.value, sl(text, t.span)])).toEqual([
      ['python', 'python'],
      ['-m', '-m'],
      ['app', 'app'],
    ]);
    expect(s.command?.raw).toBe('|\n      python -m app');
    expect(s.entrypoint?.tokens.map((t) => [t.value, sl(text, t.span)])).toEqual([
      ['tini', 'tini'],
      ['--', '--'],
    ]);
  });

  it('reads build args in list form', () => {
    const text = 'services:\n  a:\n    build:\n      context: .\n      args:\n        - A=1\n        - B\n        - C=x=y\n';
    const s = svc(parseCompose(text), 'a');
    expect(s.build?.args).toEqual({ A: '1', C: 'x=y' });
  });

  it('treats compose v1 top-level services as services', () => {
    const text = "version: '2'\nweb:\n  image: nginx\ndb:\n  build: ./db\nnotes:\n  foo: bar\n";
    const m = parseCompose(text);
    expect(m.services.map((s) => s.name)).toEqual(['web', 'db']);
    expect(m.diagnostics).toEqual([]);
  });

  it('reads a CRLF file with exact spans and lines', () => {
    const text = [
      'services:',
      '  api:',
      '    image: app:1',
      '    command: uvicorn app.main:app --reload  # driftcheck: ignore[PROD001]',
      '    folded: x',
      '    entrypoint: >-',
      '      tini',
      '      --',
      '    environment:',
      '      - A=1',
      '',
    ].join('\r\n');
    const m = parseCompose(text);
    expect(m.diagnostics).toEqual([]);
    const api = svc(m, 'api');
    expect(sl(text, api.image?.span)).toBe('app:1');
    expect(api.image?.line).toBe(3);
    const reload = api.command?.tokens[2];
    expect(reload?.value).toBe('--reload');
    expect(sl(text, reload?.span)).toBe('--reload');
    expect(api.command?.raw).toBe('uvicorn app.main:app --reload');
    expect(api.entrypoint?.raw).toBe('>-\r\n      tini\r\n      --');
    expect(api.entrypoint?.tokens.map((t) => sl(text, t.span))).toEqual(['tini', '--']);
    expect(api.environment[0]).toMatchObject({ key: 'A', value: '1', line: 10 });
    expect(sl(text, api.environment[0]?.span)).toBe('A=1');
    expect(m.directives).toHaveLength(1);
    expect(m.directives[0]).toMatchObject({ line: 4, commentLine: 4, rules: ['PROD001'] });
    expect(sl(text, m.directives[0]?.span)).toBe('# driftcheck: ignore[PROD001]');
  });
});

describe('parseCompose: directives', () => {
  it('reads trailing and own-line directives, not # inside scalars', () => {
    const text = [
      'services:', // 1
      '  api:', // 2
      '    # driftcheck: ignore[PROD001] -- dev only', // 3
      '', // 4
      '    # another comment', // 5
      '    command: uvicorn app:app --reload  # driftcheck: ignore[PROD002, DEP001]', // 6
      '    environment:', // 7
      '      A: "# driftcheck: ignore[NOPE1]"', // 8
      "      B: 'x # driftcheck: ignore[NOPE2]'", // 9
      '    entrypoint: |', // 10
      '      # driftcheck: ignore[NOPE3]', // 11
      '      run', // 12
      '    image: x # hadolint ignore=DL3007', // 13
      '# driftcheck: ignore[LAST]', // 14
      '',
    ].join('\n');
    const m = parseCompose(text);
    expect(m.directives.map((d) => [d.rules, d.reason, d.line, d.commentLine, d.source])).toEqual([
      [['PROD001'], 'dev only', 6, 3, 'driftcheck'],
      [['PROD002', 'DEP001'], null, 6, 6, 'driftcheck'],
      [['LAST'], null, 14, 14, 'driftcheck'],
    ]);
    expect(sl(text, m.directives[0]?.span)).toBe('# driftcheck: ignore[PROD001] -- dev only');
    expect(svc(m, 'api').environment.map((e) => e.value)).toEqual(['# driftcheck: ignore[NOPE1]', 'x # driftcheck: ignore[NOPE2]']);
  });
});

describe('parseCompose: diagnostics', () => {
  it('a YAML error on a line with a {{ … }} template placeholder is a note (valid once rendered), elsewhere an error', () => {
    const template = parseCompose('services:\n  db:\n    image: postgres:16\n    volumes:\n      - dbdata:/var/lib/postgresql/data\nvolumes:\n  dbdata:\n    name: {{project_name}}_dbdata\n');
    expect(template.diagnostics.map((d) => [d.severity, d.line])).toEqual([['info', 8]]);
    expect(template.diagnostics[0]?.message).toMatch(/template placeholder: the file is valid only once rendered/);
    expect(template.services.map((s) => s.name)).toEqual(['db']);
    const broken = parseCompose('services:\n  db:\n    image: postgres:16\nvolumes:\n  dbdata:\n    name: [unclosed_dbdata\n');
    expect(broken.diagnostics.map((d) => d.severity)).toContain('error');
  });

  it('reports bad indentation with a line, without throwing', () => {
    const text = 'services:\n  api:\n    image: x\n   build: .\n';
    const m = parseCompose(text);
    const d = m.diagnostics.find((x) => x.message.startsWith('invalid YAML:'));
    expect(d).toBeDefined();
    expect(d).toMatchObject({ severity: 'error', line: 4, column: 1 });
    expect(d?.message).not.toContain('\n');
  });

  it('reports tab indentation with a line', () => {
    const text = 'services:\n  api:\n\timage: x\n';
    const m = parseCompose(text);
    expect(m.diagnostics.some((d) => d.severity === 'error' && d.line === 3 && /tab/i.test(d.message))).toBe(true);
  });

  it('reports an unknown alias and keeps reading', () => {
    const text = 'services:\n  api:\n    image: *nope\n    user: app\n';
    const m = parseCompose(text);
    expect(m.diagnostics).toHaveLength(1);
    expect(m.diagnostics[0]).toMatchObject({ severity: 'error', line: 3, column: 12 });
    expect(m.diagnostics[0]?.message).toContain('*nope');
    expect(sl(text, m.diagnostics[0]?.span)).toBe('*nope');
    expect(svc(m, 'api').image).toBeNull();
    expect(svc(m, 'api').user?.value).toBe('app');
  });

  it('treats an alias inside its own anchor as unresolved (no cycle)', () => {
    const m = parseCompose('x: &a [1, *a]\nservices:\n  api:\n    command: *a\n');
    expect(m.diagnostics.some((d) => d.message.includes('unresolved alias *a') && d.line === 1)).toBe(true);
    expect(svc(m, 'api').command?.tokens.map((t) => t.value)).toEqual(['1', '']);
  });

  function bomb(withService: boolean): string {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    const names = 'abcdefghi';
    for (let i = 1; i < names.length; i++) {
      const prev = names[i - 1] ?? '';
      lines.push(`${names[i]}: &${names[i]} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    if (withService) lines.push('services:', '  api:', '    image: x', '    command: *i', '    environment: *i');
    return lines.join('\n') + '\n';
  }

  it('returns quickly from an alias bomb with a diagnostic', () => {
    for (const withService of [true, false]) {
      const t0 = performance.now();
      const m = parseCompose(bomb(withService));
      expect(performance.now() - t0).toBeLessThan(2000);
      const d = m.diagnostics.find((x) => x.message.includes('alias bomb'));
      expect(d).toMatchObject({ severity: 'error' });
      expect(d?.line).toBeGreaterThanOrEqual(1);
      if (withService) {
        expect(svc(m, 'api').command).toBeNull();
        expect(svc(m, 'api').environment).toEqual([]);
      }
    }
  });

  it('uses the first of several documents with an info diagnostic', () => {
    const text = 'services:\n  a:\n    image: one\n---\nservices:\n  b:\n    image: two\n';
    const m = parseCompose(text);
    expect(m.services.map((s) => s.name)).toEqual(['a']);
    expect(m.diagnostics).toHaveLength(1);
    expect(m.diagnostics[0]).toMatchObject({ severity: 'info', line: 4 });
  });

  it('reports services / service / command of the wrong type', () => {
    expect(parseCompose('services: [a, b]\n').diagnostics[0]).toMatchObject({ severity: 'error', line: 1 });
    const m = parseCompose('services:\n  a: hello\n  b:\n    command: {x: 1}\n  c:\n    image: ok\n');
    expect(m.services.map((s) => s.name)).toEqual(['b', 'c']);
    expect(svc(m, 'b').command).toBeNull();
    expect(m.diagnostics.map((d) => [d.severity, d.line])).toEqual([
      ['error', 2],
      ['error', 4],
    ]);
    expect(m.diagnostics[0]?.message).toContain('"a"');
    expect(m.diagnostics[1]?.message).toContain('command');
  });

  it('parses a large file in roughly linear time', () => {
    const file = (n: number): string => {
      const parts = ['x-env: &env', '  A: 1', 'services:'];
      for (let i = 0; i < n; i++) {
        parts.push(
          `  s${i}:`,
          '    image: app:1',
          '    command: uvicorn app.main:app --reload # driftcheck: ignore[PROD001]',
          '    environment:',
          '      <<: *env',
          `      N: "${i}"`,
          '    ports: ["8000:8000"]',
        );
      }
      return parts.join('\n');
    };
    // CPU time, best of 3: wall time on a shared machine (other test workers, other users) also
    // counts the time the process waits for a core, which made the ratio flaky.
    const cpuMs = (): number => {
      const { user, system } = process.cpuUsage();
      return (user + system) / 1000;
    };
    const time = (text: string): number => {
      let best = Infinity;
      for (let k = 0; k < 3; k++) {
        const t0 = cpuMs();
        parseCompose(text);
        best = Math.min(best, cpuMs() - t0);
      }
      return best;
    };
    const small = file(150);
    const big = file(1200);
    time(small); // warm up
    const ratio = time(big) / Math.max(1, time(small));
    expect(ratio).toBeLessThan(32); // 8x the input: ~8 when linear, ~64 when quadratic
    const m = parseCompose(big);
    expect(m.services).toHaveLength(1200);
    expect(m.directives).toHaveLength(1200);
    expect(m.services[1199]?.environment.map((e) => e.value)).toEqual(['1', '1199']);
  });

  it('never throws on odd input', () => {
    const inputs = [
      '',
      '\n\n',
      '# only a comment\n',
      '---\n',
      '[',
      '{',
      ': :',
      '&a *a',
      '- *a',
      '? [a]\n: b',
      'services:',
      'services: ~',
      'services:\n  ? [x]\n  : {}\n',
      'services:\n  a:\n    <<: 5\n',
      'services:\n  a:\n    <<: [*x]\n',
      'services:\n  a:\n    ports: {a: 1}\n    volumes: 5\n    healthcheck: [1]\n    environment: 5\n    build: [1]\n',
      '!!binary x',
      '%YAML 1.2\n---\na: 1\n',
      'services:\n  a:\n    command: "unterminated\n',
      '\t\t\t',
      'a: ' + '['.repeat(200) + ']'.repeat(200),
    ];
    for (const input of inputs) {
      const m = parseCompose(input);
      expect(Array.isArray(m.services)).toBe(true);
      for (const d of m.diagnostics) {
        expect(d.line).toBeGreaterThanOrEqual(1);
        expect(d.message).not.toContain('\n');
      }
    }
  });

  it('reports duplicate keys (the last wins) but allows repeated << keys', () => {
    const text = 'x-a: &a {user: ua}\nx-b: &b {working_dir: /b}\nservices:\n  api:\n    <<: *a\n    <<: *b\n    image: a\n    image: b\n';
    const m = parseCompose(text);
    expect(m.diagnostics.map((d) => [d.severity, d.line, d.column])).toEqual([['error', 8, 5]]);
    expect(m.diagnostics[0]?.message).toContain('duplicate key "image"');
    const api = svc(m, 'api');
    expect([api.image?.value, api.user?.value, api.workingDir?.value]).toEqual(['b', 'ua', '/b']);
  });

  it('reports an invalid merge value', () => {
    const m = parseCompose('services:\n  a:\n    <<: 5\n    image: x\n');
    expect(m.diagnostics).toHaveLength(1);
    expect(m.diagnostics[0]).toMatchObject({ severity: 'error', line: 3 });
    expect(svc(m, 'a').image?.value).toBe('x');
  });
});

describe('helpers', () => {
  it('shellSplit follows POSIX quoting', () => {
    expect(shellSplit(`a "b c" 'd e' f\\ g "h\\"i" ''`).map((w) => w.value)).toEqual(['a', 'b c', 'd e', 'f g', 'h"i', '']);
  });

  it('parsePortShort', () => {
    expect(parsePortShort('[::1]:8080:80/udp')).toEqual({ published: '8080', target: '80' });
    expect(parsePortShort('127.0.0.1::80')).toEqual({ published: null, target: '80' });
    expect(parsePortShort('9090-9091:8080-8081')).toEqual({ published: '9090-9091', target: '8080-8081' });
    expect(parsePortShort('${HOST_PORT:-8000}:8000/tcp')).toEqual({ published: '${HOST_PORT:-8000}', target: '8000' });
    expect(parsePortShort('${BIND:-127.0.0.1}:${P:-80}:80')).toEqual({ published: '${P:-80}', target: '80' });
  });

  it('parseVolumeShort', () => {
    expect(parseVolumeShort('C:\\data:/data')).toEqual({ type: 'bind', source: 'C:\\data', target: '/data' });
    expect(parseVolumeShort('${DATA:-./data}:/data:rw')).toEqual({ type: 'bind', source: '${DATA:-./data}', target: '/data' });
    expect(parseVolumeShort('${VOL}:/data')).toEqual({ type: 'volume', source: '${VOL}', target: '/data' });
  });
});

describe('interpolate', () => {
  const env = { A: 'a', EMPTY: '', PORT: '8000' };
  it('substitutes $VAR and ${VAR}', () => {
    expect(interpolate('x-$A-${A}-${PORT}', env)).toBe('x-a-a-8000');
    expect(interpolate('$MISSING|${MISSING}', env)).toBe('|');
    expect(interpolate('$A_B ${A}_B', env)).toBe(' a_B');
  });
  it('handles defaults', () => {
    expect(interpolate('${EMPTY:-d} ${EMPTY-d} ${MISSING:-d} ${MISSING-d}', env)).toBe('d  d d');
    expect(interpolate('${MISSING:-${A}/x}', env)).toBe('a/x');
    expect(interpolate('${A:+alt} ${EMPTY:+alt} ${EMPTY+alt} ${MISSING+alt}', env)).toBe('alt  alt ');
  });
  it('handles required variables', () => {
    expect(interpolate('${A:?need A}', env)).toBe('a');
    expect(interpolate('${EMPTY?need}', env)).toBe('');
    expect(() => interpolate('${EMPTY:?need it}', env)).toThrow(InterpolationError);
    expect(() => interpolate('${MISSING?gone}', env)).toThrow(/MISSING.*gone/);
  });
  it('keeps $$ as a literal $ and lone $', () => {
    expect(interpolate('$$A $${A} cost: 5$ $', env)).toBe('$A ${A} cost: 5$ $');
  });
  it('does not read inherited properties', () => {
    expect(interpolate('${constructor}', env)).toBe('');
  });
  it('rejects malformed expressions', () => {
    expect(() => interpolate('${A', env)).toThrow(InterpolationError);
    expect(() => interpolate('${1A}', env)).toThrow(InterpolationError);
  });
});

describe('nesting limit (a deeper document would overflow the YAML composer\'s stack)', () => {
  const tooDeep = (m: ComposeFileModel) => m.diagnostics.filter((d) => d.message.includes('nested deeper than 128 levels'));
  it('reads a service whose value nests 120 levels deep', () => {
    const m = parseCompose(`services:\n  web:\n    image: x\n    labels: ${'['.repeat(120)}${']'.repeat(120)}\n`);
    expect(tooDeep(m)).toEqual([]);
    expect(m.services.map((s) => s.name)).toEqual(['web']);
  });
  it('refuses 129 levels with one error at the first level too deep', () => {
    const text = `services:\n  web:\n    image: x\n    labels: ${'['.repeat(129)}${']'.repeat(129)}\n`;
    const m = parseCompose(text);
    expect(tooDeep(m)).toHaveLength(1);
    expect(tooDeep(m)[0]?.line).toBe(4);
    expect(tooDeep(m)[0]?.span.start).toBe(text.indexOf('[') + 125); // the three maps around it count too
    expect(m.services).toEqual([]);
  });
});
