import { describe, it, expect } from 'vitest';
import { parsePipRequirementsLine, parsePipRequirementsLineLoosely } from 'pip-requirements-js';
import type { Span } from '../../src/findings/types.js';
import type { Requirement, RequirementsFileModel } from '../../src/parsers/types.js';
import { fastPep508, normalizeName, parseRequirements } from '../../src/parsers/requirements.js';

const at = (text: string, span: Span): string => text.slice(span.start, span.end);

/** 1-based line/column of an offset, computed independently of the parser (LF line breaks). */
function pos(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lastBreak = before.lastIndexOf('\n');
  return { line: before.split('\n').length, column: offset - lastBreak };
}

function only(model: RequirementsFileModel): Requirement {
  expect(model.requirements).toHaveLength(1);
  return model.requirements[0] as Requirement;
}

function req(model: RequirementsFileModel, name: string): Requirement {
  const r = model.requirements.find((x) => x.name === name);
  if (!r) throw new Error(`no requirement ${name}: ${model.requirements.map((x) => x.name).join(', ')}`);
  return r;
}

describe('normalizeName', () => {
  it('lowercases and collapses runs of - _ . into one -', () => {
    expect(normalizeName('Zope.Interface')).toBe('zope-interface');
    expect(normalizeName('typing_extensions')).toBe('typing-extensions');
    expect(normalizeName('Foo-_.-Bar')).toBe('foo-bar');
    expect(normalizeName('aio-pika')).toBe('aio-pika');
    expect(normalizeName('A__B..C')).toBe('a-b-c');
  });
});

describe('parseRequirements: PEP 508 lines', () => {
  it('parses a plain pin with exact spans', () => {
    const text = 'requests==2.32.3\n';
    const r = only(parseRequirements(text));
    expect(r.name).toBe('requests');
    expect(r.key).toBe('requests');
    expect(r.extras).toEqual([]);
    expect(r.specifier).toBe('==2.32.3');
    expect(r.pin).toBe('2.32.3');
    expect(r.marker).toBeNull();
    expect(r.url).toBeNull();
    expect(r.editable).toBe(false);
    expect(r.hashes).toEqual([]);
    expect([r.line, r.column]).toEqual([1, 1]);
    expect(r.span).toEqual({ start: 0, end: 16 });
    expect(at(text, r.nameSpan)).toBe('requests');
    expect(r.specifierSpan).toEqual({ start: 8, end: 16 });
    expect(at(text, r.specifierSpan)).toBe('==2.32.3');
    expect(r.lineSpan).toEqual({ start: 0, end: 17 });
  });

  it('keeps the name as written and normalises the key', () => {
    const text = 'Zope.Interface_X>=5\n';
    const r = only(parseRequirements(text));
    expect(r.name).toBe('Zope.Interface_X');
    expect(r.key).toBe('zope-interface-x');
    expect(r.pin).toBeNull();
  });

  it('parses extras, with spaces inside the brackets', () => {
    const text = 'a==1\nuvicorn[standard, dev] >=0.30,<0.31\n';
    const r = req(parseRequirements(text), 'uvicorn');
    expect(r.extras).toEqual(['standard', 'dev']);
    expect(r.specifier).toBe('>=0.30,<0.31');
    expect(r.pin).toBeNull();
    expect(at(text, r.nameSpan)).toBe('uvicorn');
    expect(at(text, r.specifierSpan)).toBe('>=0.30,<0.31');
    expect(at(text, r.span)).toBe('uvicorn[standard, dev] >=0.30,<0.31');
    expect([r.line, r.column]).toEqual([2, 1]);
    expect(at(text, r.lineSpan)).toBe('uvicorn[standard, dev] >=0.30,<0.31\n');
  });

  it('parses markers; the marker is trimmed and the span includes it', () => {
    const text = 'tomli>=2.0 ;  python_version < "3.11" and sys_platform != "win32"  \n';
    const r = only(parseRequirements(text));
    expect(r.marker).toBe('python_version < "3.11" and sys_platform != "win32"');
    expect(r.specifier).toBe('>=2.0');
    expect(at(text, r.span)).toBe('tomli>=2.0 ;  python_version < "3.11" and sys_platform != "win32"');
    expect(at(text, r.specifierSpan)).toBe('>=2.0');
  });

  it('parses a marker with no specifier: the empty specifier span sits right after the name', () => {
    const text = 'colorama; sys_platform == "win32"\n';
    const r = only(parseRequirements(text));
    expect(r.specifier).toBe('');
    expect(r.marker).toBe('sys_platform == "win32"');
    expect(r.specifierSpan).toEqual({ start: 8, end: 8 });
  });

  it('places the empty specifier span after the extras when there are extras', () => {
    const text = 'x\nfastapi[all]  # web\n';
    const r = req(parseRequirements(text), 'fastapi');
    const after = text.indexOf(']') + 1;
    expect(r.specifierSpan).toEqual({ start: after, end: after });
    expect(at(text, r.span)).toBe('fastapi[all]');
    expect(r.pin).toBeNull();
  });

  it('parses ~= (no pin), === (a pin, though the library cannot) and wildcards', () => {
    const text = 'a~=1.4.2\nb===1.10.0\nc==5.*\nd==1.0.*,!=1.0.3\ne == 2.0\nf === 1.0 ; os_name == "nt"\n';
    const m = parseRequirements(text);
    expect(m.diagnostics).toEqual([]);
    expect(req(m, 'a')).toMatchObject({ specifier: '~=1.4.2', pin: null });
    expect(req(m, 'b')).toMatchObject({ specifier: '===1.10.0', pin: '1.10.0' });
    expect(req(m, 'c')).toMatchObject({ specifier: '==5.*', pin: null });
    expect(req(m, 'd')).toMatchObject({ specifier: '==1.0.*,!=1.0.3', pin: null });
    expect(req(m, 'e')).toMatchObject({ specifier: '==2.0', pin: '2.0' });
    expect(at(text, req(m, 'e').specifierSpan)).toBe('== 2.0');
    expect(req(m, 'f')).toMatchObject({ specifier: '===1.0', pin: '1.0', marker: 'os_name == "nt"' });
    expect(at(text, req(m, 'f').specifierSpan)).toBe('=== 1.0');
    expect(req(m, 'b').line).toBe(2);
    expect(req(m, 'd').line).toBe(4);
  });

  it('parses the parenthesised form foo (>=1.0)', () => {
    const text = 'foo (>=1.0)\nbar ( == 2.0 , != 2.0.1 )\nbaz ()\n';
    const m = parseRequirements(text);
    expect(m.diagnostics).toEqual([]);
    const foo = req(m, 'foo');
    expect(foo.specifier).toBe('>=1.0');
    expect(at(text, foo.specifierSpan)).toBe('>=1.0');
    expect(at(text, foo.span)).toBe('foo (>=1.0)');
    const bar = req(m, 'bar');
    expect(bar.specifier).toBe('==2.0,!=2.0.1');
    expect(bar.pin).toBeNull();
    expect(at(text, bar.specifierSpan)).toBe('== 2.0 , != 2.0.1');
    const baz = req(m, 'baz');
    expect(baz.specifier).toBe('');
    expect(baz.specifierSpan.start).toBe(text.indexOf('baz') + 3);
  });

  it('falls back to pip-requirements-js for names the fast path does not take', () => {
    const text = 'café==1.0\n';
    const r = only(parseRequirements(text));
    expect(r.name).toBe('café');
    expect(r.pin).toBe('1.0');
    expect(at(text, r.specifierSpan)).toBe('==1.0');
  });
});

describe('parseRequirements: comments, line ends, continuations', () => {
  it('strips trailing comments from the span but not from the line span', () => {
    const text = '# header\nflask==3.0.0   # web framework\n';
    const m = parseRequirements(text);
    const r = only(m);
    expect(at(text, r.span)).toBe('flask==3.0.0');
    expect(at(text, r.lineSpan)).toBe('flask==3.0.0   # web framework\n');
    expect([r.line, r.column]).toEqual([2, 1]);
    expect(m.diagnostics).toEqual([]);
  });

  it('only treats # after whitespace as a comment (like pip)', () => {
    const text = 'x==1.0#glued\ny==2\n';
    const m = parseRequirements(text);
    expect(m.requirements.map((r) => r.name)).toEqual(['y']);
    expect(m.diagnostics).toHaveLength(1);
    expect(m.diagnostics[0]).toMatchObject({ severity: 'error', line: 1, column: 7 });
    expect(m.diagnostics[0]?.message).toContain('#glued');
  });

  it('handles CRLF: spans exclude the line break, line spans include \\r\\n', () => {
    const text = 'a==1\r\nb[x]==2 # c\r\n  c>=3\r\n';
    const m = parseRequirements(text);
    const a = req(m, 'a');
    expect(at(text, a.span)).toBe('a==1');
    expect(at(text, a.lineSpan)).toBe('a==1\r\n');
    const b = req(m, 'b');
    expect(at(text, b.span)).toBe('b[x]==2');
    expect(b.line).toBe(2);
    expect(at(text, b.lineSpan)).toBe('b[x]==2 # c\r\n');
    const c = req(m, 'c');
    expect([c.line, c.column]).toEqual([3, 3]);
    expect(at(text, c.specifierSpan)).toBe('>=3');
    expect(c.lineSpan.end).toBe(text.length);
  });

  it('handles mixed line ends, blank and whitespace-only lines, and no final newline', () => {
    const text = 'a==1\r\nb==2\nc==3\r\n\r\n   \n\t\nd';
    const m = parseRequirements(text);
    expect(m.requirements.map((r) => [r.name, r.line])).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 3],
      ['d', 7],
    ]);
    expect(at(text, req(m, 'b').lineSpan)).toBe('b==2\n');
    expect(at(text, req(m, 'c').lineSpan)).toBe('c==3\r\n');
    const d = req(m, 'd');
    expect(d.lineSpan).toEqual({ start: text.length - 1, end: text.length });
    expect(d.specifierSpan).toEqual({ start: text.length, end: text.length });
    expect(m.diagnostics).toEqual([]);
  });

  it('yields nothing for empty, blank and whitespace-only input', () => {
    for (const text of ['', '\n', '   \n\t\n', '\r\n\r\n', '# only a comment\n']) {
      const m = parseRequirements(text);
      expect(m.requirements).toEqual([]);
      expect(m.includes).toEqual([]);
      expect(m.options).toEqual([]);
      expect(m.diagnostics).toEqual([]);
    }
  });

  it('joins backslash continuations and maps every span back to the file', () => {
    const text = 'foo \\\r\n  ==1.0 \\\n  ; python_version < "3.9"\nbar==2\n';
    const m = parseRequirements(text);
    expect(m.diagnostics).toEqual([]);
    const foo = req(m, 'foo');
    expect(foo.specifier).toBe('==1.0');
    expect(foo.marker).toBe('python_version < "3.9"');
    expect(at(text, foo.specifierSpan)).toBe('==1.0');
    expect(pos(text, foo.specifierSpan.start)).toEqual({ line: 2, column: 3 });
    expect(at(text, foo.span)).toBe('foo \\\r\n  ==1.0 \\\n  ; python_version < "3.9"');
    expect(at(text, foo.lineSpan)).toBe('foo \\\r\n  ==1.0 \\\n  ; python_version < "3.9"\n');
    const bar = req(m, 'bar');
    expect([bar.line, bar.column]).toEqual([4, 1]);
  });

  it('ends a continuation at end of file', () => {
    const text = 'foo==1 \\';
    const r = only(parseRequirements(text));
    expect(at(text, r.span)).toBe('foo==1');
    expect(r.lineSpan).toEqual({ start: 0, end: text.length });
  });

  it('ends a continuation at a comment-only line, which belongs to the entry', () => {
    const text = 'foo==1 \\\n# trailing\nbar==2\n';
    const m = parseRequirements(text);
    expect(at(text, req(m, 'foo').lineSpan)).toBe('foo==1 \\\n# trailing\n');
    expect(req(m, 'bar').line).toBe(3);
  });

  it('warns when a comment ending in a backslash swallows the next line (pip ignores it)', () => {
    const text = 'foo==1 # note \\\nbar==2\nbaz==3\n';
    const m = parseRequirements(text);
    expect(m.requirements.map((r) => r.name)).toEqual(['foo', 'baz']);
    expect(m.diagnostics).toHaveLength(1);
    expect(m.diagnostics[0]).toMatchObject({ severity: 'warning', line: 1, column: 8 });
    expect(m.diagnostics[0]?.message).toContain('line 2');
    expect(at(text, req(m, 'foo').lineSpan)).toBe('foo==1 # note \\\nbar==2\n');
  });
});

describe('parseRequirements: hashes', () => {
  it('collects --hash on the same line, outside the requirement span', () => {
    const text = 'foo==1.0 --hash=sha256:aaa --hash sha256:bbb  # c\n';
    const r = only(parseRequirements(text));
    expect(r.hashes).toEqual(['sha256:aaa', 'sha256:bbb']);
    expect(at(text, r.span)).toBe('foo==1.0');
    expect(r.pin).toBe('1.0');
  });

  it('collects --hash on continuation lines (pip-compile style)', () => {
    const text = 'certifi==2024.8.30 \\\n    --hash=sha256:aaa \\\n    --hash=sha256:bbb\n    # via requests\nidna==3.10 \\\r\n    --hash=sha256:ccc\r\n';
    const m = parseRequirements(text);
    expect(m.diagnostics).toEqual([]);
    const certifi = req(m, 'certifi');
    expect(certifi.hashes).toEqual(['sha256:aaa', 'sha256:bbb']);
    expect(at(text, certifi.span)).toBe('certifi==2024.8.30');
    expect(at(text, certifi.lineSpan)).toBe('certifi==2024.8.30 \\\n    --hash=sha256:aaa \\\n    --hash=sha256:bbb\n');
    const idna = req(m, 'idna');
    expect(idna.hashes).toEqual(['sha256:ccc']);
    expect(idna.line).toBe(5);
    expect(at(text, idna.lineSpan)).toBe('idna==3.10 \\\r\n    --hash=sha256:ccc\r\n');
  });

  it('warns about a --hash line that is not joined to a requirement', () => {
    const text = 'foo==1\n--hash=sha256:abc\n';
    const m = parseRequirements(text);
    expect(only(m).hashes).toEqual([]);
    expect(m.diagnostics).toHaveLength(1);
    expect(m.diagnostics[0]).toMatchObject({ severity: 'warning', line: 2, column: 1 });
    expect(at(text, m.diagnostics[0]!.span)).toBe('--hash=sha256:abc');
  });
});

describe('parseRequirements: -r / -c includes', () => {
  const text = [
    '-r a.txt',
    '-rb.txt',
    '-r=c.txt',
    '--requirement d.txt',
    '--requirement=e.txt',
    '-c f.txt',
    '-cg.txt',
    '--constraint=h.txt',
    '-r "sp ace.txt"',
    '-r  ../base.txt # c',
    '--requirem i.txt',
    '',
  ].join('\n');
  const m = parseRequirements(text);

  it('reads every spelling with the exact path span', () => {
    expect(m.diagnostics).toEqual([]);
    expect(m.requirements).toEqual([]);
    expect(m.includes.map((i) => [i.kind, i.path, i.line, i.column])).toEqual([
      ['requirement', 'a.txt', 1, 4],
      ['requirement', 'b.txt', 2, 3],
      ['requirement', 'c.txt', 3, 4],
      ['requirement', 'd.txt', 4, 15],
      ['requirement', 'e.txt', 5, 15],
      ['constraint', 'f.txt', 6, 4],
      ['constraint', 'g.txt', 7, 3],
      ['constraint', 'h.txt', 8, 14],
      ['requirement', 'sp ace.txt', 9, 5],
      ['requirement', '../base.txt', 10, 5],
      ['requirement', 'i.txt', 11, 12],
    ]);
    for (const inc of m.includes) expect(at(text, inc.span)).toBe(inc.path);
  });

  it('drops the trailing space the library keeps (`-r  ../base.txt # c`)', () => {
    const inc = m.includes[9]!;
    expect(inc.path).toBe('../base.txt');
    expect(at(text, inc.lineSpan)).toBe('-r  ../base.txt # c\n');
  });

  it('gives each include its whole line as lineSpan', () => {
    expect(at(text, m.includes[0]!.lineSpan)).toBe('-r a.txt\n');
    expect(at(text, m.includes[7]!.lineSpan)).toBe('--constraint=h.txt\n');
  });

  it('rejects an ambiguous abbreviation, as optparse does', () => {
    const amb = parseRequirements('--requ x.txt\n');
    expect(amb.includes).toEqual([]);
    expect(amb.diagnostics[0]).toMatchObject({ severity: 'warning', line: 1, column: 1 });
    expect(amb.diagnostics[0]?.message).toContain('ambiguous option "--requ"');
  });

  it('reports a missing path as an error', () => {
    const bad = parseRequirements('-r\nfoo==1\n');
    expect(bad.includes).toEqual([]);
    expect(bad.requirements.map((r) => r.name)).toEqual(['foo']);
    expect(bad.diagnostics).toHaveLength(1);
    expect(bad.diagnostics[0]).toMatchObject({ severity: 'error', line: 1, column: 1 });
    expect(bad.diagnostics[0]?.message).toContain('--requirement requires a value');
  });
});

describe('parseRequirements: -e / --editable', () => {
  const text = [
    '-e .',
    '-e ./pkg',
    '--editable=./p2[dev]',
    '-e git+https://g.com/o/r.git@main#egg=my-pkg',
    '-egit+ssh://git@g.com/o/r.git#egg=sshpkg[x,y]&subdirectory=sub',
    '-e git+https://g.com/o/nameless.git',
    '--editable ./libs/core#egg=core_lib',
    '',
  ].join('\n');
  const m = parseRequirements(text);

  it('records editable paths and URLs without a name as -e options', () => {
    expect(m.options).toEqual([
      { name: '-e', value: '.', line: 1 },
      { name: '-e', value: './pkg', line: 2 },
      { name: '-e', value: './p2[dev]', line: 3 },
      { name: '-e', value: 'git+https://g.com/o/nameless.git', line: 6 },
    ]);
    expect(m.diagnostics).toEqual([]);
  });

  it('takes the name and extras of an editable VCS URL from #egg=', () => {
    const r = req(m, 'my-pkg');
    expect(r.editable).toBe(true);
    expect(r.key).toBe('my-pkg');
    expect(r.url).toBe('git+https://g.com/o/r.git@main#egg=my-pkg');
    expect(at(text, r.span)).toBe(r.url);
    expect(at(text, r.nameSpan)).toBe('my-pkg');
    expect([r.line, r.column]).toEqual([4, 4]);
    expect(r.specifier).toBe('');
    expect(r.pin).toBeNull();
    expect(at(text, r.lineSpan)).toBe('-e git+https://g.com/o/r.git@main#egg=my-pkg\n');

    const s = req(m, 'sshpkg');
    expect(s.extras).toEqual(['x', 'y']);
    expect([s.line, s.column]).toEqual([5, 3]);
    expect(at(text, s.nameSpan)).toBe('sshpkg');

    const c = req(m, 'core_lib');
    expect(c.editable).toBe(true);
    expect(c.url).toBe('./libs/core#egg=core_lib');
    expect(c.key).toBe('core-lib');
  });
});

describe('parseRequirements: URLs and paths', () => {
  it('names a VCS URL from #egg= and splits its marker at "; "', () => {
    const text = 'git+https://g.com/o/r.git@v1#egg=vcs_pkg ; python_version >= "3.8"\n';
    const r = only(parseRequirements(text));
    expect(r.name).toBe('vcs_pkg');
    expect(r.key).toBe('vcs-pkg');
    expect(r.url).toBe('git+https://g.com/o/r.git@v1#egg=vcs_pkg');
    expect(r.marker).toBe('python_version >= "3.8"');
    expect(r.editable).toBe(false);
    expect(at(text, r.nameSpan)).toBe('vcs_pkg');
    expect(at(text, r.span)).toBe(text.trimEnd());
  });

  it('names a wheel URL or path from the wheel file name, pinned to its version', () => {
    const text = 'https://f.org/p/Thing_Two-3.0.1-py3-none-any.whl\n./dist/local_whl-0.1-1-cp312-cp312-linux_x86_64.whl\n';
    const m = parseRequirements(text);
    const a = req(m, 'Thing_Two');
    expect(a).toMatchObject({ key: 'thing-two', pin: '3.0.1', specifier: '', url: 'https://f.org/p/Thing_Two-3.0.1-py3-none-any.whl' });
    expect(at(text, a.nameSpan)).toBe('Thing_Two');
    const b = req(m, 'local_whl');
    expect(b).toMatchObject({ pin: '0.1', url: './dist/local_whl-0.1-1-cp312-cp312-linux_x86_64.whl', line: 2 });
  });

  it('names an sdist URL from its file name', () => {
    const text = 'https://f.org/p/old-pkg-1.2.tar.gz#sha256=abc\n';
    const r = only(parseRequirements(text));
    expect(r).toMatchObject({ name: 'old-pkg', pin: '1.2', url: 'https://f.org/p/old-pkg-1.2.tar.gz#sha256=abc' });
    expect(at(text, r.nameSpan)).toBe('old-pkg');
  });

  it('emits nothing (and no error) for local directories', () => {
    const m = parseRequirements('./local\n.\n../sibling[extra]\nfoo==1\n');
    expect(m.requirements.map((r) => r.name)).toEqual(['foo']);
    expect(m.diagnostics).toEqual([]);
  });

  it('says why a URL without a determinable name yields no requirement', () => {
    const text = 'https://g.com/o/r/archive/main.zip\n';
    const m = parseRequirements(text);
    expect(m.requirements).toEqual([]);
    expect(m.diagnostics).toHaveLength(1);
    expect(m.diagnostics[0]?.severity).toBe('info');
    expect(at(text, m.diagnostics[0]!.span)).toBe('https://g.com/o/r/archive/main.zip');
  });

  it('parses name @ url, with or without a marker', () => {
    const text = [
      'pkg @ https://e.com/pkg-1.0-py3-none-any.whl ; python_version > "3"',
      'pkg2[x] @ git+https://g.com/o/r.git@v1',
      'pkg3 @https://e.com/a.whl;os_name=="nt"  # c',
      '',
    ].join('\n');
    const m = parseRequirements(text);
    expect(m.diagnostics).toEqual([]);
    const p = req(m, 'pkg');
    expect(p).toMatchObject({ url: 'https://e.com/pkg-1.0-py3-none-any.whl', marker: 'python_version > "3"', pin: '1.0', specifier: '' });
    expect(at(text, p.nameSpan)).toBe('pkg');
    expect(at(text, p.span)).toBe('pkg @ https://e.com/pkg-1.0-py3-none-any.whl ; python_version > "3"');
    const p2 = req(m, 'pkg2');
    expect(p2).toMatchObject({ extras: ['x'], url: 'git+https://g.com/o/r.git@v1', marker: null, pin: null, line: 2 });
    expect(p2.specifierSpan.start).toBe(text.indexOf('pkg2[x]') + 'pkg2[x]'.length);
    const p3 = req(m, 'pkg3');
    expect(p3).toMatchObject({ url: 'https://e.com/a.whl', marker: 'os_name=="nt"', line: 3 });
    expect(at(text, p3.span)).toBe('pkg3 @https://e.com/a.whl;os_name=="nt"');
  });

  it('reports name @ with no URL or with junk after it', () => {
    const text = 'pkg4 @ \npkg5 @ https://x y\n';
    const m = parseRequirements(text);
    expect(m.requirements).toEqual([]);
    expect(m.diagnostics.map((d) => [d.severity, d.line, d.column])).toEqual([
      ['error', 1, 7],
      ['error', 2, 18],
    ]);
  });
});

describe('parseRequirements: global options', () => {
  it('records options with canonical names, values and lines', () => {
    const text = [
      '-i https://a/simple',
      '--extra-index-url=https://b/simple',
      '--find-links ./wheels',
      '-f https://w/',
      '--no-binary :all:',
      '--only-binary=:all:',
      '--trusted-host h.org',
      '--prefer-binary',
      '--require-hashes',
      '--pre',
      '--use-feature=truststore',
      '--no-index',
      '--index-url "https://q/simple"  # quoted',
      '--extra-index https://c/',
      'foo==1',
      '',
    ].join('\n');
    const m = parseRequirements(text);
    expect(m.diagnostics).toEqual([]);
    expect(m.options).toEqual([
      { name: '--index-url', value: 'https://a/simple', line: 1 },
      { name: '--extra-index-url', value: 'https://b/simple', line: 2 },
      { name: '--find-links', value: './wheels', line: 3 },
      { name: '--find-links', value: 'https://w/', line: 4 },
      { name: '--no-binary', value: ':all:', line: 5 },
      { name: '--only-binary', value: ':all:', line: 6 },
      { name: '--trusted-host', value: 'h.org', line: 7 },
      { name: '--prefer-binary', value: null, line: 8 },
      { name: '--require-hashes', value: null, line: 9 },
      { name: '--pre', value: null, line: 10 },
      { name: '--use-feature', value: 'truststore', line: 11 },
      { name: '--no-index', value: null, line: 12 },
      { name: '--index-url', value: 'https://q/simple', line: 13 },
      { name: '--extra-index-url', value: 'https://c/', line: 14 },
    ]);
    expect(req(m, 'foo').line).toBe(15);
  });

  it('warns about unknown options and errors on a missing value', () => {
    const text = '--bogus\n--index-url\n--no-index\n';
    const m = parseRequirements(text);
    expect(m.options).toEqual([{ name: '--no-index', value: null, line: 3 }]);
    expect(m.diagnostics.map((d) => [d.severity, d.line, d.column, at(text, d.span)])).toEqual([
      ['warning', 1, 1, '--bogus'],
      ['error', 2, 1, '--index-url'],
    ]);
  });

  it('applies --no-binary / --only-binary after a requirement to the whole file, as pip does; other global options there are dropped', () => {
    const text = 'lxml==5.3.0 --no-binary lxml\nnumpy==2.1.0 --only-binary=:all:\nflask==3.0.3 --pre\n';
    const m = parseRequirements(text);
    expect(m.requirements.map((r) => [r.name, r.specifier])).toEqual([['lxml', '==5.3.0'], ['numpy', '==2.1.0'], ['flask', '==3.0.3']]);
    expect(m.options).toEqual([
      { name: '--no-binary', value: 'lxml', line: 1 },
      { name: '--only-binary', value: ':all:', line: 2 },
    ]);
    expect(m.diagnostics.map((d) => [d.line, d.message])).toEqual([[3, 'option --pre is ignored by pip on a requirement line']]);
  });

  it('accepts per-requirement options without recording them', () => {
    const m = parseRequirements('foo==1 --config-settings editable_mode=compat\n');
    expect(only(m).specifier).toBe('==1');
    expect(m.options).toEqual([]);
    expect(m.diagnostics).toEqual([]);
  });
});

describe('parseRequirements: malformed lines', () => {
  it('reports a bad line with its position and still parses the others', () => {
    const text = 'ok==1\nfoo bar\nfine==2\n';
    const m = parseRequirements(text);
    expect(m.requirements.map((r) => r.name)).toEqual(['ok', 'fine']);
    expect(m.diagnostics).toHaveLength(1);
    const d = m.diagnostics[0]!;
    expect(d.severity).toBe('error');
    expect([d.line, d.column]).toEqual([2, 5]);
    expect(at(text, d.span)).toBe('bar');
    expect(d.message).toBe('invalid requirement: expected version specifier after "foo" (in "foo bar")');
  });

  it('says what is wrong for each kind of mistake', () => {
    const text = ['[x]==1', 'k>=1,', 'm==1<2', 'y>=', 'bad[a==1', 'n; bogus', 'q[a,,b]', ''].join('\n');
    const m = parseRequirements(text);
    const msgs = m.diagnostics.map((d) => [d.line, d.column, d.message]);
    expect(msgs).toEqual([
      [1, 1, 'invalid requirement: expected a package name at "[x]==1" (in "[x]==1")'],
      [2, 6, 'invalid requirement: expected a version specifier after "," (in "k>=1,")'],
      [3, 5, 'invalid requirement: expected "," between version specifiers, before "<2" (in "m==1<2")'],
      [4, 4, 'invalid requirement: expected a version after ">=" (in "y>=")'],
      [5, 6, 'invalid requirement: expected "," or "]" in extras, found "=" (in "bad[a==1")'],
      [6, 4, 'invalid requirement: invalid environment marker "bogus" (in "n; bogus")'],
      [7, 5, 'invalid requirement: invalid extra name at ",b]" (in "q[a,,b]")'],
    ]);
    expect(m.diagnostics.every((d) => d.severity === 'error')).toBe(true);
  });

  it('trims the quoted text of a long bad line to 60 characters', () => {
    const long = `foo ${'x'.repeat(100)}`;
    const m = parseRequirements(`${long}\n`);
    const msg = m.diagnostics[0]!.message;
    const quoted = /\(in "(.*)"\)$/.exec(msg)![1]!;
    expect(quoted).toHaveLength(60);
    expect(quoted.endsWith('…')).toBe(true);
  });

  it('never throws and keeps every span inside the text, whatever the input', () => {
    let seed = 7;
    const rand = (): number => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed / 2 ** 32;
    };
    const alphabet = ['a', 'Z', '0', '9', '-', '_', '.', '[', ']', '(', ')', ',', ';', '@', '#', '\\', '=', '<', '>', '!', '~', '*', '"', "'", ' ', '\t', '\n', '\r\n', '-e ', '-r', '--hash=', 'git+https://', '.whl', ' and ', ' or ', 'python_version', 'é'];
    for (let n = 0; n < 300; n++) {
      let text = '';
      const len = Math.floor(rand() * 40);
      for (let i = 0; i < len; i++) text += alphabet[Math.floor(rand() * alphabet.length)];
      const m = parseRequirements(text);
      const spans: Span[] = [
        ...m.requirements.flatMap((r) => [r.span, r.nameSpan, r.specifierSpan, r.lineSpan]),
        ...m.includes.flatMap((i) => [i.span, i.lineSpan]),
        ...m.diagnostics.map((d) => d.span),
        ...m.directives.map((d) => d.span),
      ];
      for (const s of spans) {
        expect(s.start).toBeGreaterThanOrEqual(0);
        expect(s.end).toBeGreaterThanOrEqual(s.start);
        expect(s.end).toBeLessThanOrEqual(text.length);
      }
    }
  });

  it('stays fast on pathological lines', () => {
    const inputs = [
      `a${' '.repeat(200_000)}b`,
      `x${'['.repeat(50_000)}`,
      `foo;${'('.repeat(20_000)}`,
      `foo==1 ${'\\\n'.repeat(20_000)}`,
      `${'a-'.repeat(100_000)}`,
      `foo ${'>=1,'.repeat(30_000)}`,
    ];
    const t = Date.now();
    for (const text of inputs) parseRequirements(text);
    expect(Date.now() - t).toBeLessThan(5_000);
  });
});

describe('parseRequirements: directives', () => {
  const text = [
    '# driftcheck: ignore[DEP002] -- own line',
    'foo==1 # driftcheck: ignore[DEP002,PIN003]',
    'bar==2 \\',
    '  --hash=sha256:x  # driftcheck: ignore[PIN001] -- on a continuation',
    '# hadolint ignore=DL3013',
    '#driftcheck: ignore[] not a directive',
    'baz==3  # just a comment',
    '',
  ].join('\n');
  const m = parseRequirements(text);

  it('reads own-line and trailing directives', () => {
    expect(m.directives).toHaveLength(4);
    const [own, trailing, multi, hadolint] = m.directives;
    expect(own).toMatchObject({ line: 1, commentLine: 1, rules: ['DEP002'], reason: 'own line', source: 'driftcheck' });
    expect(at(text, own!.span)).toBe('# driftcheck: ignore[DEP002] -- own line');
    expect(trailing).toMatchObject({ line: 2, commentLine: 2, rules: ['DEP002', 'PIN003'], reason: null });
    expect(at(text, trailing!.span)).toBe('# driftcheck: ignore[DEP002,PIN003]');
    expect(hadolint).toMatchObject({ line: 5, rules: ['DL3013'], source: 'hadolint' });
    expect(multi).toBeDefined();
  });

  it('applies a directive on a continuation line to the entry (its first line)', () => {
    const multi = m.directives[2]!;
    expect(multi).toMatchObject({ line: 3, commentLine: 4, rules: ['PIN001'], reason: 'on a continuation' });
    expect(at(text, multi.span)).toBe('# driftcheck: ignore[PIN001] -- on a continuation');
    expect(req(m, 'bar').line).toBe(3);
  });

  it('leaves the requirements of directive lines intact', () => {
    expect(m.requirements.map((r) => [r.name, r.line])).toEqual([
      ['foo', 2],
      ['bar', 3],
      ['baz', 7],
    ]);
    expect(m.diagnostics).toEqual([]);
  });
});

// ---------------------------------------------------------------- the fast path against the library

function makeRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const ENV_VARS = ['python_version', 'python_full_version', 'os_name', 'sys_platform', 'platform_release', 'platform_system', 'platform_version', 'platform_machine', 'platform_python_implementation', 'implementation_name', 'implementation_version', 'extra'];
const STRING_CHARS = `${ALNUM} ().{}-_*#:;,/?[]!~\`@$%^&=+|<>`;

function generator(rand: () => number) {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const ws = (): string => pick(['', '', '', ' ', ' ', '  ', '\t', ' \t ']);
  const ws1 = (): string => pick([' ', ' ', '  ', '\t']);
  const ident = (): string => {
    let out = pick(Array.from(ALNUM));
    const n = Math.floor(rand() * 10);
    for (let i = 0; i < n; i++) {
      if (rand() < 0.2) out += pick(['-', '_', '.', '--', '_.', '-_-']);
      out += pick(Array.from(ALNUM));
    }
    return out;
  };
  const version = (): string =>
    pick([
      () => `${Math.floor(rand() * 30)}`,
      () => `${Math.floor(rand() * 10)}.${Math.floor(rand() * 40)}`,
      () => `${Math.floor(rand() * 10)}.${Math.floor(rand() * 40)}.${Math.floor(rand() * 9)}`,
      () => `${Math.floor(rand() * 10)}.*`,
      () => `${Math.floor(rand() * 10)}.${Math.floor(rand() * 9)}.*`,
      () => `1.0rc${Math.floor(rand() * 3)}`,
      () => '2.0.post1',
      () => '3.1.dev4',
      () => '1!2.0',
      () => '1.0+local.7',
      () => '2.0a1',
      () => '1.0-1',
      () => '1.0_2',
    ])();
  const op = (): string => pick(['==', '!=', '<=', '>=', '~=', '<', '>']);
  const str = (): string => {
    const q = pick(['"', "'"]);
    const other = q === '"' ? "'" : '"';
    let body = '';
    const n = Math.floor(rand() * 8);
    for (let i = 0; i < n; i++) body += rand() < 0.05 ? other : STRING_CHARS.charAt(Math.floor(rand() * STRING_CHARS.length));
    return q + body + q;
  };
  const markerOp = (): string => pick(['==', '!=', '<', '<=', '>', '>=', '~=', 'in', 'not in', 'not  in']);
  const leaf = (): string => {
    const o = markerOp();
    const spaced = o.startsWith('in') || o.startsWith('not');
    const left = rand() < 0.8 ? pick(ENV_VARS) : str();
    const right = left.startsWith('"') || left.startsWith("'") ? pick(ENV_VARS) : str();
    // words need a separator from a keyword operator; strings do not
    const pre = spaced && !/["']$/.test(left) ? ws1() : ws();
    const post = spaced && !/^["']/.test(right) ? ws1() : ws();
    return `${left}${pre}${o}${post}${right}`;
  };
  const marker = (depth: number): string => {
    const parts = [rand() < 0.15 && depth < 2 ? `(${ws()}${marker(depth + 1)}${ws()})` : leaf()];
    const n = Math.floor(rand() * 3);
    for (let i = 0; i < n; i++) {
      const next = rand() < 0.15 && depth < 2 ? `(${ws()}${marker(depth + 1)}${ws()})` : leaf();
      parts.push(`${ws1()}${pick(['and', 'or'])}${ws1()}${next}`);
    }
    return parts.join('');
  };
  return (withArbitraryEqual: boolean): string => {
    let line = ident();
    if (rand() < 0.3) {
      const n = Math.floor(rand() * 4);
      const extras = Array.from({ length: n }, () => ident());
      line += `${ws()}[${ws()}${extras.join(`${ws()},${ws()}`)}${ws()}]`;
    }
    const nSpecs = Math.floor(rand() * 4);
    if (nSpecs > 0) {
      const specs = Array.from({ length: nSpecs }, () => `${withArbitraryEqual && rand() < 0.5 ? '===' : op()}${ws()}${version()}`);
      const list = specs.join(`${ws()},${ws()}`);
      line += ws() + (rand() < 0.15 ? `(${ws()}${list}${ws()})` : list);
    }
    if (rand() < 0.4) line += `${ws()};${ws()}${marker(0)}`;
    return line;
  };
}

interface Comparable {
  name: string;
  extras: string[];
  specifier: string;
  marker: string | null;
  nameSpan: [number, number];
  specSpan: [number, number] | null;
}

function fromFast(line: string): Comparable | null {
  const p = fastPep508(line, 0, line.length);
  if (!p) return null;
  return {
    name: line.slice(p.nameStart, p.nameEnd),
    extras: [...p.extras],
    specifier: p.specs.map((s) => s.op + s.version).join(','),
    marker: p.markerStart >= 0 ? line.slice(p.markerStart, p.markerEnd) : null,
    nameSpan: [p.nameStart, p.nameEnd],
    specSpan: p.specs.length > 0 ? [p.specStart, p.specEnd] : null,
  };
}

function fromLibrary(line: string): Comparable | null {
  let r;
  try {
    r = parsePipRequirementsLine(line, { includeLocations: true });
  } catch {
    return null;
  }
  if (!r || r.data.type !== 'ProjectName') return null;
  const d = r.data;
  const specs = d.versionSpec ?? [];
  const marker = d.environmentMarkerTree?.location;
  return {
    name: d.name.data,
    extras: (d.extras ?? []).map((e) => e.data),
    specifier: specs.map((s) => s.data.operator.data + s.data.version.data).join(','),
    marker: marker ? line.slice(marker.startIdx, marker.endIdx) : null,
    nameSpan: [d.name.location.startIdx, d.name.location.endIdx],
    specSpan: specs.length > 0 ? [specs[0]!.location.startIdx, specs[specs.length - 1]!.location.endIdx] : null,
  };
}

describe('fast path matches pip-requirements-js', () => {
  it('gives identical name/extras/specifier/marker (and spans) on 2,500 generated lines', () => {
    const gen = generator(makeRandom(20240611));
    let withMarker = 0;
    for (let i = 0; i < 2500; i++) {
      const line = gen(false);
      const fast = fromFast(line);
      const lib = fromLibrary(line);
      expect({ line, fast: fast !== null }).toEqual({ line, fast: true });
      expect({ line, result: fast }).toEqual({ line, result: lib });
      if (fast?.marker) withMarker++;
      // and the whole pipeline reports the same thing, unless pip's own line handling applies
      // first (a ` #` starts a comment and a ` -` starts options, even inside a marker string)
      if (/\s[-#]/.test(line)) continue;
      const r = parseRequirements(line).requirements[0];
      expect(r && { name: r.name, extras: r.extras, specifier: r.specifier, marker: r.marker }).toEqual({
        name: lib!.name,
        extras: lib!.extras,
        specifier: lib!.specifier,
        marker: lib!.marker,
      });
    }
    expect(withMarker).toBeGreaterThan(500);
  });

  it('matches the loose parser on === lines (the strict grammar cannot parse ===)', () => {
    const gen = generator(makeRandom(99));
    let checked = 0;
    for (let i = 0; i < 400; i++) {
      const line = gen(true).split(';')[0]!.trimEnd(); // loose mode drops markers
      if (!line.includes('===')) continue;
      checked++;
      const p = fastPep508(line, 0, line.length);
      expect(p, line).not.toBeNull();
      const loose = parsePipRequirementsLineLoosely(line);
      expect(loose).not.toBeNull();
      expect({ line, name: line.slice(p!.nameStart, p!.nameEnd), extras: p!.extras, specs: p!.specs }).toEqual({
        line,
        name: loose!.name,
        extras: loose!.extras ?? [],
        specs: (loose!.versionSpec ?? []).map((v) => ({ op: v.operator, version: v.version })),
      });
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('never accepts a line the library parses differently (2,000 mutated lines)', () => {
    const rand = makeRandom(4242);
    const gen = generator(rand);
    const noise = ['', ' ', '=', '==', ',', ';', '[', ']', '(', ')', '"', "'", '#', 'and', 'or', 'in', 'not', '@', '*', '!', '~', '-', '.', 'x', '1', '\t', 'é', '\\', 'extra'];
    let accepted = 0;
    for (let i = 0; i < 2000; i++) {
      let line = gen(false);
      const edits = 1 + Math.floor(rand() * 3);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(rand() * (line.length + 1));
        const del = Math.floor(rand() * 3);
        line = line.slice(0, at) + noise[Math.floor(rand() * noise.length)] + line.slice(at + del);
      }
      line = line.trim();
      if (line === '' || line.includes('===')) continue;
      const fast = fromFast(line);
      if (fast === null) continue;
      accepted++;
      if (fast.marker === null && /;\s*$/.test(line)) continue; // `name ;` is valid for pip, not for the library
      expect({ line, result: fromLibrary(line) }).toEqual({ line, result: fast });
    }
    expect(accepted).toBeGreaterThan(200);
  });
});
