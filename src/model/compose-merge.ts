// Compose `extends` (same file and `file:`), resolved the way `docker compose` does: the extended
// service's definition merged under the extending one. Every merged value keeps the file that
// wrote it (`file`), so findings point at the line that set it. Cycles become a PARSE finding.
import type { ComposeService } from '../parsers/types.js';
import { escapesRoot, repoDirname, repoJoin } from '../util/paths.js';
import type { Repository } from './repository.js';

/** Results that are (or extend) a service in an `extends` cycle. */
const BROKEN = new WeakSet<ComposeService>();

type Tagged = { readonly file?: string };

function tag<T extends Tagged>(value: T | null, file: string): T | null {
  return value === null ? null : value.file !== undefined ? value : { ...value, file };
}

function tagAll<T extends Tagged>(values: readonly T[], file: string): T[] {
  return values.map((v) => (v.file !== undefined ? v : { ...v, file }));
}

/**
 * `over` on top of `base` (written in `baseFile`): single values are replaced, `environment` is
 * merged by key, `volumes` by container path, `ports` appended — compose's merge rules. A field
 * `over` writes `!reset` is unset (base's value dropped); one it writes `!override` is over's alone.
 */
export function mergeComposeService(base: ComposeService, baseFile: string, over: ComposeService): ComposeService {
  const merged = mergeFields(base, baseFile, over);
  const reset = new Set(over.reset ?? []);
  const override = new Set(over.override ?? []);
  if (reset.size === 0 && override.size === 0) return merged;
  const out: Record<string, unknown> = { ...merged };
  for (const field of override) out[field] = (over as unknown as Record<string, unknown>)[field];
  for (const field of reset) out[field] = Array.isArray(out[field]) ? [] : null;
  delete out['reset'];
  delete out['override'];
  return out as unknown as ComposeService;
}

function mergeFields(base: ComposeService, baseFile: string, over: ComposeService): ComposeService {
  const env = new Set(over.environment.map((e) => e.key));
  const targets = new Set(over.volumes.map((v) => v.target));
  const { reset: _reset, override: _override, ...rest } = over;
  return {
    ...rest,
    build: over.build ?? tag(base.build, baseFile),
    image: over.image ?? tag(base.image, baseFile),
    command: over.command ?? tag(base.command, baseFile),
    entrypoint: over.entrypoint ?? tag(base.entrypoint, baseFile),
    environment: [...tagAll(base.environment.filter((e) => !env.has(e.key)), baseFile), ...over.environment],
    ports: [...tagAll(base.ports, baseFile), ...over.ports],
    expose: [...tagAll(base.expose, baseFile), ...over.expose],
    healthcheck: over.healthcheck ?? tag(base.healthcheck, baseFile),
    volumes: [...tagAll(base.volumes.filter((v) => v.target === null || !targets.has(v.target)), baseFile), ...over.volumes],
    profiles: over.profiles.length > 0 ? over.profiles : base.profiles,
    envFiles: [...tagAll(base.envFiles.filter((f) => !over.envFiles.some((o) => o.path === f.path)), baseFile), ...over.envFiles],
    user: over.user ?? tag(base.user, baseFile),
    workingDir: over.workingDir ?? tag(base.workingDir, baseFile),
    extends: null,
  };
}

/** `extends` chains longer than this are not followed (real ones are one or two services long). */
const MAX_EXTENDS_DEPTH = 32;

/** The service with its `extends` chain merged in; problems become diagnostics of its file. */
export function resolveExtends(repo: Repository, composePath: string, compose: ComposeService, chain: readonly string[] = []): ComposeService {
  const ext = compose.extends;
  if (!ext) return compose;
  const parentPath = ext.file ? repoJoin(repoDirname(composePath), ext.file) : composePath;
  const self = `${composePath}#${compose.name}`;
  const target = `${parentPath}#${ext.service}`;
  const seen = [...chain, self];
  const problem = (message: string, severity: 'error' | 'warning'): ComposeService => {
    const position = repo.files.get(composePath)?.lines.position(ext.span.start);
    repo.diagnostics.push({ file: composePath, diagnostic: { message, line: ext.line, column: position?.column ?? 1, span: ext.span, severity } });
    return { ...compose, extends: null };
  };
  if (seen.includes(target)) {
    const names = [...seen, target].map((s) => (s.startsWith(`${composePath}#`) ? s.slice(composePath.length + 1) : s.replace('#', ':')));
    const broken = problem(`extends cycle in ${composePath}: ${names.join(' -> ')} (docker compose refuses to load it)`, 'error');
    BROKEN.add(broken);
    return broken;
  }
  if (seen.length > MAX_EXTENDS_DEPTH) return problem(`extends chain longer than ${MAX_EXTENDS_DEPTH} services: ${ext.service} is not merged in`, 'warning');
  if (ext.file && (escapesRoot(parentPath) || /^[a-z]+:\/\//i.test(ext.file))) return { ...compose, extends: null };
  const model = ext.file ? (repo.load(parentPath, 'compose') ? repo.compose.get(parentPath) : undefined) : repo.compose.get(composePath);
  if (!model) return problem(`extends: file ${parentPath} does not exist`, 'error');
  const parent = model.services.find((s) => s.name === ext.service);
  if (!parent) return problem(`extends: service "${ext.service}" is not defined in ${parentPath}`, 'error');
  const resolved = resolveExtends(repo, parentPath, parent, seen);
  if (BROKEN.has(resolved)) {
    // Part of a cycle: nothing is merged, as compose would not run the file at all.
    const broken = { ...compose, extends: null };
    BROKEN.add(broken);
    return broken;
  }
  return mergeComposeService(resolved, parentPath, compose);
}
