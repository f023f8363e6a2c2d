import type { Evidence } from '../../findings/types.js';
import type { MissingRequirementsFile } from '../../model/types.js';
import { escapesRoot, isUrl, repoDirname, repoJoin } from '../../util/paths.js';
import { defineRule } from '../define-rule.js';

export default defineRule({
  meta: {
    id: 'PIN004',
    name: 'missing-requirements-file',
    severity: 'error',
    category: 'correctness',
    fix: 'none',
    needs: [], // no service's run files (ModelPart)
    summary: 'A Dockerfile or -r/-c line names a requirements file that does not exist or is not in the image yet',
    docs: `## What it does
Flags \`pip install -r X\` in a Dockerfile when \`X\` is not in the image at that point — it does not
exist in the repository, it is copied only by a later \`COPY\`, or no \`COPY\` brings it in (or
\`.dockerignore\` drops it) — and \`-r\`/\`-c\` lines inside requirements files whose target does not exist.

## Why is this bad?
\`docker build\` fails with "Could not open requirements file", or, when the file is optional in a
script, the image silently ships without those packages.

## Example
\`RUN pip install -r requirements.txt\` before \`COPY requirements.txt .\`.

Use instead: copy the file first, then install.

## Fix safety
No automatic fix: which file was meant, and where to copy it, needs a human.

## References
- pip documentation: Requirements File Format (\`-r\`, \`-c\`)`,
  },
  check({ project, report }) {
    const seen = new Set<string>();
    for (const service of project.services) {
      for (const missing of service.missingRequirementsFiles) {
        const key = `${missing.file}:${missing.span.start}`;
        if (seen.has(key)) continue;
        seen.add(key);
        report({ file: missing.file, span: missing.span, service: service.name, message: messageOf(missing, service.name), evidence: evidenceOf(missing) });
      }
    }
    // -r/-c targets that no image installs are still checked, so local installs don't break.
    for (const [path, model] of [...project.requirements.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
      for (const include of model.includes) {
        const key = `${path}:${include.span.start}`;
        const target = repoJoin(repoDirname(path), include.path);
        // A URL (pip fetches it) or a file over --max-file-size exists as far as anyone can tell.
        if (seen.has(key) || isUrl(include.path) || (!escapesRoot(target) && (project.files.has(target) || project.tooLargePaths.includes(target)))) continue;
        seen.add(key);
        report({ file: path, span: include.span, message: `${include.kind === 'constraint' ? '-c' : '-r'} names "${include.path}", which does not exist` });
      }
    }
  },
});

function messageOf(missing: MissingRequirementsFile, service: string): string {
  const kind = missing.constraint ? 'constraints file' : 'requirements file';
  switch (missing.reason) {
    case 'not-found':
      return `${kind} "${missing.written}" does not exist (service "${service}")`;
    case 'not-copied-yet':
      return `"${missing.written}" is installed before any COPY puts it in the image (service "${service}")`;
    case 'not-in-image':
      return `"${missing.written}" is never copied into the image of service "${service}"`;
  }
}

function evidenceOf(missing: MissingRequirementsFile): Evidence[] {
  const out: Evidence[] = [{ file: missing.file, line: missing.line, message: `${missing.constraint ? 'constrains with' : 'installs'} ${missing.written}` }];
  if (missing.repoPath) out.push({ file: missing.repoPath, line: 1, message: 'the file exists in the repository' });
  return out;
}
