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
  // Bare distribution images: no curl, no wget.
  { family: 'debian', repo: /^debian$/, tag: ANY, curl: false, wget: false, shell: true, rootByDefault: true, source: 'debuerreotype minbase rootfs (no curl/wget)' },
  { family: 'ubuntu', repo: /^ubuntu$/, tag: ANY, curl: false, wget: false, shell: true, rootByDefault: true, source: 'Ubuntu cloud minimal rootfs used by the official image (no curl/wget)' },
  { family: 'alpine', repo: /^alpine$/, tag: ANY, curl: false, wget: true, shell: true, rootByDefault: true, source: 'alpine minirootfs (busybox wget, no curl)' },

  // Python packages. Base images whose Python packages are known (none, or the list given): anything
  // else (a team's base image, tiangolo/uvicorn-gunicorn-fastapi, pytorch/pytorch, ...) may already
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
