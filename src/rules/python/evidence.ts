// Evidence-chain links shared by the Python dependency rules.
import type { Evidence } from '../../findings/types.js';
import type { Service } from '../../model/types.js';

/** "backend runs uvicorn app.main:app" — how the files that import were chosen. */
export function entryEvidence(service: Service): Evidence[] {
  const part = service.command[service.command.length - 1];
  if (!part || !service.entry) return [];
  const target = service.entry.runner === 'python' && service.entry.module ? `-m ${service.entry.module}` : (service.entry.module ?? service.entry.script ?? '');
  const how = service.runFilesFrom === 'entry' ? 'code reached from it' : 'every Python file in the image is checked: the entry was not found, or its framework loads modules by name';
  return [{ file: part.file, line: part.line, message: `service runs ${service.entry.runner} ${target} (${how})` }];
}

/** Where the image's packages come from, ending with "X is not in it". */
export function installEvidence(service: Service, distribution: string): Evidence[] {
  if (service.kind === 'project') {
    const declared = service.project?.declarations.map((d) => d.file) ?? [];
    const files = [...new Set(declared.length > 0 ? declared : service.installed.map((i) => i.file))].sort();
    return files.length > 0
      ? files.slice(0, 3).map((file) => ({ file, line: 1, message: `declares dependencies; ${distribution} is not among them` }))
      : [];
  }
  const direct = service.installedFiles.filter((f) => f.chain.length === 1 && !f.constraint);
  const out: Evidence[] = [];
  const seen = new Set<string>();
  for (const installed of direct) {
    if (seen.has(installed.path)) continue;
    seen.add(installed.path);
    out.push({ file: installed.via.file, line: installed.via.line, message: `image installs ${installed.path}` });
    out.push({ file: installed.path, line: 1, message: `${distribution} is not in it${includedNote(service, installed.path)}` });
  }
  const inline = service.installs.filter((s) => s.pip.packages.length > 0);
  for (const step of inline.slice(0, 2)) out.push({ file: step.file, line: step.line, message: `image installs ${step.pip.packages.map((p) => p.value).join(' ')}` });
  for (const step of service.installs.filter((s) => s.pip.localPaths.length > 0).slice(0, 2)) {
    out.push({ file: step.file, line: step.line, message: `image installs the local project ${step.pip.localPaths.map((p) => p.path).join(' ')} and its declared dependencies` });
  }
  if (service.repoBase && service.dockerfilePath) {
    const base = service.repoBase;
    out.push({ file: service.dockerfilePath, line: service.stages.find((s) => s.stage.from.stageRef === null && s.stage.from.image !== '')?.stage.from.line ?? 1, message: `builds on ${base.image}, which ${base.builtBy} builds from ${base.dockerfilePath}; ${distribution} is not in what that image installs` });
  }
  if (out.length === 0 && service.dockerfilePath) {
    out.push({ file: service.dockerfilePath, line: service.final?.stage.from.line ?? 1, message: 'image installs no Python requirements at all' });
  }
  return out;
}

function includedNote(service: Service, path: string): string {
  const nested = service.installedFiles.filter((f) => f.chain.length > 1 && f.chain[0] === path && !f.constraint).map((f) => f.path);
  return nested.length > 0 ? ` (nor in ${[...new Set(nested)].join(', ')})` : '';
}
