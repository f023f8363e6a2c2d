#!/usr/bin/env node
// Synthetic monorepo generator for driftcheck benchmarks.
//
//   node bench/generate.mjs --out DIR [--services 200] [--py-per-service 50] [--req-files 400]
//                           [--dockerfiles 200] [--compose-files 20] [--seed 1] [--force] [--quiet]
//                           [--shape services|monorepo]
//
// Plain Node ESM, no dependencies. The output is a pure function of the parameters (seeded PRNG,
// no clock, no randomness from the environment), so two runs with the same parameters produce
// byte-identical trees. See bench/README.md for what the tree contains and what it plants.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const MANIFEST_NAME = '.bench-manifest.json';
export const GENERATOR_VERSION = 1; // bump when the output for given params changes

// ------------------------------------------------------------------------------------ PRNG

function fnv1a(str) {
  let h = 0x811c9dc5;
  for (let i = 0; i < str.length; i++) {
    h ^= str.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // murmur3 finaliser: FNV alone leaves near-identical seeds for names that differ in one
  // character, and mulberry32 then yields correlated streams.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** mulberry32 with a few helpers; `seed` is any string/number. */
function makeRng(seed) {
  let a = fnv1a(String(seed));
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const rng = {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)), // inclusive
    chance: (p) => next() < p,
    pick: (arr) => arr[Math.floor(next() * arr.length)],
    shuffle: (arr) => {
      const a2 = arr.slice();
      for (let i = a2.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [a2[i], a2[j]] = [a2[j], a2[i]];
      }
      return a2;
    },
    sample: (arr, n) => rng.shuffle(arr).slice(0, Math.max(0, Math.min(n, arr.length))),
  };
  return rng;
}

// ------------------------------------------------------------------------------------ data

// [distribution, import name, versions, symbols, well-known dependencies (distribution keys)]
// A symbol "sub:Name" means `from <import>.sub import Name`; "Name" means `from <import> import Name`.
// An import name with "as" is used as `import X as y`.
const DISTS = [
  ['fastapi', 'fastapi', ['0.110.3', '0.111.1', '0.115.0'], ['FastAPI', 'APIRouter', 'Depends', 'HTTPException', 'Request'], ['starlette', 'pydantic', 'anyio', 'typing-extensions']],
  ['uvicorn', 'uvicorn', ['0.29.0', '0.30.1', '0.30.6'], [], ['click', 'h11']],
  ['pydantic', 'pydantic', ['2.7.4', '2.8.2', '2.9.2'], ['BaseModel', 'Field', 'ValidationError'], ['typing-extensions', 'annotated-types', 'pydantic-core']],
  ['starlette', 'starlette', ['0.37.2', '0.38.5'], ['responses:JSONResponse', 'requests:Request', 'middleware.cors:CORSMiddleware'], ['anyio']],
  ['requests', 'requests', ['2.31.0', '2.32.3'], ['Session', 'exceptions:HTTPError'], ['urllib3', 'idna', 'certifi', 'charset-normalizer']],
  ['httpx', 'httpx', ['0.27.0', '0.27.2'], ['AsyncClient', 'Client'], ['httpcore', 'anyio', 'idna', 'certifi', 'sniffio']],
  ['aiohttp', 'aiohttp', ['3.9.5', '3.10.5'], ['ClientSession', 'web'], ['yarl', 'multidict', 'aiosignal', 'frozenlist', 'attrs']],
  ['PyYAML', 'yaml', ['6.0.1', '6.0.2'], ['safe_load', 'safe_dump'], []],
  ['Pillow', 'PIL', ['10.3.0', '10.4.0'], ['Image', 'ImageOps'], []],
  ['opencv-python', 'cv2', ['4.9.0.80', '4.10.0.84'], [], ['numpy']],
  ['scikit-learn', 'sklearn', ['1.4.2', '1.5.1'], ['linear_model:LogisticRegression', 'preprocessing:StandardScaler', 'metrics:f1_score'], ['numpy', 'scipy', 'joblib', 'threadpoolctl']],
  ['beautifulsoup4', 'bs4', ['4.12.2', '4.12.3'], ['BeautifulSoup'], ['soupsieve']],
  ['python-dotenv', 'dotenv', ['1.0.0', '1.0.1'], ['load_dotenv', 'dotenv_values'], []],
  ['PyJWT', 'jwt', ['2.8.0', '2.9.0'], ['PyJWTError'], []],
  ['python-jose', 'jose', ['3.3.0'], ['jwt', 'JWTError'], ['ecdsa', 'rsa', 'pyasn1']],
  ['numpy', 'numpy as np', ['1.26.4', '2.0.2', '2.1.1'], [], []],
  ['pandas', 'pandas as pd', ['2.2.2', '2.2.3'], [], ['numpy', 'python-dateutil', 'pytz', 'tzdata']],
  ['scipy', 'scipy', ['1.13.1', '1.14.1'], ['stats', 'optimize'], ['numpy']],
  ['SQLAlchemy', 'sqlalchemy', ['2.0.30', '2.0.35'], ['create_engine', 'Column', 'Integer', 'String', 'orm:Session', 'orm:DeclarativeBase'], ['greenlet', 'typing-extensions']],
  ['alembic', 'alembic', ['1.13.1', '1.13.2'], ['op', 'context'], ['sqlalchemy', 'mako']],
  ['psycopg2-binary', 'psycopg2', ['2.9.9'], ['extras:RealDictCursor'], []],
  ['redis', 'redis', ['5.0.4', '5.0.8'], ['Redis', 'asyncio:Redis'], []],
  ['celery', 'celery', ['5.3.6', '5.4.0'], ['Celery', 'shared_task'], ['kombu', 'billiard', 'click', 'vine']],
  ['boto3', 'boto3', ['1.34.144', '1.35.10'], ['session:Session'], ['botocore', 's3transfer', 'jmespath']],
  ['python-dateutil', 'dateutil', ['2.9.0.post0'], ['parser', 'relativedelta:relativedelta'], ['six']],
  ['pytz', 'pytz', ['2024.1', '2024.2'], ['timezone'], []],
  ['orjson', 'orjson', ['3.10.3', '3.10.7'], [], []],
  ['ujson', 'ujson', ['5.10.0'], [], []],
  ['structlog', 'structlog', ['24.1.0', '24.4.0'], ['get_logger'], []],
  ['loguru', 'loguru', ['0.7.2'], ['logger'], []],
  ['tenacity', 'tenacity', ['8.3.0', '9.0.0'], ['retry', 'stop_after_attempt', 'wait_exponential'], []],
  ['cachetools', 'cachetools', ['5.3.3', '5.5.0'], ['TTLCache', 'LRUCache'], []],
  ['Markdown', 'markdown', ['3.6', '3.7'], ['markdown'], []],
  ['lxml', 'lxml', ['5.2.2', '5.3.0'], ['etree'], []],
  ['matplotlib', 'matplotlib.pyplot as plt', ['3.8.4', '3.9.2'], [], ['numpy', 'pillow', 'python-dateutil', 'contourpy', 'cycler', 'fonttools', 'kiwisolver', 'packaging', 'pyparsing']],
  ['torch', 'torch', ['2.3.1', '2.4.1'], ['nn'], ['jinja2', 'sympy', 'networkx', 'filelock', 'fsspec', 'typing-extensions']],
  ['transformers', 'transformers', ['4.41.2', '4.44.2'], ['AutoTokenizer', 'AutoModel', 'pipeline'], ['numpy', 'tqdm', 'pyyaml', 'requests', 'huggingface-hub', 'regex', 'safetensors', 'tokenizers', 'packaging', 'filelock']],
  ['tqdm', 'tqdm', ['4.66.4', '4.66.5'], ['tqdm'], []],
  ['rich', 'rich', ['13.7.1', '13.8.1'], ['console:Console', 'table:Table'], ['pygments', 'markdown-it-py']],
  ['typer', 'typer', ['0.12.3', '0.12.5'], ['Typer', 'Option'], ['click', 'rich', 'typing-extensions', 'shellingham']],
  ['aio-pika', 'aio_pika', ['9.4.1', '9.4.3'], ['connect_robust', 'Message'], ['aiormq', 'yarl']],
  ['chromadb', 'chromadb', ['0.5.0', '0.5.5'], ['PersistentClient', 'config:Settings'], ['numpy', 'pydantic', 'fastapi', 'uvicorn', 'httpx', 'tqdm', 'pyyaml', 'tenacity', 'rich', 'typer', 'orjson', 'grpcio', 'bcrypt', 'tokenizers']],
  ['pymongo', 'pymongo', ['4.7.2', '4.8.0'], ['MongoClient', 'errors:PyMongoError'], ['dnspython']],
  ['motor', 'motor', ['3.4.0', '3.5.1'], ['motor_asyncio:AsyncIOMotorClient'], ['pymongo']],
  ['elasticsearch', 'elasticsearch', ['8.13.1', '8.15.0'], ['Elasticsearch', 'AsyncElasticsearch'], ['elastic-transport']],
  ['kafka-python', 'kafka', ['2.0.2'], ['KafkaProducer', 'KafkaConsumer'], []],
  ['grpcio', 'grpc', ['1.64.1', '1.66.1'], ['aio'], []],
  ['protobuf', 'google.protobuf', ['4.25.3', '5.27.3'], ['json_format', 'message:Message'], []],
  ['google-cloud-storage', 'google.cloud.storage', ['2.16.0', '2.18.2'], [], ['google-api-core', 'google-auth', 'google-cloud-core', 'google-resumable-media', 'requests', 'protobuf']],
  ['sentry-sdk', 'sentry_sdk', ['2.5.1', '2.13.0'], ['capture_exception', 'integrations.fastapi:FastApiIntegration'], ['urllib3', 'certifi']],
  ['prometheus-client', 'prometheus_client', ['0.20.0', '0.21.0'], ['Counter', 'Histogram', 'make_asgi_app'], []],
  ['msgpack', 'msgpack', ['1.0.8', '1.1.0'], ['packb', 'unpackb'], []],
  ['pyzmq', 'zmq', ['26.0.3', '26.2.0'], ['asyncio:Context'], []],
  ['paramiko', 'paramiko', ['3.4.0', '3.4.1'], ['SSHClient', 'AutoAddPolicy'], ['bcrypt', 'cryptography', 'pynacl']],
  ['cryptography', 'cryptography', ['42.0.8', '43.0.1'], ['fernet:Fernet', 'hazmat.primitives:hashes'], ['cffi']],
  ['pycryptodome', 'Crypto', ['3.20.0'], ['Cipher:AES', 'Random:get_random_bytes'], []],
  ['GitPython', 'git', ['3.1.43'], ['Repo'], ['gitdb']],
  ['PyPDF2', 'PyPDF2', ['3.0.1'], ['PdfReader', 'PdfWriter'], []],
  ['python-multipart', 'multipart', ['0.0.9', '0.0.12'], [], []],
  ['email-validator', 'email_validator', ['2.1.1', '2.2.0'], ['validate_email', 'EmailNotValidError'], ['dnspython', 'idna']],
  ['passlib', 'passlib', ['1.7.4'], ['context:CryptContext'], []],
  ['bcrypt', 'bcrypt', ['4.1.3', '4.2.0'], ['hashpw', 'gensalt'], []],
  ['attrs', 'attr', ['23.2.0', '24.2.0'], ['define', 'field'], []],
  ['marshmallow', 'marshmallow', ['3.21.3', '3.22.0'], ['Schema', 'fields'], ['packaging']],
  ['websockets', 'websockets', ['12.0', '13.0'], ['connect', 'serve'], []],
  ['openai', 'openai', ['1.35.0', '1.43.0'], ['OpenAI', 'AsyncOpenAI'], ['httpx', 'pydantic', 'tqdm', 'anyio', 'distro', 'jiter', 'sniffio', 'typing-extensions']],
  ['tiktoken', 'tiktoken', ['0.7.0'], ['get_encoding'], ['requests', 'regex']],
  ['nltk', 'nltk', ['3.8.1', '3.9.1'], ['tokenize:word_tokenize'], ['click', 'joblib', 'regex', 'tqdm']],
  ['python-magic', 'magic', ['0.4.27'], ['from_buffer'], []],
  ['Jinja2', 'jinja2', ['3.1.4'], ['Environment', 'FileSystemLoader'], ['markupsafe']],
].map(([dist, imp, versions, symbols, deps]) => {
  const [mod, alias] = imp.split(' as ');
  return { dist, key: normKey(dist), mod, alias: alias ?? null, versions, symbols, deps: deps.map(normKey) };
});
const DIST_BY_KEY = new Map(DISTS.map((d) => [d.key, d]));

// Never the planted "missing" import: these are routinely transitive or part of the base stack.
const ALWAYS = ['fastapi', 'uvicorn'];
const PLANTED_MISSING = 'chromadb'; // service 0's app/main.py imports it; it is never declared there

const DEV_TOOLS = [
  ['pytest', ['8.2.2', '8.3.3']], ['pytest-asyncio', ['0.23.7', '0.24.0']], ['pytest-cov', ['5.0.0']],
  ['black', ['24.4.2', '24.8.0']], ['ruff', ['0.5.0', '0.6.8']], ['mypy', ['1.10.1', '1.11.2']],
  ['coverage', ['7.5.4', '7.6.1']], ['factory-boy', ['3.3.0']], ['freezegun', ['1.5.1']],
  ['respx', ['0.21.1']], ['pre-commit', ['3.7.1', '3.8.0']], ['types-requests', ['2.32.0.20240622']],
];

const STDLIB = [
  ['os'], ['sys'], ['json'], ['logging'], ['re'], ['time'], ['uuid'], ['hashlib'], ['asyncio'],
  ['functools', 'lru_cache', 'partial', 'wraps'], ['itertools', 'chain', 'islice'],
  ['collections', 'defaultdict', 'OrderedDict', 'Counter'], ['datetime', 'datetime', 'timedelta', 'timezone'],
  ['pathlib', 'Path'], ['typing', 'Any', 'Optional', 'Iterable', 'Mapping', 'Sequence'],
  ['dataclasses', 'dataclass', 'field'], ['enum', 'Enum'], ['contextlib', 'contextmanager', 'suppress'],
  ['decimal', 'Decimal'], ['threading', 'Lock'], ['concurrent.futures', 'ThreadPoolExecutor'],
  ['urllib.parse', 'urlencode', 'urlparse'], ['base64'], ['hmac'], ['secrets'], ['string'], ['textwrap'],
  ['math'], ['random'], ['statistics', 'mean', 'median'], ['csv'], ['io', 'StringIO', 'BytesIO'],
];

const DOMAINS = [
  'users', 'orders', 'billing', 'invoices', 'auth', 'search', 'reports', 'inventory', 'payments',
  'notifications', 'sessions', 'catalog', 'pricing', 'shipping', 'analytics', 'exports', 'accounts',
  'audit', 'tenants', 'webhooks', 'media', 'documents', 'messages', 'feeds', 'profiles', 'ratings',
  'coupons', 'carts', 'returns', 'vendors', 'metrics', 'schedules', 'tasks', 'emails', 'uploads',
  'ledger', 'quotes', 'refunds', 'teams', 'projects', 'comments', 'tags', 'alerts', 'jobs',
];
const SUBPKGS = ['api', 'core', 'models', 'schemas', 'services', 'db', 'utils', 'workers', 'integrations', 'adapters', 'domain', 'repositories'];
const SUFFIXES = ['', '', '', '_service', '_repo', '_helpers', '_handlers', '_client', '_tasks', '_schemas', '_utils', '_views', '_store'];
const CLASS_SUFFIXES = ['Manager', 'Repository', 'Service', 'Client', 'Handler', 'Processor', 'Validator', 'Builder', 'Registry', 'Cache', 'Gateway', 'Policy'];
const VERBS = ['get', 'list', 'create', 'update', 'delete', 'sync', 'process', 'validate', 'render', 'compute', 'load', 'store', 'merge', 'resolve', 'export', 'normalize', 'refresh', 'schedule'];
const NOUNS = ['summary', 'batch', 'record', 'items', 'payload', 'snapshot', 'index', 'report', 'token', 'entry', 'totals', 'window', 'cursor', 'page', 'digest', 'state'];
const WORDS = (
  'the service keeps a bounded cache of recent results so that repeated lookups stay cheap; callers ' +
  'must not rely on ordering and should treat every value as read only. errors are logged with the ' +
  'request id and re-raised as domain errors so that the api layer can map them to status codes. ' +
  'this helper is safe to call from worker threads but not from signal handlers. values are ' +
  'normalised before comparison and timestamps are always stored in utc'
).split(' ');

// ------------------------------------------------------------------------------------ helpers

function normKey(name) {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}
const camel = (s) => s.split(/[_-]/).filter(Boolean).map((w) => w[0].toUpperCase() + w.slice(1)).join('');
const pad = (n, w) => String(n).padStart(w, '0');

function sentence(rng, min = 6, max = 16) {
  const n = rng.int(min, max);
  const start = rng.int(0, WORDS.length - 1);
  const words = [];
  for (let i = 0; i < n; i++) words.push(WORDS[(start + i) % WORDS.length]);
  let s = words.join(' ').replace(/[;.]$/, '');
  return s[0].toUpperCase() + s.slice(1) + '.';
}

/** Transitive closure of well-known dependencies of a set of distribution keys. */
function depClosure(keys) {
  const out = new Set();
  const stack = [...keys];
  while (stack.length) {
    const k = stack.pop();
    const d = DIST_BY_KEY.get(k);
    if (!d) continue;
    for (const dep of d.deps) if (!out.has(dep)) { out.add(dep); stack.push(dep); }
  }
  return out;
}

// ------------------------------------------------------------------------------------ args

function parseArgs(argv) {
  const opts = {
    out: null, services: null, pyPerService: null, reqFiles: null, dockerfiles: null, composeFiles: null,
    seed: '1', force: false, quiet: false, json: false, shape: 'services',
  };
  const intFlags = { '--services': 'services', '--py-per-service': 'pyPerService', '--req-files': 'reqFiles', '--dockerfiles': 'dockerfiles', '--compose-files': 'composeFiles' };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let val = null;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) { val = a.slice(eq + 1); a = a.slice(0, eq); }
    const takeVal = () => {
      if (val !== null) return val;
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--out') opts.out = takeVal();
    else if (a === '--seed') opts.seed = takeVal();
    else if (a === '--shape') opts.shape = takeVal();
    else if (a === '--force') opts.force = true;
    else if (a === '--quiet') opts.quiet = true;
    else if (a === '--json') opts.json = true;
    else if (a === '-h' || a === '--help') { opts.help = true; }
    else if (intFlags[a]) {
      const v = takeVal();
      if (!/^\d+$/.test(v)) throw new Error(`${a} expects a non-negative integer, got '${v}'`);
      opts[intFlags[a]] = Number(v);
    } else throw new Error(`unknown argument '${argv[i]}'`);
  }
  return opts;
}

/**
 * Fill derived defaults (400/200/20 for the default 200 services) and validate.
 * `shape: 'monorepo'` (issue #18): every Dockerfile is built with the repository root as its
 * context and one shared `.dockerignore`; defaults 250 services × 20 Python files, one
 * requirements file and one Dockerfile per service.
 */
export function resolveParams(p) {
  const shape = p.shape ?? 'services';
  if (shape !== 'services' && shape !== 'monorepo') throw new Error(`--shape must be services or monorepo, got '${shape}'`);
  const mono = shape === 'monorepo';
  const services = p.services ?? (mono ? 250 : 200);
  const pyPerService = p.pyPerService ?? (mono ? 20 : 50);
  const r = {
    services,
    pyPerService,
    reqFiles: p.reqFiles ?? (mono ? services : services * 2),
    dockerfiles: p.dockerfiles ?? services,
    composeFiles: p.composeFiles ?? Math.max(services > 0 ? 1 : 0, Math.ceil(services / 10)),
    seed: String(p.seed ?? '1'),
  };
  // The default shape keeps the parameter set (and so the tree names) it always had.
  if (mono) r.shape = shape;
  if (r.services < 1) throw new Error('--services must be at least 1');
  if (r.services > 99999) throw new Error('--services must be at most 99999');
  if (r.pyPerService < 2) throw new Error('--py-per-service must be at least 2 (app/__init__.py and app/main.py)');
  return r;
}

const USAGE = `usage: node bench/generate.mjs --out DIR [--services 200] [--py-per-service 50]
         [--req-files 2*services] [--dockerfiles services] [--compose-files ceil(services/10)]
         [--seed 1] [--shape services|monorepo] [--force] [--quiet] [--json]`;

// ------------------------------------------------------------------------------------ plan

/**
 * Decide everything that crosses file boundaries up front: each service's declared distributions,
 * which extra requirements files and Dockerfiles exist, and the compose slices.
 */
function planRepo(params) {
  const { services: N, reqFiles, dockerfiles, composeFiles, seed } = params;
  const rng = makeRng(`plan:${seed}`);
  const width = Math.max(3, String(N - 1).length);
  const svcs = [];
  const optional = DISTS.filter((d) => !ALWAYS.includes(d.key));
  for (let i = 0; i < N; i++) {
    const name = `svc-${pad(i, width)}`;
    const r = makeRng(`svc:${seed}:${i}`);
    let declared = [...ALWAYS, ...r.sample(optional, r.int(6, 14)).map((d) => d.key)];
    if (i === 0) declared = declared.filter((k) => k !== PLANTED_MISSING);
    const pins = new Map(declared.map((k) => [k, r.pick(DIST_BY_KEY.get(k).versions)]));
    svcs.push({ index: i, name, declared, pins, reqFiles: [], dockerfiles: [], rngSeed: `svc:${seed}:${i}` });
  }

  // Requirements files: one requirements.txt per service while there are files to hand out, then
  // extra kinds. requirements-dev.txt goes to every other service first (half of them).
  let remaining = reqFiles;
  for (const s of svcs) if (remaining > 0) { s.reqFiles.push('requirements.txt'); remaining--; }
  const withBase = svcs.filter((s) => s.reqFiles.length > 0);
  const extraKinds = ['requirements-dev.txt', 'requirements-minimal.txt', 'requirements-test.txt', 'requirements-prod.txt', 'requirements-docs.txt', 'requirements-lint.txt'];
  for (let k = 0; k < extraKinds.length && remaining > 0; k++) {
    const order = k === 0
      ? withBase.filter((s) => s.index % 2 === 0).concat(withBase.filter((s) => s.index % 2 === 1))
      : withBase.filter((s) => s.index % 2 === 1).concat(withBase.filter((s) => s.index % 2 === 0));
    for (const s of order) {
      if (remaining === 0) break;
      // requirements-dev.txt goes to half of the services only, unless more files are asked for
      // than all the other kinds can take.
      if (k === 0 && s.index % 2 === 1 && remaining <= withBase.length * (extraKinds.length - 1)) break;
      s.reqFiles.push(extraKinds[k]);
      remaining--;
    }
  }
  for (let n = 0; remaining > 0 && withBase.length > 0; n++) {
    withBase[n % withBase.length].reqFiles.push(`requirements/extra-${pad(Math.floor(n / withBase.length), 2)}.txt`);
    remaining--;
  }

  // Dockerfiles: one per service, then Dockerfile.worker / Dockerfile.dev / docker/Dockerfile.N.
  let dRemaining = dockerfiles;
  for (const s of svcs) if (dRemaining > 0) { s.dockerfiles.push('Dockerfile'); dRemaining--; }
  const dKinds = ['Dockerfile.worker', 'Dockerfile.dev'];
  for (let k = 0; dRemaining > 0; k++) {
    for (const s of svcs) {
      if (dRemaining === 0) break;
      s.dockerfiles.push(k < dKinds.length ? dKinds[k] : `docker/Dockerfile.${pad(k - dKinds.length, 2)}`);
      dRemaining--;
    }
  }

  // Compose slices over the services that have a Dockerfile.
  // Monorepo shape: every fifth service is built only by its Dockerfile (no compose entry), so the
  // build context of those is guessed (the repository root, where their COPY sources exist).
  const deployable = svcs.filter((s) => s.dockerfiles.includes('Dockerfile') && (params.shape !== 'monorepo' || s.index % 5 !== 4));
  const compose = [];
  for (let c = 0; c < composeFiles && deployable.length > 0; c++) {
    let slice;
    if (composeFiles <= deployable.length) {
      const lo = Math.floor((c * deployable.length) / composeFiles);
      const hi = Math.floor(((c + 1) * deployable.length) / composeFiles);
      slice = deployable.slice(lo, hi);
    } else slice = [deployable[c % deployable.length]];
    compose.push({ index: c, slice });
  }
  return { svcs, compose, width, rng };
}

// ------------------------------------------------------------------------------------ python

/** The module layout of one service: exactly `count` .py files, in dependency order. */
function planModules(rng, count) {
  const root = { dotted: 'app', parts: ['app'], depth: 0, children: new Set() };
  const packages = [root];
  const mods = [
    { dotted: 'app', pkg: root, name: '__init__', isInit: true, file: 'app/__init__.py' },
  ];
  let slots = count - 2; // app/__init__.py and app/main.py
  const targetPkgs = Math.min(SUBPKGS.length + 12, Math.max(0, Math.round(Math.sqrt(slots) * 0.9)));
  const takeName = (pkg, base) => {
    let n = base;
    for (let k = 2; pkg.children.has(n); k++) n = `${base}_${k}`;
    pkg.children.add(n);
    return n;
  };
  const usedSub = new Set();
  while (slots > 0) {
    const makePkg = packages.length - 1 < targetPkgs && slots >= 2 && rng.chance(0.35);
    if (makePkg) {
      let parent = root;
      let base;
      const freeTop = SUBPKGS.filter((p) => !usedSub.has(p));
      if (freeTop.length && (packages.length < 4 || rng.chance(0.6))) {
        base = rng.pick(freeTop);
        usedSub.add(base);
      } else {
        const cands = packages.filter((p) => p.depth >= 1 && p.depth < 3);
        parent = cands.length ? rng.pick(cands) : root;
        base = rng.pick(DOMAINS);
      }
      const name = takeName(parent, base);
      const pkg = { dotted: `${parent.dotted}.${name}`, parts: [...parent.parts, name], depth: parent.depth + 1, children: new Set() };
      packages.push(pkg);
      mods.push({ dotted: pkg.dotted, pkg, name: '__init__', isInit: true, file: `${pkg.parts.join('/')}/__init__.py` });
    } else {
      // Fill empty packages first most of the time, so few packages end up without modules.
      const empty = packages.filter((p) => p !== root && p.children.size === 0);
      const pkg = empty.length && rng.chance(0.8)
        ? rng.pick(empty)
        : packages.length > 1 && rng.chance(0.85) ? rng.pick(packages.slice(1)) : root;
      const name = takeName(pkg, rng.pick(DOMAINS) + rng.pick(SUFFIXES));
      mods.push({ dotted: `${pkg.dotted}.${name}`, pkg, name, isInit: false, file: `${pkg.parts.join('/')}/${name}.py` });
    }
    slots--;
  }
  mods.push({ dotted: 'app.main', pkg: root, name: 'main', isInit: false, isMain: true, file: 'app/main.py' });
  root.children.add('main');
  // Public names each module defines (known up front so importers can name them).
  for (const m of mods) {
    if (m.isInit || m.isMain) { m.classes = []; m.functions = []; continue; }
    const base = camel(m.name.replace(/_\d+$/, ''));
    const nc = rng.int(1, 3);
    const nf = rng.int(1, 3);
    m.classes = [];
    m.functions = [];
    const cs = rng.sample(CLASS_SUFFIXES, nc);
    for (const c of cs) m.classes.push(base + c);
    const fseen = new Set();
    for (let k = 0; k < nf; k++) {
      let f = `${rng.pick(VERBS)}_${m.name.replace(/_\d+$/, '').split('_')[0]}_${rng.pick(NOUNS)}`;
      while (fseen.has(f)) f += '_v2';
      fseen.add(f);
      m.functions.push(f);
    }
  }
  return mods;
}

/** `from X import Y` text for a first-party import of `target` from module `from`. */
function firstPartyImport(rng, from, target) {
  const sym = target.classes.length && rng.chance(0.6) ? rng.pick(target.classes) : rng.pick(target.functions.length ? target.functions : target.classes);
  const fromPkg = from.pkg.parts; // the package `from` lives in (for __init__, the package itself)
  const tgtPkg = target.pkg.parts;
  let common = 0;
  while (common < fromPkg.length && common < tgtPkg.length && fromPkg[common] === tgtPkg[common]) common++;
  const level = fromPkg.length - common + 1;
  const rest = tgtPkg.slice(common);
  const roll = rng.next();
  if (roll < 0.4 && level <= 3) {
    // relative
    const dots = '.'.repeat(level);
    if (rng.chance(0.25)) {
      // from . import module / from ..pkg import module
      return { text: `from ${dots}${rest.join('.')} import ${target.name}`, names: [target.name] };
    }
    const mod = [...rest, target.name].join('.');
    return { text: `from ${dots}${mod} import ${sym}`, names: [sym] };
  }
  if (roll < 0.55) {
    // from app.pkg import module
    return { text: `from ${target.pkg.dotted} import ${target.name}`, names: [target.name] };
  }
  if (roll < 0.62) {
    const alias = `_${target.name}`;
    return { text: `import ${target.dotted} as ${alias}`, names: [alias] };
  }
  return { text: `from ${target.dotted} import ${sym}`, names: [sym] };
}

/** Text of a third-party import of distribution `d`; returns the statement and a usable name. */
function thirdPartyImport(rng, d) {
  if (d.alias) return { text: `import ${d.mod} as ${d.alias}`, name: d.alias };
  if (d.symbols.length && rng.chance(0.6)) {
    const s = rng.pick(d.symbols);
    const [sub, name] = s.includes(':') ? s.split(':') : [null, s];
    return { text: `from ${sub ? `${d.mod}.${sub}` : d.mod} import ${name}`, name };
  }
  if (d.mod.includes('.')) {
    const i = d.mod.lastIndexOf('.');
    if (rng.chance(0.5)) return { text: `from ${d.mod.slice(0, i)} import ${d.mod.slice(i + 1)}`, name: d.mod.slice(i + 1) };
    return { text: `import ${d.mod}`, name: d.mod.split('.')[0] };
  }
  return { text: `import ${d.mod}`, name: d.mod };
}

function docstringLines(rng, indent, title, trap) {
  const lines = [`${indent}"""${title}`, ''];
  const n = rng.int(1, 3);
  for (let i = 0; i < n; i++) lines.push(indent + sentence(rng));
  if (trap === 1) {
    // Prose that a line-based scanner mistakes for import statements.
    lines.push('', `${indent}import this module through its package, never by path; the loader`);
    lines.push(indent + 'from the worker side expects ``app`` to be on sys.path already.');
  } else if (trap === 2) {
    lines.push('', `${indent}Example::`, '', `${indent}    from app.legacy_reports import build  # removed in 2023`, `${indent}    import requests_cache`, `${indent}    build(requests_cache.install_cache())`);
  }
  lines.push(`${indent}"""`);
  return lines;
}

const BODIES = [
  (rng, ind) => [
    `${ind}result: dict[str, int] = {}`,
    `${ind}for item in items or ():`,
    `${ind}    if item is None:`,
    `${ind}        continue`,
    `${ind}    key = str(item).strip().lower()`,
    `${ind}    result[key] = result.get(key, 0) + 1`,
    `${ind}logger.debug("processed %d distinct keys", len(result))`,
    `${ind}return result`,
  ],
  (rng, ind) => [
    `${ind}if not payload:`,
    `${ind}    raise ValueError("empty payload")`,
    `${ind}cleaned = {k: v for k, v in payload.items() if v is not None}`,
    `${ind}cleaned.setdefault("version", ${rng.int(1, 9)})`,
    `${ind}return cleaned`,
  ],
  (rng, ind) => [
    `${ind}started = time.monotonic()`,
    `${ind}attempts = 0`,
    `${ind}while attempts < ${rng.int(2, 6)}:`,
    `${ind}    attempts += 1`,
    `${ind}    try:`,
    `${ind}        return _compute(value, attempts)`,
    `${ind}    except (KeyError, ValueError) as exc:  # noqa: PERF203`,
    `${ind}        logger.warning("attempt %d failed: %s", attempts, exc)`,
    `${ind}elapsed = time.monotonic() - started`,
    `${ind}raise TimeoutError(f"gave up after {elapsed:.2f}s")`,
  ],
  (rng, ind) => [
    `${ind}window = list(items or ())[-${rng.int(5, 50)}:]`,
    `${ind}if not window:`,
    `${ind}    return 0.0`,
    `${ind}total = sum(float(x) for x in window)`,
    `${ind}return round(total / len(window), ${rng.int(1, 4)})`,
  ],
  (rng, ind) => [
    `${ind}text = "import data from the upstream feed"  # a string, not an import`,
    `${ind}parts = [p for p in text.split() if p]`,
    `${ind}return "-".join(parts[: ${rng.int(2, 5)}])`,
  ],
  (rng, ind) => [
    `${ind}rows = []`,
    `${ind}for index, value in enumerate(items or ()):`,
    `${ind}    rows.append({"index": index, "value": value, "even": index % 2 == 0})`,
    `${ind}rows.sort(key=lambda r: (not r["even"], r["index"]))`,
    `${ind}return rows`,
  ],
];

function functionLines(rng, ind, name, isAsync, lazyImport) {
  const variant = rng.int(0, BODIES.length - 1);
  const sig = [
    '(items=None)', '(payload: dict | None = None)', '(value=None)', '(items=None)', '()', '(items=None)',
  ][variant];
  const lines = [];
  if (rng.chance(0.3)) lines.push(`${ind}@_cached(maxsize=${rng.int(16, 512)})`);
  lines.push(`${ind}${isAsync ? 'async ' : ''}def ${name}${sig}:`);
  const ind2 = ind + '    ';
  if (rng.chance(0.7)) lines.push(...docstringLines(rng, ind2, sentence(rng, 4, 9), 0));
  if (lazyImport) {
    lines.push(`${ind2}${lazyImport.text}  # imported lazily: heavy at start-up`);
    lines.push(`${ind2}_ = ${lazyImport.name}`);
  }
  lines.push(...BODIES[variant](rng, ind2));
  return lines;
}

function classLines(rng, name, lazyImports) {
  const lines = [];
  const dataclass = rng.chance(0.25);
  if (dataclass) lines.push('@dataclass');
  lines.push(`class ${name}${dataclass || rng.chance(0.8) ? '' : '(object)'}:`);
  lines.push(...docstringLines(rng, '    ', `${name.replace(/([a-z])([A-Z])/g, '$1 $2')}.`, rng.chance(0.1) ? 1 : 0));
  if (dataclass) {
    lines.push('    name: str = ""', `    limit: int = ${rng.int(10, 1000)}`, '    tags: list = field(default_factory=list)', '');
  } else {
    lines.push('', '    def __init__(self, name: str = "", limit: int = 100):', '        self.name = name', '        self.limit = limit', '        self._cache: dict = {}', '');
  }
  const nm = rng.int(1, 3);
  for (let k = 0; k < nm; k++) {
    const mname = `${rng.pick(VERBS)}_${rng.pick(NOUNS)}${k ? `_${k}` : ''}`;
    const li = lazyImports.length ? lazyImports.shift() : null;
    const body = functionLines(rng, '    ', mname, rng.chance(0.2), li);
    // Turn the free function into a method: add self.
    body[body.findIndex((l) => /def /.test(l))] = body.find((l) => /def /.test(l)).replace(/\((\)?)/, (m, close) => (close ? '(self)' : '(self, '));
    lines.push(...body, '');
  }
  return lines;
}

/**
 * One Python module. `ctx` carries the service-level plan and accumulates stats.
 * Returns the file text.
 */
function renderModule(rng, svc, mod, mods, idx, ctx) {
  const L = [];
  const trap = rng.chance(0.12) ? rng.int(1, 2) : 0;
  const title = mod.isMain
    ? `Entry point of ${svc.name}: builds the FastAPI application.`
    : mod.isInit
      ? `${mod.dotted} package.`
      : `${camel(mod.name)} logic for ${svc.name}.`;
  L.push(...docstringLines(rng, '', title, trap));
  if (mod.isInit) {
    // Short package initialisers; some re-export a child.
    if (rng.chance(0.3)) L.push('', `__all__: list[str] = []`);
    if (mod.dotted === 'app') L.push('', `__version__ = "${rng.int(0, 3)}.${rng.int(0, 20)}.${rng.int(0, 9)}"`);
    L.push('');
    return L.join('\n');
  }
  if (rng.chance(0.5) || mod.isMain) L.push('', 'from __future__ import annotations');
  L.push('');
  // stdlib
  const std = rng.sample(STDLIB, rng.int(2, 6));
  const always = ['functools', 'logging', 'os', 'time'];
  const stdLines = new Set(always.map((m) => `import ${m}`));
  stdLines.add('from dataclasses import dataclass, field');
  for (const [m, ...names] of std) {
    if (names.length && rng.chance(0.6)) stdLines.add(`from ${m} import ${rng.sample(names, rng.int(1, names.length)).sort().join(', ')}`);
    else stdLines.add(`import ${m}`);
  }
  L.push(...[...stdLines].sort());

  // third-party imports: a number of slots, each with a placement
  const nThird = mod.isMain ? rng.int(2, 4) : rng.int(1, 4);
  const top = [], guarded = [], lazy = [], typing = [];
  const usedDists = new Set();
  const pickDist = () => {
    if (ctx.unusedDeclared.length) return { d: DIST_BY_KEY.get(ctx.unusedDeclared.shift()), declared: true };
    if (rng.chance(0.05) && ctx.undeclaredPool.length) return { d: DIST_BY_KEY.get(rng.pick(ctx.undeclaredPool)), declared: false };
    return { d: DIST_BY_KEY.get(rng.pick(svc.declared)), declared: true };
  };
  for (let k = 0; k < nThird; k++) {
    const { d, declared } = pickDist();
    if (usedDists.has(d.key)) continue;
    usedDists.add(d.key);
    const imp = thirdPartyImport(rng, d);
    const roll = rng.next();
    ctx.stats.thirdParty++;
    if (!declared) ctx.stats.undeclared++;
    if (roll < 0.72 || mod.isMain) top.push(imp);
    else if (roll < 0.84) guarded.push(imp);
    else if (roll < 0.95) lazy.push(imp);
    else typing.push(imp);
  }
  if (mod.isMain) {
    top.unshift({ text: 'from fastapi import FastAPI, HTTPException', name: 'FastAPI' });
    if (svc.index === 0) {
      // Planted DEP001: a hard, top-level import in the entry module of a distribution the service
      // never declares.
      top.push({ text: `import ${PLANTED_MISSING}`, name: PLANTED_MISSING });
      ctx.stats.thirdParty++;
      ctx.stats.undeclared++;
    }
  }
  if (top.length) L.push('', ...top.map((i) => i.text));

  // first-party imports from earlier modules (prefer ones nobody imported yet)
  const earlier = [];
  for (let j = 0; j < idx; j++) if (!mods[j].isInit) earlier.push(j);
  const fp = [];
  const fpNames = [];
  if (earlier.length) {
    let want = mod.isMain ? 0 : rng.int(1, Math.min(4, earlier.length));
    const chosen = new Set();
    const fresh = earlier.filter((j) => !ctx.imported.has(j));
    while (want-- > 0) {
      let j;
      if (fresh.length && rng.chance(0.7)) j = fresh.splice(rng.int(0, fresh.length - 1), 1)[0];
      else j = rng.pick(earlier);
      if (chosen.has(j)) continue;
      chosen.add(j);
    }
    if (mod.isMain) for (const j of earlier) if (!ctx.imported.has(j)) chosen.add(j); // keep the closure whole
    for (const j of [...chosen].sort((a, b) => a - b)) {
      ctx.imported.add(j);
      const imp = firstPartyImport(rng, mod, mods[j]);
      fp.push(imp.text);
      fpNames.push(...imp.names);
      ctx.stats.firstParty++;
    }
  }
  if (fp.length) L.push('', ...fp);

  for (const g of guarded) {
    L.push('', 'try:', `    ${g.text}`, 'except ImportError:  # optional speed-up / feature', `    ${g.name.split('.')[0]} = None  # type: ignore[assignment]`);
  }
  if (typing.length) {
    if (!stdLines.has('from typing import TYPE_CHECKING')) L.push('', 'from typing import TYPE_CHECKING');
    L.push('', 'if TYPE_CHECKING:', ...typing.map((t) => `    ${t.text}`));
  }

  L.push('', 'logger = logging.getLogger(__name__)', '_cached = functools.lru_cache');
  L.push(`${mod.isMain ? 'SERVICE_NAME' : 'DEFAULT_LIMIT'} = ${mod.isMain ? JSON.stringify(svc.name) : rng.int(10, 5000)}`, '');

  if (mod.isMain) {
    L.push(
      '',
      `app = FastAPI(title=${JSON.stringify(svc.name)}, version="1.0.0")`,
      '',
      '',
      '@app.get("/health")',
      'async def health() -> dict:',
      '    """Liveness probe used by the compose healthcheck."""',
      '    return {"status": "ok", "service": SERVICE_NAME}',
      '',
    );
    const routes = rng.int(3, 8);
    for (let r = 0; r < routes; r++) {
      const dom = rng.pick(DOMAINS);
      const verb = rng.pick(['get', 'post', 'put', 'delete']);
      L.push(
        '',
        `@app.${verb}("/${dom}/{item_id}")`,
        `async def ${verb}_${dom}_${r}(item_id: int) -> dict:`,
        `    """${sentence(rng, 4, 10)}"""`,
        '    if item_id < 0:',
        '        raise HTTPException(status_code=404, detail="not found")',
        `    return {"id": item_id, "kind": ${JSON.stringify(dom)}}`,
        '',
      );
    }
    if (fpNames.length) L.push('', '_WIRED = (', ...fpNames.map((n) => `    ${n},`), ')', '');
    L.push(
      '',
      'if __name__ == "__main__":',
      '    import uvicorn',
      '',
      '    uvicorn.run(app, host="0.0.0.0", port=int(os.environ.get("PORT", "8000")))',
      '',
    );
    return L.join('\n');
  }

  // body: classes then functions, padded until the target length
  const target = 50 + Math.floor(310 * rng.next() ** 1.6); // trailer and overshoot keep it <= ~400
  const lazyQueue = lazy.slice();
  for (const c of mod.classes) L.push('', ...classLines(rng, c, lazyQueue));
  for (const f of mod.functions) L.push('', ...functionLines(rng, '', f, rng.chance(0.25), lazyQueue.shift() ?? null), '');
  let helper = 0;
  while (L.length < target - 6) {
    if (target - L.length > 70 && rng.chance(0.25)) L.push('', ...classLines(rng, `_${camel(mod.name)}Helper${helper++}`, lazyQueue));
    else L.push('', ...functionLines(rng, '', `_helper_${helper++}`, false, lazyQueue.shift() ?? null), '');
  }
  for (const li of lazyQueue) L.push('', `def _late_${helper++}():`, `    ${li.text}`, `    return ${li.name}`, '');
  L.push('', 'def _compute(value, attempt):', '    return {"value": value, "attempt": attempt}', '');
  const all = [...mod.classes, ...mod.functions];
  L.push('', '__all__ = [', ...all.map((n) => `    ${JSON.stringify(n)},`), ']');
  if (fpNames.length) L.push('', '_DEPENDS_ON = (', ...fpNames.map((n) => `    ${n},`), ')');
  L.push('');
  return L.join('\n');
}

// ------------------------------------------------------------------------------------ files

function reqLine(rng, d, version, op = '==') {
  let name = d.dist;
  let extras = '';
  if (d.key === 'uvicorn' && rng.chance(0.5)) extras = '[standard]';
  if (d.key === 'celery' && rng.chance(0.3)) extras = '[redis]';
  let line = `${name}${extras}${op}${version}`;
  if (rng.chance(0.06)) line += ' ; python_version >= "3.9"';
  if (rng.chance(0.12)) line += `  # ${rng.pick(['pinned for security fix', 'see ADR-12', 'required by the api layer', 'do not bump without QA'])}`;
  return line;
}

function renderRequirements(rng, svc, kind) {
  const L = [];
  if (kind === 'requirements.txt') {
    L.push(`# ${svc.name} runtime dependencies`, '# generated by bench/generate.mjs', '');
    for (const k of svc.declared) {
      const d = DIST_BY_KEY.get(k);
      const op = rng.chance(0.08) ? '>=' : '==';
      L.push(reqLine(rng, d, svc.pins.get(k), op));
    }
  } else if (kind === 'requirements-dev.txt' || kind === 'requirements-test.txt') {
    L.push('-r requirements.txt', '');
    for (const [n, vs] of rng.sample(DEV_TOOLS, rng.int(3, 7))) L.push(`${n}==${rng.pick(vs)}`);
    if (rng.chance(0.3)) {
      // conflicting re-pin of a runtime dependency
      const k = rng.pick(svc.declared);
      const d = DIST_BY_KEY.get(k);
      const other = d.versions.find((v) => v !== svc.pins.get(k)) ?? `${svc.pins.get(k)}.post1`;
      L.push(`${d.dist}==${other}  # conflicts with requirements.txt`);
    }
  } else if (kind === 'requirements-minimal.txt') {
    L.push(`# hand-trimmed install set for small images of ${svc.name}`);
    for (const k of svc.declared) {
      if (!ALWAYS.includes(k) && rng.chance(0.35)) continue;
      const d = DIST_BY_KEY.get(k);
      let v = svc.pins.get(k);
      if (rng.chance(0.25)) v = d.versions.find((x) => x !== v) ?? v;
      L.push(`${d.dist}==${v}`);
    }
  } else if (kind === 'requirements-prod.txt') {
    L.push('-r requirements.txt', `gunicorn==${rng.pick(['21.2.0', '22.0.0', '23.0.0'])}`);
  } else {
    L.push(`# ${kind}`, `-r requirements.txt`, `${rng.pick(['mkdocs==1.6.0', 'sphinx==7.4.7', 'flake8==7.1.1', 'pylint==3.2.6'])}`);
  }
  L.push('');
  return L.join('\n');
}

function renderDockerfile(rng, svc, kind, facts) {
  const L = [];
  const hasReq = svc.reqFiles.includes('requirements.txt');
  const useMinimal = hasReq && svc.reqFiles.includes('requirements-minimal.txt') && rng.chance(0.1);
  const reqFile = useMinimal ? 'requirements-minimal.txt' : 'requirements.txt';
  L.push(`# ${svc.name} ${kind}`, `FROM python:${rng.chance(0.9) ? '3.12' : '3.11'}-slim`, '');
  L.push('ENV PYTHONDONTWRITEBYTECODE=1 \\', '    PYTHONUNBUFFERED=1', '');
  L.push('WORKDIR /app', '');
  if (hasReq) {
    L.push(`COPY ${reqFile} .`, `RUN pip install --no-cache-dir -r ${reqFile}`);
  } else {
    const pkgs = svc.declared.map((k) => `${DIST_BY_KEY.get(k).dist}==${svc.pins.get(k)}`);
    L.push(`RUN pip install --no-cache-dir \\`, ...pkgs.map((p, i) => `    ${p}${i < pkgs.length - 1 ? ' \\' : ''}`));
  }
  if (kind === 'Dockerfile' && rng.chance(0.05)) {
    const other = DIST_BY_KEY.get('uvicorn').versions.find((v) => v !== svc.pins.get('uvicorn'));
    L.push(`RUN pip install --no-cache-dir "uvicorn[standard]==${other}"`);
    facts.inlineRepins++;
  }
  L.push('', 'COPY app/ app/', '');
  const nonRoot = rng.chance(0.3);
  if (nonRoot) L.push('RUN useradd --create-home --uid 10001 appuser', 'USER appuser', '');
  if (rng.chance(0.15)) {
    L.push('HEALTHCHECK --interval=30s --timeout=3s \\', '  CMD curl -fsS http://localhost:8000/health || exit 1', '');
  }
  L.push('EXPOSE 8000', '');
  if (kind === 'Dockerfile.worker') {
    L.push('CMD ["python", "-m", "app.main"]');
  } else {
    // Planted PROD001: service 1 (or 0 when there is only one) runs uvicorn with --reload; plus ~3%.
    const planted = svc.index === (facts.services > 1 ? 1 : 0);
    const reload = kind === 'Dockerfile.dev' || planted || rng.chance(0.03);
    if (reload) facts.reload++;
    const args = ['uvicorn', 'app.main:app', '--host', '0.0.0.0', '--port', '8000'];
    if (reload) args.push('--reload');
    else if (rng.chance(0.4)) args.push('--workers', String(rng.int(2, 4)));
    if (rng.chance(0.1)) L.push(`CMD ${args.join(' ')}`);
    else L.push(`CMD [${args.map((a) => JSON.stringify(a)).join(', ')}]`);
  }
  L.push('');
  return L.join('\n');
}

/** The shared `.dockerignore` of the monorepo shape: negations, `**`, directory and extension patterns. */
export const MONOREPO_DOCKERIGNORE = [
  '# One .dockerignore for every image: all of them are built from the repository root.',
  '.git',
  '.github',
  '**/__pycache__',
  '**/*.py[cod]',
  '**/.pytest_cache',
  '**/.mypy_cache',
  '**/.venv',
  '**/node_modules',
  '*.md',
  '!README.md',
  'docs/',
  '**/tests/',
  '!**/tests/conftest.py',
  'data/**',
  '!data/schemas/*.json',
  '**/*.log',
  '**/.env',
  '!**/.env.example',
  'deploy/*.local.yml',
  'tmp*',
  '',
].join('\n');

/** A Dockerfile of the monorepo shape: context is the repository root, sources are spelled from it. */
function renderMonorepoDockerfile(rng, svc, kind, facts) {
  const dir = `services/${svc.name}`;
  const hasReq = svc.reqFiles.includes('requirements.txt');
  const py = rng.chance(0.9) ? '3.12' : '3.11';
  const multiStage = hasReq && rng.chance(0.2);
  const L = [`# ${svc.name} ${kind}: docker build -f ${dir}/${kind} .`];
  if (multiStage) {
    L.push(`FROM python:${py}-slim AS builder`, 'WORKDIR /build', `COPY ${dir}/requirements.txt .`, 'RUN pip install --no-cache-dir --prefix=/install -r requirements.txt', '');
    L.push(`FROM python:${py}-slim`, 'COPY --from=builder /install /usr/local');
  } else {
    L.push(`FROM python:${py}-slim`);
  }
  L.push('ENV PYTHONDONTWRITEBYTECODE=1 \\', '    PYTHONUNBUFFERED=1', '', 'WORKDIR /app', '');
  if (!multiStage) {
    if (hasReq) {
      // A few copy the requirements with a glob (COPY matches it against the whole context).
      if (rng.chance(0.1)) L.push(`COPY ${dir}/requirements*.txt ./`);
      else L.push(`COPY ${dir}/requirements.txt .`);
      L.push('RUN pip install --no-cache-dir -r requirements.txt');
    } else {
      const pkgs = svc.declared.map((k) => `${DIST_BY_KEY.get(k).dist}==${svc.pins.get(k)}`);
      L.push('RUN pip install --no-cache-dir \\', ...pkgs.map((p, i) => `    ${p}${i < pkgs.length - 1 ? ' \\' : ''}`));
    }
  }
  L.push('', `COPY ${dir}/app/ app/`, `COPY ${dir}/scripts/entrypoint.sh /usr/local/bin/entrypoint.sh`);
  if (rng.chance(0.3)) L.push(`COPY ${dir}/config/ config/`);
  L.push('');
  if (rng.chance(0.3)) L.push('RUN useradd --create-home --uid 10001 appuser', 'USER appuser', '');
  if (rng.chance(0.15)) L.push('HEALTHCHECK --interval=30s --timeout=3s \\', '  CMD curl -fsS http://localhost:8000/health || exit 1', '');
  L.push('EXPOSE 8000', '');
  if (kind === 'Dockerfile.worker') {
    L.push('CMD ["python", "-m", "app.main"]');
  } else {
    const planted = svc.index === (facts.services > 1 ? 1 : 0);
    const reload = kind === 'Dockerfile.dev' || planted || rng.chance(0.03);
    if (reload) facts.reload++;
    const args = ['uvicorn', 'app.main:app', '--host', '0.0.0.0', '--port', '8000'];
    if (reload) args.push('--reload');
    else if (rng.chance(0.4)) args.push('--workers', String(rng.int(2, 4)));
    L.push(`CMD [${args.map((a) => JSON.stringify(a)).join(', ')}]`);
  }
  L.push('');
  return L.join('\n');
}

/** Files of a monorepo service that are not Python modules: tests, scripts, config, docs. */
function monorepoServiceFiles(rng, svc) {
  const files = [
    [`tests/conftest.py`, 'import pytest\n\n\n@pytest.fixture\ndef client():\n    from app.main import app\n    return app\n'],
    [`tests/test_health.py`, 'def test_health(client):\n    assert client is not None\n'],
    [`scripts/entrypoint.sh`, `#!/bin/sh\nset -e\nexec "$@"\n`],
    [`README.md`, `# ${svc.name}\n\n${sentence(rng)}\n`],
    [`.env.example`, 'LOG_LEVEL=info\n'],
  ];
  if (rng.chance(0.5)) files.push([`config/settings.json`, `{"service": "${svc.name}", "limit": ${rng.int(10, 500)}}\n`]);
  return files;
}

function renderCompose(rng, entry, compose, params, facts) {
  const L = [`# stack ${pad(entry.index, 2)} of ${compose.length}`, `name: stack-${pad(entry.index, 2)}`, '', 'services:'];
  for (const s of entry.slice) {
    const r = makeRng(`compose:${params.seed}:${entry.index}:${s.index}`);
    L.push(`  ${s.name}:`);
    if (params.shape === 'monorepo') L.push('    build:', '      context: ..', `      dockerfile: services/${s.name}/Dockerfile`);
    else {
      L.push('    build:', `      context: ../services/${s.name}`);
      if (r.chance(0.3)) L.push('      dockerfile: Dockerfile');
    }
    L.push(`    image: registry.example.com/bench/${s.name}:${r.int(1, 3)}.${r.int(0, 30)}.${r.int(0, 9)}`);
    L.push('    ports:', `      - "${8000 + (s.index % 50000)}:8000"`);
    const env = [
      ['LOG_LEVEL', r.pick(['info', 'warning', 'debug'])],
      ['DATABASE_URL', `postgresql://app@db:5432/${s.name.replace(/-/g, '_')}`],
      ['REDIS_URL', 'redis://redis:6379/0'],
    ];
    if (r.chance(0.5)) {
      L.push('    environment:', ...env.map(([k, v]) => `      ${k}: ${JSON.stringify(v)}`));
    } else {
      L.push('    environment:', ...env.map(([k, v]) => `      - ${k}=${v}`));
    }
    // The planted --reload lives in the Dockerfile CMD; a compose command would override it.
    const plantedReload = s.index === (params.services > 1 ? 1 : 0);
    const roll = plantedReload ? 1 : r.next();
    if (roll < 0.05) {
      L.push('    command: uvicorn app.main:app --host 0.0.0.0 --port 8000 --reload');
      facts.reload++;
    } else if (roll < 0.2) {
      L.push(`    command: ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000", "--workers", "${r.int(2, 8)}"]`);
    }
    if (r.chance(0.5)) {
      L.push(
        '    healthcheck:',
        `      test: ["CMD", "python", "-c", "import urllib.request; urllib.request.urlopen('http://localhost:8000/health')"]`,
        '      interval: 30s',
        '      timeout: 5s',
        '      retries: 3',
      );
    }
    if (r.chance(0.03)) L.push('    volumes:', `      - ../services/${s.name}/app:/app/app`);
    L.push('    depends_on:', '      - redis', '      - db', '    restart: unless-stopped', '');
  }
  L.push(
    '  redis:',
    `    image: ${rng.chance(0.2) ? 'redis:latest' : 'redis:7.2-alpine'}`,
    '',
    '  db:',
    '    image: postgres:16',
    '    environment:',
    '      POSTGRES_USER: app',
    '      POSTGRES_PASSWORD: example',
    '    volumes:',
    '      - db-data:/var/lib/postgresql/data',
    '',
    'volumes:',
    '  db-data: {}',
    '',
  );
  return L.join('\n');
}

// ------------------------------------------------------------------------------------ main

/**
 * Generate the tree. Returns a summary object. Writes synchronously: for ~10k small files this is
 * faster than juggling promises, and the whole run stays a few seconds.
 */
export function generate(outDir, rawParams, { force = false } = {}) {
  const params = resolveParams(rawParams);
  const tRemove = process.hrtime.bigint();
  const out = path.resolve(outDir);
  if (fs.existsSync(out)) {
    const entries = fs.readdirSync(out);
    if (entries.length > 0) {
      if (!entries.includes(MANIFEST_NAME) && !force) {
        throw new Error(`${out} exists, is not empty and was not made by this generator (no ${MANIFEST_NAME}); pass --force to replace it`);
      }
      fs.rmSync(out, { recursive: true, force: true });
    }
  }
  fs.mkdirSync(out, { recursive: true });
  const t0 = process.hrtime.bigint();
  const removeMs = Number(t0 - tRemove) / 1e6;

  const stats = {
    files: 0, bytes: 0,
    py: { files: 0, bytes: 0, lines: 0 },
    requirements: { files: 0, bytes: 0 },
    dockerfiles: { files: 0, bytes: 0 },
    compose: { files: 0, bytes: 0 },
    other: { files: 0, bytes: 0 },
    imports: { thirdParty: 0, undeclared: 0, firstParty: 0 },
    planted: { missingImport: null, reloadCommands: 0, inlineRepins: 0 },
  };
  const madeDirs = new Set();
  const write = (rel, text, kind) => {
    const abs = path.join(out, rel);
    const dir = path.dirname(abs);
    if (!madeDirs.has(dir)) { fs.mkdirSync(dir, { recursive: true }); madeDirs.add(dir); }
    fs.writeFileSync(abs, text);
    const n = Buffer.byteLength(text);
    stats.files++;
    stats.bytes += n;
    stats[kind].files++;
    stats[kind].bytes += n;
    if (kind === 'py') {
      let lines = 0;
      for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lines++;
      stats.py.lines += lines;
    }
  };

  const plan = planRepo(params);
  const facts = { services: params.services, reload: 0, inlineRepins: 0 };

  write('README.md', `# bench monorepo\n\nSynthetic repository made by driftcheck's bench/generate.mjs (seed ${params.seed}).\n`, 'other');
  write('.gitignore', '__pycache__/\n*.pyc\n.venv/\n.driftcheck-cache/\n', 'other');

  for (const svc of plan.svcs) {
    const rng = makeRng(svc.rngSeed + ':files');
    const base = `services/${svc.name}`;
    // python
    const mods = planModules(rng, params.pyPerService);
    const excluded = new Set([...svc.declared, ...depClosure(svc.declared), ...ALWAYS]);
    const ctx = {
      unusedDeclared: rng.shuffle(svc.declared.filter((k) => !ALWAYS.includes(k))),
      undeclaredPool: DISTS.map((d) => d.key).filter((k) => !excluded.has(k)),
      imported: new Set(),
      stats: stats.imports,
    };
    for (let i = 0; i < mods.length; i++) {
      write(`${base}/${mods[i].file}`, renderModule(rng, svc, mods[i], mods, i, ctx), 'py');
    }
    if (svc.index === 0) stats.planted.missingImport = `${base}/app/main.py: import ${PLANTED_MISSING}`;
    // requirements
    for (const kind of svc.reqFiles) write(`${base}/${kind}`, renderRequirements(rng, svc, kind), 'requirements');
    // docker
    const mono = params.shape === 'monorepo';
    for (const kind of svc.dockerfiles) {
      const k = kind.startsWith('docker/') ? 'Dockerfile' : kind;
      write(`${base}/${kind}`, (mono ? renderMonorepoDockerfile : renderDockerfile)(rng, svc, k, facts), 'dockerfiles');
    }
    if (mono) for (const [rel, text] of monorepoServiceFiles(rng, svc)) write(`${base}/${rel}`, text, 'other');
    else if (svc.dockerfiles.length) write(`${base}/.dockerignore`, '__pycache__\n*.pyc\n.venv\ntests/\n', 'other');
  }
  if (params.shape === 'monorepo') {
    const orng = makeRng(`monorepo:${params.seed}`);
    write('.dockerignore', MONOREPO_DOCKERIGNORE, 'other');
    for (let i = 0; i < 40; i++) write(`docs/${pad(i, 2)}-${orng.pick(DOMAINS)}.md`, `# ${sentence(orng, 3, 6)}\n\n${sentence(orng)}\n`, 'other');
    for (let i = 0; i < 40; i++) write(`data/raw/${orng.pick(DOMAINS)}-${pad(i, 3)}.csv`, 'id,value\n1,2\n', 'other');
    for (let i = 0; i < 10; i++) write(`data/schemas/${DOMAINS[i % DOMAINS.length]}-${i}.json`, '{"type": "object"}\n', 'other');
  }
  const crng = makeRng(`compose:${params.seed}`);
  for (const entry of plan.compose) {
    write(`deploy/compose-${pad(entry.index, 2)}.yml`, renderCompose(crng, entry, plan.compose, params, facts), 'compose');
  }
  stats.planted.reloadCommands = facts.reload;
  stats.planted.inlineRepins = facts.inlineRepins;

  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const manifest = { generator: 'driftcheck-bench', version: GENERATOR_VERSION, params, stats };
  fs.writeFileSync(path.join(out, MANIFEST_NAME), JSON.stringify(manifest, null, 2) + '\n');
  return { out, params, stats, ms, removeMs };
}

function fmtBytes(n) {
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB`;
  return `${n} B`;
}

export function formatSummary({ out, params, stats, ms, removeMs = 0 }) {
  const row = (label, s) => `  ${label.padEnd(14)} ${String(s.files).padStart(7)} files  ${fmtBytes(s.bytes).padStart(10)}`;
  return [
    `generated ${out} in ${(ms / 1000).toFixed(2)}s` + (removeMs > 50 ? ` (plus ${(removeMs / 1000).toFixed(2)}s removing the previous tree)` : ''),
    `  params: services=${params.services} py-per-service=${params.pyPerService} req-files=${params.reqFiles} dockerfiles=${params.dockerfiles} compose-files=${params.composeFiles} seed=${params.seed}`,
    row('python', stats.py) + `  ${stats.py.lines} lines`,
    row('requirements', stats.requirements),
    row('dockerfiles', stats.dockerfiles),
    row('compose', stats.compose),
    row('other', stats.other),
    row('total', stats),
    `  imports: ${stats.imports.thirdParty} third-party (${stats.imports.undeclared} undeclared, ${((100 * stats.imports.undeclared) / Math.max(1, stats.imports.thirdParty)).toFixed(1)}%), ${stats.imports.firstParty} first-party`,
    `  planted: ${stats.planted.missingImport ?? 'no missing import'}; ${stats.planted.reloadCommands} --reload commands; ${stats.planted.inlineRepins} inline re-pins`,
  ].join('\n');
}

function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
    if (opts.help) { console.log(USAGE); return; }
    if (!opts.out) throw new Error('--out DIR is required');
    resolveParams(opts); // validate before touching the disk
  } catch (e) {
    console.error(`generate: ${e.message}\n${USAGE}`);
    process.exit(2);
  }
  try {
    const res = generate(opts.out, opts, { force: opts.force });
    if (opts.json) console.log(JSON.stringify({ out: res.out, params: res.params, stats: res.stats, ms: Math.round(res.ms), removeMs: Math.round(res.removeMs) }));
    else if (!opts.quiet) console.log(formatSummary(res));
  } catch (e) {
    console.error(`generate: ${e.message}`);
    process.exit(1);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
