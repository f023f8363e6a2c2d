import { describe, expect, it } from 'vitest';
import { COMMAND_WORDS, COMPOSE_WORDS, dockerShell, splitShellWords } from '../../src/parsers/shell.js';

const values = (text: string, dialect: Parameters<typeof splitShellWords>[1]): string[] => splitShellWords(text, dialect).map((t) => t.value);

// The three dialects reproduce the three splitters they replaced; these pin where they differ.
describe('shell lexer dialects', () => {
  it('Docker shell: operators, redirections with their fd, comments, expansions kept verbatim', () => {
    expect(values(`pip install -r $(cat f) 2>&1 # x`, dockerShell(true))).toEqual(['pip', 'install', '-r', '$(cat f)', '2>&', '1']);
    expect(values(`echo $'a b'`, dockerShell(true))).toEqual(['echo', 'a b']);
  });
  it('compose words: no operators, a trailing backslash dropped', () => {
    expect(values(`a&&b #c $'d' \\`, COMPOSE_WORDS)).toEqual(['a&&b', '#c', '$d', '']);
    expect(splitShellWords(`x "y z"`, COMPOSE_WORDS).map((t) => t.span)).toEqual([{ start: 0, end: 1 }, { start: 2, end: 7 }]);
  });
  it('command words: list operators, any backslash escape inside double quotes', () => {
    expect(values(`a&&b|c;d "e\\qf" g>h \\`, COMMAND_WORDS)).toEqual(['a', '&&', 'b', '|', 'c', ';', 'd', 'eqf', 'g>h', '\\']);
    expect(values(`"e\\qf"`, COMPOSE_WORDS)).toEqual(['e\\qf']);
  });
});
