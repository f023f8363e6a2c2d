// DEP005 standard-library-dependency: project mode; a declared distribution whose name is a
// standard-library module in every Python version the project supports (requires-python, and the
// requirement's own python_version marker).
import type { Fix } from '../../findings/types.js';
import { stdlibVersions, isStdlib } from '../../knowledge/stdlib.js';
import { evaluateMarker, satisfiesSpecifier } from '../../model/pep440.js';
import type { Declaration } from '../../model/python-projects.js';
import type { SourceFile } from '../../source.js';
import { repoJoin } from '../../util/paths.js';
import { defineRule } from '../define-rule.js';
import { replaceSpan } from '../edits.js';

export default defineRule({
  meta: {
    id: 'DEP005',
    name: 'standard-library-dependency',
    severity: 'warning',
    category: 'correctness',
    fix: 'sometimes',
    summary: 'A standard-library module declared as a dependency, for every Python version the project supports',
    docs: `## What it does
In project mode (a repository without Docker), flags a declared dependency (any table: main,
extras, groups, development, requirements files) whose name is a module of the standard library in
every Python version the project supports: those \`requires-python\` (or Poetry's \`python\`,
read as poetry-core writes it into Requires-Python) allows, narrowed by the requirement's own \`python_version\` marker. \`asyncio\`, \`dataclasses\` on
Python 3.8+, \`typing\`, \`argparse\`: PyPI backports for Pythons the project no longer runs on.

Not flagged: a backport kept for a Python the project still supports (\`dataclasses\` with
\`requires-python = ">=3.6"\`), or one whose marker limits it to those versions
(\`dataclasses; python_version < "3.7"\`). The standard-library data covers Python 3.8 to 3.13: a
project that still supports an older Python is not judged, since its standard library is not known.
Without \`requires-python\`, the project is taken to run on 3.8 to 3.13.

## Why is this bad?
The install gets an old backport from PyPI that the interpreter never imports (the standard library
comes first on \`sys.path\`), or, worse, one that shadows it where it does: dead weight at best, a
broken module at worst (\`asyncio\` 3.4.3 from PyPI is Python 3.3 code).

## Example
\`pyproject.toml\` has \`requires-python = ">=3.10"\` and \`dependencies = ["asyncio==3.4.3"]\`.

Use instead: remove the line; \`import asyncio\` comes from the standard library.

## Fix safety
Unsafe: the line is removed from the requirements file; nothing is removed from pyproject.toml.

## References
- deptry DEP005 (standard library dependency)`,
  },
  check({ project, report }) {
    for (const service of project.services) {
      const python = service.project;
      if (!python) continue;
      const versions = supportedVersions(python.requiresPython);
      const seen = new Set<string>();
      for (const declaration of python.declarations) {
        const { requirement } = declaration;
        const module = requirement.key.replace(/-/g, '_');
        const at = `${declaration.file}\0${requirement.span.start}`;
        if (seen.has(at)) continue;
        seen.add(at);
        // A Python older than the standard-library data (3.8) the project still supports: unknown there.
        if (olderPythons(python.requiresPython).some((v) => evaluateMarker(requirement.marker, { python_version: v }) !== false)) continue;
        const applies = versions.filter((v) => evaluateMarker(requirement.marker, { python_version: v }) !== false);
        if (applies.length === 0 || !applies.every((v) => isStdlib(module, v))) continue;
        const file = project.files.get(declaration.file);
        report({
          file: declaration.file,
          span: requirement.nameSpan,
          service: null,
          message: `"${requirement.name}" is declared as a dependency, but ${module} is in the standard library of every Python the project supports (${range(applies)})`,
          evidence: [
            { file: declaration.file, line: requirement.line, message: `declared${declaration.section === 'requirements' ? '' : ` in [${declaration.section}]`}` },
            ...(python.requiresPython ? [{ file: repoJoin(python.root, 'pyproject.toml'), line: 1, message: `the project supports Python ${python.requiresPython}` }] : []),
          ],
          fix: file && declaration.removable ? removal(declaration, file) : null,
          package: requirement.key,
          module,
        });
      }
    }
  },
});

/** The versions of the standard-library data that `requires-python` allows (all of them when unknown or unreadable). */
function supportedVersions(requiresPython: string | null): string[] {
  const all = stdlibVersions();
  if (requiresPython === null) return all;
  const specifier = requiresPython;
  const allowed = all.filter((v) => satisfiesSpecifier(`${v}.0`, specifier) !== false || satisfiesSpecifier(`${v}.99`, specifier) === true);
  return allowed.length > 0 ? allowed : all;
}

/** Pythons 3.0-3.7 (older than the data) that `requires-python` allows; none when it is not given. */
function olderPythons(requiresPython: string | null): string[] {
  if (requiresPython === null) return [];
  const specifier = requiresPython;
  const out: string[] = [];
  for (let minor = 0; minor < Number((stdlibVersions()[0] ?? '3.8').split('.')[1]); minor++) {
    if (satisfiesSpecifier(`3.${minor}.0`, specifier) === true || satisfiesSpecifier(`3.${minor}.99`, specifier) === true) out.push(`3.${minor}`);
  }
  return out;
}

function range(versions: readonly string[]): string {
  const first = versions[0] ?? '';
  const last = versions[versions.length - 1] ?? '';
  return first === last ? first : `${first} to ${last}`;
}

function removal(declaration: Declaration, file: SourceFile): Fix {
  return { title: `Remove ${declaration.requirement.name} from ${declaration.file}`, applicability: 'unsafe', edits: [replaceSpan(file, declaration.requirement.lineSpan, '')] };
}
