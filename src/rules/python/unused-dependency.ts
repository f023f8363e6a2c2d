import type { Evidence, Fix } from '../../findings/types.js';
import { binariesOf, hasBundledRequires, nameStems, normalizeName } from '../../model/module-map.js';
import { dependencyGaps } from '../../model/facts.js';
import { compiledFacts } from '../../model/compiled.js';
import { transitiveOf } from '../../model/queries.js';
import { isDevRequirementsName } from '../../model/python-projects.js';
import { isNeededByAnother } from '../../parsers/requirements-annotations.js';
import type { InstalledRequirement, Project, Service } from '../../model/types.js';
import { LOADED_BY, NEVER_UNUSED, PLUGIN_PREFIXES, PLUGIN_SUFFIXES } from '../../knowledge/usage-data.js';
import type { Requirement } from '../../parsers/types.js';
import { basename, repoDirname, repoJoin } from '../../util/paths.js';
import { defineRule } from '../define-rule.js';
import { replaceSpan } from '../edits.js';
import { usageOf } from './usage.js';

export default defineRule({
  meta: {
    id: 'DEP002',
    name: 'unused-dependency',
    severity: 'warning',
    category: 'correctness',
    fix: 'sometimes',
    summary: 'Installed or declared distribution that nothing imports, runs or loads',
    configShorthand: 'allowUnused',
    docs: `## What it does
For every requirement a production image installs (or, without Docker, every runtime dependency a
project declares: its dependencies, extras and runtime groups, from \`pyproject.toml\`, setup files
and requirements files; development tables are not checked), checks that something uses it: an import
in any Python file of the image, the program its command, Dockerfile or the shell script its
command runs starts (\`uvicorn\`, \`alembic\`, \`celery\`; \`ENTRYPOINT ["/entrypoint.sh"]\` is read),
a string that names it (\`INSTALLED_APPS = ["corsheaders"]\`,
\`"postgresql+psycopg2://"\`), or a distribution known to load it at runtime (a database driver under
SQLAlchemy or Django, \`uvloop\` under uvicorn, \`python-multipart\` under FastAPI, pandas' file
engines). A requirement shared by several images counts as used when any of them uses it.

Not reported: lines a compiler pinned for another distribution (pip-compile and uv write
\`# via starlette\` under them; lines \`# via -r requirements.in\` are direct and are checked, and so
are lines \`# via myproject\` naming only the repository's own project when the image does not
install it, as \`uv export --no-emit-project\` writes its direct dependencies), pins
of well-known dependencies of other installed distributions (lock files),
type stubs (\`types-*\`, \`*-stubs\`) and plugins (\`pytest-*\`, \`flake8-*\`, ...), build and
installer tools (pip, setuptools, wheel, ...), data packages (tzdata, certifi), and files named for
development (\`requirements-dev.txt\`, \`*test*\`, \`*lint*\`, \`*doc*\`).

Information only, without a fix, when every image that installs the line also runs an install step
driftcheck could not read (\`RUN venv/bin/opentelemetry-bootstrap -a install\`, a script it cannot
see): a package that step installs may need it, so "unused" is not proven.

In project mode, a declaration nothing imports that another declared distribution depends on (or
a line of a compiled file named as the declarations, \`# via\` another) is \`info\`: it may be a pin
for that one.

Reported only on proof: when every distribution the image installs has known dependencies (a
lockfile, a compiled or hash-checked requirements file, \`--python-env\`, or the bundled table) —
otherwise a pin nothing imports may be what another package needs — and only for images that ship
Python code of their own. In a requirements file most of whose packages the service's code never
touches (a toolbox for notebooks, plugins or code pushed in later), findings are \`info\`.

## Why is this bad?
Every unused package makes the image bigger and slower to build, widens the attack surface, and
its pins constrain upgrades of what is really used.

## Example
\`requirements.txt\` lists \`numpy==1.26.4\`; no file in the image imports numpy.

Use instead: remove the line.

## Fix safety
Unsafe: the line is removed from the requirements file, but code may load the package in a way no
static reader sees (a plugin name read from the environment, \`importlib\` with a computed name).
Dependencies declared in \`pyproject.toml\` or installed inline in a Dockerfile get no fix.

## Options
\`allowUnused: [name, ...]\` in \`.driftcheck.yaml\` (or \`ignore: [{package: name, rules: [DEP002]}]\`).

## References
- deptry DEP002, FawltyDeps "unused dependencies" — extended with commands, strings and images`,
  },
  check({ project, report }) {
    const all = declarations(project);
    const unused = all.filter((d) => !isExempt(d.requirement.key) && !d.services.some((service) => isUsed(project, service, d.requirement.key)));
    // A file most of whose packages the service's code never touches is a toolbox for code that is
    // not in the image (user notebooks, agent-written scripts, plugins): a note, not a warning.
    const perFile = new Map<string, { total: number; unused: number }>();
    for (const d of all) {
      const counts = perFile.get(d.file) ?? { total: 0, unused: 0 };
      counts.total++;
      perFile.set(d.file, counts);
    }
    for (const d of unused) {
      const counts = perFile.get(d.file);
      if (counts) counts.unused++;
    }
    for (const declaration of unused) {
      const key = declaration.requirement.key;
      const counts = perFile.get(declaration.file) ?? { total: 0, unused: 0 };
      const toolbox = declaration.services.every((s) => s.kind !== 'project') && counts.total >= 4 && counts.unused * 2 > counts.total;
      // Project mode: a declaration another one depends on may be a pin for it (a freeze, a
      // compiled file named as the declarations): said, as a note.
      const neededBy = declaration.pinnedFor.length > 0 ? declaration.pinnedFor : declaration.services.some((s) => s.project !== null) ? neededByDeclared(project, declaration) : [];
      // A freeze-shaped file (every line pinned) lists a whole environment: a line nothing imports
      // may be there for another line whose dependencies driftcheck does not know.
      const unknownPeers = neededBy.length === 0 ? freezePeersWithUnknownDeps(project, declaration) : [];
      if (unknownPeers.length > 0) {
        report({
          file: declaration.file,
          span: declaration.requirement.nameSpan,
          severity: 'info',
          service: declaration.services.length === 1 && declaration.services[0]?.kind !== 'project' ? (declaration.services[0]?.name ?? null) : null,
          message: `${messageOf(declaration)} (${declaration.file} looks like a freeze of an environment: it may be pinned for ${unknownPeers.slice(0, 3).join(', ')}${unknownPeers.length > 3 ? ', …' : ''}, whose dependencies driftcheck does not know)`,
          evidence: [
            ...evidenceOf(project, declaration),
            { file: declaration.file, line: declaration.requirement.line, message: `every line of ${declaration.file} is pinned and the reverse dependencies of ${unknownPeers.length} of them are unknown, so this is a note` },
          ],
          package: key,
          fix: null,
        });
        continue;
      }
      const file = project.files.get(declaration.file);
      // An install step driftcheck could not read may bring a distribution that needs this one:
      // "unused" is then not proven, only noted, with the step that was not read.
      const unread = openInstallsOf(declaration);
      report({
        file: declaration.file,
        span: declaration.requirement.nameSpan,
        ...(toolbox || neededBy.length > 0 || unread.length > 0 ? { severity: 'info' as const } : {}),
        service: declaration.services.length === 1 && declaration.services[0]?.kind !== 'project' ? (declaration.services[0]?.name ?? null) : null,
        message: messageOf(declaration) + (neededBy.length > 0 ? ` (${neededBy.slice(0, 3).join(', ')} ${neededBy.length === 1 ? 'depends' : 'depend'} on it: a pin for ${neededBy.length === 1 ? 'it' : 'them'}?)` : ''),
        evidence: [
          ...evidenceOf(project, declaration),
          ...(toolbox ? [{ file: declaration.file, line: 1, message: `${counts.unused} of the ${counts.total} packages of ${declaration.file} are unused by the service's code: likely installed for code that is not in the image, so this is a note` }] : []),
          ...(neededBy.length > 0 ? [{ file: declaration.file, line: declaration.requirement.line, message: `declared directly, but only ${neededBy.join(', ')} need${neededBy.length === 1 ? 's' : ''} it, so this is a note` }] : []),
          ...unread.map((step) => ({ file: step.file, line: step.line, message: `${step.message}: a package it installs may need ${declaration.requirement.name}, so this is a note` })),
        ],
        package: key,
        fix: file && declaration.removable && neededBy.length === 0 && unread.length === 0 ? removal(declaration, file) : null,
      });
    }
  },
});

interface Declaration {
  readonly file: string;
  readonly requirement: Requirement;
  /** Project mode: a compiled file's line named as the declarations, pinned for these (`# via`). */
  readonly pinnedFor: readonly string[];
  readonly services: Service[];
  /** The same services as a set: thousands of services sharing one file add each pin in O(1). */
  readonly serviceSet: Set<Service>;
  /** A requirements-file line (removable), not a pyproject entry or an inline `pip install`. */
  readonly removable: boolean;
}


/** Requirement lines production images install, grouped by where they are written. */
function declarations(project: Project): Declaration[] {
  const byLocation = new Map<string, Declaration>();
  for (const service of project.services) {
    if (service.project) {
      // Project mode: every runtime declaration (dependencies, runtime extras and groups); dev
      // tables hold tools run by hand (pytest, ruff), never imported.
      for (const d of service.project.declarations) {
        if (d.role !== 'dev') add(byLocation, d.file, d.requirement, service, d.removable, d.pinnedFor);
      }
      continue;
    }
    if (!service.production) continue;
    if (service.kind !== 'project' && (!service.dockerfilePath || project.fileRoles.isDevDockerfile(service.dockerfilePath))) continue;
    // Usage is only provable when every installed distribution's dependencies are known: a pin
    // nothing imports may be what another distribution needs.
    if (service.kind !== 'project' && dependencyGaps(project, service).length > 0) continue;
    // An image that ships no Python code of its own (a toolbox for code mounted or pushed in later)
    // gives nothing to prove a package unused against.
    if (service.kind !== 'project' && service.runFiles.length === 0) continue;
    for (const installed of service.installed) {
      if (installed.constraint || isDevRequirementsName(installed.file)) continue;
      // `# via starlette` (pip-compile, uv): the compiler pinned it for another distribution.
      const compiled = compiledFacts(project, installed.file);
      if (compiled && isNeededByAnother(compiled, installed.requirement) && !onlyForAbsentProject(project, service, compiled, installed.requirement)) continue;
      const removable = project.requirements.has(installed.file);
      add(byLocation, installed.file, installed.requirement, service, removable);
    }
  }
  return [...byLocation.values()];
}

const projectNamesCache = new WeakMap<Project, ReadonlySet<string>>();

/** The names of the repository's own Python projects (every pyproject.toml read), normalised. */
function repositoryProjectNames(project: Project): ReadonlySet<string> {
  let names = projectNamesCache.get(project);
  if (!names) {
    const found = new Set<string>();
    for (const path of project.repoPaths) {
      if (basename(path) !== 'pyproject.toml') continue;
      const name = project.pyprojectAt(path)?.name;
      if (name) found.add(normalizeName(name));
    }
    names = found;
    projectNamesCache.set(project, names);
  }
  return names;
}

/**
 * `# via onyx` where onyx is the repository's own project and the image does not install it
 * (`uv export --no-emit-project` names the exported project as the reason for its direct
 * dependencies): no installed distribution needs the line, so the image's own code must use it.
 */
function onlyForAbsentProject(project: Project, service: Service, compiled: NonNullable<ReturnType<typeof compiledFacts>>, requirement: Requirement): boolean {
  const parents = compiled.via.get(requirement.line)?.parents ?? [];
  if (parents.length === 0) return false;
  const own = repositoryProjectNames(project);
  const installed = new Set([...service.installedKeys, ...transitiveOf(project, service).keys()].map((k) => normalizeName(k.replace(/\[.*\]$/, ''))));
  return parents.every((parent) => own.has(parent) && !installed.has(parent));
}

function add(map: Map<string, Declaration>, file: string, requirement: Requirement, service: Service, removable: boolean, pinnedFor: readonly string[] = []): void {
  const at = `${file}\0${requirement.span.start}`;
  const existing = map.get(at);
  if (existing) {
    if (!existing.serviceSet.has(service)) {
      existing.serviceSet.add(service);
      existing.services.push(service);
    }
    return;
  }
  map.set(at, { file, requirement, pinnedFor, services: [service], serviceSet: new Set([service]), removable });
}

/**
 * The install steps driftcheck could not read, when every image that installs the declaration has
 * one (an image whose install set is closed proves the package unused there); at most three.
 */
function openInstallsOf(declaration: Declaration): Service['unknownInstalls'] {
  const images = declaration.services.filter((s) => s.kind !== 'project');
  if (images.length === 0 || images.some((s) => s.unknownInstalls.length === 0)) return [];
  const steps = new Map(images.flatMap((s) => s.unknownInstalls).map((step) => [`${step.file}:${step.line}:${step.message}`, step]));
  return [...steps.values()].slice(0, 3);
}

function isExempt(key: string): boolean {
  return NEVER_UNUSED.has(key) || PLUGIN_PREFIXES.some((p) => key.startsWith(p)) || PLUGIN_SUFFIXES.some((s) => key.endsWith(s));
}

const LOADERS = new Map<string, string[]>();
for (const [dist, loaders] of LOADED_BY) LOADERS.set(dist, [...(LOADERS.get(dist) ?? []), ...loaders.map(normalizeName)]);

/** Used directly, or loaded by a distribution that is itself used (a driver under a used ORM). */
function isUsed(project: Project, service: Service, key: string, depth = 0): boolean {
  const facts = usageOf(project, service);
  if (facts.distributions.has(key)) return true;
  const names = project.moduleMap.importNamesOf(key);
  if (names.some((name) => facts.modules.has(name) || facts.words.has(name))) return true;
  if (binariesOf(key).some((binary) => facts.words.has(binary))) return true;
  // `openfeature-provider-flagd` under `import openfeature.contrib…`: the name says it may provide it.
  if (nameStems(key, true).some((name) => facts.modules.has(name))) return true;
  // A pin of something another installed distribution depends on: a lock file, not a choice. In
  // project mode every declaration is a choice (reported as a note when another one needs it).
  if (!service.project && transitiveOf(project, service).has(key)) return true;
  if (depth >= 3) return false;
  return (LOADERS.get(key) ?? []).some((loader) => service.installedKeys.has(loader) && isUsed(project, service, loader, depth + 1));
}

/** Declared distributions of the declaration's projects that depend on it (bundled table, lockfiles, locks). */
function neededByDeclared(project: Project, declaration: Declaration): string[] {
  const out = new Set<string>();
  for (const service of declaration.services) {
    const via = transitiveOf(project, service).get(declaration.requirement.key);
    if (via && via !== declaration.requirement.key) out.add(via);
  }
  return [...out].sort();
}

function messageOf(declaration: Declaration): string {
  const name = `"${declaration.requirement.name}"`;
  const images = declaration.services.filter((s) => s.kind !== 'project').map((s) => `"${s.name}"`);
  if (images.length === 0) return `${name} is declared as a dependency but nothing imports or runs it`;
  const whose = images.length === 1 ? `the image of service ${images[0]}` : `the images of services ${images.join(', ')}`;
  return `${name} is installed in ${whose} but nothing in ${images.length === 1 ? 'it' : 'them'} imports, runs or loads it`;
}

function evidenceOf(project: Project, declaration: Declaration): Evidence[] {
  const out: Evidence[] = [];
  const names = project.moduleMap.importNamesOf(declaration.requirement.key)[0] ?? declaration.requirement.key;
  for (const service of declaration.services.slice(0, 3)) {
    const facts = usageOf(project, service);
    const via = installedOf(service, declaration.requirement).find((i) => i.file === declaration.file)?.via;
    if (service.kind !== 'project' && via) out.push({ file: via.file, line: via.line, message: `image of service "${service.name}" installs ${declaration.file}` });
    const where = service.kind === 'project' ? 'in the repository' : `of service "${service.name}" (its image and the first-party code it imports)`;
    out.push({ file: declaration.file, line: declaration.requirement.line, message: `no import of ${names} in the ${facts.pythonFiles} Python file(s) ${where}, and no command runs it` });
  }
  // A file read through `-r` declares for the runtime file that includes it: say which one.
  const runtimeFiles = new Set(declaration.services.flatMap((s) => (s.project?.declarations ?? []).filter((d) => d.role !== 'dev').map((d) => d.file)));
  if (runtimeFiles.size > 0) out.push(...includedBy(project, declaration.file, runtimeFiles));
  return out;
}

function includedBy(project: Project, file: string, includers: ReadonlySet<string>): Evidence[] {
  const out: Evidence[] = [];
  for (const [path, model] of project.requirements) {
    if (!includers.has(path)) continue;
    for (const include of model.includes) {
      if (include.kind === 'requirement' && repoJoin(repoDirname(path), include.path) === file) out.push({ file: path, line: include.line, message: `includes ${file} (-r ${include.path})` });
    }
  }
  return out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
}

const installedIndex = new WeakMap<Service, Map<Requirement, InstalledRequirement[]>>();

/** A service's installs of one requirement line, in install order: indexed once per service, not scanned per pin. */
function installedOf(service: Service, requirement: Requirement): readonly InstalledRequirement[] {
  let index = installedIndex.get(service);
  if (!index) {
    index = new Map();
    for (const installed of service.installed) {
      const list = index.get(installed.requirement);
      if (list) list.push(installed);
      else index.set(installed.requirement, [installed]);
    }
    installedIndex.set(service, index);
  }
  return index.get(requirement) ?? [];
}

function removal(declaration: Declaration, file: Parameters<typeof replaceSpan>[0]): Fix {
  return {
    title: `Remove ${declaration.requirement.name} from ${declaration.file}`,
    applicability: 'unsafe',
    edits: [replaceSpan(file, declaration.requirement.lineSpan, '')],
  };
}

const freezeCache = new WeakMap<Project, Map<string, readonly string[]>>();

/**
 * Other lines of a freeze-shaped requirements file (at least five lines, every one pinned `==`,
 * not a compiled file whose `# via` says who needs what) whose dependencies driftcheck does not
 * know: not in an installed env, a lockfile or the bundled table. Empty for any other file.
 */
function freezePeersWithUnknownDeps(project: Project, declaration: Declaration): readonly string[] {
  let byFile = freezeCache.get(project);
  if (!byFile) {
    byFile = new Map();
    freezeCache.set(project, byFile);
  }
  let unknown = byFile.get(declaration.file);
  if (!unknown) {
    const reqs = project.requirements.get(declaration.file)?.requirements ?? [];
    const shaped = reqs.length >= 5 && reqs.every((r) => r.pin !== null) && compiledFacts(project, declaration.file)?.compiled !== true;
    unknown = shaped ? reqs.filter((r) => !hasBundledRequires(r.key) && !project.metadata.knows(r.key)).map((r) => r.key) : [];
    byFile.set(declaration.file, unknown);
  }
  return unknown.filter((key) => key !== declaration.requirement.key);
}
