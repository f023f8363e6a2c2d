// What well-known base images ship, for rules and the model that must not guess: tools and the
// default user (PROD005, PROD007), and the Python distributions the image's own interpreter has
// (the service model: a non-plain base may install anything). One table; `source` says where a fact
// comes from. Unknown images give null: a rule that needs a fact it cannot find reports nothing.

import { sourced, type Sourced } from './sourced.js';
export interface BaseImageFacts {
  readonly family: string;
  readonly curl: boolean;
  readonly wget: boolean;
  /** A POSIX shell at /bin/sh (CMD-SHELL probes and shell-form commands need one). */
  readonly shell: boolean;
  /** The image's default user is root (no USER in its own Dockerfile). */
  readonly rootByDefault: boolean;
  /** Programs the image ships outside any Python package (`uv` in astral-sh/uv images). */
  readonly programs?: readonly string[];
  readonly source: string;
}

/** Tools and user of an image family, matched on the normalised repository and tag (`splitImage`). */
interface ToolsEntry extends BaseImageFacts {
  /** Matched against the repository part of the image (registry prefix `docker.io/library/` dropped). */
  readonly repo: RegExp;
  /** Matched against the tag ('' when there is none). */
  readonly tag: RegExp;
}

/** The Python distributions an image's interpreter ships, matched on the reference as written in FROM. */
interface PythonEntry {
  readonly family: string;
  readonly reference: RegExp;
  /** Distributions the base image already installs ([]: none beyond the interpreter's own). */
  readonly pythonPackages: readonly string[];
  readonly source: string;
}

type Entry = ToolsEntry | PythonEntry;

const ANY = /^/;
const SLIM = /(^|-)slim(-|$)/;
const ALPINE = /(^|-)alpine/;
const WINDOWS = /windowsservercore|nanoserver/;
const UV = /^(ghcr\.io\/astral-sh\/uv|astral\/uv)$/;
const UV_PROGRAMS = ['uv', 'uvx'];
const TIANGOLO_PROGRAMS = ['uvicorn', 'gunicorn', '/start.sh', '/start-reload.sh'];

/** Official images (docker.io/library) that install no Python packages of their own. */
const OFFICIAL_PLAIN = ['python', 'ubuntu', 'debian', 'alpine', 'busybox', 'buildpack-deps', 'amazonlinux', 'centos', 'fedora', 'rockylinux', 'almalinux', 'archlinux', 'node', 'nginx', 'scratch'];

export const BASE_IMAGES: readonly Entry[] = [
  // Tools and default user. Order matters: the first entry whose repo and tag match wins.
  // docker-library/python: *-slim variants install only ca-certificates, netbase, tzdata (no curl/wget).
  { family: 'python-slim', repo: /^python$/, tag: SLIM, curl: false, wget: false, shell: true, rootByDefault: true, source: 'docker-library/python Dockerfile templates (slim variant)' },
  // docker-library/python: alpine variants; wget is the busybox applet, curl is not installed.
  { family: 'python-alpine', repo: /^python$/, tag: ALPINE, curl: false, wget: true, shell: true, rootByDefault: true, source: 'docker-library/python Dockerfile templates (alpine variant, busybox)' },
  // docker-library/python full variants build FROM buildpack-deps (curl and wget included).
  { family: 'python', repo: /^python$/, tag: /^(?!.*(windowsservercore|nanoserver))/, curl: true, wget: true, shell: true, rootByDefault: true, source: 'docker-library/python FROM buildpack-deps:<suite> (curl, wget)' },
  { family: 'node-slim', repo: /^node$/, tag: SLIM, curl: false, wget: false, shell: true, rootByDefault: true, source: 'nodejs/docker-node slim Dockerfiles (no curl/wget after build)' },
  { family: 'node-alpine', repo: /^node$/, tag: ALPINE, curl: false, wget: true, shell: true, rootByDefault: true, source: 'nodejs/docker-node alpine Dockerfiles (busybox wget)' },
  { family: 'node', repo: /^node$/, tag: /^(?!.*(windowsservercore|nanoserver))/, curl: true, wget: true, shell: true, rootByDefault: true, source: 'nodejs/docker-node FROM buildpack-deps:<suite> (curl, wget)' },
  { family: 'buildpack-deps', repo: /^buildpack-deps$/, tag: /^(?!.*scm$)/, curl: true, wget: true, shell: true, rootByDefault: true, source: 'docker-library/buildpack-deps curl variant installs curl and wget' },
  // astral-sh/uv images: `python3.12-bookworm-slim` and friends are FROM python:*-slim / debian:*-slim,
  // `*-alpine` FROM alpine, `bookworm`/`python3.12-bookworm` FROM buildpack-deps or python; the plain
  // tags (`latest`, `0.5.1`) are FROM scratch holding only /uv and /uvx. None sets USER.
  { family: 'uv-slim', repo: UV, tag: SLIM, curl: false, wget: false, shell: true, rootByDefault: true, programs: UV_PROGRAMS, source: 'astral-sh/uv docs "Using uv in Docker", available images (slim: debian/python slim bases)' },
  { family: 'uv-alpine', repo: UV, tag: ALPINE, curl: false, wget: true, shell: true, rootByDefault: true, programs: UV_PROGRAMS, source: 'astral-sh/uv docs "Using uv in Docker" (alpine bases, busybox wget)' },
  { family: 'uv-debian', repo: UV, tag: /(^|-)(bookworm|bullseye|trixie)$/, curl: true, wget: true, shell: true, rootByDefault: true, programs: UV_PROGRAMS, source: 'astral-sh/uv docs "Using uv in Docker" (buildpack-deps / python full bases)' },
  { family: 'uv-scratch', repo: UV, tag: ANY, curl: false, wget: false, shell: false, rootByDefault: true, programs: UV_PROGRAMS, source: 'astral-sh/uv docs "Using uv in Docker" (distroless image: only /uv and /uvx)' },
  // Distroless: no shell, no package manager, no curl/wget; `:nonroot` tags run as uid 65532.
  { family: 'distroless-nonroot', repo: /^gcr\.io\/distroless\//, tag: /nonroot/, curl: false, wget: false, shell: false, rootByDefault: false, source: 'GoogleContainerTools/distroless README (nonroot tags, no shell)' },
  { family: 'distroless', repo: /^gcr\.io\/distroless\//, tag: ANY, curl: false, wget: false, shell: false, rootByDefault: true, source: 'GoogleContainerTools/distroless README (no shell)' },
  { family: 'chainguard', repo: /^cgr\.dev\/chainguard\//, tag: /^(?!.*-dev$)/, curl: false, wget: false, shell: false, rootByDefault: false, source: 'Chainguard Images docs (minimal images run as nonroot, no shell)' },
  // Known families (#16 idiom 9). nvidia/cuda: Ubuntu/UBI with the CUDA libraries, no USER, no curl/wget.
  { family: 'nvidia-cuda', repo: /^(?:nvcr\.io\/)?nvidia\/cuda$/, tag: ANY, curl: false, wget: false, shell: true, rootByDefault: true, source: 'NVIDIA container-images/cuda Dockerfiles (base/runtime/devel: FROM ubuntu or ubi, apt/yum CUDA packages, no USER)' },
  // locustio/locust: pip-installs locust into python slim and switches to its own user.
  { family: 'locust', repo: /^locustio\/locust$/, tag: ANY, curl: false, wget: false, shell: true, rootByDefault: false, programs: ['locust'], source: 'locustio/locust Dockerfile (FROM python slim, pip install locust, USER locust)' },
  // tiangolo/uvicorn-gunicorn(-fastapi|-starlette): python full images (buildpack-deps: curl, wget), no USER, /start.sh runs gunicorn.
  { family: 'tiangolo-uvicorn-gunicorn-slim', repo: /^tiangolo\/uvicorn-gunicorn(?:-[a-z]+)*$/, tag: SLIM, curl: false, wget: false, shell: true, rootByDefault: true, programs: TIANGOLO_PROGRAMS, source: 'tiangolo/uvicorn-gunicorn-docker docker-images/python3.X-slim.dockerfile (FROM python:3.X-slim, CMD /start.sh, no USER)' },
  { family: 'tiangolo-uvicorn-gunicorn-alpine', repo: /^tiangolo\/uvicorn-gunicorn(?:-[a-z]+)*$/, tag: ALPINE, curl: false, wget: true, shell: true, rootByDefault: true, programs: TIANGOLO_PROGRAMS, source: 'tiangolo/uvicorn-gunicorn-docker docker-images/python3.X-alpine.dockerfile (FROM python:3.X-alpine, busybox wget, no USER)' },
  { family: 'tiangolo-uvicorn-gunicorn', repo: /^tiangolo\/uvicorn-gunicorn(?:-[a-z]+)*$/, tag: ANY, curl: true, wget: true, shell: true, rootByDefault: true, programs: TIANGOLO_PROGRAMS, source: 'tiangolo/uvicorn-gunicorn-docker docker-images/python3.X.dockerfile (FROM python:3.X: curl, wget; CMD /start.sh, no USER)' },
  // Bare distribution images: no curl, no wget.
  { family: 'debian', repo: /^debian$/, tag: ANY, curl: false, wget: false, shell: true, rootByDefault: true, source: 'debuerreotype minbase rootfs (no curl/wget)' },
  { family: 'ubuntu', repo: /^ubuntu$/, tag: ANY, curl: false, wget: false, shell: true, rootByDefault: true, source: 'Ubuntu cloud minimal rootfs used by the official image (no curl/wget)' },
  { family: 'alpine', repo: /^alpine$/, tag: ANY, curl: false, wget: true, shell: true, rootByDefault: true, source: 'alpine minirootfs (busybox wget, no curl)' },

  // Python packages. Base images whose Python packages are known (none, or the list given): anything
  // else (a team's base image, pytorch/pytorch, ...) may already
  // install what code imports. Matched on the FROM reference as written; the first match wins.
  ...OFFICIAL_PLAIN.map((name): PythonEntry => ({ family: name, reference: new RegExp(`^(?:(?:docker\\.io|index\\.docker\\.io)\\/)?(?:library\\/)?${name}(?:[:@]|$)`), pythonPackages: [], source: `docker-library/official-images: the ${name} image's Dockerfile installs no Python distributions (pip, setuptools and wheel aside)` })),
  { family: 'distroless', reference: /^gcr\.io\/distroless\//, pythonPackages: [], source: 'GoogleContainerTools/distroless README: language runtime only, no package manager' },
  { family: 'chainguard', reference: /^cgr\.dev\/chainguard\/(?:python|wolfi-base)/, pythonPackages: [], source: 'Chainguard Images docs: the python image holds the interpreter (its -dev variant adds pip and a shell), no other distributions' },
  { family: 'ubi', reference: /^(?:registry\.access\.redhat\.com\/)?ubi\d/, pythonPackages: [], source: 'Red Hat UBI docs: minimal base with the platform Python only' },
  { family: 'devcontainers-python', reference: /^mcr\.microsoft\.com\/devcontainers\/python/, pythonPackages: [], source: 'devcontainers/images python README: development tools as pipx tools, outside the interpreter\'s site-packages' },
  // AWS Lambda's Python images include the AWS SDK for Python: boto3 and its dependencies.
  {
    family: 'lambda-python',
    reference: /^public\.ecr\.aws\/lambda\/python(?:[:@]|$)/,
    pythonPackages: ['boto3', 'botocore', 's3transfer', 'jmespath', 'python-dateutil', 'six', 'urllib3'],
    source: 'AWS Lambda docs, "Python runtimes": the runtime includes the SDK; botocore\'s own requirements give the rest',
  },
  // Known families (#16 idiom 9): nvidia/cuda ships no Python; locustio/locust ships locust (and
  // what it requires); tiangolo/uvicorn-gunicorn ships uvicorn[standard] and gunicorn, its -fastapi
  // variant adds fastapi[all] (the -starlette one is not listed: unknown, an open install set).
  { family: 'nvidia-cuda', reference: /^(?:nvcr\.io\/)?nvidia\/cuda(?:[:@]|$)/, pythonPackages: [], source: 'NVIDIA container-images/cuda Dockerfiles: CUDA packages on ubuntu/ubi, no Python installed' },
  { family: 'locust', reference: /^(?:docker\.io\/)?locustio\/locust(?:[:@]|$)/, pythonPackages: ['locust'], source: 'locustio/locust Dockerfile: pip install of locust into python slim, nothing else' },
  { family: 'tiangolo-uvicorn-gunicorn-fastapi', reference: /^(?:docker\.io\/)?tiangolo\/uvicorn-gunicorn-fastapi(?:[:@]|$)/, pythonPackages: ['uvicorn', 'uvicorn[standard]', 'gunicorn', 'fastapi', 'fastapi[all]'], source: 'tiangolo/uvicorn-gunicorn-fastapi-docker docker-images/requirements.txt (uvicorn[standard], gunicorn, fastapi[all] since 2023; plain fastapi before) on tiangolo/uvicorn-gunicorn' },
  { family: 'tiangolo-uvicorn-gunicorn', reference: /^(?:docker\.io\/)?tiangolo\/uvicorn-gunicorn(?:[:@]|$)/, pythonPackages: ['uvicorn', 'uvicorn[standard]', 'gunicorn'], source: 'tiangolo/uvicorn-gunicorn-docker docker-images/requirements.txt (uvicorn[standard], gunicorn)' },
  { family: 'uv', reference: /^(?:ghcr\.io\/astral-sh|(?:docker\.io\/)?astral)\/uv(?:[:@]|$)/, pythonPackages: [], source: 'uv docs, "Using uv in Docker": the uv images add the uv binary to a base image' },
];

/** `docker.io/library/python:3.12-slim@sha256:..` -> repo `python`, tag `3.12-slim`. */
export function splitImage(image: string): { repo: string; tag: string; digest: string | null } {
  let rest = image.trim();
  let digest: string | null = null;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const colon = rest.lastIndexOf(':');
  let tag = '';
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const repo = rest.toLowerCase().replace(/^(docker\.io\/|index\.docker\.io\/|registry-1\.docker\.io\/)/, '').replace(/^library\//, '');
  return { repo, tag, digest };
}

export function baseImageFacts(image: string): BaseImageFacts | null {
  if (image.includes('$')) return null;
  const { repo, tag } = splitImage(image);
  if (WINDOWS.test(tag)) return null;
  for (const entry of BASE_IMAGES) {
    if ('repo' in entry && entry.repo.test(repo) && entry.tag.test(tag)) {
      const { repo: _r, tag: _t, ...facts } = entry;
      return facts;
    }
  }
  return null;
}

/**
 * The Python distributions a base image (a FROM reference as written) ships in its interpreter, or
 * null when the image is not a known one (it may already install what code imports).
 */
export function basePythonPackages(image: string): readonly string[] | null {
  for (const entry of BASE_IMAGES) if ('reference' in entry && entry.reference.test(image)) return entry.pythonPackages;
  return null;
}

/**
 * Image repositories whose own default command is not a Python program (an image built on one with
 * no CMD of its own runs that program): the official language, web-server and database images, and
 * the vendors' browser/test images. Source: each image's Dockerfile CMD/ENTRYPOINT on Docker Hub
 * (docker-library official images; cypress-io/cypress-docker-images; nginxinc; Microsoft Playwright).
 */
const NON_PYTHON_COMMAND = /^(?:node|nginx|httpd|caddy|traefik|golang|openjdk|eclipse-temurin|amazoncorretto|ruby|php|postgres|redis|mongo|mysql|mariadb|busybox|haproxy|rabbitmq|elasticsearch|grafana\/grafana|cypress\/[a-z-]+|nginxinc\/[a-z-]+|mcr\.microsoft\.com\/playwright)$/;

/** Whether a base image's own command runs something other than Python (`node`, `nginx`, …). */
export function baseCommandIsNotPython(image: string): boolean {
  return !image.includes('$') && NON_PYTHON_COMMAND.test(splitImage(image).repo);
}

/**
 * Directories every Linux base image already has: `COPY requirements.txt /tmp` copies the file
 * into `/tmp`, as Docker does for an existing directory destination (Dockerfile reference, "COPY":
 * a destination without a trailing slash is a file unless it is an existing directory).
 */
export const BASE_IMAGE_DIRECTORY_GROUPS: readonly Sourced<readonly [path: string]>[] = [
  {
    source: 'Filesystem Hierarchy Standard 3.0 (Linux Foundation), sections 3 "The Root Filesystem" and 4 "The /usr Hierarchy": directories present in the Debian, Ubuntu and Alpine base images',
    entries: [['/tmp'], ['/opt'], ['/srv'], ['/etc'], ['/root'], ['/home'], ['/mnt'], ['/media'], ['/var'], ['/var/tmp'], ['/var/lib'], ['/var/log'], ['/usr'], ['/usr/local'], ['/usr/local/bin'], ['/usr/local/lib'], ['/usr/local/share'], ['/usr/src'], ['/usr/share'], ['/usr/bin'], ['/usr/lib'], ['/bin'], ['/sbin'], ['/lib']],
  },
];
export const BASE_IMAGE_DIRECTORIES: ReadonlySet<string> = new Set(sourced(BASE_IMAGE_DIRECTORY_GROUPS).map(([path]) => path));

/**
 * The command a base image runs when the Dockerfile built on it sets none, for the families whose
 * start script is documented: tiangolo/uvicorn-gunicorn* run /start.sh, which starts gunicorn with
 * uvicorn workers on `app.main:app` when /app/app/main.py exists, else `main:app` when /app/main.py
 * does (MODULE_NAME, VARIABLE_NAME and APP_MODULE override it), from WORKDIR /app.
 */
export interface BaseStartScript {
  readonly repo: RegExp;
  readonly workdir: string;
  /** The program and options the script runs; the application module is appended. */
  readonly argv: readonly string[];
  /** [file in the image, module:variable it selects], first match wins. */
  readonly modules: readonly (readonly [file: string, module: string])[];
  readonly source: string;
}

export const BASE_START_SCRIPTS: readonly BaseStartScript[] = [
  {
    repo: /^tiangolo\/uvicorn-gunicorn(?:-[a-z]+)*$/,
    workdir: '/app',
    argv: ['gunicorn', '-k', 'uvicorn.workers.UvicornWorker', '-c', '/gunicorn_conf.py'],
    modules: [['/app/app/main.py', 'app.main'], ['/app/main.py', 'main']],
    source: 'tiangolo/uvicorn-gunicorn-docker docker-images/start.sh (DEFAULT_MODULE_NAME app.main or main, exec gunicorn -c "$GUNICORN_CONF" "$APP_MODULE"; gunicorn_conf.py sets the uvicorn worker)',
  },
];

/** The documented start script of a base image, or null. */
export function baseStartScript(image: string): BaseStartScript | null {
  if (image.includes('$')) return null;
  const { repo } = splitImage(image);
  return BASE_START_SCRIPTS.find((s) => s.repo.test(repo)) ?? null;
}
