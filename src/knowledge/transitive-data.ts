import { sourced, type Sourced } from './sourced.js';

/**
 * Offline knowledge of what popular distributions install transitively (DESIGN §5): used by
 * DEP003/PIN002 only when there is no installed env, no lockfile and no index access, so that an
 * import of `starlette` under a declared `fastapi` is reported as "transitive", never as a missing
 * install.
 *
 * Each list is the distribution's unconditional runtime `Requires-Dist` (no extras) for its current
 * major version, as published in its pyproject.toml / setup.py. Dependencies that only apply behind
 * an environment marker for old Pythons or one OS (`exceptiongroup; python_version < "3.11"`,
 * `colorama; sys_platform == "win32"`, `tomli`, `async-timeout`, …) are left out; a few
 * platform-markered ones that hold on every common Linux image are kept and commented. Lists are
 * deliberately conservative: a dependency that changed between recent releases is omitted rather
 * than guessed. All names are PEP 503-normalised (lowercase, runs of `-_.` -> `-`).
 */

/**
 * Dependencies installed only on Pythons older than the version given (`python_version < "X.Y"`
 * markers), as published in each project's pyproject.toml / setup.cfg. They count as transitive
 * only for an image whose Python is older, so `import async_timeout` under aiohttp is "transitive"
 * on python:3.10 and "missing" on python:3.12. Where the marker is on the full version
 * (`python_full_version < "3.11.3"`), the next minor is used: the conservative side.
 */
export const WELL_KNOWN_REQUIRES_BEFORE_PYTHON_GROUPS: readonly Sourced<readonly [distribution: string, requires: readonly string[], below: string]>[] = [
  { source: 'Dependencies installed only on Pythons older than the version given (`python_version < "X.Y"` markers), as published in each project\'s pyproject.toml / setup.cfg. They count as transitive only for an image whose Python is older, so `import async_timeout` under aiohttp is "transitive" on python:3.10 and "missing" on python:3.12. Where the marker is on the full version (`python_full_version < "3.11.3"`), the next minor is used: the conservative side.', entries: [
    ['aiohttp', ['async-timeout'], '3.11'], // aiohttp 3.8-3.11: async-timeout; python_version < "3.11"
    ['redis', ['async-timeout'], '3.12'], // redis-py 4.x-5.x: async-timeout; python_full_version < "3.11.3"
    ['anyio', ['exceptiongroup'], '3.11'], // anyio 4: exceptiongroup; python_version < "3.11"
    ['pytest', ['exceptiongroup', 'tomli'], '3.11'], // pytest 7.2-8: python_version < "3.11"
    ['black', ['tomli'], '3.11'], // black 22-24: tomli; python_version < "3.11"
    ['mypy', ['tomli'], '3.11'], // mypy 1.x: tomli; python_version < "3.11"
    ['coverage[toml]', ['tomli'], '3.11'], // coverage 7: extra toml = tomli; python_full_version <= "3.11.0a6"
  ] },
];
export const WELL_KNOWN_REQUIRES_BEFORE_PYTHON = sourced(WELL_KNOWN_REQUIRES_BEFORE_PYTHON_GROUPS);

export const WELL_KNOWN_REQUIRES_GROUPS: readonly Sourced<readonly [distribution: string, requires: readonly string[]]>[] = [
  { source: 'FastAPI / Starlette / Pydantic stack: fastapi, starlette, pydantic(-core/-settings) pyproject.toml.', entries: [
    ['fastapi', ['starlette', 'pydantic', 'typing-extensions']],
    ['starlette', ['anyio']],
    ['pydantic', ['pydantic-core', 'annotated-types', 'typing-extensions', 'typing-inspection']],
    ['pydantic-core', ['typing-extensions']],
    ['pydantic-settings', ['pydantic', 'python-dotenv', 'typing-inspection']],
    ['sqlmodel', ['sqlalchemy', 'pydantic']],
    ['sse-starlette', ['starlette', 'anyio']],
    ['slowapi', ['limits']],
    ['email-validator', ['dnspython', 'idna']],
    ['python-multipart', []],
  
  ] },
  { source: 'ASGI/WSGI servers: uvicorn, gunicorn, hypercorn, daphne, granian, waitress pyproject/setup.py.', entries: [
    ['uvicorn', ['click', 'h11']],
    ['gunicorn', ['packaging']],
    ['hypercorn', ['h11', 'h2', 'priority', 'wsproto']],
    ['daphne', ['asgiref', 'autobahn', 'twisted']],
    ['granian', ['click']],
    ['waitress', []],
    ['h2', ['hpack', 'hyperframe']],
    ['wsproto', ['h11']],
    ['watchfiles', ['anyio']],
    ['h11', []],
    ['httptools', []],
    ['uvloop', []],
    ['websockets', []],
  
  ] },
  { source: 'Flask / Pallets: flask, werkzeug, jinja2, click, itsdangerous pyproject.toml (Flask 3.x).', entries: [
    ['flask', ['blinker', 'click', 'itsdangerous', 'jinja2', 'markupsafe', 'werkzeug']],
    ['werkzeug', ['markupsafe']],
    ['jinja2', ['markupsafe']],
    ['mako', ['markupsafe']],
    ['click', []],
    ['itsdangerous', []],
    ['markupsafe', []],
    ['blinker', []],
    ['quart', ['aiofiles', 'blinker', 'click', 'flask', 'hypercorn', 'itsdangerous', 'jinja2', 'markupsafe', 'werkzeug']],
  
  ] },
  { source: 'Flask extensions: each extension\'s pyproject.toml / setup.py install_requires.', entries: [
    ['flask-sqlalchemy', ['flask', 'sqlalchemy']],
    ['flask-migrate', ['alembic', 'flask', 'flask-sqlalchemy']],
    ['flask-login', ['flask', 'werkzeug']],
    ['flask-wtf', ['flask', 'itsdangerous', 'wtforms']],
    ['wtforms', ['markupsafe']],
    ['flask-socketio', ['flask', 'python-socketio']],
    ['flask-jwt-extended', ['flask', 'pyjwt', 'werkzeug']],
    ['flask-cors', ['flask']],
  
  ] },
  { source: 'Django ecosystem: django setup.cfg/pyproject and each app\'s install_requires.', entries: [
    ['django', ['asgiref', 'sqlparse']],
    ['djangorestframework', ['django']],
    ['djangorestframework-simplejwt', ['django', 'djangorestframework', 'pyjwt']],
    ['django-cors-headers', ['asgiref', 'django']],
    ['django-filter', ['django']],
    ['django-storages', ['django']],
    ['django-extensions', ['django']],
    ['django-debug-toolbar', ['django', 'sqlparse']],
    ['django-redis', ['django', 'redis']],
    ['django-environ', []],
    ['channels', ['asgiref', 'django']],
    ['drf-spectacular', ['django', 'djangorestframework', 'inflection', 'jsonschema', 'pyyaml', 'uritemplate']],
    ['drf-yasg', ['django', 'djangorestframework', 'inflection', 'packaging', 'pytz', 'pyyaml', 'uritemplate']],
    ['django-celery-beat', ['celery', 'cron-descriptor', 'django', 'django-timezone-field', 'python-crontab']],
  
  ] },
  { source: 'HTTP clients: requests, httpx, httpcore, anyio, urllib3 pyproject.toml / setup.cfg.', entries: [
    ['requests', ['certifi', 'charset-normalizer', 'idna', 'urllib3']],
    ['httpx', ['anyio', 'certifi', 'httpcore', 'idna']],
    ['httpcore', ['certifi', 'h11']],
    ['anyio', ['idna', 'sniffio']],
    ['requests-toolbelt', ['requests']],
    ['requests-oauthlib', ['oauthlib', 'requests']],
    ['urllib3', []],
    ['certifi', []],
    ['idna', []],
    ['charset-normalizer', []],
    ['aiohttp', ['aiohappyeyeballs', 'aiosignal', 'attrs', 'frozenlist', 'multidict', 'propcache', 'yarl']],
    ['aiosignal', ['frozenlist']],
    ['yarl', ['idna', 'multidict', 'propcache']],
    ['websocket-client', []],
  
  ] },
  { source: 'Task queues and messaging: celery/kombu requirements/default.txt, rq/arq/dramatiq pyproject, aio-pika/aiormq pyproject.toml.', entries: [
    ['celery', ['billiard', 'click', 'click-didyoumean', 'click-plugins', 'click-repl', 'kombu', 'python-dateutil', 'vine']],
    ['kombu', ['amqp', 'vine']],
    ['amqp', ['vine']],
    ['click-didyoumean', ['click']],
    ['click-plugins', ['click']],
    ['click-repl', ['click', 'prompt-toolkit']],
    ['prompt-toolkit', ['wcwidth']],
    ['rq', ['click', 'redis']],
    ['arq', ['click', 'redis']],
    ['dramatiq', ['prometheus-client']],
    ['huey', []],
    ['aio-pika', ['aiormq', 'yarl']],
    ['aiormq', ['pamqp', 'yarl']],
    ['pika', []],
    ['kafka-python', []],
    ['aiokafka', ['async-timeout', 'packaging']],
    ['redis', []], // async-timeout only for Python < 3.11.3
    ['python-socketio', ['bidict', 'python-engineio']],
    ['python-engineio', ['simple-websocket']],
    ['simple-websocket', ['wsproto']],
  
  ] },
  { source: 'Databases and ORMs: sqlalchemy, alembic, psycopg, pymongo, motor, … pyproject.toml / setup.py.', entries: [
    ['sqlalchemy', ['greenlet', 'typing-extensions']], // greenlet: markered to the common CPU architectures
    ['alembic', ['mako', 'sqlalchemy', 'typing-extensions']],
    ['sqlalchemy-utils', ['sqlalchemy']],
    ['marshmallow-sqlalchemy', ['marshmallow', 'sqlalchemy']],
    ['databases', ['sqlalchemy']],
    ['psycopg', ['typing-extensions']], // markered python_version < "3.13" since psycopg 3.2
    ['psycopg2', []],
    ['psycopg2-binary', []],
    ['asyncpg', []], // async-timeout only for Python < 3.11
    ['aiosqlite', ['typing-extensions']],
    ['pymysql', []],
    ['mysqlclient', []],
    ['pymongo', ['dnspython']],
    ['motor', ['pymongo']],
    ['mongoengine', ['pymongo']],
    ['dnspython', []],
    ['elasticsearch', ['elastic-transport']],
    ['elastic-transport', ['certifi', 'urllib3']],
    ['cassandra-driver', ['geomet']],
    ['neo4j', ['pytz']],
    ['qdrant-client', ['grpcio', 'httpx', 'numpy', 'portalocker', 'protobuf', 'pydantic', 'urllib3']],
    ['faiss-cpu', ['numpy', 'packaging']],
  
  ] },
  { source: 'AWS: boto3/botocore/s3transfer setup.cfg, aiobotocore/s3fs pyproject.', entries: [
    ['boto3', ['botocore', 'jmespath', 's3transfer']],
    ['botocore', ['jmespath', 'python-dateutil', 'urllib3']],
    ['s3transfer', ['botocore']],
    ['aiobotocore', ['aiohttp', 'aioitertools', 'botocore', 'wrapt']],
    ['s3fs', ['aiobotocore', 'aiohttp', 'fsspec']],
    ['jmespath', []],
  
  ] },
  { source: 'Google Cloud / auth: googleapis/python-* setup.py `dependencies`.', entries: [
    ['google-cloud-storage', ['google-api-core', 'google-auth', 'google-cloud-core', 'google-crc32c', 'google-resumable-media', 'requests']],
    ['google-cloud-bigquery', ['google-api-core', 'google-auth', 'google-cloud-core', 'google-resumable-media', 'packaging', 'python-dateutil', 'requests']],
    ['google-cloud-pubsub', ['google-api-core', 'google-auth', 'grpc-google-iam-v1', 'grpcio', 'grpcio-status', 'proto-plus', 'protobuf']],
    ['google-cloud-core', ['google-api-core', 'google-auth']],
    ['google-api-core', ['google-auth', 'googleapis-common-protos', 'proto-plus', 'protobuf', 'requests']],
    ['google-auth', ['cachetools', 'pyasn1-modules', 'rsa']],
    ['google-resumable-media', ['google-crc32c']],
    ['googleapis-common-protos', ['protobuf']],
    ['proto-plus', ['protobuf']],
    ['grpcio-status', ['googleapis-common-protos', 'grpcio', 'protobuf']],
    ['grpcio-tools', ['grpcio', 'protobuf', 'setuptools']],
    ['google-api-python-client', ['google-api-core', 'google-auth', 'google-auth-httplib2', 'httplib2', 'uritemplate']],
    ['google-auth-httplib2', ['google-auth', 'httplib2']],
    ['google-auth-oauthlib', ['google-auth', 'requests-oauthlib']],
    ['gcsfs', ['aiohttp', 'decorator', 'fsspec', 'google-auth', 'google-auth-oauthlib', 'google-cloud-storage', 'requests']],
    ['firebase-admin', ['cachecontrol', 'google-api-core', 'pyjwt']],
    ['pyasn1-modules', ['pyasn1']],
    ['rsa', ['pyasn1']],
    ['protobuf', []],
  
  ] },
  { source: 'Azure SDK: Azure/azure-sdk-for-python setup.py `install_requires`.', entries: [
    ['azure-core', ['requests', 'typing-extensions']],
    ['azure-identity', ['azure-core', 'cryptography', 'msal', 'msal-extensions', 'typing-extensions']],
    ['azure-storage-blob', ['azure-core', 'cryptography', 'isodate', 'typing-extensions']],
    ['azure-keyvault-secrets', ['azure-core', 'isodate', 'typing-extensions']],
    ['msal', ['cryptography', 'pyjwt', 'requests']],
    ['msal-extensions', ['msal']],
  
  ] },
  { source: 'OpenTelemetry: open-telemetry/opentelemetry-python package pyproject.toml files.', entries: [
    ['opentelemetry-api', ['importlib-metadata', 'typing-extensions']],
    ['opentelemetry-sdk', ['opentelemetry-api', 'opentelemetry-semantic-conventions', 'typing-extensions']],
    ['opentelemetry-semantic-conventions', ['opentelemetry-api', 'typing-extensions']],
    ['opentelemetry-proto', ['protobuf']],
    // The meta-package: its modules live in the two exporters it requires.
    ['opentelemetry-exporter-otlp', ['opentelemetry-exporter-otlp-proto-grpc', 'opentelemetry-exporter-otlp-proto-http']],
    ['opentelemetry-exporter-otlp-proto-grpc', ['googleapis-common-protos', 'grpcio', 'opentelemetry-api', 'opentelemetry-exporter-otlp-proto-common', 'opentelemetry-proto', 'opentelemetry-sdk']],
    ['sentry-sdk', ['certifi', 'urllib3']],
    ['prometheus-client', []],
  
  ] },
  { source: 'Auth and crypto: python-jose, pyjwt, passlib, bcrypt, cryptography, paramiko pyproject/setup.py.', entries: [
    ['python-jose', ['ecdsa', 'pyasn1', 'rsa']],
    ['ecdsa', ['six']], // ecdsa setup.py: install_requires=["six>=1.9.0"]
    ['pyjwt', []],
    ['passlib', []],
    ['bcrypt', []],
    ['argon2-cffi', ['argon2-cffi-bindings']],
    ['argon2-cffi-bindings', ['cffi']],
    ['cryptography', ['cffi']], // markered platform_python_implementation != "PyPy"
    ['cffi', ['pycparser']], // markered implementation_name != "PyPy" since cffi 2.0
    ['pynacl', ['cffi']],
    ['pyopenssl', ['cryptography']],
    ['authlib', ['cryptography']],
    ['oauthlib', []],
    ['paramiko', ['bcrypt', 'cryptography', 'pynacl']],
    ['fabric', ['decorator', 'deprecated', 'invoke', 'paramiko']],
    ['oracledb', ['cryptography']],
  
  ] },
  { source: 'Data science: numpy/pandas/scipy/matplotlib/scikit-learn/… pyproject.toml `dependencies`.', entries: [
    ['numpy', []],
    ['pandas', ['numpy', 'python-dateutil', 'pytz', 'tzdata']],
    ['python-dateutil', ['six']],
    ['scipy', ['numpy']],
    ['matplotlib', ['contourpy', 'cycler', 'fonttools', 'kiwisolver', 'numpy', 'packaging', 'pillow', 'pyparsing', 'python-dateutil']],
    ['contourpy', ['numpy']],
    ['seaborn', ['matplotlib', 'numpy', 'pandas']],
    ['scikit-learn', ['joblib', 'numpy', 'scipy', 'threadpoolctl']],
    ['scikit-image', ['imageio', 'lazy-loader', 'networkx', 'numpy', 'packaging', 'pillow', 'scipy', 'tifffile']],
    ['statsmodels', ['numpy', 'packaging', 'pandas', 'patsy', 'scipy']],
    ['xgboost', ['numpy', 'scipy']],
    ['lightgbm', ['numpy', 'scipy']],
    ['numba', ['llvmlite', 'numpy']],
    ['imageio', ['numpy', 'pillow']],
    ['tifffile', ['numpy']],
    ['opencv-python', ['numpy']],
    ['opencv-python-headless', ['numpy']],
    ['shapely', ['numpy']],
    ['pyproj', ['certifi']],
    ['geopandas', ['numpy', 'packaging', 'pandas', 'pyogrio', 'pyproj', 'shapely']],
    ['plotly', ['narwhals', 'packaging']],
    ['altair', ['jinja2', 'jsonschema', 'narwhals', 'packaging']],
    ['pillow', []],
    ['networkx', []],
    ['joblib', []],
    ['threadpoolctl', []],
    ['pytz', []],
    ['tzdata', []],
    ['six', []],
    ['pyyaml', []],
    ['openpyxl', ['et-xmlfile']],
    ['python-docx', ['lxml', 'typing-extensions']],
    ['python-pptx', ['lxml', 'pillow', 'typing-extensions', 'xlsxwriter']],
    ['librosa', ['audioread', 'decorator', 'joblib', 'lazy-loader', 'msgpack', 'numba', 'numpy', 'pooch', 'scikit-learn', 'scipy', 'soundfile', 'soxr']],
    ['soundfile', ['cffi', 'numpy']],
    ['pooch', ['packaging', 'platformdirs', 'requests']],
  
  ] },
  { source: 'ML / LLM: torch, transformers, huggingface-hub, openai, anthropic, langchain pyproject/setup.py.', entries: [
    ['torch', ['filelock', 'fsspec', 'jinja2', 'networkx', 'sympy', 'typing-extensions']],
    ['torchvision', ['numpy', 'pillow', 'torch']],
    ['sympy', ['mpmath']],
    ['tensorflow', ['absl-py', 'astunparse', 'flatbuffers', 'gast', 'google-pasta', 'grpcio', 'h5py', 'keras', 'libclang', 'ml-dtypes', 'numpy', 'opt-einsum', 'packaging', 'protobuf', 'requests', 'setuptools', 'six', 'tensorboard', 'termcolor', 'typing-extensions', 'wrapt']],
    ['keras', ['absl-py', 'h5py', 'ml-dtypes', 'namex', 'numpy', 'optree', 'packaging', 'rich']],
    ['transformers', ['filelock', 'huggingface-hub', 'numpy', 'packaging', 'pyyaml', 'regex', 'requests', 'safetensors', 'tokenizers', 'tqdm']],
    ['tokenizers', ['huggingface-hub']],
    ['huggingface-hub', ['filelock', 'fsspec', 'packaging', 'pyyaml', 'tqdm', 'typing-extensions']],
    ['sentence-transformers', ['huggingface-hub', 'pillow', 'scikit-learn', 'scipy', 'torch', 'tqdm', 'transformers', 'typing-extensions']],
    ['datasets', ['dill', 'filelock', 'fsspec', 'huggingface-hub', 'multiprocess', 'numpy', 'packaging', 'pandas', 'pyarrow', 'pyyaml', 'requests', 'tqdm', 'xxhash']],
    ['accelerate', ['huggingface-hub', 'numpy', 'packaging', 'psutil', 'pyyaml', 'safetensors', 'torch']],
    ['openai', ['anyio', 'distro', 'httpx', 'jiter', 'pydantic', 'sniffio', 'tqdm', 'typing-extensions']],
    ['anthropic', ['anyio', 'distro', 'httpx', 'jiter', 'pydantic', 'sniffio', 'typing-extensions']],
    ['tiktoken', ['regex', 'requests']],
    ['langchain', ['langchain-core', 'pydantic']], // the parts common to 0.3.x and 1.x
    ['langchain-core', ['jsonpatch', 'langsmith', 'packaging', 'pydantic', 'pyyaml', 'tenacity', 'typing-extensions']],
    ['langchain-openai', ['langchain-core', 'openai', 'tiktoken']],
    ['langsmith', ['httpx', 'pydantic', 'requests', 'requests-toolbelt']],
    ['chromadb', ['bcrypt', 'grpcio', 'httpx', 'kubernetes', 'mmh3', 'numpy', 'onnxruntime', 'opentelemetry-api', 'opentelemetry-sdk', 'orjson', 'overrides', 'posthog', 'pydantic', 'pypika', 'pyyaml', 'rich', 'tenacity', 'tokenizers', 'tqdm', 'typer', 'typing-extensions', 'uvicorn']],
    ['nltk', ['click', 'joblib', 'regex', 'tqdm']],
    ['spacy', ['catalogue', 'cymem', 'jinja2', 'langcodes', 'murmurhash', 'numpy', 'packaging', 'preshed', 'pydantic', 'requests', 'setuptools', 'spacy-legacy', 'spacy-loggers', 'srsly', 'thinc', 'tqdm', 'wasabi', 'weasel']],
    ['mlflow', ['alembic', 'docker', 'flask', 'graphene', 'matplotlib', 'mlflow-skinny', 'numpy', 'pandas', 'pyarrow', 'scikit-learn', 'scipy', 'sqlalchemy']],
    ['safetensors', []],
    ['regex', []],
    ['filelock', []],
    ['tqdm', []], // colorama only on Windows
  
  ] },
  { source: 'App frameworks: streamlit, gradio, dash pyproject.toml / setup.py.', entries: [
    ['streamlit', ['altair', 'blinker', 'cachetools', 'click', 'gitpython', 'numpy', 'packaging', 'pandas', 'pillow', 'protobuf', 'pyarrow', 'pydeck', 'requests', 'tenacity', 'toml', 'tornado', 'typing-extensions']],
    ['gradio', ['aiofiles', 'anyio', 'fastapi', 'ffmpy', 'gradio-client', 'httpx', 'huggingface-hub', 'jinja2', 'markupsafe', 'numpy', 'orjson', 'packaging', 'pandas', 'pillow', 'pydantic', 'python-multipart', 'pyyaml', 'semantic-version', 'starlette', 'tomlkit', 'typer', 'typing-extensions', 'uvicorn']],
    ['gradio-client', ['fsspec', 'httpx', 'huggingface-hub', 'packaging', 'typing-extensions', 'websockets']],
    ['dash', ['flask', 'importlib-metadata', 'nest-asyncio', 'plotly', 'requests', 'retrying', 'setuptools', 'typing-extensions', 'werkzeug']],
  
  ] },
  { source: 'CLI / terminal / validation: typer, rich, jsonschema, referencing pyproject.toml.', entries: [
    ['typer', ['click', 'rich', 'shellingham', 'typing-extensions']],
    ['rich', ['markdown-it-py', 'pygments']],
    ['markdown-it-py', ['mdurl']],
    ['textual', ['markdown-it-py', 'platformdirs', 'rich', 'typing-extensions']],
    ['jsonschema', ['attrs', 'jsonschema-specifications', 'referencing', 'rpds-py']],
    ['jsonschema-specifications', ['referencing']],
    ['referencing', ['attrs', 'rpds-py']],
    ['attrs', []],
    ['tenacity', []],
    ['python-dotenv', []],
  
  ] },
  { source: 'Dev tooling: pytest, black, mypy, flake8, pylint, pre-commit, virtualenv pyproject.toml.', entries: [
    ['pytest', ['iniconfig', 'packaging', 'pluggy']],
    ['pytest-asyncio', ['pytest']],
    ['pytest-cov', ['coverage', 'pluggy', 'pytest']],
    ['pytest-mock', ['pytest']],
    ['black', ['click', 'mypy-extensions', 'packaging', 'pathspec', 'platformdirs']],
    ['mypy', ['mypy-extensions', 'typing-extensions']],
    ['flake8', ['mccabe', 'pycodestyle', 'pyflakes']],
    ['pylint', ['astroid', 'dill', 'isort', 'mccabe', 'platformdirs', 'tomlkit']],
    ['pre-commit', ['cfgv', 'identify', 'nodeenv', 'pyyaml', 'virtualenv']],
    ['virtualenv', ['distlib', 'filelock', 'platformdirs']],
    ['mkdocs', ['click', 'ghp-import', 'jinja2', 'markdown', 'markupsafe', 'mergedeep', 'mkdocs-get-deps', 'packaging', 'pathspec', 'pyyaml', 'pyyaml-env-tag', 'watchdog']],
    ['ipython', ['decorator', 'jedi', 'matplotlib-inline', 'prompt-toolkit', 'pygments', 'stack-data', 'traitlets']],
    ['jedi', ['parso']],
    ['matplotlib-inline', ['traitlets']],
    ['jupyter-core', ['platformdirs', 'traitlets']],
    ['nbformat', ['fastjsonschema', 'jsonschema', 'jupyter-core', 'traitlets']],
  
  ] },
  { source: 'Infra clients and scraping: docker, kubernetes, gitpython, pygithub, selenium, playwright, scrapy, beautifulsoup4 pyproject/setup.py.', entries: [
    ['docker', ['requests', 'urllib3']],
    ['kubernetes', ['certifi', 'durationpy', 'google-auth', 'oauthlib', 'python-dateutil', 'pyyaml', 'requests', 'requests-oauthlib', 'six', 'urllib3', 'websocket-client']],
    ['gitpython', ['gitdb']],
    ['gitdb', ['smmap']],
    ['pygithub', ['pyjwt', 'pynacl', 'requests', 'typing-extensions', 'urllib3']],
    ['beautifulsoup4', ['soupsieve', 'typing-extensions']],
    ['selenium', ['certifi', 'trio', 'trio-websocket', 'typing-extensions', 'urllib3', 'websocket-client']],
    ['playwright', ['greenlet', 'pyee']],
    ['scrapy', ['cryptography', 'cssselect', 'defusedxml', 'itemadapter', 'itemloaders', 'lxml', 'packaging', 'parsel', 'protego', 'pyopenssl', 'queuelib', 'service-identity', 'tldextract', 'twisted', 'w3lib', 'zope-interface']],
    ['gevent', ['greenlet', 'zope-event', 'zope-interface']],
    ['eventlet', ['dnspython', 'greenlet']],
    ['lxml', []],
    ['psutil', []],
  
  ] },
  { source: 'SaaS SDKs and misc: stripe, twilio, python-telegram-bot, discord.py, tweepy, apscheduler, croniter, dateparser, pendulum, yfinance, moviepy, thefuzz, Levenshtein pyproject/setup.py.', entries: [
    ['stripe', ['requests', 'typing-extensions']],
    ['twilio', ['aiohttp', 'aiohttp-retry', 'pyjwt', 'requests']],
    ['python-telegram-bot', ['httpx']],
    ['discord-py', ['aiohttp']],
    ['tweepy', ['oauthlib', 'requests', 'requests-oauthlib']],
    ['slack-sdk', []],
    ['apscheduler', ['tzlocal']],
    ['croniter', ['python-dateutil']],
    ['dateparser', ['python-dateutil', 'pytz', 'regex', 'tzlocal']],
    ['pendulum', ['python-dateutil', 'tzdata']],
    ['yfinance', ['beautifulsoup4', 'frozendict', 'multitasking', 'numpy', 'pandas', 'peewee', 'platformdirs', 'pytz', 'requests']],
    ['moviepy', ['decorator', 'imageio', 'imageio-ffmpeg', 'numpy', 'pillow', 'proglog', 'python-dotenv']],
    ['thefuzz', ['rapidfuzz']],
    ['levenshtein', ['rapidfuzz']],
    ['python-levenshtein', ['levenshtein']],
    ['limits', ['deprecated', 'packaging', 'typing-extensions']],
  ] },
];
export const WELL_KNOWN_REQUIRES = sourced(WELL_KNOWN_REQUIRES_GROUPS);

/**
 * What an extra adds on top of the base distribution's WELL_KNOWN_REQUIRES, flattened through
 * nested extras (`fastapi[standard]` pulls `uvicorn[standard]`, whose extras are listed too).
 * Keys are `normalised-name[extra]`; requirement names are PEP 503-normalised. Platform-markered
 * members that hold on Linux (uvloop: not Windows) are kept; Windows-only ones (colorama) are not.
 * Source: each project's `[project.optional-dependencies]` / `extras_require`.
 */
export const WELL_KNOWN_EXTRAS_GROUPS: readonly Sourced<readonly [distributionWithExtra: string, requires: readonly string[]]>[] = [
  { source: 'What an extra adds on top of the base distribution\'s WELL_KNOWN_REQUIRES, flattened through nested extras (`fastapi[standard]` pulls `uvicorn[standard]`, whose extras are listed too). Keys are `normalised-name[extra]`; requirement names are PEP 503-normalised. Platform-markered members that hold on Linux (uvloop: not Windows) are kept; Windows-only ones (colorama) are not. Source: each project\'s `[project.optional-dependencies]` / `extras_require`.', entries: [
    ['uvicorn[standard]', ['httptools', 'python-dotenv', 'pyyaml', 'uvloop', 'watchfiles', 'websockets']],
    ['fastapi[standard]', ['email-validator', 'fastapi-cli', 'httptools', 'httpx', 'jinja2', 'python-dotenv', 'python-multipart', 'pyyaml', 'uvicorn', 'uvloop', 'watchfiles', 'websockets']],
    // fastapi's `all` extra (the tiangolo/uvicorn-gunicorn-fastapi images install fastapi[all]), uvicorn[standard] flattened.
    ['fastapi[all]', ['email-validator', 'fastapi-cli', 'httptools', 'httpx', 'itsdangerous', 'jinja2', 'orjson', 'pydantic-extra-types', 'pydantic-settings', 'python-dotenv', 'python-multipart', 'pyyaml', 'ujson', 'uvicorn', 'uvloop', 'watchfiles', 'websockets']],
    ['celery[redis]', ['redis']],
    ['celery[msgpack]', ['msgpack']],
    ['celery[yaml]', ['pyyaml']],
    ['kombu[redis]', ['redis']],
    ['passlib[bcrypt]', ['bcrypt']],
    ['passlib[argon2]', ['argon2-cffi']],
    ['python-jose[cryptography]', ['cryptography']],
    ['pyjwt[crypto]', ['cryptography']],
    ['pydantic[email]', ['email-validator']],
    ['requests[socks]', ['pysocks']],
    ['httpx[http2]', ['h2']],
    ['httpx[socks]', ['socksio']],
    ['sqlalchemy[asyncio]', ['greenlet']],
    ['sqlalchemy[postgresql]', ['psycopg2']],
    ['sqlalchemy[postgresql-asyncpg]', ['asyncpg', 'greenlet']],
    ['sqlalchemy[pymysql]', ['pymysql']],
    ['psycopg[binary]', ['psycopg-binary']],
    ['psycopg[pool]', ['psycopg-pool']],
    ['psycopg[c]', ['psycopg-c']],
    ['redis[hiredis]', ['hiredis']],
    ['django[argon2]', ['argon2-cffi']],
    ['django[bcrypt]', ['bcrypt']],
    ['channels[daphne]', ['daphne']],
    ['gunicorn[gevent]', ['gevent']],
    ['gunicorn[eventlet]', ['eventlet']],
    ['aiohttp[speedups]', ['aiodns', 'brotli']],
    ['dramatiq[redis]', ['redis']],
    ['dramatiq[rabbitmq]', ['pika']],
    ['elasticsearch[async]', ['aiohttp']],
    ['boto3[crt]', ['awscrt']],
    ['google-cloud-bigquery[pandas]', ['db-dtypes', 'pandas', 'pyarrow']],
    ['pandas[excel]', ['odfpy', 'openpyxl', 'python-calamine', 'pyxlsb', 'xlrd', 'xlsxwriter']],
    ['pandas[parquet]', ['pyarrow']],
    ['dask[dataframe]', ['numpy', 'pandas', 'pyarrow']],
    ['dask[distributed]', ['distributed']],
    ['transformers[torch]', ['accelerate', 'torch']],
    ['transformers[sentencepiece]', ['protobuf', 'sentencepiece']],
    ['jax[cpu]', ['jaxlib']],
    ['qrcode[pil]', ['pillow']],
    ['sentry-sdk[fastapi]', ['fastapi']],
    ['sentry-sdk[flask]', ['blinker', 'flask', 'markupsafe']],
    ['langchain[openai]', ['langchain-openai']],
  ] },
];
export const WELL_KNOWN_EXTRAS = sourced(WELL_KNOWN_EXTRAS_GROUPS);

/**
 * Version-ranged Requires-Dist for PIN002, offline: [distribution, the releases it holds for,
 * [dependency, specifier]]. Only entries copied from the published metadata of every release in
 * the range; everything else needs `--python-env`, a lockfile or `--index-url`.
 */
export const WELL_KNOWN_REQUIRES_DIST_GROUPS: readonly Sourced<readonly [distribution: string, releases: string, requires: ReadonlyArray<readonly [string, string]>]>[] = [
  { source: 'httpx 0.27.0–0.28.1 pyproject.toml [project] dependencies: "httpcore==1.*".', entries: [
    ['httpx', '>=0.27,<0.29', [['httpcore', '==1.*']]],
  ] },
  { source: 'httpcore 1.0.0–1.0.7 pyproject.toml: "h11>=0.13,<0.15" (1.0.9 moved to h11>=0.16).', entries: [
    ['httpcore', '>=1.0,<=1.0.7', [['h11', '>=0.13,<0.15']]],
  ] },
  { source: 'requests 2.31.0–2.32.3 setup.py install_requires.', entries: [
    ['requests', '>=2.31,<2.33', [['charset-normalizer', '>=2,<4'], ['idna', '>=2.5,<4'], ['urllib3', '>=1.21.1,<3'], ['certifi', '>=2017.4.17']]],
  ] },
  { source: 'Flask 3.0.x pyproject.toml: "Werkzeug>=3.0.0".', entries: [
    ['flask', '>=3.0,<3.1', [['werkzeug', '>=3.0.0']]],
  ] },
];
export const WELL_KNOWN_REQUIRES_DIST = sourced(WELL_KNOWN_REQUIRES_DIST_GROUPS);

/**
 * Dependencies of older releases that the current ones dropped (WELL_KNOWN_REQUIRES lists the
 * current major): [distribution, the releases that require them, dependencies]. Applied when the
 * image pins the distribution to a release in the range, so `import chardet` under
 * `requests==2.25.1` is transitive, not missing.
 */
export const WELL_KNOWN_REQUIRES_OLDER_GROUPS: readonly Sourced<readonly [distribution: string, releases: string, requires: readonly string[]]>[] = [
  { source: 'requests setup.py install_requires, read at git tags: v2.15.1 has none (chardet, idna, urllib3 vendored), v2.16.0 "chardet>=3.0.2,<3.1.0" (the first release that unvendored it), v2.25.1 "chardet>=3.0.2,<5", v2.26.0 chardet only for Python < 3 (charset_normalizer on Python 3).', entries: [
    ['requests', '>=2.16,<2.26', ['chardet']],
  ] },
  { source: 'uvicorn CHANGELOG.md 0.18.0 (2022-06-22), Removed: "Remove asgiref dependency (#1532)"; setup.py of 0.14.0–0.17.x install_requires "asgiref>=3.4.0".', entries: [
    ['uvicorn', '>=0.14,<0.18', ['asgiref']],
  ] },
  { source: 'celery requirements/default.txt, read at git tags: "pytz>dev" at v3.1.0, v4.0.0, v5.0.0, v5.1.0, "pytz>=2021.3" at v5.2.7 and v5.3.0b2; gone at v5.3.0rc1 and v5.3.0 (tzdata, python-dateutil instead).', entries: [
    ['celery', '>=3.1,<5.3', ['pytz']],
  ] },
  { source: 'Babel setup.py install_requires at v2.13.0/v2.13.1: "setuptools; python_version>=\'3.12\'" (absent at v2.12.1 and v2.14.0).', entries: [
    ['babel', '>=2.13,<2.14', ['setuptools']],
  ] },
  { source: 'instana (python-sensor) dependencies read at git tags: v2.1.0–v2.6.0 setup.py/pyproject.toml autowrapt, basictracer, fysom, opentracing, protobuf, requests, six, urllib3; v3.0.0 protobuf and six (opentracing and basictracer dropped); six until v3.6.0; setuptools v3.5.0–v3.9.0.', entries: [
    ['instana', '>=2,<3', ['basictracer', 'opentracing', 'protobuf', 'six']],
    ['instana', '>=3.0,<3.1', ['protobuf', 'six']],
    ['instana', '>=3.1,<3.7', ['six']],
    ['instana', '>=3.5,<3.10', ['setuptools']],
  ] },
];
export const WELL_KNOWN_REQUIRES_OLDER = sourced(WELL_KNOWN_REQUIRES_OLDER_GROUPS);

/**
 * Meta-packages: distributions with no modules of their own, installed for the distributions they
 * require. Importing one of those is using the meta-package, not a transitive import.
 */
export const META_PACKAGES_GROUPS: readonly Sourced<readonly [distribution: string]>[] = [
  { source: 'opentelemetry-python exporter/opentelemetry-exporter-otlp/pyproject.toml: "a convenience to install all supported OpenTelemetry Collector Exporters" (requires the -proto-grpc and -proto-http exporters; ships no module of its own).', entries: [
    ['opentelemetry-exporter-otlp'],
  ] },
];
export const META_PACKAGES = sourced(META_PACKAGES_GROUPS);
