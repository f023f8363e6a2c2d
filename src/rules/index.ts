// The ordered rule registry: adding a rule is one import and one line here.
import { closest } from '../util/edit-distance.js';
import type { ConfigShorthand, Rule } from './define-rule.js';
import conflictingPins from './pins/conflicting-pins.js';
import missingRequirementsFile from './pins/missing-requirements-file.js';
import unsatisfiablePins from './pins/unsatisfiable-pins.js';
import unpinnedRequirement from './pins/unpinned-requirement.js';
import installOrderOverride from './pins/install-order-override.js';
import pythonVersionDrift from './pins/python-version-drift.js';
import knownIncompatiblePins from './pins/known-incompatible-pins.js';
import lockfileDrift from './npm/lockfile-drift.js';
import npmInstallInImage from './npm/npm-install-in-image.js';
import nodeVersionDrift from './npm/node-version-drift.js';
import nodeModuleMissingInImage from './npm/node-module-missing-in-image.js';
import reloadInProduction from './production/reload-in-production.js';
import debugEnabled from './production/debug-enabled.js';
import devServer from './production/dev-server.js';
import floatingImageTag from './production/floating-image-tag.js';
import runsAsRoot from './production/runs-as-root.js';
import healthcheckMissing from './production/healthcheck-missing.js';
import healthcheckBroken from './production/healthcheck-broken.js';
import sourceBindMount from './production/source-bind-mount.js';
import shellFormCommand from './production/shell-form-command.js';
import commandOverridesCmd from './production/command-overrides-cmd.js';
import hardcodedSecret from './production/hardcoded-secret.js';
import applicationClonedInImage from './production/application-cloned-in-image.js';
import firstPartyNotInImage from './python/first-party-not-in-image.js';
import missingDependency from './python/missing-dependency.js';
import transitiveDependency from './python/transitive-dependency.js';
import missingExtra from './python/missing-extra.js';
import unusedSuppression from './suppressions/unused-suppression.js';
import unusedDependency from './python/unused-dependency.js';
import unresolvedImport from './python/unresolved-import.js';
import misplacedDevDependency from './python/misplaced-dev-dependency.js';
import standardLibraryDependency from './python/standard-library-dependency.js';

export const RULES: readonly Rule[] = [
  // In code order (`driftcheck rules`, the README table, SARIF). DEP001-DEP005 mean what deptry's do.
  missingDependency,
  unusedDependency,
  transitiveDependency,
  misplacedDevDependency,
  standardLibraryDependency,
  firstPartyNotInImage,
  unresolvedImport,
  missingExtra,
  conflictingPins,
  unsatisfiablePins,
  unpinnedRequirement,
  missingRequirementsFile,
  pythonVersionDrift,
  installOrderOverride,
  knownIncompatiblePins,
  lockfileDrift,
  npmInstallInImage,
  nodeVersionDrift,
  nodeModuleMissingInImage,
  reloadInProduction,
  debugEnabled,
  devServer,
  floatingImageTag,
  runsAsRoot,
  healthcheckMissing,
  healthcheckBroken,
  sourceBindMount,
  shellFormCommand,
  commandOverridesCmd,
  hardcodedSecret,
  applicationClonedInImage,
  unusedSuppression,
];

/** The pseudo-rule that carries parse problems. */
export const PARSE_RULE = { id: 'PARSE', name: 'parse-error' } as const;
export const INTERNAL_RULE = { id: 'INTERNAL', name: 'internal-error' } as const;

/**
 * Every code 0.2.0 changed so that DEP001-DEP005 mean what deptry's do (CHANGELOG.md): old code ->
 * new code. Baselines of 0.1 are read through it; an old code that is no rule today is named with
 * its new code in errors, never applied silently (one that is a rule again means today's rule).
 */
export const CODES_OF_0_1: Readonly<Record<string, string>> = { DEP002: 'MOD001', DEP003: 'MOD002', DEP004: 'DEP002', DEP005: 'DEP003', DEP006: 'MOD003' };

/** ` (renamed DEP002 unused-dependency in 0.2.0)` for an old code, '' for anything else. */
export function renameHint(idOrName: string): string {
  const old = idOrName.toUpperCase();
  const renamed = CODES_OF_0_1[old];
  const rule = renamed && !findRule(old) ? findRule(renamed) : undefined;
  return rule ? ` (renamed ${rule.meta.id} ${rule.meta.name} in 0.2.0)` : '';
}

export function findRule(idOrName: string): Rule | undefined {
  const wanted = idOrName.toLowerCase();
  return RULES.find((r) => r.meta.id.toLowerCase() === wanted || r.meta.name === wanted);
}

/**
 * Whether an item of `--select`/`--ignore` (or the config's `select:`) names rules: an id or a
 * name (any case), or a prefix of ids (`DEP`, `PROD00`). selectedRules (src/engine/run-rules.ts)
 * matches the same way.
 */
export function isRuleSelector(item: string): boolean {
  const wanted = item.toUpperCase();
  return findRule(item) !== undefined || RULES.some((r) => wanted.length > 0 && wanted.length < r.meta.id.length && r.meta.id.startsWith(wanted));
}

/** The rule families (`DEP`, `PIN`, `PROD`, …), for suggestions. */
function families(): string[] {
  return [...new Set(RULES.map((r) => r.meta.id.replace(/\d+$/, '')))];
}

/**
 * The rule id, name or family nearest to a mistyped one (`DEP01` -> DEP001, `missing-dependancy`
 * -> missing-dependency, `PRD` -> PROD), or undefined when nothing is close. A code renamed in
 * 0.2.0 gives its new code (`DEP004` -> DEP002), not the nearest spelling.
 */
export function suggestRule(word: string, { families: withFamilies = true }: { readonly families?: boolean } = {}): string | undefined {
  const renamed = findRule(word) ? undefined : CODES_OF_0_1[word.toUpperCase()];
  if (renamed !== undefined) return renamed;
  return closest(word, [...RULES.map((r) => r.meta.id), ...(withFamilies ? families() : []), ...RULES.map((r) => r.meta.name)]);
}

/**
 * `unknown rule "DEP01" (did you mean DEP001?)`; for a renamed code, what it was renamed to;
 * else the pointer to the list.
 */
export function unknownRuleMessage(word: string, what = 'unknown rule'): string {
  const renamed = renameHint(word);
  if (renamed) return `${what} "${word}"${renamed}`;
  const suggestion = suggestRule(word);
  return `${what} "${word}" (${suggestion ? `did you mean ${suggestion}?` : 'run "driftcheck rules" for the list'})`;
}

/** The rule a config shorthand key (`allowUnused`) stands for: the one whose meta declares it. */
export function shorthandRule(key: ConfigShorthand): string | undefined {
  return RULES.find((r) => r.meta.configShorthand === key)?.meta.id;
}

/** What the config loader needs from the registry (src/config/load.ts's RuleLookup). */
export const ruleLookup = {
  known: (idOrName: string): boolean => findRule(idOrName) !== undefined,
  selector: isRuleSelector,
  // Config keys name single rules (no families): suggest ids and names only.
  suggest: (word: string): string | undefined => suggestRule(word, { families: false }),
  shorthand: shorthandRule,
  hint: renameHint,
} as const;

/** hadolint code -> the ids of the rules that declare it in `meta.hadolint`. */
export function hadolintEquivalents(): ReadonlyMap<string, readonly string[]> {
  const out = new Map<string, string[]>();
  for (const rule of RULES) for (const code of rule.meta.hadolint ?? []) out.set(code.toUpperCase(), [...(out.get(code.toUpperCase()) ?? []), rule.meta.id]);
  return out;
}
