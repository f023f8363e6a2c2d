// #16 idiom 8: which modules and programs a system package installs (Debian Python Policy naming,
// Alpine's py3-*, and the packages whose file lists say otherwise).
import { describe, expect, it } from 'vitest';
import { systemPackageModules, systemPackagePrograms } from '../../src/knowledge/system-packages.js';

describe('system packages', () => {
  it.each([
    ['python3-psycopg2', ['psycopg2']],
    ['python3-paho-mqtt', ['paho']],
    ['python3-pil', ['PIL']],
    ['python3-typing-extensions', ['typing_extensions']],
    ['py3-yaml', ['yaml']],
    ['python3-dev', []],
    ['python3-venv', []],
    ['python3-sphinx-doc', []],
    ['python3', []],
    ['libpq-dev', []],
  ])('%s installs modules %j', (pkg, modules) => {
    expect(systemPackageModules(pkg)).toEqual(modules);
  });

  it('programs: supervisor, gunicorn, uwsgi; a library package none', () => {
    expect(systemPackagePrograms('supervisor')).toContain('supervisord');
    expect(systemPackagePrograms('gunicorn')).toEqual(['gunicorn']);
    expect(systemPackagePrograms('uwsgi')).toEqual(['uwsgi']);
    expect(systemPackagePrograms('python3-psycopg2')).toEqual([]);
  });
});
