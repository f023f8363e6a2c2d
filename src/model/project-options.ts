// The settings project mode reads from the configuration (src/config/types.ts), and their defaults.
import { DEFAULT_CONFIG, type Config } from '../config/types.js';

export type ProjectOptions = Pick<
  Config,
  'projects' | 'knownFirstParty' | 'excludeRegex' | 'notebooks' | 'devExtras' | 'runtimeGroups' | 'requirementsFiles' | 'devRequirementsFiles'
>;

export const DEFAULT_PROJECT_OPTIONS: ProjectOptions = DEFAULT_CONFIG;
