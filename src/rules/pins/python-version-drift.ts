import { evaluateMarker, satisfiesSpecifier } from '../../model/pep440.js';
import { normalizeName } from '../../model/module-map.js';
import { imagePython } from '../../model/service/index.js';
import type { Project, Service } from '../../model/types.js';
import { imageResolve } from '../../util/paths.js';
import { defineRule } from '../define-rule.js';

const PYTHON_MARKER = /\bpython_(full_)?version\b/;

export default defineRule({
  meta: {
    id: 'PIN005',
    name: 'python-version-drift',
    severity: 'error',
    category: 'correctness',
    fix: 'none',
    summary: "The image's Python is outside requires-python, or markers drop pins in that image",
    docs: `## What it does
Takes the image's Python from \`FROM python:X.Y…\` (or a \`PYTHON_VERSION\` build argument) and checks:
- a project the image installs with \`pip install .\` / \`-e .\` whose \`pyproject.toml\` declares a
  \`requires-python\` that version does not satisfy (error: pip refuses to install it);
- a requirement the image installs whose \`python_version\` marker is false for that Python, with
  no other line for the same distribution that applies (warning: the pin is silently skipped, so
  the package is missing or unpinned in the image).
Images whose Python cannot be read from the Dockerfile are not checked.

## Why is this bad?
The build fails with "requires a different Python", or it succeeds without a package the code
imports, because the marker was written for another Python.

## Example
\`FROM python:3.10-slim\`, \`pip install .\`, and \`requires-python = ">=3.11"\` in pyproject.toml.

Use instead: a base image the project supports, or markers that cover it.

## References
- PEP 508 environment markers; PyPA: Dropping support for older Python versions (requires-python)`,
  },
  check({ project, report }) {
    const seen = new Set<string>();
    for (const service of project.services) {
      if (!service.dockerfile || !explicitPython(service)) continue;
      const python = service.pythonVersion;
      // 1. requires-python of projects installed from a local path.
      for (const step of service.installs) {
        const fs = service.stages[step.stage]?.fs;
        if (!fs) continue;
        for (const local of step.pip.localPaths) {
          const dir = imageResolve(step.workdir, local.path.replace(/\[[^\]]*\]$/, ''));
          const pyproject = fs.file(`${dir === '/' ? '' : dir}/pyproject.toml`, step.instructionIndex);
          const file = pyproject ? project.files.get(pyproject.repoPath) : undefined;
          if (!pyproject || !file) continue;
          const requires = project.pyprojectAt(pyproject.repoPath)?.requiresPython;
          if (!requires || pythonSatisfies(python, requires) !== false) continue;
          const where = `${pyproject.repoPath}:${service.name}`;
          if (seen.has(where)) continue;
          seen.add(where);
          const match = /requires-python\s*=\s*["'][^"'\n]*["']|^python\s*=\s*["'][^"'\n]*["']/m.exec(file.text); // [project] or Poetry
          report({
            file: pyproject.repoPath,
            span: match ? { start: match.index, end: match.index + match[0].length } : { start: 0, end: 0 },
            service: service.name,
            message: `The image of service "${service.name}" runs Python ${python}, outside requires-python "${requires}": pip refuses to install this project`,
            evidence: [
              { file: service.dockerfilePath ?? '', line: rootFromLine(service), message: `the image's Python is ${python}` },
              { file: step.file, line: step.line, message: `installs the project at ${dir}` },
            ],
          });
        }
      }
      // 2. pins whose python_version marker is false in this image, with nothing else for that name.
      const env = { python_version: python };
      const live = new Set(service.installed.filter((i) => evaluateMarker(i.requirement.marker, env) !== false).map((i) => i.requirement.key));
      for (const installed of service.installed) {
        const { requirement } = installed;
        if (installed.constraint || !requirement.marker || !PYTHON_MARKER.test(requirement.marker) || live.has(requirement.key)) continue;
        if (evaluateMarker(requirement.marker, env) !== false) continue;
        // Backports (`tomli; python_version < "3.11"`) are meant to vanish on newer Pythons, and
        // their imports are guarded: only a distribution the running code imports is reported.
        if (!importedByService(project, service, requirement.key)) continue;
        const where = `${installed.file}:${requirement.span.start}`;
        if (seen.has(where)) continue;
        seen.add(where);
        report({
          file: installed.file,
          span: requirement.span,
          severity: 'warning',
          service: service.name,
          message: `"${requirement.name}${requirement.specifier}" is skipped in the image of service "${service.name}": its marker \`${requirement.marker}\` is false for Python ${python}, and no other line installs it`,
          evidence: [
            { file: service.dockerfilePath ?? '', line: rootFromLine(service), message: `the image's Python is ${python}` },
            { file: installed.via.file, line: installed.via.line, message: `installs ${installed.file}` },
          ],
        });
      }
    }
  },
});

/** Python X.Y against requires-python: decided only when X.Y.0 and a late patch agree. */
function pythonSatisfies(python: string, requires: string): boolean | null {
  const low = satisfiesSpecifier(`${python}.0`, requires.replace(/\s+/g, ''));
  const high = satisfiesSpecifier(`${python}.99`, requires.replace(/\s+/g, ''));
  return low === high ? low : null;
}

function rootStage(service: Service) {
  const stages = service.dockerfile?.stages ?? [];
  let stage = service.final?.stage ?? stages[stages.length - 1];
  for (let guard = 0; stage && stage.from.stageRef !== null && guard < stages.length; guard++) stage = stages[stage.from.stageRef] ?? stage;
  return stage;
}

function rootFromLine(service: Service): number {
  return rootStage(service)?.from.line ?? 1;
}

/** The Python version comes from the Dockerfile itself, not the default. */
function explicitPython(service: Service): boolean {
  const image = rootStage(service)?.from.image ?? '';
  if (imagePython(image) !== null) return true;
  return (service.dockerfile?.globalArgs ?? []).some((a) => /^PYTHON(_VERSION)?$/i.test(a.name) && /^\d+\.\d+/.test(a.value ?? ''));
}

/** Does code the service runs import this distribution, unguarded (not in try/except ImportError)? */
function importedByService(project: Project, service: Service, key: string): boolean {
  return service.runFiles.some((f) =>
    (project.python.get(f.repoPath)?.imports ?? []).some(
      (imp) => imp.level === 0 && !imp.guarded && !imp.typeChecking && project.moduleMap.lookup(imp.module).distributions.some((d) => normalizeName(d) === key),
    ),
  );
}
