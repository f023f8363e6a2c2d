// Third-party imports of the code a service runs, grouped by the distribution that provides
// them, with how the image gets it: installed, only as a dependency of something installed
// (transitive), or not at all. Shared by DEP001 and DEP003 so both read one classification.
import type { Evidence, Severity } from '../../findings/types.js';
import { nameStems, normalizeName, type DistributionGuess } from '../../model/module-map.js';
import { classifyImport, installedKey, missingFirstPartyFiles, runningImports, transitiveOf } from '../../model/queries.js';
import type { Project, Service } from '../../model/types.js';
import type { PyImport } from '../../parsers/types.js';
import { isReplacedBackport } from '../../knowledge/stdlib.js';

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
}

const cache = new WeakMap<Service, readonly DistributionGroup[]>();

export function thirdPartyGroups(project: Project, service: Service): readonly DistributionGroup[] {
  const cached = cache.get(service);
  if (cached) return cached;
  const transitive = transitiveOf(project, service);
  const groups = new Map<string, { guess: DistributionGuess; sites: ImportSite[]; status: DistributionGroup['status']; via: string | null }>();
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
        const installed = installedKey(service, cls.guess.distributions) !== null || (cls.guess.source === 'guess' && providedByName(project, service).has(cls.top));
        const via = installed ? undefined : cls.guess.distributions.map((d) => transitive.get(normalizeName(d))?.replace(/\[.*\]$/, '')).find((v) => v !== undefined);
        group = { guess: cls.guess, sites: [], status: installed ? 'installed' : via ? 'transitive' : 'missing', via: via ?? null };
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

const stemCache = new WeakMap<Service, ReadonlySet<string>>();

/** Import names the installed distributions' own names suggest (`nameStems`), per service. */
function providedByName(project: Project, service: Service): ReadonlySet<string> {
  let names = stemCache.get(service);
  if (!names) {
    names = new Set([...service.installedKeys].flatMap((key) => [...project.moduleMap.importNamesOf(key.replace(/\[.*\]$/, '')), ...nameStems(key.replace(/\[.*\]$/, ''), true)]));
    stemCache.set(service, names);
  }
  return names;
}

/** Hard imports first: they decide the severity and where the finding is shown. */
export function hardness(site: ImportSite): number {
  return site.imp.guarded || site.imp.conditional ? 1 : 0;
}

/** Every import site as a place the finding is about (a suppression at any of them is in use). */
export function siteRefs(sites: readonly ImportSite[]): { file: string; line: number }[] {
  return sites.map((s) => ({ file: s.file, line: s.imp.line }));
}

export function severityOf(sites: readonly ImportSite[]): Severity {
  return sites.some((s) => hardness(s) === 0) ? 'error' : 'warning';
}

export function siteEvidence(allSites: readonly ImportSite[]): Evidence[] {
  // `from x import a` and `import x.b` on one line are two imports but one place to look at.
  const sites = allSites.filter((s, i) => allSites.findIndex((o) => o.file === s.file && o.imp.line === s.imp.line) === i);
  const shown = sites.slice(0, 3).map((s) => ({ file: s.file, line: s.imp.line, message: `imports ${s.imp.module}${contextNote(s.imp)}` }));
  if (sites.length > 3) shown.push({ file: sites[3]?.file ?? '', line: sites[3]?.imp.line ?? 1, message: `and ${sites.length - 3} more import site(s)` });
  return shown;
}

function contextNote(imp: PyImport): string {
  if (imp.guarded) return ' inside try/except ImportError';
  if (imp.conditional) return ' under a conditional';
  if (imp.inFunction) return ' inside a function';
  return '';
}
