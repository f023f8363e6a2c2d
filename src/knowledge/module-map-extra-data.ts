/**
 * More curated import-name -> distribution knowledge, in addition to module-map-data.ts (same
 * lookup order and conventions; no key here is also a key there).
 *
 * Only names that the normalised-name guess gets WRONG are listed: the guess PEP 503-normalises
 * the top-level segment of the import, so `import actstream` would be guessed as a distribution
 * `actstream`, not django-activity-stream. Keys are import names: a top-level module, or a dotted
 * prefix for namespace packages (`opentelemetry._opamp`, `poetry.core`, `fluent.sender`).
 * Consumers look keys up by the longest matching dotted prefix, segment by segment. Distribution
 * names are spelled as on PyPI; compare them only after PEP 503 normalisation.
 *
 * Each entry carries `source`: where the import name is published (the project's README / docs,
 * its PyPI page, or the package directory in its sdist). For Django apps the INSTALLED_APPS /
 * MIDDLEWARE / EMAIL_BACKEND string shown in the docs is the import name. Names that several
 * unrelated live projects install with no clear canonical one, and generic names that are often
 * first-party modules (`pipeline`, `explorer`, `material`, `compose`, `marker`, …), are left out.
 */
export const MORE_MODULE_TO_DISTRIBUTION: ReadonlyArray<readonly [module: string, distribution: string, source: string]> = [
  // Import names that real repositories needed: import names from each project's README / PyPI page.
  ['traceloop', 'traceloop-sdk', 'traceloop-sdk README (`from traceloop.sdk import Traceloop`)'],
  ['openfeature', 'openfeature-sdk', 'openfeature-sdk PyPI page (`from openfeature import api`)'],
  ['opentelemetry._opamp', 'opentelemetry-opamp-client', 'opentelemetry-python-contrib opamp/opentelemetry-opamp-client package directory (src/opentelemetry/_opamp)'],
  ['geolite2', 'maxminddb-geolite2', 'maxminddb-geolite2 README (`from geolite2 import geolite2`)'],
  ['graphql', 'graphql-core', 'graphql-core README (`from graphql import graphql`)'],
  ['msoffcrypto', 'msoffcrypto-tool', 'msoffcrypto-tool README (`import msoffcrypto`)'],
  ['baipw', 'django-basic-auth-ip-whitelist', 'django-basic-auth-ip-whitelist README (MIDDLEWARE \'baipw.middleware.BasicAuthIPWhitelistMiddleware\')'],
  ['datauri', 'python-datauri', 'python-datauri README (`from datauri import DataURI`)'],
  ['distutils', 'setuptools', 'setuptools docs, "Porting from Distutils": setuptools ships its own distutils (`_distutils_hack`, SETUPTOOLS_USE_DISTUTILS=local), which `import distutils` finds on Python 3.12+ where the standard library has none (PEP 632). Consulted only where distutils is not standard library.'],
  ['office365', 'Office365-REST-Python-Client', 'Office365-REST-Python-Client README (`from office365.sharepoint.client_context import ClientContext`)'],
  ['box_sdk_gen', 'boxsdk', 'boxsdk 10.x README (`from box_sdk_gen import BoxClient`); also shipped by box-sdk-gen'],
  ['acp', 'agent-client-protocol', 'agent-client-protocol (Python SDK) README (`import acp`)'],
  ['progressbar', 'progressbar2', 'progressbar2 README (`import progressbar`)'],
  ['arroyo', 'sentry-arroyo', 'getsentry/arroyo README (`from arroyo import ...`)'],
  ['usageaccountant', 'sentry-usage-accountant', 'getsentry/sentry-usage-accountant package directory (usageaccountant)'],
  ['proto', 'proto-plus', 'proto-plus docs (`import proto`)'],
  ['ulid', 'python-ulid', 'python-ulid README (`from ulid import ULID`); ulid-py also installs `ulid`'],
  ['actstream', 'django-activity-stream', 'django-activity-stream docs (INSTALLED_APPS \'actstream\')'],
  ['watchman', 'django-watchman', 'django-watchman README (INSTALLED_APPS \'watchman\')'],
  ['timezone_field', 'django-timezone-field', 'django-timezone-field README (`from timezone_field import TimeZoneField`)'],
  ['product_details', 'django-mozilla-product-details', 'django-mozilla-product-details README (INSTALLED_APPS \'product_details\')'],
  ['wikimarkup', 'py-wikimarkup', 'py-wikimarkup README (`from wikimarkup.parser import Parser`)'],
  ['enforce_host', 'django-enforce-host', 'django-enforce-host README (MIDDLEWARE \'enforce_host.EnforceHostMiddleware\')'],
  ['rest_framework_extensions', 'drf-extensions', 'drf-extensions docs (`from rest_framework_extensions...`)'],
  ['humps', 'pyhumps', 'pyhumps README (`import humps`)'],
  ['markupfield', 'django-markupfield', 'django-markupfield README (`from markupfield.fields import MarkupField`)'],
  ['tastypie', 'django-tastypie', 'django-tastypie docs (INSTALLED_APPS \'tastypie\')'],
  ['cgi', 'legacy-cgi', 'legacy-cgi PyPI page (the `cgi` module removed from the stdlib in Python 3.13)'],
  ['cgitb', 'legacy-cgi', 'legacy-cgi PyPI page (the `cgitb` module removed from the stdlib in Python 3.13)'],

  // Django apps whose INSTALLED_APPS / import name differs from the distribution (each app's docs).
  ['social_core', 'social-auth-core', 'social-auth-core docs (`social_core.backends...`)'],
  ['modelcluster', 'django-modelcluster', 'django-modelcluster README (`from modelcluster.fields import ParentalKey`)'],
  ['cms', 'django-cms', 'django-cms docs (INSTALLED_APPS \'cms\')'],
  ['sekizai', 'django-sekizai', 'django-sekizai docs (INSTALLED_APPS \'sekizai\')'],
  ['classytags', 'django-classy-tags', 'django-classy-tags docs (`from classytags.core import Tag`)'],
  ['rosetta', 'django-rosetta', 'django-rosetta docs (INSTALLED_APPS \'rosetta\')'],
  ['parler', 'django-parler', 'django-parler docs (INSTALLED_APPS \'parler\')'],
  ['djcelery', 'django-celery', 'django-celery README (INSTALLED_APPS \'djcelery\')'],
  ['djcelery_email', 'django-celery-email', 'django-celery-email README (EMAIL_BACKEND \'djcelery_email.backends.CeleryEmailBackend\')'],
  ['sass_processor', 'django-sass-processor', 'django-sass-processor README (INSTALLED_APPS \'sass_processor\')'],
  ['static_precompiler', 'django-static-precompiler', 'django-static-precompiler docs (INSTALLED_APPS \'static_precompiler\')'],
  ['statici18n', 'django-statici18n', 'django-statici18n docs (INSTALLED_APPS \'statici18n\')'],
  ['easyaudit', 'django-easy-audit', 'django-easy-audit README (INSTALLED_APPS \'easyaudit\')'],
  ['admin_honeypot', 'django-admin-honeypot', 'django-admin-honeypot docs (INSTALLED_APPS \'admin_honeypot\')'],
  ['honeypot', 'django-honeypot', 'django-honeypot README (INSTALLED_APPS \'honeypot\')'],
  ['dal', 'django-autocomplete-light', 'django-autocomplete-light docs (INSTALLED_APPS \'dal\', \'dal_select2\')'],
  ['dal_select2', 'django-autocomplete-light', 'django-autocomplete-light docs (INSTALLED_APPS \'dal_select2\')'],
  ['ajax_select', 'django-ajax-selects', 'django-ajax-selects docs (INSTALLED_APPS \'ajax_select\')'],
  ['smart_selects', 'django-smart-selects', 'django-smart-selects docs (INSTALLED_APPS \'smart_selects\')'],
  ['bootstrap_modal_forms', 'django-bootstrap-modal-forms', 'django-bootstrap-modal-forms README (INSTALLED_APPS \'bootstrap_modal_forms\')'],
  ['bootstrap_datepicker_plus', 'django-bootstrap-datepicker-plus', 'django-bootstrap-datepicker-plus docs (INSTALLED_APPS \'bootstrap_datepicker_plus\')'],
  ['tailwind', 'django-tailwind', 'django-tailwind docs (INSTALLED_APPS \'tailwind\')'],
  ['render_block', 'django-render-block', 'django-render-block README (`from render_block import render_block_to_string`)'],
  ['ordered_model', 'django-ordered-model', 'django-ordered-model README (INSTALLED_APPS \'ordered_model\')'],
  ['adminsortable', 'django-admin-sortable', 'django-admin-sortable README (INSTALLED_APPS \'adminsortable\')'],
  ['adminsortable2', 'django-admin-sortable2', 'django-admin-sortable2 docs (INSTALLED_APPS \'adminsortable2\')'],
  ['sortedm2m', 'django-sortedm2m', 'django-sortedm2m README (INSTALLED_APPS \'sortedm2m\')'],
  ['autoslug', 'django-autoslug', 'django-autoslug docs (`from autoslug import AutoSlugField`)'],
  ['hashid_field', 'django-hashid-field', 'django-hashid-field README (`from hashid_field import HashidAutoField`)'],
  ['rest_framework_swagger', 'django-rest-swagger', 'django-rest-swagger docs (INSTALLED_APPS \'rest_framework_swagger\')'],
  ['rest_framework_tracking', 'drf-api-tracking', 'drf-api-tracking README (INSTALLED_APPS \'rest_framework_tracking\')'],
  ['rest_framework_filters', 'djangorestframework-filters', 'djangorestframework-filters README (`import rest_framework_filters as filters`)'],
  ['rest_framework_mongoengine', 'django-rest-framework-mongoengine', 'django-rest-framework-mongoengine README (INSTALLED_APPS \'rest_framework_mongoengine\')'],
  ['rest_framework_json_api', 'djangorestframework-jsonapi', 'djangorestframework-jsonapi docs (`rest_framework_json_api.parsers.JSONParser`)'],
  ['rest_registration', 'django-rest-registration', 'django-rest-registration docs (INSTALLED_APPS \'rest_registration\')'],
  ['viewflow', 'django-viewflow', 'django-viewflow docs (INSTALLED_APPS \'viewflow\')'],
  ['lockdown', 'django-lockdown', 'django-lockdown README (INSTALLED_APPS \'lockdown\')'],
  ['oidc_provider', 'django-oidc-provider', 'django-oidc-provider docs (INSTALLED_APPS \'oidc_provider\')'],
  ['djstripe', 'dj-stripe', 'dj-stripe docs (INSTALLED_APPS \'djstripe\')'],
  ['user_sessions', 'django-user-sessions', 'django-user-sessions docs (INSTALLED_APPS \'user_sessions\')'],
  ['rolepermissions', 'django-role-permissions', 'django-role-permissions docs (INSTALLED_APPS \'rolepermissions\')'],
  ['registration', 'django-registration', 'django-registration docs (INSTALLED_APPS / `registration.backends`); django-registration-redux also installs `registration`'],
  ['qr_code', 'django-qr-code', 'django-qr-code README (INSTALLED_APPS \'qr_code\')'],
  ['easy_pdf', 'django-easy-pdf', 'django-easy-pdf docs (INSTALLED_APPS \'easy_pdf\')'],
  ['templated_email', 'django-templated-email', 'django-templated-email README (`from templated_email import send_templated_mail`)'],
  ['sendgrid_backend', 'django-sendgrid-v5', 'django-sendgrid-v5 README (EMAIL_BACKEND \'sendgrid_backend.SendgridBackend\')'],
  ['push_notifications', 'django-push-notifications', 'django-push-notifications README (INSTALLED_APPS \'push_notifications\')'],
  ['webpush', 'django-webpush', 'django-webpush README (INSTALLED_APPS \'webpush\')'],
  ['pwa', 'django-pwa', 'django-pwa README (INSTALLED_APPS \'pwa\')'],
  ['background_task', 'django-background-tasks', 'django-background-tasks docs (INSTALLED_APPS \'background_task\')'],
  ['dynamic_preferences', 'django-dynamic-preferences', 'django-dynamic-preferences docs (INSTALLED_APPS \'dynamic_preferences\')'],
  ['ipware', 'django-ipware', 'django-ipware README (`from ipware import get_client_ip`)'],
  ['crum', 'django-crum', 'django-crum docs (MIDDLEWARE \'crum.CurrentRequestUserMiddleware\')'],
  ['log_request_id', 'django-log-request-id', 'django-log-request-id README (MIDDLEWARE \'log_request_id.middleware.RequestIDMiddleware\')'],
  ['request_logging', 'django-request-logging', 'django-request-logging README (MIDDLEWARE \'request_logging.middleware.LoggingMiddleware\')'],
  ['querycount', 'django-querycount', 'django-querycount README (MIDDLEWARE \'querycount.middleware.QueryCountMiddleware\')'],
  ['redis_cache', 'django-redis-cache', 'django-redis-cache docs (BACKEND \'redis_cache.RedisCache\')'],
  ['cache_memoize', 'django-cache-memoize', 'django-cache-memoize README (`from cache_memoize import cache_memoize`)'],
  ['sendfile', 'django-sendfile', 'django-sendfile README (`from sendfile import sendfile`)'],
  ['sitetree', 'django-sitetree', 'django-sitetree docs (INSTALLED_APPS \'sitetree\')'],
  ['tree_queries', 'django-tree-queries', 'django-tree-queries README (INSTALLED_APPS \'tree_queries\')'],
  ['treenode', 'django-treenode', 'django-treenode README (INSTALLED_APPS \'treenode\')'],
  ['annoying', 'django-annoying', 'django-annoying README (`from annoying.decorators import render_to`)'],
  ['dirtyfields', 'django-dirtyfields', 'django-dirtyfields docs (`from dirtyfields import DirtyFieldsMixin`)'],
  ['safedelete', 'django-safedelete', 'django-safedelete docs (INSTALLED_APPS \'safedelete\')'],
  ['picklefield', 'django-picklefield', 'django-picklefield README (`from picklefield.fields import PickledObjectField`)'],
  ['encrypted_model_fields', 'django-encrypted-model-fields', 'django-encrypted-model-fields README (INSTALLED_APPS \'encrypted_model_fields\')'],
  ['cookie_consent', 'django-cookie-consent', 'django-cookie-consent docs (INSTALLED_APPS \'cookie_consent\')'],
  ['el_pagination', 'django-el-pagination', 'django-el-pagination docs (INSTALLED_APPS \'el_pagination\')'],
  ['pure_pagination', 'django-pure-pagination', 'django-pure-pagination README (INSTALLED_APPS \'pure_pagination\')'],
  ['django_comments', 'django-contrib-comments', 'django-contrib-comments docs (INSTALLED_APPS \'django_comments\')'],
  ['filebrowser', 'django-filebrowser', 'django-filebrowser docs (INSTALLED_APPS \'filebrowser\'); django-filebrowser-no-grappelli also installs `filebrowser`'],
  ['nested_inline', 'django-nested-inline', 'django-nested-inline README (INSTALLED_APPS \'nested_inline\')'],
  ['admin_auto_filters', 'django-admin-autocomplete-filter', 'django-admin-autocomplete-filter README (INSTALLED_APPS \'admin_auto_filters\')'],
  ['more_admin_filters', 'django-more-admin-filters', 'django-more-admin-filters README (INSTALLED_APPS \'more_admin_filters\')'],
  ['advanced_filters', 'django-advanced-filters', 'django-advanced-filters README (INSTALLED_APPS \'advanced_filters\')'],
  ['admin_tools', 'django-admin-tools', 'django-admin-tools docs (INSTALLED_APPS \'admin_tools\')'],
  ['admin_reorder', 'django-modeladmin-reorder', 'django-modeladmin-reorder README (INSTALLED_APPS \'admin_reorder\')'],
  ['graphql_jwt', 'django-graphql-jwt', 'django-graphql-jwt docs (`graphql_jwt.middleware.JSONWebTokenMiddleware`)'],
  ['graphql_auth', 'django-graphql-auth', 'django-graphql-auth docs (INSTALLED_APPS \'graphql_auth\')'],
  ['strawberry_django', 'strawberry-graphql-django', 'strawberry-graphql-django docs (`import strawberry_django`)'],
  ['channels_graphql_ws', 'django-channels-graphql-ws', 'django-channels-graphql-ws README (`import channels_graphql_ws`)'],

  // Flask / FastAPI / ASGI-WSGI ecosystem.
  ['fastapi_cache', 'fastapi-cache2', 'fastapi-cache2 README (`from fastapi_cache import FastAPICache`)'],
  ['yoyo', 'yoyo-migrations', 'yoyo-migrations docs (`from yoyo import read_migrations`)'],

  // Observability, feature flags and SaaS SDKs: each SDK's README.
  ['opencensus.ext.azure', 'opencensus-ext-azure', 'opencensus-ext-azure README (`from opencensus.ext.azure.log_exporter import AzureLogHandler`)'],
  ['logging_loki', 'python-logging-loki', 'python-logging-loki README (`import logging_loki`)'],
  ['splunklib', 'splunk-sdk', 'splunk-sdk-python README (`import splunklib.client`)'],
  ['ldclient', 'launchdarkly-server-sdk', 'launchdarkly-server-sdk README (`import ldclient`)'],
  ['splitio', 'splitio-client', 'splitio-client README (`from splitio import get_factory`)'],
  ['configcatclient', 'configcat-client', 'configcat-client README (`import configcatclient`)'],
  ['auth0', 'auth0-python', 'auth0-python README (`from auth0.authentication import GetToken`)'],
  ['tavily', 'tavily-python', 'tavily-python README (`from tavily import TavilyClient`)'],
  ['firecrawl', 'firecrawl-py', 'firecrawl-py README (`from firecrawl import FirecrawlApp`)'],
  ['twocaptcha', '2captcha-python', '2captcha-python README (`from twocaptcha import TwoCaptcha`)'],
  ['pushbullet', 'pushbullet.py', 'pushbullet.py README (`from pushbullet import Pushbullet`)'],
  ['nio', 'matrix-nio', 'matrix-nio README (`from nio import AsyncClient`)'],
  ['mastodon', 'Mastodon.py', 'Mastodon.py docs (`from mastodon import Mastodon`)'],
  ['github3', 'github3.py', 'github3.py docs (`import github3`)'],
  ['redminelib', 'python-redmine', 'python-redmine docs (`from redminelib import Redmine`)'],
  ['ibm_boto3', 'ibm-cos-sdk', 'ibm-cos-sdk README (`import ibm_boto3`)'],
  ['ibm_botocore', 'ibm-cos-sdk-core', 'ibm-cos-sdk-core package directory (ibm_botocore)'],
  ['ibm_db_dbi', 'ibm-db', 'ibm-db package contents (ibm_db_dbi.py ships with ibm_db)'],
  ['speedtest', 'speedtest-cli', 'speedtest-cli README (`import speedtest`)'],
  ['stdnum', 'python-stdnum', 'python-stdnum docs (`from stdnum import iban`)'],

  // Build backends, testing and libraries.
  ['poetry.core', 'poetry-core', 'poetry-core package directory (src/poetry/core)'],
  ['pdm.backend', 'pdm-backend', 'pdm-backend package directory (src/pdm/backend)'],
  ['mesonpy', 'meson-python', 'meson-python docs (build-backend \'mesonpy\')'],
  ['skbuild', 'scikit-build', 'scikit-build docs (`from skbuild import setup`)'],
  ['hamcrest', 'PyHamcrest', 'PyHamcrest README (`from hamcrest import assert_that`)'],
  ['xdist', 'pytest-xdist', 'pytest-xdist package directory (src/xdist)'],
  ['cattr', 'cattrs', 'cattrs package directory (ships both `cattrs` and the legacy `cattr`)'],
  ['lru', 'lru-dict', 'lru-dict README (`from lru import LRU`)'],
  ['simdjson', 'pysimdjson', 'pysimdjson README (`import simdjson`)'],
  ['capnp', 'pycapnp', 'pycapnp docs (`import capnp`)'],
  ['jks', 'pyjks', 'pyjks README (`import jks`)'],
  ['tlslite', 'tlslite-ng', 'tlslite-ng README (`from tlslite import ...`); the original tlslite also installs it'],
  ['cups', 'pycups', 'pycups README (`import cups`)'],
  ['escpos', 'python-escpos', 'python-escpos docs (`from escpos.printer import Usb`)'],
  ['shapefile', 'pyshp', 'pyshp README (`import shapefile`)'],
  ['openslide', 'openslide-python', 'openslide-python docs (`import openslide`)'],
  ['seleniumwire', 'selenium-wire', 'selenium-wire README (`from seleniumwire import webdriver`)'],

  // Data / ML: each project's README / docs.
  ['ibis', 'ibis-framework', 'ibis-framework docs (`import ibis`)'],
  ['janitor', 'pyjanitor', 'pyjanitor README (`import janitor`)'],
  ['nasdaqdatalink', 'Nasdaq-Data-Link', 'Nasdaq-Data-Link README (`import nasdaqdatalink`)'],
  ['scikitplot', 'scikit-plot', 'scikit-plot README (`import scikitplot as skplt`)'],
  ['autosklearn', 'auto-sklearn', 'auto-sklearn docs (`import autosklearn.classification`)'],
  ['bayes_opt', 'bayesian-optimization', 'bayesian-optimization README (`from bayes_opt import BayesianOptimization`)'],
  ['ax', 'ax-platform', 'ax-platform docs (`from ax.service.ax_client import AxClient`)'],
  ['pyro', 'pyro-ppl', 'pyro-ppl README (`import pyro`)'],
  ['stan', 'pystan', 'pystan 3 docs (`import stan`)'],
  ['sksurv', 'scikit-survival', 'scikit-survival docs (`from sksurv.linear_model import CoxPHSurvivalAnalysis`)'],
  ['skbio', 'scikit-bio', 'scikit-bio docs (`import skbio`)'],
  ['hummingbird', 'hummingbird-ml', 'hummingbird-ml README (`from hummingbird.ml import convert`)'],
  ['awq', 'autoawq', 'AutoAWQ README (`from awq import AutoAWQForCausalLM`)'],
  ['doctr', 'python-doctr', 'python-doctr README (`from doctr.models import ocr_predictor`)'],
  ['imwatermark', 'invisible-watermark', 'invisible-watermark README (`from imwatermark import WatermarkEncoder`)'],
  ['mmseg', 'mmsegmentation', 'mmsegmentation package directory (mmseg)'],
  ['pl_bolts', 'lightning-bolts', 'lightning-bolts README (`from pl_bolts.models import ...`)'],

  // Namespace `fluent`: fluent-logger and Project Fluent share it.
  ['fluent.sender', 'fluent-logger', 'fluent-logger-python README (`from fluent import sender`)'],
  ['fluent.handler', 'fluent-logger', 'fluent-logger-python README (`fluent.handler.FluentHandler`)'],
  ['fluent.asyncsender', 'fluent-logger', 'fluent-logger-python README (`from fluent import asyncsender`)'],
  ['fluent.event', 'fluent-logger', 'fluent-logger-python README (`from fluent import event`)'],
  ['fluent.runtime', 'fluent.runtime', 'projectfluent/python-fluent fluent.runtime package directory'],
  ['fluent.syntax', 'fluent.syntax', 'projectfluent/python-fluent fluent.syntax package directory'],
];

/**
 * Import names that more than one distribution provides (same meaning as ALTERNATIVE_DISTRIBUTIONS
 * in module-map-data.ts): the first distribution is the canonical one (equal to the
 * MORE_MODULE_TO_DISTRIBUTION / MODULE_TO_DISTRIBUTION entry, or to the normalised-name guess);
 * any of them counts as installed.
 */
export const MORE_ALTERNATIVE_DISTRIBUTIONS: ReadonlyArray<readonly [module: string, distributions: readonly string[], source: string]> = [
  ['passlib', ['passlib', 'libpass'], 'libpass PyPI page: maintained fork of passlib that installs the same `passlib` package'],
  ['dotenv', ['python-dotenv', 'django-dotenv'], 'django-dotenv PyPI page (`import dotenv; dotenv.read_dotenv()`)'],
  ['ulid', ['python-ulid', 'ulid-py'], 'ulid-py README (`import ulid`); python-ulid README (`from ulid import ULID`)'],
  ['box_sdk_gen', ['boxsdk', 'box-sdk-gen'], 'box-sdk-gen was the generated Box SDK\'s distribution before it shipped in boxsdk 10.x'],
  ['progressbar', ['progressbar2', 'progressbar'], 'progressbar2 README: fork of the original progressbar with the same import name'],
  ['registration', ['django-registration', 'django-registration-redux'], 'django-registration-redux docs (INSTALLED_APPS \'registration\')'],
  ['filebrowser', ['django-filebrowser', 'django-filebrowser-no-grappelli'], 'django-filebrowser-no-grappelli README (same `filebrowser` app)'],
  ['tlslite', ['tlslite-ng', 'tlslite'], 'tlslite-ng README: fork of tlslite keeping the `tlslite` package'],
  ['django_q', ['django-q', 'django-q2'], 'django-q2 README: maintained fork keeping INSTALLED_APPS \'django_q\''],
  ['faust', ['faust', 'faust-streaming'], 'faust-streaming README: community fork keeping `import faust`'],
  ['pyrebase', ['Pyrebase', 'Pyrebase4'], 'Pyrebase4 README: fork keeping `import pyrebase`'],
  ['rest_framework_tracking', ['drf-api-tracking', 'drf-tracking'], 'drf-api-tracking README: fork of drf-tracking keeping the `rest_framework_tracking` app'],
];

/*
 * Left out on purpose: pyqrcode (PyQRCode installs `pyqrcode`, which the guess already gets right;
 * no alternative build could be confirmed), bootstrap5 (django-bootstrap5's app is
 * `django_bootstrap5` in current releases), lifecycle (django-lifecycle ships `django_lifecycle`),
 * captcha (django-simple-captcha / django-recaptcha 2.x / captcha), markdownify (markdownify /
 * django-markdownify), schedule (schedule / django-scheduler), meta, leaflet, menus, interactions,
 * sha3 (pysha3 / safe-pysha3), and generic names that are usually first-party modules.
 * `csp` and `ulid` are listed as ambiguous in module-map-data.ts; they are mapped here because real
 * repositories needed them (django-csp and python-ulid are the projects application code means).
 */
