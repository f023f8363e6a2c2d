// Modules the operating system's packages provide (#16 idiom 8): `apt-get install python3-psycopg2`
// puts psycopg2 in /usr/lib/python3/dist-packages, which only the system interpreter (Debian's or
// Ubuntu's /usr/bin/python3, Alpine's py3-* for its python3) reads. On a python:3.x image the app
// runs /usr/local/bin/python, which never looks there; in a virtual environment made without
// --system-site-packages neither. What is not known stays unknown.
import { splitImage } from '../../knowledge/base-images.js';
import { systemPackageModules } from '../../knowledge/system-packages.js';
import type { StageState } from '../image.js';
import { normalizeName, type ModuleMap } from '../module-map.js';
import type { SystemModule } from '../types.js';

/** Images whose only Python is the one their package manager installs (docker-library: none of their own). */
const DISTRIBUTION_IMAGES = new Set(['debian', 'ubuntu', 'alpine', 'buildpack-deps', 'node', 'nginx', 'nvidia/cuda']);
/** Images that bring their own interpreter in /usr/local (docker-library/python, pypy). */
const OWN_PYTHON_IMAGES = new Set(['python', 'pypy']);
const VENV = /(?:-m\s+venv|\bvirtualenv|\buv\s+venv)\b/;
const OTHER_PYTHON = /\b(?:uv\s+python\s+install|pyenv\s+install|conda|mamba|micromamba)\b/;
const SYSTEM_INTERPRETER = /^\/usr\/bin\/python3(?:\.\d+)?$/;

export function systemModulesOf(dockerfilePath: string, chain: readonly StageState[], argv: readonly string[], moduleMap: ModuleMap): SystemModule[] {
  const found: { pkg: string; module: string; line: number }[] = [];
  for (const state of chain) {
    for (const instruction of state.stage.instructions) {
      if (instruction.kind !== 'run') continue;
      for (const pkg of instruction.systemPackages) for (const module of systemPackageModules(pkg)) found.push({ pkg, module, line: instruction.line });
    }
  }
  if (found.length === 0) return [];
  const reach = reachOf(chain, argv);
  return found.map(({ pkg, module, line }) => {
    const keys = [...new Set(moduleMap.lookup(module).distributions.map(normalizeName))];
    return { package: pkg, module, keys, file: dockerfilePath, line, reach: reach.reach, why: reach.why.replace('{pkg}', pkg).replace('{module}', module) };
  });
}

function reachOf(chain: readonly StageState[], argv: readonly string[]): { reach: SystemModule['reach']; why: string } {
  const from = chain[0]?.stage.from;
  const image = from && from.stageRef === null ? from.image : '';
  const repo = image === '' || image.includes('$') ? '' : splitImage(image).repo;
  if (argv.some((word) => SYSTEM_INTERPRETER.test(word))) return { reach: 'yes', why: '{pkg} installs {module} for /usr/bin/python3, which the command runs' };
  if (OWN_PYTHON_IMAGES.has(repo)) {
    return { reach: 'no', why: `{pkg} installs {module} for the system Python (/usr/bin/python3); ${image} runs its own Python from /usr/local/bin, which does not read the system's packages` };
  }
  if (!DISTRIBUTION_IMAGES.has(repo)) return { reach: 'unknown', why: `{pkg} installs {module} for the system Python; whether the service runs that Python on ${image || 'its base image'} is not known` };
  for (const state of chain) {
    for (const instruction of state.stage.instructions) {
      if (instruction.kind !== 'run') continue;
      if (VENV.test(instruction.text) && !instruction.text.includes('--system-site-packages')) {
        return { reach: 'unknown', why: `{pkg} installs {module} for the system Python; the virtual environment made at line ${instruction.line} does not see it (no --system-site-packages), and which one runs is not known` };
      }
      const other = instruction.systemPackages.find((p) => /^python3\.\d+$/.test(p));
      if (OTHER_PYTHON.test(instruction.text) || other !== undefined) {
        return { reach: 'unknown', why: `{pkg} installs {module} for the distribution's python3; line ${instruction.line} installs ${other ?? 'another Python'}, and which one runs is not known` };
      }
    }
  }
  return { reach: 'yes', why: `{pkg} installs {module} for the system Python, the one ${image} has` };
}
