// Third-party imports of the code a service runs, grouped by the distribution that provides
// them, with how the image gets it: installed, only as a dependency of something installed
// (transitive), or not at all. Shared by DEP001 and DEP003 so both read one classification.
import type { Evidence, Severity } from '../../findings/types.js';
import { nameStems, normalizeName, type DistributionGuess } from '../../model/module-map.js';
import { classifyImport, installedKey, missingFirstPartyFiles, runningImports, transitiveOf } from '../../model/queries.js';
import type { Project, Service } from '../../model/types.js';
import type { PyImport } from '../../parsers/types.js';
import { isReplacedBackport } from '../../knowledge/stdlib.js';
import { META_PACKAGES } from '../../knowledge/transitive-data.js';

const META = new Set(META_PACKAGES.map(([dist]) => normalizeName(dist)));

export interface ImportSite {
  readonly file: string;
  readonly imp: PyImport;
}

export interface DistributionGroup {
  readonly key: string; // normalised canonical distribution
  readonly guess: DistributionGuess;
  readonly sites: readonly ImportSite[]; // hard imports first, then by file and line
  readonly status: 'installed' | 'transitive' | 'missing';
  /** For a transitive group: the installed distribution that pulls it in. */
  readonly via: string | null;
  /**
   * For an installed group: the installed distribution (normalised) that provides the module, by
   * the one mapping every rule reads: the module map, else an installed distribution whose name
   * gives the module by the usual patterns (python-X, X-python, pyX, django-X, X-client, X-sdk,
   * X-py, X-core).
   */
  readonly installed: string | null;
}

const cache = new WeakMap<Service, readonly DistributionGroup[]>();

export function thirdPartyGroups(project: Project, service: Service): readonly DistributionGroup[] {
  const cached = cache.get(service);
  if (cached) return cached;
  const transitive = transitiveOf(project, service);
  const groups = new Map<string, { guess: DistributionGuess; sites: ImportSite[]; status: DistributionGroup['status']; via: string | null; installed: string | null }>();
  // Code the image should hold but does not (MOD001) still says what the service needs.
  const missingCode = service.kind === 'project' ? [] : missingFirstPartyFiles(project, service);
  for (const runFile of [...service.runFiles, ...missingCode]) {
    for (const imp of runningImports(project, service, runFile)) {
      if (imp.typeChecking) continue;
      // `if sys.version_info < (3, 11): import tomli` never runs where tomllib exists.
      if ((imp.guarded || imp.conditional) && isReplacedBackport(imp.module, service.pythonVersion)) continue;
      const cls = classifyImport(project, service, runFile, imp);
      if (cls.kind !== 'third-party') continue;
      const key = normalizeName(cls.guess.distributions[0] ?? cls.top);
      let group = groups.get(key);
      if (!group) {
        // A guessed name that an installed distribution's own name provides (django-csp -> csp):
        // not proven missing.
        const installed = installedKey(service, cls.guess.distributions) ?? (cls.guess.source === 'guess' ? (providedByName(project, service).get(cls.top) ?? null) : null);
        const via = installed !== null ? undefined : cls.guess.distributions.map((d) => transitive.get(normalizeName(d))?.replace(/\[.*\]$/, '')).find((v) => v !== undefined);
        // A meta-package (opentelemetry-exporter-otlp) is installed for what it requires: importing
        // one of those is using the meta-package, not a transitive import.
        const meta = via !== undefined && META.has(via) && service.installedKeys.has(via) ? via : null;
        const provider = installed ?? meta;
        group = { guess: cls.guess, sites: [], status: provider !== null ? 'installed' : via ? 'transitive' : 'missing', via: meta === null ? (via ?? null) : null, installed: provider };
        groups.set(key, group);
      }
      group.sites.push({ file: runFile.repoPath, imp });
    }
  }
  const out = [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, g]) => ({ key, ...g, sites: [...g.sites].sort((a, b) => hardness(a) - hardness(b) || (a.file < b.file ? -1 : a.file > b.file ? 1 : a.imp.line - b.imp.line)) }));
  cache.set(service, out);
  return out;
}

const stemCache = new WeakMap<Service, ReadonlyMap<string, string>>();

/**
 * Import names the installed distributions' own names suggest (`nameStems`), per service, each
 * with the installed distribution (normalised) that suggests it; the first in sorted order wins.
 */
function providedByName(project: Project, service: Service): ReadonlyMap<string, string> {
  let names = stemCache.get(service);
  if (!names) {
    const map = new Map<string, string>();
    for (const installed of [...service.installedKeys].sort()) {
      const key = installed.replace(/\[.*\]$/, '');
      for (const name of [...project.moduleMap.importNamesOf(key), ...nameStems(key, true)]) if (!map.has(name)) map.set(name, key);
    }
    names = map;
    stemCache.set(service, names);
  }
  return names;
}

/** Hard imports first: they decide the severity and where the finding is shown. */
export function hardness(site: ImportSite): number {
  return site.imp.guarded || site.imp.conditional ? (lostFeature(site.imp) ? 1 : 2) : 0;
}

/**
 * A guarded import whose handler only reports the failure (logs, prints, warns) and binds no
 * fallback: the code copes, but what the try block defines is lost in this image. Proof that the
 * image lacks something the code wants, at warning level at most.
 */
export function lostFeature(imp: PyImport): boolean {
  return imp.guarded && imp.guard?.handling === 'reports';
}

/** The guard's evidence: where the handler is and what it does. */
export function guardEvidence(file: string, imp: PyImport): Evidence[] {
  if (imp.guard === undefined) return [];
  const message = imp.guard.handling === 'raises'
    ? `its except handler re-raises or exits: the try/except makes the import no less required`
    : imp.guard.handling === 'used'
      ? `the except handler binds no fallback, and this module-level statement uses the name: NameError when the file is imported`
      : `its except handler only logs or prints the failure and binds no fallback: what the try block defines is missing at run time`;
  return [{ file, line: imp.guard.line, message }];
}

/** Every import site as a place the finding is about (a suppression at any of them is in use). */
export function siteRefs(sites: readonly ImportSite[]): { file: string; line: number }[] {
  return sites.map((s) => ({ file: s.file, line: s.imp.line }));
}

export function severityOf(sites: readonly ImportSite[]): Severity {
  return sites.some((s) => hardness(s) === 0) ? 'error' : 'warning';
}

/** Sites that prove a need: unguarded ones, and guarded ones whose handler only reports the loss. */
export function provingSites(sites: readonly ImportSite[]): ImportSite[] {
  return sites.filter((s) => !s.imp.guarded || lostFeature(s.imp));
}

export function siteEvidence(allSites: readonly ImportSite[]): Evidence[] {
  // `from x import a` and `import x.b` on one line are two imports but one place to look at.
  const sites = allSites.filter((s, i) => allSites.findIndex((o) => o.file === s.file && o.imp.line === s.imp.line) === i);
  const shown = sites.slice(0, 3).map((s) => ({ file: s.file, line: s.imp.line, message: `imports ${s.imp.module}${contextNote(s.imp)}` }));
  if (sites.length > 3) shown.push({ file: sites[3]?.file ?? '', line: sites[3]?.imp.line ?? 1, message: `and ${sites.length - 3} more import site(s)` });
  return shown;
}

function contextNote(imp: PyImport): string {
  if (lostFeature(imp)) return ` inside try/except ImportError whose handler (line ${imp.guard?.line ?? imp.line}) only reports the failure`;
  if (imp.guard?.handling === 'raises') return ` inside try/except ImportError whose handler (line ${imp.guard.line}) re-raises or exits`;
  if (imp.guard?.handling === 'used') return ` inside try/except ImportError with no fallback, and used unguarded at line ${imp.guard.line}`;
  if (imp.guarded) return ' inside try/except ImportError';
  if (imp.conditional) return ' under a conditional';
  if (imp.inFunction) return ' inside a function';
  return '';
}
