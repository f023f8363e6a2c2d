import type { Fix } from '../../findings/types.js';
import type { DistributionGuess } from '../../model/module-map.js';
import { commandEvidence, declaredAnywhere, localPyprojects, missingFirstPartyFiles, pinsInRepo, primaryRequirementsFile } from '../../model/queries.js';
import type { Project, Service } from '../../model/types.js';
import { pinForFile } from '../pin-holds.js';
import { defineRule } from '../define-rule.js';
import { addPyprojectDependency, addPyprojectTableItem, appendLine, findToken } from '../edits.js';
import { entryEvidence, installEvidence } from './evidence.js';
import { guardEvidence, lostFeature, provingSites, severityOf, siteEvidence, siteRefs, thirdPartyGroups, type DistributionGroup, type ImportSite } from './import-groups.js';
import { dependencyGaps } from '../../model/facts.js';
import { compiledFacts } from '../../model/compiled.js';
import { commandNeeds, isProvided, partWriting } from './command-needs.js';
import { hasBundledRequires, normalizeName } from '../../model/module-map.js';
import { programsOutsidePip } from '../../model/production.js';
import { stdlibChange } from '../../knowledge/stdlib.js';

export default defineRule({
  meta: {
    id: 'DEP001',
    name: 'missing-dependency',
    severity: 'error',
    category: 'correctness',
    fix: 'sometimes',
    summary: 'Third-party module imported by code that runs in a service, but never installed by its image',
    docs: `## What it does
Follows each service from its command (\`uvicorn app.main:app\`, \`python -m worker\`, ...) through the
Python files that really run in its image, and flags every third-party module they import that the
image never installs: not in the requirements files its Dockerfile installs (following \`-r\`/\`-c\`),
not installed inline by \`pip install x\`, not a dependency of the local project it installs, and
not a well-known dependency of something it installs. The program the command runs counts too:
\`CMD ["uvicorn", ...]\` needs uvicorn in the image, and \`uv run …\`/\`poetry run …\` need the runner as
well — unless the image has it from elsewhere (\`COPY --from=ghcr.io/astral-sh/uv /uv /bin/\`, uv's
install script, an astral-sh/uv base image, \`apt-get install supervisor\`). Base images whose packages are known count as
installs (AWS Lambda's Python images ship boto3 and its dependencies; \`tiangolo/uvicorn-gunicorn-fastapi\`
uvicorn, gunicorn and fastapi[all], and its start script runs \`app.main:app\`), an image this
repository builds (\`FROM acme/api:1.0\` where compose or a \`docker build -t\` script builds it) passes
on what it installs and runs, and so do system packages
(\`apt-get install python3-psycopg2\`, \`apk add py3-yaml\`) where the service runs the system
\`python3\` (a \`debian\`, \`ubuntu\` or \`alpine\` base): a \`python:3.x\` image runs its own
\`/usr/local/bin/python\`, which does not read them, so a module only they install is a \`warning\`
there (\`info\` beside a virtual environment or another Python). Without Docker, the imports
of each Python project's code (notebooks included) are checked against everything it declares,
runtime and development (README, *Project mode*); a module only a development table declares is
DEP004's.

**An error only on proof.** The finding is an error only when everything it rests on is known:
the install set is closed (every build step that can install Python packages was read), every
installed distribution's dependencies are known (a lockfile, a compiled \`requirements.txt\` with
\`# via\`, a hash-checked file, \`--python-env\`, or the bundled table), the importing file is reached
from the service's entry, and the import is unconditional. Otherwise driftcheck says what it does
not know instead of guessing:
- an install step it cannot read (a repository script run by \`RUN\`, \`make\`, a wheelhouse, pdm,
  conda, pixi, a non-plain base image, names from build variables, \`-r /dev/stdin\`): one \`info\`
  finding per service lists the imports it could not check and the steps it could not read;
- a distribution with unknown dependencies that may provide the module, an import only under a
  version/platform \`if\`, or code not proven to run (no entry found, or a framework such as Django
  that loads modules by name): \`info\`, saying which;
- an import inside \`try/except ImportError\` whose handler only reports the failure (logs, prints or
  warns; no fallback bound): \`warning\` at most, no fix, the handler named in the evidence; a handler
  that unconditionally re-raises or exits, or one that binds no fallback in a module-level \`try\`
  whose name a later module-level statement uses (a NameError at import), makes the import count as
  unguarded;
- imports guarded by \`try/except ImportError\` that fall back (a name bound, an alternative import,
  a return, a flag) or only \`pass\`, \`if find_spec("x"):\`, \`if "x" in settings.INSTALLED_APPS:\`
  or following an early \`if find_spec("x") is None: return\` are optional by design and not reported;
  nor are imports under \`if TYPE_CHECKING:\`, in \`if __name__ == "__main__":\` of a module the
  command imports (in the script it starts, they count), or names that exist as packages in the
  repository (code on a \`sys.path\` driftcheck did not see, never a PyPI project to guess);
- the code's \`sys.path.insert/append\` calls are evaluated (\`__file__\`, \`os.path\`, \`pathlib\`); one
  that cannot be makes a name no table knows \`info\`, with no fix.

## Why is this bad?
The container starts and then dies, or degrades, on \`ModuleNotFoundError\` — often only when the
code path that imports the module is first hit in production.

## Example
\`app/main.py\` has \`import chromadb\`; the Dockerfile runs \`pip install -r requirements.txt\`, and
\`requirements.txt\` does not list \`chromadb\`.

Use instead: add \`chromadb==0.5.0\` to \`requirements.txt\`.

## Fix safety
Safe when the distribution is pinned elsewhere in the repository (that pin is copied, so the name
and version are ones the team already uses); unsafe when it is added unpinned. No fix when the
distribution name is only a guess from the import name and the repository uses it nowhere (on PyPI
that name may belong to anyone), and none that edits a hash-checked file; a compiled
\`requirements.txt\` is fixed through its \`requirements.in\`, or not at all.
A module only tests import (tests, conftest.py, test helpers) is never added to the runtime
dependencies: the fix (unsafe) adds it to the project's test extra or group, else its dev one, else
its development requirements file (\`requirements-dev.txt\`), and there is no fix when the project
declares no development dependencies.

## Options
\`moduleMap\` in \`.driftcheck.yaml\` maps import names to distributions the bundled table does not know.

## References
- deptry DEP001 (missing dependency), FawltyDeps undeclared dependencies
- The README's *How it works* (how a service's image, install set and running code are joined) and
  *Errors only on proof* (what is known, and what is reported as a note when it is not); an import
  name is mapped to a distribution by \`moduleMap\`, then an installed environment's metadata, then
  the bundled table, else the name itself is a guess`,
  },
  check({ project, report }) {
    for (const service of project.services) {
      if (service.kind !== 'project' && !service.dockerfile) continue;
      // try/except ImportError around every import of it: optional by design, the code copes —
      // unless a handler only reports the failure, binding no fallback (a feature lost: warning).
      const missing = thirdPartyGroups(project, service).filter((g) => g.status === 'missing' && provingSites(g.sites).length > 0);
      if (service.unknownInstalls.length > 0) {
        // An open install set proves nothing missing: one note naming what was not read.
        reportUnverified(project, service, missing, report);
        continue;
      }
      const gaps = dependencyGaps(project, service);
      for (const group of missing) {
        const key = group.key;
        const proving = provingSites(group.sites);
        const first = proving[0];
        if (!first) continue;
        // Every proving site is in a try whose handler only reports the failure: the code copes
        // (a feature is lost, the service runs), so a warning at most.
        const lostOnly = proving.every((site) => lostFeature(site.imp));
        const distribution = group.guess.distributions[0] ?? key;
        // `from services.post import X` with app/services/ in the repo: a name the repository
        // defines is first-party code on a sys.path driftcheck did not see, never a PyPI guess.
        if (group.guess.source === 'guess' && project.firstParty.nestedPackagesNamed(first.imp.module.split('.')[0] ?? '').length > 0) continue;
        // A module the standard library dropped or has not yet added comes from no dependency.
        const change = stdlibChange(first.imp.module.split('.')[0] ?? '', service.pythonVersion);
        const stdlibOnly = change !== null;
        const gapsHere = stdlibOnly ? [] : gaps;
        // Severity follows proof: a module that may come from a distribution whose dependencies are
        // unknown, one imported only under a condition, or code not proven to run (no entry found,
        // or a framework that loads modules by name) is a note; everything known is an error.
        const conditionalOnly = proving.every((site) => site.imp.conditional);
        // A name no table knows, with sys.path changed in a way driftcheck could not evaluate: it
        // may be code on that path, not a distribution. Unknown, not missing.
        const pathUnknown = group.guess.source === 'guess' && service.sysPathUnknown.length > 0;
        // A system package installs it for a Python the service may not run (python:3.x images run
        // /usr/local/bin/python): the module is missing there, but never an error on that alone.
        const system = systemModulesFor(service, group.guess.distributions, key);
        const systemSeverity = system.some((s) => s.reach === 'unknown') ? 'info' : system.length > 0 ? 'warning' : 'error';
        const severity = gapsHere.length > 0 || conditionalOnly || pathUnknown || service.runFilesFrom === 'all-image-files' ? 'info' : lostOnly && systemSeverity === 'error' ? 'warning' : systemSeverity;
        report({
          file: first.file,
          span: first.imp.span,
          severity,
          service: service.kind === 'project' ? null : service.name,
          message: messageOf(project, service, first.imp.module, distribution, group.sites) + (gapsHere.length > 0 ? mayComeFrom(gapsHere) : ''),
          module: shownModule(project, service, first.imp.module, distribution),
          evidence: [
            ...siteEvidence(group.sites),
            ...guardEvidence(first.file, first.imp),
            ...notInImageEvidence(project, service, group.sites),
            ...entryEvidence(service),
            ...installEvidence(service, distribution),
            ...gapEvidence(service, gapsHere),
            ...system.slice(0, 2).map((s) => ({ file: s.file, line: s.line, message: s.why })),
            ...(pathUnknown ? service.sysPathUnknown.slice(0, 2).map((u) => ({ file: u.file, line: u.line, message: `changes sys.path${u.expr ? ` to ${u.expr}` : ''}, which driftcheck cannot evaluate: "${first.imp.module}" may be code found there` })) : []),
          ],
          package: distribution,
          // A guard that reports the loss was written on purpose: installing it is the team's call.
          fix: pathUnknown || lostOnly ? null : fixOf(project, service, key, distribution, group.guess, group.sites),
          sites: siteRefs(group.sites),
        });
      }
      reportMissingPrograms(project, service, report);
    }
  },
});

/** System packages that install the module for a Python the service may not read (reach no/unknown). */
function systemModulesFor(service: Service, distributions: readonly string[], key: string): Service['systemModules'] {
  const keys = new Set([key, ...distributions.map(normalizeName)]);
  return service.systemModules.filter((s) => s.reach !== 'yes' && s.keys.some((k) => keys.has(k)));
}

function lineWithoutBreak(span: { start: number; end: number }, text: string): { start: number; end: number } {
  let end = span.end;
  while (end > span.start && (text[end - 1] === '\n' || text[end - 1] === '\r')) end--;
  return { start: span.start, end };
}

/** Sites in first-party code the service imports but its image lacks (MOD001): still its needs. */
function notInImageEvidence(project: Project, service: Service, sites: readonly ImportSite[]): { file: string; line: number; message: string }[] {
  const missing = new Set(missingFirstPartyFiles(project, service).map((f) => f.repoPath));
  const files = [...new Set(sites.map((s) => s.file).filter((f) => missing.has(f)))];
  return files.slice(0, 2).map((file) => ({ file, line: 1, message: `the service's code imports ${file}, which its image does not contain yet (MOD001); once copied, it needs this module` }));
}

function mayComeFrom(gaps: readonly string[]): string {
  const shown = gaps.slice(0, 3).join(', ');
  return ` (it may still come from ${shown}${gaps.length > 3 ? `, +${gaps.length - 3} more` : ''}, whose dependencies driftcheck does not know)`;
}

function gapEvidence(service: Service, gaps: readonly string[]): { file: string; line: number; message: string }[] {
  if (gaps.length === 0) return [];
  const at = service.installs[0] ?? null;
  return [{ file: at?.file ?? service.dockerfilePath ?? '', line: at?.line ?? 1, message: `dependencies unknown for ${gaps.length} installed distribution(s) (no lockfile, --python-env or bundled entry), so this is not proven` }];
}

/** One info finding for a service whose install set is open, instead of a finding per import. */
function reportUnverified(project: Project, service: Service, missing: readonly DistributionGroup[], report: Report): void {
  const unread = service.unknownInstalls;
  const at = unread[0];
  const file = at ? project.files.get(at.file) : undefined;
  if (missing.length === 0 || !at || !file) return;
  const names = missing.map((g) => g.guess.distributions[0] ?? g.key);
  report({
    file: at.file,
    span: lineWithoutBreak(file.lines.lineSpan(at.line), file.text),
    severity: 'info',
    service: service.kind === 'project' ? null : service.name,
    message: `${missing.length} imported third-party module(s) of service "${service.name}" could not be checked against its image, which installs packages driftcheck cannot list: ${names.slice(0, 8).join(', ')}${names.length > 8 ? `, +${names.length - 8} more` : ''}`,
    evidence: [
      ...unread.slice(0, 5).map((u) => ({ file: u.file, line: u.line, message: `not read: ${u.message}` })),
      ...missing.slice(0, 3).map((g) => ({ file: g.sites[0]?.file ?? '', line: g.sites[0]?.imp.line ?? 1, message: `imports ${g.sites[0]?.imp.module ?? g.key}` })),
    ],
    fix: null,
  });
}

type Report = Parameters<Parameters<typeof defineRule>[0]['check']>[0]['report'];

/** `CMD ["uvicorn", ...]` with no uvicorn in the image: the container cannot even start. */
function reportMissingPrograms(project: Project, service: Service, report: Report): void {
  if (!service.dockerfile) return;
  const missingImports = new Set(thirdPartyGroups(project, service).filter((g) => g.status === 'missing').map((g) => g.key));
  const seen = new Set<string>();
  const shipped = programsOutsidePip(service);
  for (const need of commandNeeds(service)) {
    const key = normalizeName(need.distribution);
    if (need.kind !== 'program' || seen.has(key) || missingImports.has(key) || isProvided(project, service, need.distribution) || shipped.has(need.word)) continue;
    seen.add(key);
    const part = partWriting(service, need.word);
    const file = part ? project.files.get(part.file) : undefined;
    if (!part || !file) continue;
    report({
      file: part.file,
      span: findToken(file, part.span, need.word) ?? part.span,
      severity: dependencyGaps(project, service).length > 0 ? 'info' : 'error',
      service: service.name,
      message: `the command runs ${need.word}, but the image of service "${service.name}" never installs ${need.distribution}`,
      module: need.word,
      evidence: [
        commandEvidence(service, part),
        ...installEvidence(service, need.distribution),
        ...gapEvidence(service, dependencyGaps(project, service)),
      ],
      package: need.distribution,
      fix: fixOf(project, service, key, need.distribution, { distributions: [need.distribution], source: 'table' }),
    });
  }
}

/**
 * The module a finding names: the top-level package, or for namespace packages what decided the
 * distribution (`azure.storage.blob`, not `azure`).
 */
function shownModule(project: Project, service: Service, module: string, distribution: string): string {
  const top = module.split('.')[0] ?? module;
  if (stdlibChange(top, service.pythonVersion)) return top;
  return project.moduleMap.lookup(top).distributions[0] === distribution ? top : module;
}

function messageOf(project: Project, service: Service, module: string, distribution: string, sites: readonly ImportSite[]): string {
  const top = module.split('.')[0] ?? module;
  const change = stdlibChange(top, service.pythonVersion);
  if (change) {
    const where = service.kind === 'project' ? `Python ${service.pythonVersion}` : `the image of service "${service.name}" (Python ${service.pythonVersion})`;
    return `"${top}" is imported but ${where} does not have it: it is standard library ${change.kind === 'added' ? `only from Python ${change.in}` : `only before Python ${change.in}`}`;
  }
  const shown = shownModule(project, service, module, distribution);
  const name = shown === distribution ? `"${shown}"` : `"${shown}" (distribution ${distribution})`;
  const lost = provingSites(sites);
  const optional = lost.length > 0 && lost.every((site) => lostFeature(site.imp))
    ? ' (imported only inside try/except ImportError whose handler just reports the failure: that feature is lost)'
    : severityOf(sites) === 'warning' ? ' (only in guarded or conditional imports)' : '';
  if (service.kind === 'project') return `${name} is imported but not declared as a dependency${optional}`;
  return `${name} is imported but the image of service "${service.name}" never installs it${optional}`;
}

// Distributions that restore a removed standard-library module (setuptools ships a distutils shim).
const REPLACEMENTS: Readonly<Record<string, string>> = { distutils: 'setuptools', imp: '', asyncore: 'pyasyncore', asynchat: 'pyasynchat', smtpd: 'aiosmtpd' };

function fixOf(project: Project, service: Service, key: string, distribution: string, guess: DistributionGuess, sites: readonly ImportSite[] = []): Fix | null {
  const change = stdlibChange(distribution, service.pythonVersion);
  if (change) {
    const replacement = change.kind === 'removed' ? REPLACEMENTS[distribution] : undefined;
    if (!replacement) return null; // a newer standard-library module: no distribution provides it
    return fixOf(project, service, normalizeName(replacement), replacement, { distributions: [replacement], source: 'table' }, sites);
  }
  // Tests are not service code: what only tests import never goes into the runtime dependencies;
  // it goes into the project's test or dev extra, group or requirements file, else nowhere.
  if (sites.length > 0 && sites.every((site) => site.imp.guarded || isTestCode(service, site.file))) return testFixOf(project, service, key, distribution, guess);
  // A distribution name guessed from the import name, used nowhere in the repository, is never
  // added: on PyPI it may belong to a stranger (dependency confusion).
  // Known: from the curated map, used elsewhere in the repository, or a distribution the bundled
  // dependency table lists (a popular project of that exact name).
  const known = guess.source !== 'guess' || declaredAnywhere(project).has(key) || hasBundledRequires(key);
  if (!known) return null;
  const target = service.kind === 'project' ? projectRequirementsFile(project) : primaryRequirementsFile(service);
  // The pin must hold in every image that installs the file, not only in this service's.
  const chosen = target ? pinForFile(project, target, key) : (pinsInRepo(project, key)[0] ?? null);
  if (chosen === undefined) return null;
  const pin = chosen ?? undefined;
  const line = pin ? `${distribution}==${pin.version}` : distribution;
  const title = (target: string): string => (pin ? `Add ${line} to ${target} (pinned as in ${pin.file})` : `Add ${line} (unpinned) to ${target}`);
  const applicability = pin ? 'safe' : 'unsafe';
  // A compiled file (pip-compile, uv) is edited through its source, a hash-checked one never by hand.
  const compiled = target ? compiledFacts(project, target) : null;
  if (target && (project.requirements.get(target)?.requirements ?? []).some((r) => r.hashes.length > 0)) return null;
  if (target && compiled?.compiled) {
    // Shown, never applied: the image installs the compiled file, which only the compiler rewrites.
    const source = target.replace(/\.txt$/, '.in');
    const sourceFile = source !== target ? project.files.get(source) : undefined;
    if (!sourceFile || !project.requirements.has(source)) return null;
    return { title: `${title(source)}, then regenerate ${target} (pip-compile or uv pip compile)`, applicability: 'display-only', edits: [appendLine(sourceFile, line)] };
  }
  const file = target ? project.files.get(target) : undefined;
  if (target && file) return { title: title(target), applicability, edits: [appendLine(file, line)] };
  // No requirements file: the project's own pyproject.toml is what `pip install .` reads.
  const pyproject = service.kind === 'project' ? (project.files.has('pyproject.toml') ? 'pyproject.toml' : null) : (localPyprojects(service)[0] ?? null);
  const pyprojectFile = pyproject ? project.files.get(pyproject) : undefined;
  const edit = pyprojectFile ? addPyprojectDependency(pyprojectFile, distribution, pin?.version ?? null) : null;
  return pyproject && edit ? { title: title(pyproject), applicability, edits: [edit] } : null;
}

const TEST_PATH = /(^|\/)(tests?|testing)\/|(^|\/)(test_[^/]*|[^/]*_test|conftest)\.py$/;

/** Test code: the project's own marking in project mode, else the usual test paths. */
function isTestCode(service: Service, path: string): boolean {
  const code = service.project?.code.find((c) => c.repoPath === path);
  return code ? code.test : TEST_PATH.test(path);
}

/**
 * The fix for a module only tests import: added to the project's test (else dev) extra, group or
 * requirements file, pinned as elsewhere in the repository when a pin holds; no fix when the project
 * declares no development dependencies (the runtime ones are never the place).
 */
function testFixOf(project: Project, service: Service, key: string, distribution: string, guess: DistributionGuess): Fix | null {
  const known = guess.source !== 'guess' || declaredAnywhere(project).has(key) || hasBundledRequires(key);
  const dev = (service.project?.declarations ?? []).filter((d) => d.role === 'dev');
  if (!known || dev.length === 0) return null;
  const places = [...new Map(dev.map((d) => [`${d.file}\0${d.section}`, d])).values()];
  const target = places.find((d) => /test/i.test(d.section) || (d.section === 'requirements' && /test/i.test(d.file))) ?? places[0];
  if (!target) return null;
  const file = project.files.get(target.file);
  if (!file) return null;
  const pin = target.section === 'requirements' ? pinForFile(project, target.file, key) : (pinsInRepo(project, key)[0] ?? null);
  if (pin === undefined) return null;
  const where = target.section === 'requirements' ? target.file : `${target.file} [${target.section}]`;
  const line = pin ? `${distribution}==${pin.version}` : distribution;
  const title = `Add ${line}${pin ? '' : ' (unpinned)'} to ${where}, where the project declares what its tests need`;
  if (target.section === 'requirements') {
    if ((project.requirements.get(target.file)?.requirements ?? []).some((r) => r.hashes.length > 0) || compiledFacts(project, target.file)?.compiled) return null;
    return { title, applicability: 'unsafe', edits: [appendLine(file, line)] };
  }
  const edit = addPyprojectTableItem(file, target.section, distribution, pin?.version ?? null);
  return edit ? { title, applicability: 'unsafe', edits: [edit] } : null;
}

function projectRequirementsFile(project: Project): string | null {
  const paths = [...project.requirements.keys()].sort();
  return paths.find((p) => p === 'requirements.txt') ?? paths.find((p) => !/dev|test|doc|lint/i.test(p)) ?? null;
}
