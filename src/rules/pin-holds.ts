// A line added to a requirements file reaches every image that installs the file (#15 point 4):
// the fix holds only if none of them pins or constrains that distribution to something else.
import { satisfiesSpecifier } from '../model/pep440.js';
import { pinsInRepo, type RepoPin } from '../model/queries.js';
import type { Project } from '../model/types.js';

/**
 * Whether `key==version` (`version` null: unpinned) added to `file` leaves every image that installs
 * `file` installable: no other file or inline install of those images names `key` with a direct
 * reference or a specifier the version does not satisfy (or that cannot be read).
 */
export function pinHoldsForEveryImage(project: Project, file: string, key: string, version: string | null): boolean {
  for (const service of project.installedBy.get(file) ?? []) {
    for (const other of service.installed) {
      if (other.requirement.key !== key || other.file === file) continue;
      if (other.requirement.url !== null) return false;
      if (version !== null && other.requirement.specifier !== '' && satisfiesSpecifier(version, other.requirement.specifier.replace(/\s+/g, '')) !== true) return false;
    }
  }
  return true;
}

/**
 * The pin to write into `file` for `key`: the repository's most common pin that every image
 * installing `file` accepts. `undefined` when the repository pins `key` but no pin holds for all of
 * them (no fix); `null` when it pins it nowhere (an unpinned line, itself checked).
 */
export function pinForFile(project: Project, file: string, key: string): RepoPin | null | undefined {
  const pins = pinsInRepo(project, key);
  if (pins.length === 0) return pinHoldsForEveryImage(project, file, key, null) ? null : undefined;
  return pins.find((pin) => pinHoldsForEveryImage(project, file, key, pin.version));
}
