import { describe, expect, it } from 'vitest';
import { commonVersion, evaluateMarker, satisfiesSpecifier } from '../../src/model/pep440.js';

describe('commonVersion', () => {
  it.each([
    [['==1.0.7', '>=1.0.0,<0.18'], false],
    [['>=1.0,<2', '~=2.1'], false],
    [['~=1.4', '<1.4'], false],
    [['!=1.0.7', '==1.0.7'], false],
    [['>1.0.7', '<=1.0.7'], false],
    [['==2.*', '<2.0'], false],
    [['==1.0.7', '==1.*'], true],
    [['>=0.17,<0.18', '>=0.17.3'], true],
    [['==1.0', '==1.0.0'], true],
    [['~=1.4.2', '>=1.4.9,<1.5'], true],
    [['==2.1.0+cpu', '==2.1.0'], true],
    [['==2.1.0+cpu', '==2.1.0+cu118'], false],
    [['===1.0', '==1.0'], true],
    [['===1.0', '===1.0.0'], false],
    [['~=2.10', '==2.9.2'], false],
    [['==0.17.3', '==1.*'], false],
  ])('%j -> %s', (specs, expected) => {
    expect(commonVersion(specs) !== false).toBe(expected);
  });
  it('is null for garbage', () => {
    expect(commonVersion(['==1.0', 'garbage'])).toBeNull();
  });
  it('does not throw on invalid versions', () => {
    expect(satisfiesSpecifier('garbage', '>=1')).toBeNull();
  });
});

describe('evaluateMarker', () => {
  const env = { python_version: '3.12' };
  it.each([
    ['python_version < "3.12"', false],
    ['python_version >= "3.12"', true],
    ["sys_platform == 'win32'", false],
    ["sys_platform == 'linux' and python_version < '3.13'", true],
    ["platform_machine == 'x86_64'", null],
    ["platform_machine == 'x86_64' and os_name == 'nt'", false],
    ["platform_machine == 'x86_64' or os_name == 'posix'", true],
    ['python_full_version >= "3.12.1"', null],
    ['python_full_version >= "3.11.2"', true],
    ['(python_version < "3.9") or (platform_system == "Windows")', false],
    ['extra == "socks"', false],
    ['"linux" in sys_platform', true],
    ['python_version not in "3.11, 3.12"', false],
    ['bogus ==', null],
  ])('%s -> %s', (marker, expected) => {
    expect(evaluateMarker(marker, env)).toBe(expected);
  });
});
