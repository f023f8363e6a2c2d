// Three-valued facts about a service (#15): what driftcheck knows, and what it does not. A rule
// may only report an error when every fact it rests on is known; an unknown fact lowers the
// severity or silences the finding, and the evidence says what was not understood.
import { compiledFacts } from './compiled.js';
import { hasBundledRequires, normalizeName } from './module-map.js';
import { transitiveOf } from './queries.js';
import type { Project, Service } from './types.js';

/** Installers that bring nothing else into the interpreter (their own metadata: no Requires-Dist). */
const INSTALLER_TOOLS = new Set(['pip', 'setuptools', 'wheel', 'uv']);

const gapsCache = new WeakMap<Service, readonly string[]>();

/**
 * Installed distributions (and what they pull in) whose dependencies driftcheck does not know:
 * not in an installed env or a lockfile, not in the bundled table, and not installed from a
 * compiled requirements file (pip-compile/uv output with `# via`, or a hash-checked file, which
 * lists the whole closure). A module missing from the install set may still come from one of them.
 */
export function dependencyGaps(project: Project, service: Service): readonly string[] {
  const cached = gapsCache.get(service);
  if (cached) return cached;
  const closed = new Set<string>();
  for (const file of new Set(service.installed.map((i) => i.file))) {
    const reqs = project.requirements.get(file)?.requirements ?? [];
    if (reqs.length > 0 && (compiledFacts(project, file)?.compiled === true || reqs.every((r) => r.hashes.length > 0))) {
      for (const r of reqs) closed.add(r.key);
    }
  }
  const known = (key: string): boolean => closed.has(key) || INSTALLER_TOOLS.has(key) || hasBundledRequires(key) || project.metadata.knows(key);
  const all = new Set<string>([...service.installedKeys, ...transitiveOf(project, service).keys()].map((k) => normalizeName(k.replace(/\[.*\]$/, ''))));
  const gaps = [...all].filter((key) => !known(key)).sort();
  gapsCache.set(service, gaps);
  return gaps;
}
