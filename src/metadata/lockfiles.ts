// Requires-Dist from Python lockfiles, read as TOML (smol-toml): poetry.lock records each locked
// package's dependency specifiers; uv.lock records dependency names and markers only (the
// specifiers are kept for the project itself), so its entries carry '' (any version).
import { parseToml } from '../util/toml.js';
import { normalizeDistribution } from '../model/pep440.js';
import { parseRequiresDist } from './requires.js';
import type { DistributionMetadata, RequiresDist } from '../model/metadata-types.js';

type Table = Record<string, unknown>;

const isTable = (v: unknown): v is Table => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Locked distributions of a poetry.lock or uv.lock; [] when the file does not parse. */
export function readLockfile(path: string, text: string): DistributionMetadata[] {
  let doc: Table;
  try {
    doc = parseToml(text) as Table;
  } catch {
    return [];
  }
  const packages = Array.isArray(doc.package) ? doc.package.filter(isTable) : [];
  const out: DistributionMetadata[] = [];
  for (const pkg of packages) {
    const name = typeof pkg.name === 'string' ? pkg.name : null;
    const version = typeof pkg.version === 'string' ? pkg.version : null;
    if (!name || !version) continue;
    const requires = path.endsWith('poetry.lock') ? poetryRequires(pkg) : uvRequires(pkg);
    out.push({ name, key: normalizeDistribution(name), version, requires, topLevel: [], source: path });
  }
  return out;
}

function poetryRequires(pkg: Table): RequiresDist[] {
  const deps = isTable(pkg.dependencies) ? pkg.dependencies : {};
  const out: RequiresDist[] = [];
  for (const [name, value] of Object.entries(deps)) {
    // `dep = "==1.*"`, `dep = {version = ">=1", markers = "...", optional = true}`, or a list of those.
    for (const entry of Array.isArray(value) ? value : [value]) {
      const spec = typeof entry === 'string' ? entry : isTable(entry) && typeof entry.version === 'string' ? entry.version : '*';
      if (isTable(entry) && entry.optional === true) continue; // only behind an extra
      const marker = isTable(entry) && typeof entry.markers === 'string' ? entry.markers : null;
      // A bare version (`pydantic-core = "2.18.4"`) means ==2.18.4 in Poetry; glued to the name it
      // would read as another distribution (`pydantic-core2.18.4`).
      const bare = spec.replace(/\s+/g, '');
      const specifier = bare === '*' ? '' : /^\d/.test(bare) ? `==${bare}` : bare;
      const parsed = parseRequiresDist(`${name}${specifier}${marker ? `; ${marker}` : ''}`);
      // Poetry-only syntax (`^1.2`, `1.2.*` without operator) is not PEP 440: keep the name only.
      out.push(parsed ?? { name, key: normalizeDistribution(name), extras: [], specifier: '', marker });
    }
  }
  return out;
}

function uvRequires(pkg: Table): RequiresDist[] {
  const deps = Array.isArray(pkg.dependencies) ? pkg.dependencies.filter(isTable) : [];
  return deps.flatMap((dep) => {
    if (typeof dep.name !== 'string') return [];
    const extras = Array.isArray(dep.extra) ? dep.extra.filter((e): e is string => typeof e === 'string') : [];
    return [{ name: dep.name, key: normalizeDistribution(dep.name), extras, specifier: '', marker: typeof dep.marker === 'string' ? dep.marker : null }];
  });
}
