// Compiled requirements files (pip-compile, uv pip compile, uv export): which lines are transitive
// pins, read once per file from its `# via` annotations.
import { compiledFileFacts, type CompiledFileFacts } from '../parsers/requirements-annotations.js';
import type { Project } from './types.js';

const cache = new WeakMap<Project, Map<string, CompiledFileFacts>>();

export function compiledFacts(project: Project, path: string): CompiledFileFacts | null {
  let byPath = cache.get(project);
  if (!byPath) cache.set(project, (byPath = new Map()));
  const known = byPath.get(path);
  if (known) return known;
  const model = project.requirements.get(path);
  const file = project.files.get(path);
  if (!model || !file) return null;
  const facts = compiledFileFacts(file.text, model.requirements);
  byPath.set(path, facts);
  return facts;
}
