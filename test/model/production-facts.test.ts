// Unit checks of the production rules' building blocks: base-image facts, dev-server and port
// recognition, secret names and token shapes, floating tags.
import { describe, expect, it } from 'vitest';
import { baseImageFacts, basePythonPackages, baseStartScript, splitImage } from '../../src/knowledge/base-images.js';
import { devServerOf } from '../../src/rules/production/dev-server.js';
import { floating } from '../../src/rules/production/floating-image-tag.js';
import { secretName, tokenShape } from '../../src/rules/production/hardcoded-secret.js';
import { servedPorts } from '../../src/rules/production/healthcheck-broken.js';

describe('baseImageFacts', () => {
  it.each([
    ['python:3.12', 'python', true, true],
    ['python:3.12-bookworm', 'python', true, true],
    ['python:3.12-slim', 'python-slim', false, false],
    ['python:3.11-slim-bookworm', 'python-slim', false, false],
    ['docker.io/library/python:3.12-alpine3.20', 'python-alpine', false, true],
    ['python:alpine3.19', 'python-alpine', false, true],
    ['node:20', 'node', true, true],
    ['node:20-bookworm-slim', 'node-slim', false, false],
    ['node:20-alpine', 'node-alpine', false, true],
    ['gcr.io/distroless/python3-debian12:nonroot', 'distroless-nonroot', false, false],
    ['debian:bookworm', 'debian', false, false],
    ['ubuntu:24.04', 'ubuntu', false, false],
    ['nvidia/cuda:12.4.1-runtime-ubuntu22.04', 'nvidia-cuda', false, false],
    ['tiangolo/uvicorn-gunicorn-fastapi:python3.11-slim', 'tiangolo-uvicorn-gunicorn-slim', false, false],
    ['tiangolo/uvicorn-gunicorn:python3.11', 'tiangolo-uvicorn-gunicorn', true, true],
    ['locustio/locust:2.31.8', 'locust', false, false],
  ])('%s', (image, family, curl, wget) => {
    expect(baseImageFacts(image)).toMatchObject({ family, curl, wget });
  });

  it('does not guess about unknown, Windows or unexpanded images', () => {
    expect(baseImageFacts('registry.example.com/base/python:3.12')).toBeNull();
    expect(baseImageFacts('python:3.12-windowsservercore')).toBeNull();
    expect(baseImageFacts('python:${TAG}')).toBeNull();
  });

  it('splits registry ports from tags', () => {
    expect(splitImage('localhost:5000/tools/worker')).toEqual({ repo: 'localhost:5000/tools/worker', tag: '', digest: null });
    expect(splitImage('python:3.12@sha256:abc')).toEqual({ repo: 'python', tag: '3.12', digest: 'sha256:abc' });
  });
});

describe('floating', () => {
  it.each([
    ['python', 'has no tag (means :latest)'],
    ['redis:latest', 'uses :latest'],
    ['localhost:5000/app', 'has no tag (means :latest)'],
    ['python:3.12-slim', null],
    ['python@sha256:0123', null],
    ['scratch', null],
    ['nginx:${TAG}', null],
  ])('%s', (image, why) => expect(floating(image)).toBe(why));
});

describe('devServerOf', () => {
  it.each([
    [['flask', 'run', '--host=0.0.0.0'], 'run'],
    [['flask', '--app', 'app', 'run'], 'run'],
    [['python', 'manage.py', 'runserver', '0.0.0.0:8000'], 'runserver'],
    [['./manage.py', 'runserver'], 'runserver'],
    [['python', '-m', 'http.server', '8080'], 'http.server'],
    [['vite'], 'vite'],
    [['npx', 'vite', '--host', '0.0.0.0'], 'vite'],
    [['npm', 'run', 'dev'], 'dev'],
    [['yarn', 'dev'], 'dev'],
    [['pnpm', 'run', 'dev', '--', '--host'], 'dev'],
    [['next', 'dev', '-p', '3000'], 'dev'],
    [['ng', 'serve'], 'serve'],
  ])('%j', (words, word) => expect(devServerOf(words)?.word).toBe(word));

  it.each([
    [['gunicorn', 'app:app']],
    [['npm', 'start']],
    [['npm', 'run', 'build']],
    [['vite', 'build']],
    [['next', 'start']],
    [['python', 'manage.py', 'migrate']],
    [['flask', 'db', 'upgrade']],
  ])('%j is not a dev server', (words) => expect(devServerOf(words)).toBeNull());
});

describe('servedPorts', () => {
  it.each([
    [['uvicorn', 'app:app', '--port', '8000'], ['8000']],
    [['uvicorn', 'app:app', '--port=8001'], ['8001']],
    [['gunicorn', '-b', '0.0.0.0:5000', 'app:app'], ['5000']],
    [['gunicorn', '--bind=[::]:9000', 'app:app'], ['9000']],
    [['sh', '-c', 'alembic upgrade head && uvicorn app:app --host 0.0.0.0 --port 8080'], ['8080']],
    [['python', 'manage.py', 'runserver', '0.0.0.0:8000'], ['8000']],
    [['flask', 'run', '-p', '5001'], ['5001']],
  ])('%j', (argv, ports) => expect(servedPorts(argv)?.ports).toEqual(ports));

  it('is unknown without an explicit literal port', () => {
    expect(servedPorts(['uvicorn', 'app:app'])).toBeNull();
    expect(servedPorts(['uvicorn', 'app:app', '--port', '$PORT'])).toBeNull();
    expect(servedPorts(['gunicorn', '-b', 'unix:/tmp/s.sock', 'app:app'])).toBeNull();
    expect(servedPorts(['node', 'server.js'])).toBeNull();
  });
});

describe('secret names and token shapes', () => {
  it.each(['DB_PASSWORD', 'POSTGRES_PASSWORD', 'SECRET_KEY', 'OPENAI_API_KEY', 'GITHUB_TOKEN', 'JWT_SECRET', 'AWS_SECRET_ACCESS_KEY', 'REDIS_PASS', 'APIKEY'])('%s is a secret name', (name) => {
    expect(secretName(name)).toBe(true);
  });
  it.each(['PASSWORD_FILE', 'TOKEN_URL', 'MAX_TOKENS', 'TOKENIZERS_PARALLELISM', 'ACCESS_TOKEN_EXPIRE_MINUTES', 'AWS_ACCESS_KEY_ID', 'PRIMARY_KEY', 'KEY', 'PWD'])('%s is not', (name) => {
    expect(secretName(name)).toBe(false);
  });
  it('recognises credential shapes', () => {
    expect(tokenShape('AKIAIOSFODNN7EXAMPLE')).toBe('an AWS access key id');
    expect(tokenShape(`ghp_${'a1B2'.repeat(9)}`)).toBe('a GitHub token');
    expect(tokenShape('xoxb-1234567890-abcdef')).toBe('a Slack token');
    expect(tokenShape('not-a-token')).toBeNull();
  });
});

describe('known base image families (#16 idiom 9)', () => {
  it('users: nvidia/cuda and tiangolo run as root, locust does not', () => {
    expect(baseImageFacts('nvidia/cuda:12.4.1-base-ubuntu22.04')?.rootByDefault).toBe(true);
    expect(baseImageFacts('tiangolo/uvicorn-gunicorn-fastapi:python3.11')?.rootByDefault).toBe(true);
    expect(baseImageFacts('locustio/locust')?.rootByDefault).toBe(false);
  });

  it('Python packages: locust, tiangolo, none on nvidia/cuda; the starlette variant stays unknown', () => {
    expect(basePythonPackages('locustio/locust:2.31.8')).toEqual(['locust']);
    expect(basePythonPackages('tiangolo/uvicorn-gunicorn-fastapi:python3.11')).toContain('fastapi[all]');
    expect(basePythonPackages('tiangolo/uvicorn-gunicorn:python3.11')).toEqual(['uvicorn', 'uvicorn[standard]', 'gunicorn']);
    expect(basePythonPackages('nvidia/cuda:12.4.1-runtime-ubuntu22.04')).toEqual([]);
    expect(basePythonPackages('tiangolo/uvicorn-gunicorn-starlette:python3.11')).toBeNull();
  });

  it('start script: tiangolo images only', () => {
    expect(baseStartScript('tiangolo/uvicorn-gunicorn-fastapi:python3.11')?.modules.map(([, m]) => m)).toEqual(['app.main', 'main']);
    expect(baseStartScript('python:3.12')).toBeNull();
  });
});
