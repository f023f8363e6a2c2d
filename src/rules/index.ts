// The ordered rule registry: adding a rule is one import and one line here.
import type { Rule } from './define-rule.js';
import conflictingPins from './pins/conflicting-pins.js';
import missingRequirementsFile from './pins/missing-requirements-file.js';
import unsatisfiablePins from './pins/unsatisfiable-pins.js';
import unpinnedRequirement from './pins/unpinned-requirement.js';
import installOrderOverride from './pins/install-order-override.js';
import pythonVersionDrift from './pins/python-version-drift.js';
import knownIncompatiblePins from './pins/known-incompatible-pins.js';
import lockfileDrift from './npm/lockfile-drift.js';
import npmInstallInImage from './npm/npm-install-in-image.js';
import reloadInProduction from './production/reload-in-production.js';
import firstPartyNotInImage from './python/first-party-not-in-image.js';
import missingDependency from './python/missing-dependency.js';
import transitiveDependency from './python/transitive-dependency.js';
import missingExtra from './python/missing-extra.js';

export const RULES: readonly Rule[] = [
  missingDependency,
  firstPartyNotInImage,
  transitiveDependency,
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
  reloadInProduction,
];

/** The pseudo-rule that carries parse problems. */
export const PARSE_RULE = { id: 'PARSE', name: 'parse-error' } as const;
export const INTERNAL_RULE = { id: 'INTERNAL', name: 'internal-error' } as const;

export function findRule(idOrName: string): Rule | undefined {
  const wanted = idOrName.toLowerCase();
  return RULES.find((r) => r.meta.id.toLowerCase() === wanted || r.meta.name === wanted);
}
