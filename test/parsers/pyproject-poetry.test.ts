// Poetry's python constraint read as poetry-core writes Requires-Python (#17 point 17).
import { describe, expect, it } from 'vitest';
import { parsePyproject, poetryConstraint } from '../../src/parsers/pyproject.js';

describe('poetryConstraint', () => {
  it.each([
    ['^3.11', '>=3.11,<4.0'],
    ['^3.11.4', '>=3.11.4,<4.0'],
    ['^0.2.3', '>=0.2.3,<0.3'],
    ['^0.0.3', '>=0.0.3,<0.0.4'],
    ['~3.11', '>=3.11,<3.12'],
    ['~3.11.2', '>=3.11.2,<3.12'],
    ['~3', '>=3,<4.0'],
    ['3.12.1', '==3.12.1'],
    ['3.11.*', '==3.11.*'],
    ['*', ''],
    ['>=3.10,<3.13', '>=3.10,<3.13'],
    ['>= 3.10 < 3.13', '>=3.10,<3.13'],
  ])('%s -> %s', (poetry, pep440) => {
    expect(poetryConstraint(poetry)).toBe(pep440);
  });

  it.each(['^3.8 || ^3.11', '3.8|3.9', 'latest', '^a'])('%s has no single specifier: null (unknown)', (poetry) => {
    expect(poetryConstraint(poetry)).toBeNull();
  });

  it('gives requires-python from [tool.poetry.dependencies] python; [project] requires-python wins', () => {
    expect(parsePyproject('[tool.poetry]\nname = "app"\n[tool.poetry.dependencies]\npython = "3.12.1"\nfastapi = "^0.115"\n').requiresPython).toBe('==3.12.1');
    expect(parsePyproject('[project]\nname = "app"\nrequires-python = ">=3.10"\n[tool.poetry.dependencies]\npython = "^3.12"\n').requiresPython).toBe('>=3.10');
  });
});
