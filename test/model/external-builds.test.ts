// #16 idiom 11: images built outside compose (`docker build -t IMAGE -f DOCKERFILE CONTEXT` in a
// Makefile, a shell script or a CI workflow) link the compose service that runs `image: IMAGE`
// to that Dockerfile and context; without such a build the service stays image-only.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCliInProcess } from '../helpers/in-process.js';

let dir = '';
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = '';
});

function write(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

/** compose runs `image: IMAGE` (no build:); api/Dockerfile copies api/app.py from the top-level context. */
async function serviceOf(image: string, files: Record<string, string>): Promise<{ name: string; dockerfile: string | null }[]> {
  dir = mkdtempSync(join(tmpdir(), 'driftcheck-external-build-'));
  write(dir, {
    'compose.yml': `services:\n  api:\n    image: ${image}\n`,
    'api/Dockerfile': 'FROM python:3.12-slim\nWORKDIR /srv\nCOPY api/app.py .\nUSER nobody\nCMD ["python", "app.py"]\n',
    'api/app.py': 'print("ok")\n',
    ...files,
  });
  const result = await runCliInProcess(['.', '-f', 'json', '--select', 'DEP001'], { cwd: dir });
  return (JSON.parse(result.stdout).services as { name: string; dockerfile: string | null }[]).map(({ name, dockerfile }) => ({ name, dockerfile }));
}

const linked = [{ name: 'api', dockerfile: 'api/Dockerfile' }];

describe('images built outside compose', () => {
  it('a Makefile recipe (continued lines, -f relative to the Makefile, implicit :latest)', async () => {
    expect(await serviceOf('shop_api:latest', { Makefile: 'build:\n\t@docker build \\\n\t\t-t shop_api \\\n\t\t-f api/Dockerfile .\n' })).toEqual(linked);
  });

  it('a script in scripts/ run from the top (docker buildx build --tag=… --file …)', async () => {
    expect(await serviceOf('registry.example.com/shop/api:1.4', { 'scripts/release.sh': '#!/bin/sh\nset -e\ndocker buildx build --push --platform linux/amd64 --tag=registry.example.com/shop/api:1.4 --file api/Dockerfile .\n' })).toEqual(linked);
  });

  it('a GitHub Actions workflow step (docker image build)', async () => {
    expect(await serviceOf('docker.io/library/shop_api', { '.github/workflows/ci.yml': 'on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: docker image build -t shop_api -f api/Dockerfile .\n' })).toEqual(linked);
  });

  it('no link without a matching build: another tag, a variable tag, or a Dockerfile the repository lacks', async () => {
    const alone = [{ name: 'api', dockerfile: null }, { name: 'api/Dockerfile', dockerfile: 'api/Dockerfile' }];
    expect(await serviceOf('shop_api:2.0', { Makefile: 'build:\n\tdocker build -t shop_api:1.9 -f api/Dockerfile .\n' })).toEqual(alone);
    rmSync(dir, { recursive: true, force: true });
    expect(await serviceOf('shop_api', { Makefile: 'TAG ?= shop_api\nbuild:\n\tdocker build -t $(TAG) -f api/Dockerfile .\n' })).toEqual(alone);
    rmSync(dir, { recursive: true, force: true });
    expect(await serviceOf('shop_api', { Makefile: 'build:\n\tdocker build -t shop_api -f web/Dockerfile .\n' })).toEqual(alone);
  });
});
