import { describe, expect, it } from 'vitest';
import { CmdlineError } from '../src/cmdline';
import { parseCommandList } from '../src/commands';

describe('parseCommandList', () => {
  it('splits on & (background) and ; (wait), with per-command assignments', () => {
    expect(parseCommandList("httpd 8080 & GREETING=hi fetch 'http://x/;&' ; fetch a\\&b")).toEqual([
      { env: [], argv: ['httpd', '8080'], background: true },
      { env: ['GREETING=hi'], argv: ['fetch', 'http://x/;&'], background: false },
      { env: [], argv: ['fetch', 'a&b'], background: false },
    ]);
  });
  it('a trailing ; or blank is no command; a trailing & backgrounds the last', () => {
    expect(parseCommandList('  ')).toEqual([]);
    expect(parseCommandList('a;')).toEqual([{ env: [], argv: ['a'], background: false }]);
    expect(parseCommandList('a &')).toEqual([{ env: [], argv: ['a'], background: true }]);
    // an assignment after the program's name is an argument
    expect(parseCommandList('a X=1')[0]).toEqual({
      env: [],
      argv: ['a', 'X=1'],
      background: false,
    });
  });
  it('names the offset of an empty command, a command without a program, bad quoting', () => {
    expect(() => parseCommandList('a && b')).toThrow(
      new CmdlineError(
        "command list: no command before '&' at offset 3 ('&&' is not supported: use ';')",
      ),
    );
    expect(() => parseCommandList('; a')).toThrow(/no command before ';' at offset 0/);
    expect(() => parseCommandList('a ; X=1 Y=2')).toThrow(
      /'X=1 Y=2' \(offset 3\) sets variables but names no program/,
    );
    expect(() => parseCommandList("a ; b 'c")).toThrow(/unterminated ' quote opened at offset 6/);
  });
  it('| joins a pipeline; the separator after its last command applies to all of it', () => {
    expect(parseCommandList('seq 3 | X=1 sum | tee & httpd ; a|b')).toEqual([
      { env: [], argv: ['seq', '3'], background: true, pipe: true },
      { env: ['X=1'], argv: ['sum'], background: true, pipe: true },
      { env: [], argv: ['tee'], background: true },
      { env: [], argv: ['httpd'], background: false },
      { env: [], argv: ['a'], background: false, pipe: true },
      { env: [], argv: ['b'], background: false },
    ]);
    expect(parseCommandList("echo 'a|b' | c\\|d")[0]!.argv).toEqual(['echo', 'a|b']);
  });
  it('names the offset of a | without a command on either side', () => {
    expect(() => parseCommandList('a |')).toThrow(
      new CmdlineError("command list: '|' at offset 2 has no command after it"),
    );
    expect(() => parseCommandList('a | ; b')).toThrow(/'\|' at offset 2 has no command after it/);
    expect(() => parseCommandList('a || b')).toThrow(
      new CmdlineError(
        "command list: '|' at offset 2 has no command after it ('||' is not supported: use ';')",
      ),
    );
    expect(() => parseCommandList('| b')).toThrow(/no command before '\|' at offset 0/);
  });
});

describe('parseCommandList redirections', () => {
  it('parses <, >, >>, N>, N>&M, >&N in order, outside quotes only', () => {
    expect(parseCommandList('gen -n 3 > /out 2>&1 < /in; b 2>>/log >&2 & c 3</x')).toEqual([
      {
        env: [],
        argv: ['gen', '-n', '3'],
        background: false,
        redirects: [
          { fd: 1, op: '>', path: '/out' },
          { fd: 2, op: '>&', to: 1 },
          { fd: 0, op: '<', path: '/in' },
        ],
      },
      {
        env: [],
        argv: ['b'],
        background: true,
        redirects: [
          { fd: 2, op: '>>', path: '/log' },
          { fd: 1, op: '>&', to: 2 },
        ],
      },
      { env: [], argv: ['c'], background: false, redirects: [{ fd: 3, op: '<', path: '/x' }] },
    ]);
    // quoted or escaped operators are words; a digit not alone before the operator is a word
    expect(parseCommandList('echo \'>\' \\> "2>&1" a2>f')).toEqual([
      {
        env: [],
        argv: ['echo', '>', '>', '2>&1', 'a2'],
        background: false,
        redirects: [{ fd: 1, op: '>', path: 'f' }],
      },
    ]);
    // a redirection may sit before the program's name and inside a pipeline
    expect(parseCommandList('< /in a | b > /out')).toEqual([
      {
        env: [],
        argv: ['a'],
        background: false,
        pipe: true,
        redirects: [{ fd: 0, op: '<', path: '/in' }],
      },
      { env: [], argv: ['b'], background: false, redirects: [{ fd: 1, op: '>', path: '/out' }] },
    ]);
  });
  it('names the offset of a redirection without a target or with a bad descriptor', () => {
    expect(() => parseCommandList('a >')).toThrow(
      new CmdlineError("command list: redirection '>' at offset 2 has no target"),
    );
    expect(() => parseCommandList('x; a 2> ; b')).toThrow(
      new CmdlineError("command list: redirection '2>' at offset 5 has no target"),
    );
    expect(() => parseCommandList('a > > b')).toThrow(/redirection '>' at offset 2 has no target/);
    expect(() => parseCommandList('a 2>&x')).toThrow(
      new CmdlineError(
        "command list: redirection '2>&' at offset 2 needs a descriptor 0-9, got 'x'",
      ),
    );
    expect(() => parseCommandList("a > ''")).toThrow(
      /redirection '>' at offset 2 has an empty file name/,
    );
    expect(() => parseCommandList('a; > /x')).toThrow(
      new CmdlineError("command list: '> /x' (offset 2) redirects but names no program"),
    );
  });
});
