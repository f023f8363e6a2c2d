import { sourced, type Sourced } from './sourced.js';

// Distributions that code uses without importing them by name, for DEP002 (unused-dependency).
// Each group says where the fact comes from. Keys and values are PEP 503 names.

/** Loaded at runtime by another distribution when that one is used (plugins, drivers, engines). */
export const LOADED_BY_GROUPS: readonly Sourced<readonly [distribution: string, loadedBy: readonly string[]]>[] = [
  { source: 'Uvicorn docs, "Installation": uvicorn[standard] picks these up when present.', entries: [
    ...['uvloop', 'httptools', 'websockets', 'wsproto', 'watchfiles', 'python-dotenv', 'pyyaml'].map((d) => [d, ['uvicorn', 'uvicorn-worker']] as const),
  ] },
  { source: 'FastAPI / Starlette docs: form parsing, templates, static files, sessions and responses import these lazily.', entries: [
    ...['python-multipart', 'jinja2', 'aiofiles', 'itsdangerous', 'orjson', 'ujson', 'email-validator', 'httpx'].map((d) => [d, ['fastapi', 'starlette']] as const),
  ] },
  { source: 'Pydantic docs: EmailStr needs email-validator.', entries: [
    ['email-validator', ['pydantic']],
  ] },
  { source: 'WTForms src/wtforms/validators.py: `try: import email_validator` at module level, and `Email()` raises "Install \'email_validator\' for email validation support" without it (the `wtforms[email]` extra).', entries: [
    ['email-validator', ['wtforms']],
  ] },
  { source: 'SQLAlchemy dialects / Django database backends load the DB-API driver named by the URL or ENGINE.', entries: [
    ...['psycopg2', 'psycopg2-binary', 'psycopg', 'psycopg-binary', 'psycopg-c', 'psycopg-pool', 'asyncpg', 'pymysql', 'mysqlclient', 'aiomysql', 'asyncmy', 'mysql-connector-python', 'aiosqlite', 'cx-oracle', 'oracledb', 'pyodbc', 'pymssql', 'clickhouse-sqlalchemy', 'snowflake-sqlalchemy', 'sqlalchemy-bigquery', 'pg8000'].map(
      (d) => [d, ['sqlalchemy', 'django', 'alembic', 'sqlmodel', 'tortoise-orm', 'peewee', 'databases', 'flask-sqlalchemy', 'dj-database-url', 'records', 'ormar', 'piccolo', 'pandas']] as const,
    ),
  ] },
  { source: 'Gunicorn docs "Worker types" and Celery docs "Concurrency": pools selected by name.', entries: [
    ...['gevent', 'eventlet', 'greenlet', 'tornado', 'meinheld', 'uvicorn-worker'].map((d) => [d, ['gunicorn', 'celery']] as const),
  ] },
  { source: 'pandas docs "IO tools": engines chosen by file type or engine= string.', entries: [
    ...['pyarrow', 'fastparquet', 'openpyxl', 'xlrd', 'xlsxwriter', 'odfpy', 'tables', 'pyxlsb', 'python-calamine', 'tabulate', 'lxml', 'html5lib', 'fsspec', 's3fs', 'gcsfs', 'adlfs'].map((d) => [d, ['pandas', 'polars', 'dask']] as const),
  ] },
  { source: 'Beautiful Soup docs "Installing a parser".', entries: [
    ...['lxml', 'html5lib'].map((d) => [d, ['beautifulsoup4']] as const),
  ] },
  { source: 'passlib docs: bcrypt/argon2 backends; Django docs "Password management".', entries: [
    ...['bcrypt', 'argon2-cffi', 'scrypt'].map((d) => [d, ['passlib', 'django']] as const),
  ] },
  { source: 'PyJWT / python-jose / Authlib docs: RSA/EC algorithms need a crypto backend.', entries: [
    ...['cryptography', 'pycryptodome', 'ecdsa', 'rsa'].map((d) => [d, ['pyjwt', 'python-jose', 'authlib', 'paramiko', 'msal']] as const),
  ] },
  { source: 'Celery / Kombu / RQ / Django cache docs: brokers and result backends by URL scheme.', entries: [
    ...['redis', 'hiredis', 'librabbitmq', 'amqp', 'pymongo', 'sqlalchemy', 'boto3', 'pycurl'].map((d) => [d, ['celery', 'kombu', 'rq', 'django-redis', 'flask-caching', 'channels-redis', 'dramatiq', 'arq']] as const),
    ['hiredis', ['redis']],
  ] },
  { source: 'Hugging Face transformers docs "Installation": tokenizers/backends loaded by model type.', entries: [
    ...['sentencepiece', 'tokenizers', 'accelerate', 'safetensors', 'protobuf', 'tiktoken', 'einops', 'timm', 'bitsandbytes', 'torchvision', 'torchaudio', 'optimum', 'peft'].map(
      (d) => [d, ['transformers', 'sentence-transformers', 'diffusers', 'vllm']] as const,
    ),
  ] },
  { source: 'gRPC generated code (`*_pb2.py`) imports google.protobuf; grpcio-tools generates it at build time.', entries: [
    ...['protobuf', 'grpcio-tools'].map((d) => [d, ['grpcio']] as const),
  ] },
  { source: 'aiohttp docs "Library Installation": aiodns (async DNS resolver, the default one when installed since 3.10) and Brotli are picked up by aiohttp itself (the `speedups` extra).', entries: [
    ...['aiodns', 'brotli', 'brotlicffi'].map((d) => [d, ['aiohttp']] as const),
  ] },
  { source: 'Matplotlib / Plotly docs: optional rendering backends.', entries: [
    ...['kaleido', 'pyqt5', 'pyqt6'].map((d) => [d, ['plotly', 'matplotlib']] as const),
  ] },
];
export const LOADED_BY = sourced(LOADED_BY_GROUPS);

/** Never unused: build backends, installers and data packages nothing imports by design. */
export const NEVER_UNUSED: ReadonlySet<string> = new Set([
  // PyPA build/installer tooling (pip, setuptools and wheel are how packages get installed at all).
  'pip', 'setuptools', 'wheel', 'setuptools-scm', 'build', 'pip-tools', 'uv', 'poetry', 'poetry-core', 'hatchling', 'flit-core', 'pdm-backend', 'cython', 'pybind11', 'scikit-build', 'scikit-build-core', 'maturin',
  // Data-only packages read by the stdlib or other libraries (zoneinfo reads tzdata; certifi bundles CAs).
  'tzdata', 'certifi', 'pytz-deprecation-shim',
  // Gunicorn/uvicorn production extras used only through configuration.
  'supervisor', 'honcho',
]);

/**
 * Plugins: used through their host's entry points, never imported (pytest-*, flake8-*, ...).
 * Source: each host's plugin documentation (pytest "Installing plugins", flake8 "Using Plugins",
 * Sphinx / MkDocs extension docs, mypy "Using installed packages" for stubs).
 */
export const PLUGIN_PREFIXES: readonly string[] = ['pytest-', 'flake8-', 'sphinx-', 'sphinxcontrib-', 'mkdocs-', 'pylint-', 'mypy-', 'types-', 'celery-', 'opentelemetry-instrumentation-', 'pre-commit-'];
export const PLUGIN_SUFFIXES: readonly string[] = ['-stubs', '-plugin'];
