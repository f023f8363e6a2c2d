// FirstPartyIndex.nestedPackagesNamed: answered from an index built once (issue #18), with the
// same answers as a scan of every Python file (the reference below is that scan).
import { describe, expect, it } from 'vitest';
import { FirstPartyIndex } from '../../src/model/first-party.js';

const dirname = (path: string): string => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '');

/** The definition: `<package>/<name>/__init__.py` folders and `<package>/<name>.py` modules. */
function reference(files: readonly string[], name: string): string[] {
  const isPackage = (dir: string): boolean => dir !== '' && files.includes(`${dir}/__init__.py`);
  const out: string[] = [];
  for (const file of files) {
    if (file.endsWith(`/${name}/__init__.py`)) {
      if (isPackage(dirname(dirname(file)))) out.push(dirname(file));
    } else if (file.endsWith(`/${name}.py`) && isPackage(dirname(file))) out.push(file);
  }
  return out.sort();
}

const FILES = [
  'app/__init__.py', 'app/services/__init__.py', 'app/services/email.py', 'app/models.py', 'app/api/__init__.py', 'app/api/services.py',
  'lib/services/__init__.py', 'lib/services/x.py', // lib is no package: not nested
  'pkg/__init__.py', 'pkg/__init__/__init__.py', 'pkg/__init__/mod.py', 'pkg/sub/__init__.py', 'pkg/sub/deep/__init__.py', 'pkg/sub/deep/models.py',
  'top.py', 'services.py', 'models/__init__.py', 'tools/build.py', 'app/data.json.py', 'Z/__init__.py', 'Z/a/__init__.py',
];

describe('FirstPartyIndex.nestedPackagesNamed', () => {
  it('answers as a scan of every file does, for every name', () => {
    const index = new FirstPartyIndex(FILES);
    const names = ['services', 'models', 'email', 'api', '__init__', 'deep', 'sub', 'mod', 'x', 'top', 'build', 'data.json', 'a', 'Z', 'missing', 'sub/deep', ''];
    for (const name of names) expect(index.nestedPackagesNamed(name), name).toEqual(reference(FILES, name));
    expect(index.nestedPackagesNamed('services')).toEqual(['app/api/services.py', 'app/services']);
    expect(index.nestedPackagesNamed('models')).toEqual(['app/models.py', 'pkg/sub/deep/models.py']);
  });

  it('hands out a copy: a caller changing it changes no later answer', () => {
    const index = new FirstPartyIndex(FILES);
    index.nestedPackagesNamed('services').push('changed');
    expect(index.nestedPackagesNamed('services')).toEqual(reference(FILES, 'services'));
  });
});
