import { commandSegments, programOf, stripWrappers } from '../../model/command.js';
import { envSettings, valueSpan, type EnvSetting } from '../../model/production.js';
import { commandEvidence } from '../../model/queries.js';
import type { Project, Service } from '../../model/types.js';
import { imageResolve } from '../../util/paths.js';
import { debugAssignmentLines } from '../../parsers/text-facts.js';
import { defineRule } from '../define-rule.js';
import { removeArgument, replaceSpan } from '../edits.js';
import { claimer, locateWord, type Report } from './common.js';

// Variables whose truthy value turns a framework's debug mode on.
const DEBUG_VARS = new Set(['DEBUG', 'FLASK_DEBUG', 'DJANGO_DEBUG', 'QUART_DEBUG']);
const TRUTHY: Readonly<Record<string, string>> = { '1': '0', true: 'false', True: 'False', TRUE: 'FALSE', yes: 'no', Yes: 'No', on: 'off' };
// Variables whose `development` value selects a development mode.
const MODE_VARS = new Set(['NODE_ENV', 'FLASK_ENV']);
// CLIs whose `--debug` flag is a debug mode (interactive debugger, verbose errors).
const DEBUG_CLIS = new Set(['flask', 'hypercorn', 'sanic', 'quart']);

export default defineRule({
  meta: {
    id: 'PROD002',
    name: 'debug-enabled',
    severity: 'error',
    category: 'production',
    // High (7.5), as CodeQL rates py/flask-debug: the Werkzeug debugger is a remote Python
    // console, and Django's debug pages hand out settings and source to any client.
    security: { severity: 7.5, cwe: [489, 215] },
    fix: 'sometimes',
    needs: ['runFiles'], // the settings module the service loads
    summary: 'Debug mode (DEBUG=1, FLASK_DEBUG, --debug, NODE_ENV=development, app.run(debug=True)) in production',
    docs: `## What it does
Flags debug mode in what a production service runs:
- \`DEBUG\`, \`FLASK_DEBUG\`, \`DJANGO_DEBUG\` set to \`1\`/\`true\`/\`yes\`/\`on\`, and \`NODE_ENV\` or
  \`FLASK_ENV\` set to \`development\`, in compose \`environment:\` (list or map form), in the files
  a service's \`env_file:\` names (when they are in the repository), or the final image's \`ENV\`.
  At run time \`environment:\` wins over \`env_file:\`, which wins over \`ENV\`. Compose values are interpolated with the \`.env\` file beside the compose file;
  a value that depends on a variable set nowhere in the repository is not judged. When compose
  sets the variable, its value wins over the image's \`ENV\`.
- \`--debug\` on \`flask\`, \`hypercorn\`, \`sanic\` and \`quart\` in the command the service runs.
- \`app.run(debug=True)\` (any \`.run(...)\` call) in the Python script the command starts
  (\`python app.py\`); a module imported by gunicorn/uvicorn never reaches its \`__main__\` block.
- Settings that read the variable wrongly, in the code the service runs (for Django, the module
  DJANGO_SETTINGS_MODULE names): \`DEBUG = bool(os.environ.get("DEBUG", 0))\` with \`DEBUG=0\` or
  \`DEBUG=False\` set (bool() of a non-empty string is True: an error), and
  \`DEBUG = env.bool("DEBUG", True)\` when the service sets no DEBUG (a warning: the deployment may
  set it outside the repository).

Compose override files, files named \`*dev*\`/\`*local*\`/\`*test*\`, services only started under a
development profile, and \`Dockerfile.dev\`-style files are development files and not flagged. The
production service is what the base compose file(s) describe on their own: an override file that
sets \`DEBUG=0\` does not hide a base file that sets \`DEBUG=1\`.

## Why is this bad?
Debug modes serve tracebacks with source and settings to any client (Django's yellow page, the
Werkzeug debugger gives an interactive Python console, i.e. remote code execution), disable
template and asset caching and keep every query in memory.

## Example
\`\`\`yaml
environment:
  - DEBUG=1
\`\`\`
Use instead: \`- DEBUG=0\`, or leave it unset.

## Fix safety
Flipping a variable (\`1\`→\`0\`, \`true\`→\`false\`, \`development\`→\`production\`) is unsafe: Django
with \`DEBUG=False\` refuses requests unless \`ALLOWED_HOSTS\` is set, and production mode may need
other settings. Only literal values are rewritten, never interpolated ones. Removing \`--debug\` and
turning \`debug=True\` into \`debug=False\` in the entry script are safe.

## References
- Flask documentation: Debug Mode ("Do not enable debug mode when deploying in production")
- Django documentation: settings, DEBUG ("Never deploy a site into production with DEBUG turned on")`,
  },
  check({ project, report }) {
    const claim = claimer();
    for (const service of project.services) {
      if (!service.production) continue;
      checkEnv(project, service, report, claim);
      checkFlags(project, service, report, claim);
      checkEntryScript(project, service, report, claim);
      checkSettings(project, service, report, claim);
    }
  },
});

type Claim = ReturnType<typeof claimer>;

function checkEnv(project: Project, service: Service, report: Report, claim: Claim): void {
  const effective = new Map<string, EnvSetting>();
  for (const setting of envSettings(service)) effective.set(setting.key, setting);
  for (const setting of effective.values()) {
    const value = setting.value?.trim();
    if (value === undefined) continue;
    let flipped: string | null = null;
    if (DEBUG_VARS.has(setting.key) && value in TRUTHY) flipped = TRUTHY[value] ?? null;
    else if (MODE_VARS.has(setting.key) && value === 'development') flipped = 'production';
    if (flipped === null || !claim(setting.file, setting.span)) continue;
    const where = setting.origin === 'compose' ? 'compose `environment:`' : setting.origin === 'env_file' ? 'compose `env_file:`' : 'ENV';
    const evidence = [{ file: setting.file, line: setting.line, message: `${where} sets ${setting.key}=${setting.raw ?? ''}` }];
    for (const ref of setting.dotenv) {
      if (service.composeVars.file) evidence.push({ file: service.composeVars.file, line: ref.line, message: `${ref.name} comes from .env` });
    }
    const span = setting.raw === setting.value ? valueSpan(project, setting) : null;
    const file = project.files.get(setting.file);
    report({
      file: setting.file,
      span: setting.span,
      service: service.name,
      message: `${setting.key}=${value} enables ${setting.key.endsWith('_ENV') ? 'development mode' : 'debug mode'} in production (service "${service.name}")`,
      evidence,
      fix: span && file ? { title: `Set ${setting.key}=${flipped}`, applicability: 'unsafe', edits: [replaceSpan(file, span, flipped)] } : null,
    });
  }
}

function checkFlags(project: Project, service: Service, report: Report, claim: Claim): void {
  const parts = service.command.filter((part) => !(part.origin === 'dockerfile' && project.fileRoles.isDevDockerfile(part.file)));
  const argv = parts.flatMap((part) => part.argv);
  for (const segment of commandSegments(argv)) {
    const { program, args } = programOf(stripWrappers(segment));
    if (!DEBUG_CLIS.has(program) || !args.includes('--debug')) continue;
    const at = locateWord(project, parts, '--debug');
    if (!at || !claim(at.part.file, at.span)) continue;
    const file = project.files.get(at.part.file);
    report({
      file: at.part.file,
      span: at.span,
      service: service.name,
      message: `${program} runs with --debug in production (service "${service.name}")`,
      evidence: [commandEvidence(service, at.part)],
      fix: file ? { title: 'Remove --debug', applicability: 'safe', edits: [removeArgument(file, at.span)] } : null,
    });
  }
}

function checkEntryScript(project: Project, service: Service, report: Report, claim: Claim): void {
  const entry = service.entry;
  if (!entry || entry.runner !== 'python' || !entry.script || !service.final) return;
  const script = service.final.fs.file(imageResolve(service.cwd, entry.script));
  if (!script) return;
  const model = project.python.get(script.repoPath);
  const file = project.files.get(script.repoPath);
  for (const call of model?.keywordCalls ?? []) {
    if (call.keyword !== 'debug' || !/^(True|1)$/.test(call.value) || !/(^|\.)run$/.test(call.callee)) continue;
    if (!claim(script.repoPath, call.span)) continue;
    const valueAt = call.span.end - call.value.length;
    const fixable = file && file.text.slice(valueAt, call.span.end) === call.value;
    const part = service.command[service.command.length - 1];
    report({
      file: script.repoPath,
      span: call.span,
      service: service.name,
      message: `${call.callee}(debug=${call.value}) runs the app in debug mode in production (service "${service.name}")`,
      evidence: part ? [commandEvidence(service, part)] : [],
      fix: fixable && file ? { title: 'Set debug=False', applicability: 'safe', edits: [replaceSpan(file, { start: valueAt, end: call.span.end }, 'False')] } : null,
    });
  }
}

// `DEBUG = bool(os.environ.get("DEBUG", 0))`: any non-empty value, "0" and "False" included, is True.
const BOOL_OF_ENV = /^DEBUG\s*=\s*bool\(\s*(?:os\.)?(?:environ\.get|getenv)\(\s*["']([A-Za-z_][A-Za-z0-9_]*)["']\s*(?:,\s*([^()]*?))?\s*\)\s*\)/;
// `DEBUG = env.bool("DEBUG", True)` (django-environ, environs): the default holds when the variable is unset.
const ENV_BOOL = /^DEBUG\s*=\s*[A-Za-z_][A-Za-z0-9_]*\.bool\(\s*["']([A-Za-z_][A-Za-z0-9_]*)["']\s*,\s*(?:default\s*=\s*)?(True|False|1|0)\s*\)/;
const SETTINGS_DEFAULT = /os\.environ\.setdefault\(\s*["']DJANGO_SETTINGS_MODULE["']\s*,\s*["']([\w.]+)["']\s*\)/;

/**
 * The settings module the service reads DEBUG from: every file of the import closure when the
 * entry is followed; for Django (loaded by string) the module DJANGO_SETTINGS_MODULE names (the
 * service's environment, else the default manage.py/wsgi.py/asgi.py set, when they agree).
 */
function settingsFiles(project: Project, service: Service, env: ReadonlyMap<string, EnvSetting>): string[] {
  if (service.runFilesFrom === 'entry') return service.runFiles.map((f) => f.repoPath);
  let module = env.get('DJANGO_SETTINGS_MODULE')?.value ?? null;
  if (module === null && !env.has('DJANGO_SETTINGS_MODULE')) {
    const defaults = new Set<string>();
    for (const run of service.runFiles) {
      if (!/(^|\/)(manage|wsgi|asgi)\.py$/.test(run.repoPath)) continue;
      const found = SETTINGS_DEFAULT.exec(project.files.get(run.repoPath)?.text ?? '');
      if (found?.[1]) defaults.add(found[1]);
    }
    module = defaults.size === 1 ? ([...defaults][0] ?? null) : null;
  }
  if (module === null || !/^[\w.]+$/.test(module)) return [];
  const tail = `${module.replace(/\./g, '/')}.py`;
  const hits = service.runFiles.map((f) => f.repoPath).filter((p) => p === tail || p.endsWith(`/${tail}`));
  return hits.length === 1 ? hits : [];
}

/**
 * Settings that turn debug on although the environment looks off: `bool(os.environ.get("DEBUG"))`
 * with DEBUG set to "0" or "False" (a non-empty string is True), and `env.bool("DEBUG", True)`
 * when the service sets no DEBUG (a warning: the deployment may set it outside the repository).
 */
function checkSettings(project: Project, service: Service, report: Report, claim: Claim): void {
  const env = new Map<string, EnvSetting>();
  for (const setting of envSettings(service)) env.set(setting.key, setting);
  for (const path of settingsFiles(project, service, env)) {
    const file = project.files.get(path);
    if (!file) continue;
    for (const { start, text: line } of project.python.get(path)?.debugLines ?? debugAssignmentLines(file.text)) {
      const boolOf = BOOL_OF_ENV.exec(line);
      const envBool = boolOf ? null : ENV_BOOL.exec(line);
      const name = boolOf?.[1] ?? envBool?.[1];
      if (!name) continue;
      const setting = env.get(name);
      const span = { start, end: start + line.trimEnd().length };
      if (boolOf && setting && setting.value !== null && setting.value !== '' && !(setting.value in TRUTHY)) {
        if (!claim(path, span)) continue;
        report({
          file: path,
          span,
          service: service.name,
          message: `DEBUG is True in production (service "${service.name}"): ${name}=${setting.value} is a non-empty string, and bool() of any non-empty string is True`,
          evidence: [{ file: setting.file, line: setting.line, message: `sets ${name}=${setting.raw ?? setting.value}` }, ...commandOf(service)],
        });
      } else if (envBool && /^(True|1)$/.test(envBool[2] ?? '') && !setting) {
        if (!claim(path, span)) continue;
        report({
          file: path,
          span,
          severity: 'warning',
          service: service.name,
          message: `DEBUG defaults to True and service "${service.name}" sets no ${name}: debug mode is on in production unless the deployment sets ${name} outside the repository`,
          evidence: commandOf(service),
        });
      }
    }
  }
}

function commandOf(service: Service): { file: string; line: number; message: string }[] {
  const part = service.command[service.command.length - 1];
  return part ? [commandEvidence(service, part)] : [];
}
