// One place rules ask "what does distribution X at version V require?", whatever the source:
// an installed env (--python-env, or .venv/venv under the root) > a lockfile (poetry.lock,
// uv.lock) > the index cache (--index-url) > the bundled table of certain ranges.
// Pure: the env, lockfile and index data come from src/metadata/ (which does the I/O).
import { normalizeDistribution, satisfiesSpecifier } from './pep440.js';
import { WELL_KNOWN_REQUIRES_DIST } from '../knowledge/transitive-data.js';
import { sameVersion } from './versions.js';
import type { DistributionMetadata, RequiresDist } from './metadata-types.js';

export type { DistributionMetadata, RequiresDist } from './metadata-types.js';

export interface RequiresAnswer {
  readonly requires: readonly RequiresDist[];
  /** Human description of the source, for evidence. */
  readonly source: string;
}

/** Reads what the package index says about one distribution release; null when it does not know. */
export interface IndexMetadataReader {
  read(key: string, version: string): DistributionMetadata | null;
}

export interface MetadataInput {
  readonly env?: readonly DistributionMetadata[];
  readonly locks?: readonly DistributionMetadata[];
  /** The package index's metadata (read from the local index cache by src/metadata/; injected, so the model does no I/O). */
  readonly index?: IndexMetadataReader | null;
}

export class MetadataIndex {
  private readonly env = new Map<string, DistributionMetadata>();
  private readonly locks = new Map<string, DistributionMetadata[]>();

  constructor(private readonly input: MetadataInput = {}) {
    for (const dist of input.env ?? []) if (!this.env.has(dist.key)) this.env.set(dist.key, dist);
    for (const dist of input.locks ?? []) this.locks.set(dist.key, [...(this.locks.get(dist.key) ?? []), dist]);
  }

  /** Distributions of the installed env (for the module map: their top-level import names). */
  get installed(): readonly DistributionMetadata[] {
    return [...this.env.values()];
  }

  /** Whether the installed env or a lockfile lists this distribution (so its dependencies are known). */
  knows(key: string): boolean {
    return this.env.has(key) || this.locks.has(key);
  }

  /** Names a distribution depends on per the installed env or a lockfile (any version), for DEP003. */
  dependencyNames(key: string): string[] {
    const env = this.env.get(key);
    if (env) return env.requires.filter((r) => r.marker === null || !/extra\s*==/.test(r.marker)).map((r) => r.key);
    return [...new Set((this.locks.get(key) ?? []).flatMap((d) => d.requires.map((r) => r.key)))];
  }

  requiresOf(name: string, version: string): RequiresAnswer | null {
    const key = normalizeDistribution(name);
    const env = this.env.get(key);
    if (env && sameVersion(env.version, version)) return { requires: env.requires, source: env.source };
    const locked = this.locks.get(key)?.find((d) => sameVersion(d.version, version) && d.requires.some((r) => r.specifier !== ''));
    if (locked) return { requires: locked.requires, source: locked.source };
    if (this.input.index) {
      const fromIndex = this.input.index.read(key, version);
      if (fromIndex) return { requires: fromIndex.requires, source: fromIndex.source };
    }
    for (const [dist, releases, requires] of WELL_KNOWN_REQUIRES_DIST) {
      if (dist !== key || satisfiesSpecifier(version, releases) !== true) continue;
      return {
        requires: requires.map(([dep, specifier]) => ({ name: dep, key: dep, extras: [], specifier, marker: null })),
        source: `driftcheck's table of well-known dependencies (${dist} ${releases})`,
      };
    }
    return null;
  }
}

export const EMPTY_METADATA = new MetadataIndex();
