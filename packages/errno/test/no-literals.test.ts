// Kernel sources name errno codes through Errno, never as bare numbers (issue 8: a literal -19, EINVAL = 22
// hard-coded in a kit). Scans every package's src/ and the platform's plat/ for the literal forms.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Errno } from '../src/index';

const root = join(__dirname, '../../..');
const trees = [
  ...readdirSync(join(root, 'packages'))
    .filter((p) => p !== 'errno')
    .map((p) => join(root, 'packages', p, 'src')),
  join(root, 'platforms/qemu-riscv/src/plat'),
];

/** The literal forms: `return -22;`, `? -19 :`, `const EINVAL = 22`, `errno === 12`, `err: 22`. */
const FORMS: RegExp[] = [
  /\breturn\s+-(?:[2-9]|[1-9]\d{1,2})\s*;/,
  /[?:]\s*-(?:[2-9]|[1-9]\d{1,2})\s*[:;,)]/,
  new RegExp(`\\bconst\\s+(?:${Object.keys(Errno).join('|')})\\s*=\\s*\\d+\\b`),
  /errno\??\)?\s*[!=]==?\s*-?\d+/,
  /\berr(?:no)?\s*:\s*-?[1-9]\d*\b/,
];

function* sources(dir: string): Generator<string> {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const e of entries) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) yield* sources(p);
    else if (p.endsWith('.ts')) yield p;
  }
}

/** Every `file:line: text` where a literal errno form appears outside comments. */
function errnoLiterals(files: Iterable<string>): string[] {
  const hits: string[] = [];
  for (const f of files) {
    const lines = readFileSync(f, 'utf8').split('\n');
    lines.forEach((line, i) => {
      const code = line.replace(/\/\/.*$/, '');
      if (/^\s*\*/.test(code)) return;
      if (FORMS.some((re) => re.test(code)))
        hits.push(`${relative(root, f)}:${i + 1}: ${line.trim()}`);
    });
  }
  return hits;
}

describe('errno literals', () => {
  it('the scanner finds each literal form', () => {
    const forms = [
      'return -19;',
      'return x ? -22 : 0;',
      'const EINVAL = 22;',
      'if (e.errno === 12) return;',
      'return { err: 22, ptr: 0 };',
    ];
    for (const f of forms)
      expect(
        FORMS.some((re) => re.test(f)),
        f,
      ).toBe(true);
    const fine = [
      'return -Errno.ENODEV;',
      'return -1;',
      'x = a ? -1 : b;',
      'const ENABLE = 0x2000;',
    ];
    for (const f of fine)
      expect(
        FORMS.some((re) => re.test(f)),
        f,
      ).toBe(false);
  });
  it('no kernel source under packages/*/src or plat/ spells an errno as a number', () => {
    const files = trees.flatMap((t) => [...sources(t)]);
    expect(files.length).toBeGreaterThan(100);
    expect(errnoLiterals(files)).toEqual([]);
  });
});
