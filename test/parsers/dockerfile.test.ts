import { describe, it, expect } from 'vitest';
import { parseDockerfile } from '../../src/parsers/dockerfile.js';
import type {
  CommandInstruction,
  CopyInstruction,
  DockerfileModel,
  EnvInstruction,
  HealthcheckInstruction,
  RunInstruction,
  StageInstruction,
  Word,
} from '../../src/parsers/types.js';
import type { Span } from '../../src/findings/types.js';

const lines = (...l: string[]): string => l.join('\n') + '\n';
const at = (text: string, span: Span): string => text.slice(span.start, span.end);
const values = (words: readonly Word[]): string[] => words.map((w) => w.value);

/** The instruction type(s) whose `kind` can be K (CommandInstruction's kind is 'cmd' | 'entrypoint'). */
type OfKind<T, K> = T extends { kind: infer KK } ? (K extends KK ? T : never) : never;

function instr<K extends StageInstruction['kind']>(
  m: DockerfileModel,
  kind: K,
  n = 0,
  stage = m.stages.length - 1,
): OfKind<StageInstruction, K> {
  const found = (m.stages[stage]?.instructions ?? []).filter((i) => i.kind === kind);
  const i = found[n];
  if (!i) throw new Error(`no ${kind} #${n} in stage ${stage}`);
  return i as OfKind<StageInstruction, K>;
}

function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split(/\r\n|\n/).length;
}

describe('parseDockerfile: stages', () => {
  it('parses a multi-stage build with AS names, tags, digests and stage references', () => {
    const text = lines(
      'FROM python:3.12-slim AS Builder',
      'RUN echo build',
      'FROM --platform=linux/amd64 ghcr.io/org/img:1.2@sha256:abcd as runtime',
      'FROM builder',
      'FROM node',
    );
    const m = parseDockerfile(text);
    expect(m.diagnostics).toEqual([]);
    expect(m.stages).toHaveLength(4);
    const [b, r, f, n] = m.stages;
    expect(b!.index).toBe(0);
    expect(b!.name).toBe('builder');
    expect(b!.from).toMatchObject({ image: 'python:3.12-slim', raw: 'python:3.12-slim', tag: '3.12-slim', digest: null, stageRef: null, line: 1 });
    expect(at(text, b!.from.span)).toBe('python:3.12-slim');
    expect(b!.instructions).toHaveLength(1);
    expect(r!.name).toBe('runtime');
    expect(r!.from).toMatchObject({ image: 'ghcr.io/org/img:1.2@sha256:abcd', tag: '1.2', digest: 'sha256:abcd', line: 3 });
    expect(at(text, r!.from.span)).toBe('ghcr.io/org/img:1.2@sha256:abcd');
    expect(f!.name).toBeNull();
    expect(f!.from).toMatchObject({ image: 'builder', stageRef: 0, tag: null, line: 4 });
    expect(at(text, f!.from.span)).toBe('builder');
    expect(n!.from).toMatchObject({ image: 'node', tag: null, digest: null, stageRef: null });
  });

  it('expands global ARGs recursively in FROM (${PYTHON_VERSION} inside ARG BASE)', () => {
    const text = lines(
      '# syntax=docker/dockerfile:1',
      'ARG PYTHON_VERSION=3.12',
      'ARG BASE=python:${PYTHON_VERSION}-slim',
      'ARG REGISTRY',
      'FROM ${BASE} AS app',
      'FROM ${REGISTRY:-docker.io}/library/${IMG-redis}:$TAG',
    );
    const m = parseDockerfile(text);
    expect(m.diagnostics).toEqual([]);
    expect(m.globalArgs).toEqual([
      { name: 'PYTHON_VERSION', value: '3.12' },
      { name: 'BASE', value: 'python:3.12-slim' },
      { name: 'REGISTRY', value: null },
    ]);
    const s0 = m.stages[0]!;
    expect(s0.from.image).toBe('python:3.12-slim');
    expect(s0.from.raw).toBe('${BASE}');
    expect(s0.from.tag).toBe('3.12-slim');
    expect(at(text, s0.from.span)).toBe('${BASE}');
    expect(s0.from.line).toBe(5);
    // unknown TAG expands to empty; defaults apply to unset variables
    expect(m.stages[1]!.from.image).toBe('docker.io/library/redis:');
    expect(m.stages[1]!.from.tag).toBeNull();
  });

  it('does not hang on self-referencing or deeply nested variables', () => {
    const text = lines('ARG A=${A}x', 'ARG B=' + '${X:-'.repeat(200) + 'v' + '}'.repeat(200), 'FROM img:$A');
    const m = parseDockerfile(text);
    expect(m.globalArgs[0]).toEqual({ name: 'A', value: 'x' });
    expect(m.stages[0]!.from.image).toBe('img:x');
  });
});

describe('parseDockerfile: COPY / ADD', () => {
  it('reads several flags (getFromFlag bug), expands sources/dest with stage ARG and ENV', () => {
    const text = lines(
      'ARG APP_USER=app',
      'FROM python:3.12 AS builder',
      'ENV APP_HOME=/srv/app',
      'FROM builder',
      'ARG APP_USER',
      'ARG SRC=src',
      'COPY --from=builder --chown=${APP_USER}:${APP_USER} --link --chmod=755 \\',
      '     ${SRC}/ requirements.txt ${APP_HOME}/',
      'ADD --chown=1000 https://example.com/x.tgz /opt/',
    );
    const m = parseDockerfile(text);
    expect(m.diagnostics).toEqual([]);
    const c = instr(m, 'copy');
    expect(c.keyword).toBe('COPY');
    expect(c.line).toBe(7);
    expect(c.endLine).toBe(8);
    expect(at(text, c.span)).toBe(
      'COPY --from=builder --chown=${APP_USER}:${APP_USER} --link --chmod=755 \\\n     ${SRC}/ requirements.txt ${APP_HOME}/',
    );
    expect(c.from).toBe('builder');
    expect(c.chown).toBe('app:app');
    expect(values(c.sources)).toEqual(['src/', 'requirements.txt']);
    expect(c.sources.map((w) => at(text, w.span))).toEqual(['${SRC}/', 'requirements.txt']);
    // ENV of the parent stage is inherited by a stage built FROM it
    expect(c.dest.value).toBe('/srv/app/');
    expect(at(text, c.dest.span)).toBe('${APP_HOME}/');
    expect(lineOf(text, c.dest.span.start)).toBe(8);
    const a = instr(m, 'copy', 1);
    expect(a.keyword).toBe('ADD');
    expect(a.from).toBeNull();
    expect(a.chown).toBe('1000');
    expect(values(a.sources)).toEqual(['https://example.com/x.tgz']);
    expect(a.dest.value).toBe('/opt/');
  });

  it('supports the JSON form', () => {
    const text = lines('FROM alpine', 'ENV D=/dst', 'COPY --chown=a:b ["my file.txt", "b", "${D}/"]');
    const m = parseDockerfile(text);
    expect(m.diagnostics).toEqual([]);
    const c = instr(m, 'copy');
    expect(values(c.sources)).toEqual(['my file.txt', 'b']);
    expect(at(text, c.sources[0]!.span)).toBe('my file.txt');
    expect(c.dest.value).toBe('/dst/');
    expect(at(text, c.dest.span)).toBe('${D}/');
    expect(c.chown).toBe('a:b');
  });

  it('does not see global ARGs that the stage did not re-declare', () => {
    const text = lines('ARG V=1', 'FROM alpine', 'COPY a /x$V/', 'ARG V', 'COPY a /y$V/');
    const m = parseDockerfile(text);
    expect(instr(m, 'copy', 0).dest.value).toBe('/x/');
    expect(instr(m, 'copy', 1).dest.value).toBe('/y1/');
    expect(instr(m, 'arg')).toMatchObject({ name: 'V', value: null, line: 4 });
  });
});

describe('parseDockerfile: WORKDIR, ENV, ARG, USER, EXPOSE', () => {
  it('keeps a relative WORKDIR as written (expanded)', () => {
    const text = lines('FROM python:3.12', 'ENV BASE=/srv', 'WORKDIR $BASE', 'WORKDIR app/${SUB:-api}');
    const m = parseDockerfile(text);
    expect(instr(m, 'workdir', 0).path).toBe('/srv');
    expect(instr(m, 'workdir', 1)).toMatchObject({ path: 'app/api', line: 4, keyword: 'WORKDIR' });
  });

  it('reads ENV in K=V and legacy form, with quotes and continuations', () => {
    const text = lines(
      'FROM python:3.12',
      'ENV A=1 B="x y" \\',
      "    C='$A' D=${A}2",
      'ENV LEGACY some value here',
      'ENV A=2 E=$A',
    );
    const m = parseDockerfile(text);
    const e1 = instr(m, 'env', 0);
    expect(e1.pairs.map((p) => [p.key, p.value])).toEqual([
      ['A', '1'],
      ['B', 'x y'],
      ['C', '$A'],
      ['D', '2'], // like Docker: `${A}` is the value from before this ENV (unset here)
    ]);
    expect(e1.pairs.map((p) => at(text, p.span))).toEqual(['A=1', 'B="x y"', "C='$A'", 'D=${A}2']);
    expect(e1.line).toBe(2);
    expect(e1.endLine).toBe(3);
    const e2 = instr(m, 'env', 1);
    expect(e2.pairs).toHaveLength(1);
    expect(e2.pairs[0]).toMatchObject({ key: 'LEGACY', value: 'some value here' });
    expect(at(text, e2.pairs[0]!.span)).toBe('LEGACY some value here');
    // values in one ENV see the environment from before that instruction
    const e3: EnvInstruction = instr(m, 'env', 2);
    expect(e3.pairs.map((p) => p.value)).toEqual(['2', '1']);
  });

  it('reads ARG, USER and EXPOSE', () => {
    const text = lines('FROM python:3.12', 'ARG UID=1000', 'USER ${UID}:app', 'EXPOSE 8000 9000/udp', 'LABEL a=b');
    const m = parseDockerfile(text);
    expect(instr(m, 'arg')).toMatchObject({ name: 'UID', value: '1000', line: 2 });
    expect(instr(m, 'user')).toMatchObject({ user: '1000:app', line: 3 });
    expect(instr(m, 'expose').ports).toEqual(['8000', '9000/udp']);
    expect(instr(m, 'other')).toMatchObject({ keyword: 'LABEL', line: 5 });
  });
});

describe('parseDockerfile: RUN', () => {
  it('splits commands across continuations with exact spans and finds pip installs', () => {
    const text = lines(
      'FROM python:3.12-slim',
      'RUN pip install --no-cache-dir \\',
      '      -r requirements.txt && \\',
      '    # a comment line inside the continuation',
      '    pip install uvicorn[standard]==0.30.1 . 2>&1 | tee /tmp/log',
    );
    const m = parseDockerfile(text);
    expect(m.diagnostics).toEqual([]);
    const r = instr(m, 'run');
    expect(r.line).toBe(2);
    expect(r.endLine).toBe(5);
    expect(r.text).toBe(
      'pip install --no-cache-dir       -r requirements.txt &&     pip install uvicorn[standard]==0.30.1 . 2>&1 | tee /tmp/log',
    );
    expect(r.commands.map(values)).toEqual([
      ['pip', 'install', '--no-cache-dir', '-r', 'requirements.txt'],
      ['pip', 'install', 'uvicorn[standard]==0.30.1', '.'],
      ['tee', '/tmp/log'],
    ]);
    const req = r.commands[0]![4]!;
    expect(at(text, req.span)).toBe('requirements.txt');
    expect(lineOf(text, req.span.start)).toBe(3);
    expect(r.pipInstalls).toHaveLength(2);
    const [p1, p2] = r.pipInstalls;
    expect(p1).toMatchObject({ tool: 'pip', upgrade: false, line: 2, packages: [], localPaths: [] });
    expect(p1!.requirementFiles.map((f) => [f.path, f.constraint, at(text, f.span)])).toEqual([['requirements.txt', false, 'requirements.txt']]);
    expect(at(text, p1!.span)).toBe('pip install --no-cache-dir \\\n      -r requirements.txt');
    expect(p2!.line).toBe(5);
    expect(values(p2!.packages)).toEqual(['uvicorn[standard]==0.30.1']);
    expect(at(text, p2!.packages[0]!.span)).toBe('uvicorn[standard]==0.30.1');
    expect(p2!.localPaths).toHaveLength(1);
    expect(p2!.localPaths[0]).toMatchObject({ path: '.', editable: false });
    expect(at(text, p2!.localPaths[0]!.span)).toBe('.');
  });

  it('understands pip options, quoted specs, python -m pip, uv, poetry and pipenv', () => {
    const text = lines(
      'FROM python:3.12',
      "RUN python3.12 -m pip install -U -rreq.txt --requirement=dev.txt -c constraints.txt -e ./pkg 'fastapi>=0.110' --index-url https://x/simple --no-deps",
      'RUN /opt/venv/bin/pip install --extra-index-url https://y "pkg @ git+https://github.com/a/b.git" -f /wheels ./local[dev] /app --target /t',
      'RUN uv sync --frozen --no-dev && poetry install --no-root && uv pip install --system -r requirements.txt',
      'RUN python -m pip install --upgrade pip && pipenv install --system --deploy && pip3 install -e git+https://h/r.git#egg=r',
    );
    const m = parseDockerfile(text);
    const r1 = instr(m, 'run', 0);
    expect(r1.pipInstalls).toHaveLength(1);
    const p = r1.pipInstalls[0]!;
    expect(p.tool).toBe('pip');
    expect(p.upgrade).toBe(true);
    expect(p.requirementFiles.map((f) => [f.path, f.constraint, at(text, f.span)])).toEqual([
      ['req.txt', false, 'req.txt'],
      ['dev.txt', false, 'dev.txt'],
      ['constraints.txt', true, 'constraints.txt'],
    ]);
    expect(p.localPaths.map((l) => [l.path, l.editable, at(text, l.span)])).toEqual([['./pkg', true, './pkg']]);
    expect(values(p.packages)).toEqual(['fastapi>=0.110']);
    expect(at(text, p.packages[0]!.span)).toBe("'fastapi>=0.110'");

    const p2 = instr(m, 'run', 1).pipInstalls[0]!;
    expect(values(p2.packages)).toEqual(['pkg @ git+https://github.com/a/b.git']);
    expect(p2.localPaths.map((l) => [l.path, l.editable, at(text, l.span)])).toEqual([
      ['./local[dev]', false, './local[dev]'],
      ['/app', false, '/app'],
    ]);

    const r3 = instr(m, 'run', 2);
    expect(r3.pipInstalls.map((x) => x.tool)).toEqual(['uv', 'poetry', 'uv']);
    expect(r3.pipInstalls[0]!.localPaths.map((l) => l.path)).toEqual(['.']);
    expect(at(text, r3.pipInstalls[0]!.span)).toBe('uv sync --frozen --no-dev');
    expect(r3.pipInstalls[1]!.localPaths.map((l) => l.path)).toEqual(['.[dev]']) // poetry installs the dev group unless told otherwise;
    expect(r3.pipInstalls[2]!.requirementFiles.map((f) => f.path)).toEqual(['requirements.txt']);

    const r4 = instr(m, 'run', 3);
    expect(r4.pipInstalls.map((x) => x.tool)).toEqual(['pip', 'pipenv', 'pip']);
    expect(r4.pipInstalls[0]).toMatchObject({ upgrade: true });
    expect(values(r4.pipInstalls[0]!.packages)).toEqual(['pip']);
    expect(r4.pipInstalls[1]!.packages).toEqual([]);
    expect(values(r4.pipInstalls[2]!.packages)).toEqual(['git+https://h/r.git#egg=r']);
  });

  it('skips env assignments, sudo, env, time, nice and descends into sh -c', () => {
    const text = lines(
      'FROM python:3.12',
      'RUN PIP_NO_CACHE_DIR=1 sudo -E -u root env A=1 time nice -n 5 pip install flask',
      `RUN sh -c "pip install 'requests==2.0' && npm ci" ; bash -o pipefail -ec 'exec pip install a'`,
    );
    const m = parseDockerfile(text);
    const r1 = instr(m, 'run', 0);
    expect(r1.commands.map(values)).toEqual([['pip', 'install', 'flask']]);
    expect(values(r1.pipInstalls[0]!.packages)).toEqual(['flask']);
    const r2 = instr(m, 'run', 1);
    expect(r2.commands.map(values)).toEqual([
      ['pip', 'install', 'requests==2.0'],
      ['npm', 'ci'],
      ['pip', 'install', 'a'],
    ]);
    // spans inside the quoted script still point at the right characters
    expect(r2.commands.flat().map((w) => at(text, w.span))).toEqual(['pip', 'install', "'requests==2.0'", 'npm', 'ci', 'pip', 'install', 'a']);
    expect(r2.npmInstalls).toHaveLength(1);
    expect(r2.npmInstalls[0]!.command).toBe('ci');
    expect(at(text, r2.npmInstalls[0]!.span)).toBe('ci');
  });

  it('includes heredoc bodies fed to a shell, not heredocs that are data', () => {
    const text = lines(
      'FROM python:3.12',
      'RUN <<EOF',
      'set -e',
      'apt-get update && apt-get install -y --no-install-recommends curl=7.88.1 git',
      'pip install -r /app/requirements.txt',
      'EOF',
      'RUN cat <<EOF > /etc/pip.conf',
      'pip install nothing',
      'EOF',
      'RUN pip install x',
    );
    const m = parseDockerfile(text);
    expect(m.diagnostics).toEqual([]);
    const r = instr(m, 'run', 0);
    expect(r.line).toBe(2);
    expect(r.endLine).toBe(6);
    expect(r.text).toBe(
      '<<EOF\nset -e\napt-get update && apt-get install -y --no-install-recommends curl=7.88.1 git\npip install -r /app/requirements.txt\nEOF',
    );
    expect(r.commands.map(values)).toEqual([
      ['set', '-e'],
      ['apt-get', 'update'],
      ['apt-get', 'install', '-y', '--no-install-recommends', 'curl=7.88.1', 'git'],
      ['pip', 'install', '-r', '/app/requirements.txt'],
    ]);
    expect(r.systemPackages).toEqual(['curl', 'git']);
    const f = r.pipInstalls[0]!.requirementFiles[0]!;
    expect(f.path).toBe('/app/requirements.txt');
    expect(at(text, f.span)).toBe('/app/requirements.txt');
    expect(lineOf(text, f.span.start)).toBe(5);
    expect(r.pipInstalls[0]!.line).toBe(5);
    const data = instr(m, 'run', 1);
    expect(data.pipInstalls).toEqual([]);
    expect(data.commands.map(values)).toEqual([['cat']]);
    expect(instr(m, 'run', 2).line).toBe(10);
  });

  it('finds npm installs and system packages', () => {
    const text = lines(
      'FROM node:20',
      'RUN npm install --omit=dev && npm i -g pm2 && npm clean-install && npm run build',
      'RUN yarn install --frozen-lockfile && pnpm install',
      'RUN apk add --no-cache --virtual .build-deps gcc musl-dev=1.2.4-r2 && apt-get -qq -o Dpkg::Use-Pty=0 install -y foo/bookworm-backports',
      'RUN yum install -y httpd && dnf -y install --setopt=tsflags=nodocs nginx && microdnf install shadow-utils',
      'RUN apt-get install -y $(cat /pkgs) && pip install $EXTRA "fastapi==${FASTAPI_VERSION}" && command -v curl',
    );
    const m = parseDockerfile(text);
    const n = instr(m, 'run', 0).npmInstalls;
    expect(n.map((x) => [x.command, at(text, x.span), x.line])).toEqual([
      ['install', 'install', 2],
      ['other', 'i', 2], // -g: global, not the project
      ['ci', 'clean-install', 2],
    ]);
    expect(instr(m, 'run', 1).npmInstalls.map((x) => [x.tool, x.command, at(text, x.span)])).toEqual([
      ['yarn', 'ci', 'install'],
      ['pnpm', 'install', 'install'],
    ]);
    expect(instr(m, 'run', 2).systemPackages).toEqual(['gcc', 'musl-dev', 'foo']);
    expect(instr(m, 'run', 3).systemPackages).toEqual(['httpd', 'nginx', 'shadow-utils']);
    const r5 = instr(m, 'run', 4);
    expect(r5.systemPackages).toEqual([]);
    expect(values(r5.pipInstalls[0]!.packages)).toEqual(['fastapi==${FASTAPI_VERSION}']);
    expect(r5.commands.map(values)[2]).toEqual(['command', '-v', 'curl']);
  });

  it.each([
    ['npm install', 'npm', 'install', 'install'],
    ['npm install --omit=dev --no-audit', 'npm', 'install', 'install'],
    ['npm ci --omit dev', 'npm', 'ci', 'ci'],
    ['npm install express@5', 'npm', 'other', 'install'],
    ['npm --prefix /srv install', 'npm', 'other', 'install'],
    ['npm install -g npm@10', 'npm', 'other', 'install'],
    ['yarn', 'yarn', 'install', 'yarn'],
    ['yarn --production', 'yarn', 'install', 'yarn'],
    ['yarn install --frozen-lockfile --production', 'yarn', 'ci', 'install'],
    ['yarn --immutable', 'yarn', 'ci', 'yarn'],
    ['yarn install --pure-lockfile', 'yarn', 'install', 'install'],
    ['yarn add lodash', 'yarn', 'other', 'add'],
    ['yarn global add pm2', 'yarn', 'other', 'global'],
    ['yarn --cwd web install', 'yarn', 'other', 'install'],
    ['pnpm install', 'pnpm', 'install', 'install'],
    ['pnpm i --prod', 'pnpm', 'install', 'i'],
    ['pnpm install --frozen-lockfile --filter api', 'pnpm', 'ci', 'install'],
    ['pnpm install --offline', 'pnpm', 'ci', 'install'],
    ['pnpm install --frozen-lockfile=false', 'pnpm', 'install', 'install'],
    ['pnpm -C web install', 'pnpm', 'other', 'install'],
    ['pnpm add zod', 'pnpm', 'other', 'add'],
    ['bun install', 'bun', 'install', 'install'],
    ['bun i --production', 'bun', 'install', 'i'],
    ['bun install --frozen-lockfile', 'bun', 'ci', 'install'],
    ['bun ci', 'bun', 'ci', 'ci'],
    ['bun add hono', 'bun', 'other', 'add'],
  ])('%s is a %s install of kind %s', (command, tool, kind, word) => {
    const text = lines('FROM node:22', `RUN ${command}`);
    const found = instr(parseDockerfile(text), 'run', 0).npmInstalls;
    expect(found.map((x) => [x.tool, x.command, at(text, x.span)])).toEqual([[tool, kind, word]]);
  });

  it.each(['npm run build', 'yarn build', 'pnpm run test', 'bun run server.ts', 'bunx prisma generate', 'npx tsc'])('%s is no install', (command) => {
    expect(instr(parseDockerfile(lines('FROM node:22', `RUN ${command}`)), 'run', 0).npmInstalls).toEqual([]);
  });

  it.each([
    ['pip wheel --wheel-dir /wheels -r requirements.txt', '/wheels', ['requirements.txt'], []],
    ['pip wheel -w /w -r a.txt gunicorn==22.0.0', '/w', ['a.txt'], ['gunicorn==22.0.0']],
    ['python -m pip wheel --wheel-dir=/w --no-deps .', '/w', [], []],
    ['pip3 wheel -w=out requests', 'out', [], ['requests']],
    ['pip wheel -r requirements.txt', '.', ['requirements.txt'], []],
  ])('%s builds wheels into a wheelhouse, not an install', (command, dir, files, packages) => {
    const run = instr(parseDockerfile(lines('FROM python:3.12', `RUN ${command}`)), 'run', 0);
    expect(run.pipInstalls).toEqual([]);
    expect(run.pipWheels.map((w) => [w.wheelDir, w.requirementFiles.map((f) => f.path), values(w.packages)])).toEqual([[dir, files, packages]]);
  });

  it('expands ARG defaults, build arguments and ENV in RUN words; values chosen at build time stay variables', () => {
    const text = lines(
      'FROM python:3.12',
      'ARG REQS=requirements/prod.txt',
      'ARG EXTRAS',
      'ARG FLAGS="--no-cache-dir --upgrade"',
      'ENV APP=/srv/app',
      'RUN pip install $FLAGS -r ${REQS} "$APP[$EXTRAS]" ${EXTRA_PKG:-gunicorn==22.0.0} ${NOPE:+x}',
      'RUN for g in a b; do flags="$flags --group $g"; done; flags="$(cat more)"; uv sync $flags',
      'ARG GROUPS="web worker"',
      'RUN flags=""; for g in $GROUPS; do flags="$flags --group $g"; done; uv sync --frozen $flags',
      "RUN pip install '$REQS' $(cat list.txt)",
    );
    const plain = parseDockerfile(text);
    expect(instr(plain, 'run', 0).commands.map(values)).toEqual([
      ['pip', 'install', '--no-cache-dir', '--upgrade', '-r', 'requirements/prod.txt', '$APP[$EXTRAS]', 'gunicorn==22.0.0'],
    ]);
    const pip = instr(plain, 'run', 0).pipInstalls[0]!;
    expect(pip.upgrade).toBe(true);
    expect(at(text, pip.requirementFiles[0]!.span)).toBe('${REQS}');
    expect(values(pip.packages)).toEqual(['gunicorn==22.0.0']);
    // a variable assigned outside a flag loop is unknown; single quotes and command substitutions are not expanded
    expect(instr(plain, 'run', 1).commands.at(-1)!.map((w) => w.value)).toEqual(['uv', 'sync', '$flags']);
    // a loop that builds flags from a known list is expanded
    expect(instr(plain, 'run', 2).commands.at(-1)!.map((w) => w.value)).toEqual(['uv', 'sync', '--frozen', '--group', 'web', '--group', 'worker']);
    expect(instr(plain, 'run', 3).commands.map(values)).toEqual([['pip', 'install', '$REQS', '$(cat list.txt)']]);
    // compose build.args win over the defaults and give the ARG without one its value
    const withArgs = parseDockerfile(text, { EXTRAS: 'a,b', REQS: 'r.txt' });
    expect(instr(withArgs, 'run', 0).commands.map(values)[0]).toEqual(['pip', 'install', '--no-cache-dir', '--upgrade', '-r', 'r.txt', '/srv/app[a,b]', 'gunicorn==22.0.0']);
  });

  it('handles RUN flags and the JSON form', () => {
    const text = lines(
      'FROM python:3.12',
      'RUN --mount=type=cache,target=/root/.cache/pip \\',
      '    pip install -r requirements.txt',
      'RUN ["pip", "install", "--no-cache-dir", "gunicorn==22.0.0"]',
    );
    const m = parseDockerfile(text);
    const r1 = instr(m, 'run', 0);
    expect(r1.text).toBe('pip install -r requirements.txt');
    expect(r1.pipInstalls[0]!.requirementFiles.map((f) => f.path)).toEqual(['requirements.txt']);
    const r2 = instr(m, 'run', 1);
    expect(r2.commands.map(values)).toEqual([['pip', 'install', '--no-cache-dir', 'gunicorn==22.0.0']]);
    expect(at(text, r2.pipInstalls[0]!.packages[0]!.span)).toBe('gunicorn==22.0.0');
  });
});

describe('parseDockerfile: CMD, ENTRYPOINT, HEALTHCHECK', () => {
  it('reads JSON and shell form commands with spans', () => {
    const text = lines(
      'FROM python:3.12',
      'CMD ["uvicorn", "app.main:app", \\',
      '     "--host", "0.0.0.0", "--reload"]',
      `ENTRYPOINT exec gunicorn 'app:create_app()' -b "0.0.0.0:8000" --log-level=info`,
      'CMD python -m http.server 2>&1 || exit 1',
    );
    const m = parseDockerfile(text);
    expect(m.diagnostics).toEqual([]);
    const cmd = instr(m, 'cmd', 0);
    expect(cmd.line).toBe(2);
    expect(cmd.endLine).toBe(3);
    expect(cmd.command.form).toBe('json');
    expect(values(cmd.command.argv)).toEqual(['uvicorn', 'app.main:app', '--host', '0.0.0.0', '--reload']);
    const reload = cmd.command.argv[4]!;
    expect(at(text, reload.span)).toBe('--reload');
    expect(lineOf(text, reload.span.start)).toBe(3);
    expect(at(text, cmd.command.span)).toBe('["uvicorn", "app.main:app", \\\n     "--host", "0.0.0.0", "--reload"]');
    expect(cmd.command.raw).toBe(at(text, cmd.command.span));
    expect(cmd.command.line).toBe(2);

    const ep: CommandInstruction = instr(m, 'entrypoint');
    expect(ep.command.form).toBe('shell');
    expect(values(ep.command.argv)).toEqual(['exec', 'gunicorn', 'app:create_app()', '-b', '0.0.0.0:8000', '--log-level=info']);
    expect(ep.command.argv.map((w) => at(text, w.span))).toEqual([
      'exec',
      'gunicorn',
      "'app:create_app()'",
      '-b',
      '"0.0.0.0:8000"',
      '--log-level=info',
    ]);
    expect(ep.command.raw).toBe(`exec gunicorn 'app:create_app()' -b "0.0.0.0:8000" --log-level=info`);

    const shell = instr(m, 'cmd', 1);
    expect(shell.command.form).toBe('shell');
    expect(values(shell.command.argv)).toEqual(['python', '-m', 'http.server', '2>&', '1', '||', 'exit', '1']);
  });

  it('decodes JSON escapes and treats invalid JSON as shell form', () => {
    const text = lines('FROM alpine', 'CMD ["a b", "c\\"d", "\\u0041"]', "CMD ['a']", 'CMD []');
    const m = parseDockerfile(text);
    expect(m.diagnostics).toEqual([]);
    const c0 = instr(m, 'cmd', 0).command;
    expect(values(c0.argv)).toEqual(['a b', 'c"d', 'A']);
    expect(c0.argv.map((w) => at(text, w.span))).toEqual(['a b', 'c\\"d', '\\u0041']);
    const c1 = instr(m, 'cmd', 1).command;
    expect(c1.form).toBe('shell');
    expect(values(c1.argv)).toEqual(['[a]']);
    expect(instr(m, 'cmd', 2).command).toMatchObject({ form: 'json', argv: [] });
  });

  it('reads HEALTHCHECK CMD with flags, and NONE', () => {
    const text = lines(
      'FROM python:3.12',
      'HEALTHCHECK --interval=30s --timeout=3s \\',
      '  CMD curl -f http://localhost:8000/health || exit 1',
      'HEALTHCHECK --interval=5s CMD ["python", "-c", "import urllib.request"]',
      'HEALTHCHECK NONE',
    );
    const m = parseDockerfile(text);
    const h0: HealthcheckInstruction = instr(m, 'healthcheck', 0);
    expect(h0.none).toBe(false);
    expect(h0.line).toBe(2);
    expect(h0.endLine).toBe(3);
    expect(h0.command?.form).toBe('shell');
    expect(values(h0.command!.argv)).toEqual(['curl', '-f', 'http://localhost:8000/health', '||', 'exit', '1']);
    expect(at(text, h0.command!.span)).toBe('curl -f http://localhost:8000/health || exit 1');
    expect(h0.command!.line).toBe(3);
    const h1 = instr(m, 'healthcheck', 1);
    expect(h1.command?.form).toBe('json');
    expect(values(h1.command!.argv)).toEqual(['python', '-c', 'import urllib.request']);
    const h2 = instr(m, 'healthcheck', 2);
    expect(h2).toMatchObject({ none: true, command: null, line: 5 });
  });
});

describe('parseDockerfile: line endings and escape directive', () => {
  it('computes offsets in a CRLF file', () => {
    const text = [
      'ARG V=3.11',
      'FROM python:${V} AS app',
      'RUN pip install \\',
      '    -r requirements.txt',
      'COPY . /app',
      'CMD ["python", "main.py"]',
      '',
    ].join('\r\n');
    const m = parseDockerfile(text);
    expect(m.diagnostics).toEqual([]);
    expect(m.stages[0]!.from.image).toBe('python:3.11');
    expect(at(text, m.stages[0]!.from.span)).toBe('python:${V}');
    const r = instr(m, 'run');
    expect(r.text).toBe('pip install     -r requirements.txt');
    expect(r.line).toBe(3);
    expect(r.endLine).toBe(4);
    const f = r.pipInstalls[0]!.requirementFiles[0]!;
    expect(at(text, f.span)).toBe('requirements.txt');
    expect(lineOf(text, f.span.start)).toBe(4);
    const c: CopyInstruction = instr(m, 'copy');
    expect(c.line).toBe(5);
    expect(at(text, c.dest.span)).toBe('/app');
    expect(at(text, c.span)).toBe('COPY . /app');
    const cmd = instr(m, 'cmd');
    expect(at(text, cmd.command.argv[1]!.span)).toBe('main.py');
  });

  it('honours # escape=` (backtick continuations, literal backslashes)', () => {
    const text = lines(
      '# escape=`',
      'FROM mcr.microsoft.com/windows/servercore:ltsc2022',
      'WORKDIR C:\\app',
      'RUN pip install `',
      '    flask `',
      '    -r C:\\app\\requirements.txt',
      'COPY requirements.txt C:\\app\\',
    );
    const m = parseDockerfile(text);
    expect(m.diagnostics).toEqual([]);
    expect(instr(m, 'workdir').path).toBe('C:\\app');
    const r: RunInstruction = instr(m, 'run');
    expect(r.line).toBe(4);
    expect(r.endLine).toBe(6);
    expect(r.commands.map(values)).toEqual([['pip', 'install', 'flask', '-r', 'C:\\app\\requirements.txt']]);
    const pkg = r.pipInstalls[0]!.packages[0]!;
    expect(at(text, pkg.span)).toBe('flask');
    expect(lineOf(text, pkg.span.start)).toBe(5);
    expect(r.pipInstalls[0]!.requirementFiles[0]!.path).toBe('C:\\app\\requirements.txt');
    expect(instr(m, 'copy').dest.value).toBe('C:\\app\\');
  });
});

describe('parseDockerfile: directives', () => {
  it('applies own-line driftcheck and hadolint comments to the next instruction', () => {
    const text = lines(
      'FROM python:3.12',
      '# driftcheck: ignore[DEP002,PIN003] -- optional speedup',
      'RUN pip install uvloop',
      '',
      '# hadolint ignore=DL3013, DL3042',
      '',
      'RUN pip install \\',
      '  # driftcheck: ignore[PIN001]',
      '  flask',
      '# a plain comment',
      '# driftcheck: ignore -- no rules, not a directive',
      'CMD ["python"]',
    );
    const m = parseDockerfile(text);
    expect(m.directives).toHaveLength(3);
    const [d0, d1, d2] = m.directives;
    expect(d0).toMatchObject({ line: 3, commentLine: 2, rules: ['DEP002', 'PIN003'], reason: 'optional speedup', source: 'driftcheck' });
    expect(at(text, d0!.span)).toBe('# driftcheck: ignore[DEP002,PIN003] -- optional speedup');
    expect(d1).toMatchObject({ line: 7, commentLine: 5, rules: ['DL3013', 'DL3042'], reason: null, source: 'hadolint' });
    expect(at(text, d1!.span)).toBe('# hadolint ignore=DL3013, DL3042');
    // a comment inside a continuation belongs to the instruction it is in
    expect(d2).toMatchObject({ line: 7, commentLine: 8, rules: ['PIN001'] });
    expect(instr(m, 'run', 1).commands.map(values)).toEqual([['pip', 'install', 'flask']]);
  });
});

describe('parseDockerfile: diagnostics', () => {
  it('reports unknown instructions and keeps parsing', () => {
    const text = lines('FROM python:3.12', 'RUNN pip install x', 'FOO bar', 'RUN pip install y');
    const m = parseDockerfile(text);
    expect(m.diagnostics.map((d) => [d.line, d.column, d.severity, d.message, at(text, d.span)])).toEqual([
      [2, 1, 'error', 'unknown instruction "RUNN"', 'RUNN'],
      [3, 1, 'error', 'unknown instruction "FOO"', 'FOO'],
    ]);
    expect(m.stages[0]!.instructions.map((i) => i.kind)).toEqual(['other', 'other', 'run']);
    expect(values(instr(m, 'run').pipInstalls[0]!.packages)).toEqual(['y']);
  });

  it('reports a FROM without an image', () => {
    const text = lines('FROM', 'RUN echo hi', 'FROM python:3.12', 'USER app');
    const m = parseDockerfile(text);
    expect(m.diagnostics.map((d) => [d.line, d.message])).toEqual([[1, 'FROM without an image']]);
    expect(m.stages).toHaveLength(2);
    expect(m.stages[0]!.from.image).toBe('');
    expect(instr(m, 'user')).toMatchObject({ user: 'app', line: 4 });
  });

  it('reports an unterminated JSON array in CMD/ENTRYPOINT', () => {
    const text = lines('FROM python:3.12', 'CMD ["python", "app.py"', 'ENTRYPOINT [', 'EXPOSE 80');
    const m = parseDockerfile(text);
    expect(m.diagnostics.map((d) => [d.line, d.column, at(text, d.span)])).toEqual([
      [2, 5, '['],
      [3, 12, '['],
    ]);
    expect(m.diagnostics[0]!.message).toContain('CMD');
    expect(m.diagnostics[1]!.message).toContain('ENTRYPOINT');
    expect(values(instr(m, 'cmd').command.argv)).toEqual(['python', 'app.py']);
    expect(instr(m, 'expose').ports).toEqual(['80']);
  });

  it('reports COPY/ADD with fewer than two arguments', () => {
    const text = lines('FROM python:3.12', 'COPY requirements.txt', 'ADD --chown=a:a', 'COPY . /app');
    const m = parseDockerfile(text);
    expect(m.diagnostics.map((d) => d.line)).toEqual([2, 3]);
    expect(m.diagnostics.every((d) => d.severity === 'error')).toBe(true);
    expect(m.stages[0]!.instructions.map((i) => i.kind)).toEqual(['other', 'other', 'copy']);
    expect(instr(m, 'copy').dest.value).toBe('/app');
  });

  it('reports instructions before the first FROM (ARG is allowed)', () => {
    const text = lines('# syntax=docker/dockerfile:1', '# comment', 'ARG X=1', 'RUN echo early', 'ENV A=b', 'FROM alpine:$X', 'RUN echo ok');
    const m = parseDockerfile(text);
    expect(m.diagnostics.map((d) => [d.line, d.column, at(text, d.span)])).toEqual([
      [4, 1, 'RUN'],
      [5, 1, 'ENV'],
    ]);
    expect(m.stages[0]!.from.image).toBe('alpine:1');
    expect(m.stages[0]!.instructions).toHaveLength(1);
  });

  it('reports a file without FROM, and nothing for an empty file', () => {
    const m = parseDockerfile(lines('ARG A=1', 'RUN echo'));
    expect(m.diagnostics.some((d) => d.message === 'no FROM instruction' && d.line === 1)).toBe(true);
    expect(m.stages).toEqual([]);
    expect(parseDockerfile('')).toEqual({ stages: [], globalArgs: [], directives: [], diagnostics: [] });
    expect(parseDockerfile('# only a comment\n').diagnostics).toEqual([]);
  });

  it('never throws on garbage', () => {
    const samples = [
      '\u0000\u0001FROM',
      'FROM a\nRUN "unterminated \\\n',
      'FROM a\nCOPY ["a", \n',
      'FROM a\nRUN <<EOF\nno end',
      'FROM a\nENV =x ==\nARG\nHEALTHCHECK\nHEALTHCHECK --interval=1s\nWORKDIR\nUSER\nEXPOSE\n',
      'FROM ${',
      'FROM a\rRUN b\rCMD c\r',
      'FROM a\nRUN sh -c\nRUN bash -c "sh -c \'sh -c \\"sh -c pip\\"\'"\n',
      '\\\n\\\n`\n',
    ];
    for (const s of samples) expect(() => parseDockerfile(s)).not.toThrow();
  });

  it('a line continuation inside a heredoc-fed shell starts no empty word (found by the 1M fuzz run, seed 4242)', () => {
    const text = 'FROM python:3.12-slim\nRUN --mount=type=cache,target=/root/.cache/pip \\\n   <<EOF\n --mount=x,y \\ents.txt \\\n    pip install -r /t\nmp/requirements.txt\n';
    const words = parseDockerfile(text).stages[0]!.instructions[0]!.commands.flat();
    expect(words.length).toBeGreaterThan(0);
    for (const word of words) {
      expect(Number.isInteger(word.span.end), JSON.stringify(word)).toBe(true);
      expect(word.span.end).toBeGreaterThan(word.span.start);
      expect(word.span.end).toBeLessThanOrEqual(text.length);
    }
  });

  it('is fast on a large file', () => {
    let text = 'FROM python:3.12\n';
    for (let i = 0; i < 1000; i++) {
      text += `RUN pip install --no-cache-dir \\\n  -r req${i}.txt && sh -c "apt-get install -y curl && npm ci"\nENV A${i}=\${A${i > 0 ? i - 1 : 0}:-x}\nCOPY --from=b --chown=a:a x /y/\n`;
    }
    const t0 = Date.now();
    const m = parseDockerfile(text);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(m.stages[0]!.instructions).toHaveLength(3000);
  });
});

describe('poetry install / uv sync: which dependency groups are installed', () => {
  const localPathOf = (run: string): string | undefined => {
    const stage = parseDockerfile(`FROM python:3.12\nRUN ${run}\n`).stages[0];
    const instruction = stage?.instructions.find((i) => i.kind === 'run');
    const pip = instruction && instruction.kind === 'run' ? instruction.pipInstalls[0] : undefined;
    return pip ? (pip.localPaths[0]?.path ?? '(none)') : undefined;
  };
  it.each([
    ['poetry install', '.[dev]'],
    ['poetry install --no-root --only main', '.'],
    ['poetry install --without dev,docs', '.'],
    ['poetry install --with docs -E s3 --extras "pdf xlsx"', '.[dev,docs,pdf,s3,xlsx]'],
    ['poetry install --only=main,ops --all-extras', '.[*,ops]'],
    ['poetry install --only-root', '(none)'],
    ['uv sync --frozen', '.[dev]'],
    ['uv sync --frozen --no-dev', '.'],
    ['uv sync --no-default-groups --group prod --extra s3', '.[prod,s3]'],
    ['uv sync --only-group lint', '.[lint]'],
    ['uv sync --all-extras --no-dev --project services/api', 'services/api[*]'],
  ])('%s installs %s', (run, expected) => {
    expect(localPathOf(run)).toBe(expected);
  });
});
