// `[tool.deptry]` (#21): a project moving from deptry keeps its decisions. The settings driftcheck
// has an equivalent for are read from the pyproject.toml of the audited root (and of each
// configured project root), each one only when the driftcheck config does not set its own; the
// report header says which were read. Values are checked like driftcheck's own config (one line
// naming the file and key); deptry's output options (json_output, github_output, ...) are not
// audit settings and are left alone.
import { normalizeName as normalize } from '../util/names.js';
import { excerpt } from '../util/safe-fs.js';
import type { IgnoreEntry } from './types.js';

/** What `[tool.deptry]` says, in driftcheck's terms; absent keys are undefined. */
export interface DeptrySettings {
  readonly label: string;
  /** Keys read, as deptry names them, for the report header. */
  readonly keys: readonly string[];
  readonly ignore: readonly IgnoreEntry[];
  readonly moduleMap?: Readonly<Record<string, readonly string[]>>;
  readonly knownFirstParty?: readonly string[];
  /** `exclude` replaces deptry's defaults and .gitignore; `extend_exclude` adds to them. */
  readonly exclude?: readonly string[];
  readonly extendExclude?: readonly string[];
  readonly notebooks?: boolean;
  readonly devExtras?: readonly string[];
  readonly runtimeGroups?: readonly string[];
  readonly requirementsFiles?: readonly string[];
  readonly devRequirementsFiles?: readonly string[];
}

export class DeptryConfigError extends Error {}

/**
 * Reads `[tool.deptry]` from a parsed pyproject.toml; null when the section is absent. `label` names
 * the file in messages (`pyproject.toml`); `knownRule` checks per_rule_ignores and ignore codes.
 */
export function readDeptrySection(label: string, data: Record<string, unknown>, knownRule: (id: string) => boolean): DeptrySettings | null {
  const tool = data['tool'];
  const section = tool && typeof tool === 'object' && !Array.isArray(tool) ? (tool as Record<string, unknown>)['deptry'] : undefined;
  if (section === undefined) return null;
  const where = `${label} [tool.deptry]`;
  const fail = (key: string, message: string): never => {
    throw new DeptryConfigError(`${where}: "${excerpt(key)}" ${message}`);
  };
  if (typeof section !== 'object' || section === null || Array.isArray(section)) return fail('tool.deptry', 'must be a table');
  const table = section as Record<string, unknown>;
  const keys: string[] = [];
  const list = (key: string): string[] | undefined => {
    const value = table[key];
    if (value === undefined) return undefined;
    const items = typeof value === 'string' ? [value] : value;
    if (!Array.isArray(items) || items.some((v) => typeof v !== 'string')) return fail(key, 'must be a list of strings');
    keys.push(key);
    return items as string[];
  };
  const mapping = (key: string): Record<string, string[]> | undefined => {
    const value = table[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(key, 'must be a table');
    const out: Record<string, string[]> = {};
    for (const [name, entry] of Object.entries(value as Record<string, unknown>)) {
      const items = typeof entry === 'string' ? [entry] : entry;
      if (!Array.isArray(items) || items.some((v) => typeof v !== 'string')) return fail(`${key}.${name}`, 'must be a string or a list of strings');
      out[name] = items as string[];
    }
    keys.push(key);
    return out;
  };
  const ignore: IgnoreEntry[] = [];
  const reason = (key: string): string => `${key} in ${where}`;
  const perRule = mapping('per_rule_ignores');
  for (const [code, names] of Object.entries(perRule ?? {})) {
    if (!knownRule(code)) fail(`per_rule_ignores.${code}`, 'is not a rule code');
    for (const name of names) ignore.push({ path: null, package: normalize(name.trim()), rules: [code.toUpperCase()], reason: reason('per_rule_ignores') });
  }
  const ignoredRules = list('ignore');
  for (const code of ignoredRules ?? []) {
    if (!knownRule(code)) fail('ignore', `names an unknown rule "${excerpt(code)}"`);
    ignore.push({ path: null, package: null, rules: [code.toUpperCase()], reason: reason('ignore') });
  }
  const moduleMap: Record<string, string[]> = {};
  const packageModules = mapping('package_module_name_map');
  for (const [distribution, modules] of Object.entries(packageModules ?? {})) {
    for (const module of modules) {
      if (!/^[A-Za-z_][\w.]*$/.test(module)) fail(`package_module_name_map.${distribution}`, `names "${excerpt(module)}", which is not a Python module name`);
      moduleMap[module] = [...(moduleMap[module] ?? []), distribution];
    }
  }
  const notebooks = table['ignore_notebooks'];
  if (notebooks !== undefined) {
    if (typeof notebooks !== 'boolean') fail('ignore_notebooks', 'must be true or false');
    keys.push('ignore_notebooks');
  }
  // `pep621_dev_dependency_groups` is deptry's older name of `optional_dependencies_dev_groups`.
  const devExtras = list('optional_dependencies_dev_groups') ?? list('pep621_dev_dependency_groups');
  const settings: DeptrySettings = {
    label: where,
    keys,
    ignore,
    ...(packageModules ? { moduleMap } : {}),
    ...optional('knownFirstParty', list('known_first_party')),
    ...optional('exclude', list('exclude')),
    ...optional('extendExclude', list('extend_exclude')),
    ...(notebooks === undefined ? {} : { notebooks: notebooks !== true }),
    ...optional('devExtras', devExtras),
    ...optional('runtimeGroups', list('non_dev_dependency_groups')),
    ...optional('requirementsFiles', list('requirements_files')),
    ...optional('devRequirementsFiles', list('requirements_files_dev')),
  };
  return settings;
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

