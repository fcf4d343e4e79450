import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { CPIO_HEADER_SIZE, RkCpioError, readCpio, writeCpio } from '../src/index';

const hasCpio = (() => {
  try {
    execFileSync('cpio', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (!hasCpio)
  console.log('rkcpio: GNU cpio is not installed (Debian package cpio): real-archive tests skip');

const dir = mkdtempSync(join(tmpdir(), 'rkcpio-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

describe.skipIf(!hasCpio)('against GNU cpio', () => {
  it('reads what `cpio -o -H newc` writes: dirs, files, symlinks, hard links', () => {
    const src = join(dir, 'src');
    mkdirSync(join(src, 'etc'), { recursive: true });
    writeFileSync(join(src, 'etc/config'), 'port=8080\n');
    writeFileSync(join(src, 'big'), Buffer.alloc(5000, 7));
    symlinkSync('etc/config', join(src, 'link'));
    execFileSync('ln', [join(src, 'big'), join(src, 'big2')]);
    const archive = execFileSync('sh', ['-c', 'find . | LC_ALL=C sort | cpio -o -H newc --quiet'], {
      cwd: src,
    });
    const entries = readCpio(new Uint8Array(archive));
    const by = new Map(entries.map((e) => [e.name, e]));
    expect([...by.keys()].sort()).toEqual(['.', 'big', 'big2', 'etc', 'etc/config', 'link']);
    expect(dec(by.get('etc/config')!.data)).toBe('port=8080\n');
    expect(by.get('etc')!.mode & 0o170000).toBe(0o040000);
    expect(dec(by.get('link')!.data)).toBe('etc/config');
    expect(by.get('link')!.mode & 0o170000).toBe(0o120000);
    // GNU cpio stores hard-linked data once, with the last link
    const [b1, b2] = [by.get('big')!, by.get('big2')!];
    expect(b1.ino).toBe(b2.ino);
    expect(b1.nlink).toBe(2);
    expect(b1.data.length + b2.data.length).toBe(5000);
  });

  it('GNU cpio extracts what writeCpio writes', () => {
    const archive = writeCpio([
      { name: 'etc', mode: 0o040755 },
      { name: 'etc/config', mode: 0o100640, data: enc('hello\n'), mtime: 1_700_000_000 },
      { name: 'etc/link', mode: 0o120777, data: enc('config') },
    ]);
    const out = join(dir, 'out');
    mkdirSync(out);
    execFileSync('cpio', ['-i', '-d', '--quiet', '--no-absolute-filenames'], {
      cwd: out,
      input: archive,
    });
    expect(readFileSync(join(out, 'etc/config'), 'utf8')).toBe('hello\n');
    expect(readFileSync(join(out, 'etc/link'), 'utf8')).toBe('hello\n');
    const list = execFileSync('cpio', ['-i', '-t', '--quiet'], { input: archive }).toString();
    expect(list.trim().split('\n')).toEqual(['etc', 'etc/config', 'etc/link']);
  });
});

describe('errors name the entry and the field', () => {
  const good = writeCpio([{ name: 'etc/config', mode: 0o100644, data: enc('abc') }]);
  const bad = (mutate: (b: Uint8Array) => Uint8Array | void, re: RegExp) => {
    const c = good.slice();
    const b = mutate(c) ?? c;
    expect(() => readCpio(b)).toThrow(RkCpioError);
    expect(() => readCpio(b)).toThrow(re);
  };
  it('bad magic', () =>
    bad((b) => b.set(enc('070707'), 0), /entry 0 at offset 0: magic: '070707'/));
  it('a field that is not hex', () =>
    bad(
      (b) => b.set(enc('zz'), 6 + 6 * 8),
      /entry 0 at offset 0: filesize: 'zz000003' is not 8 hexadecimal digits/,
    ));
  it('truncated header', () =>
    bad((b) => b.subarray(0, 50), /entry 0 at offset 0: header: needs 110 bytes, 50 left/));
  it('data past the end', () =>
    bad(
      (b) => b.subarray(0, CPIO_HEADER_SIZE + 12 + 2),
      /entry 0 'etc\/config' at offset 0: filesize: 3 bytes/,
    ));
  it('no trailer', () =>
    bad(
      (b) => b.subarray(0, 128),
      /entry 1 at offset 128: header: archive ends without a TRAILER!!!/,
    ));
  it('name without NUL', () =>
    bad((b) => {
      b[CPIO_HEADER_SIZE + 10] = 65;
    }, /name: is not NUL-terminated/));
  it('crc mismatch', () =>
    bad(
      (b) => b.set(enc('070702'), 0),
      /entry 0 'etc\/config' at offset 0: check: data sums to 126/,
    ));
});

describe('laws', () => {
  const entryArb = fc.record({
    name: fc
      .stringMatching(/^[a-z0-9._-]{1,20}(\/[a-z0-9._-]{1,20}){0,3}$/)
      .filter((n) => n !== 'TRAILER!!!'),
    mode: fc.constantFrom(0o100644, 0o040755, 0o120777, 0o100755),
    uid: fc.nat(65535),
    gid: fc.nat(65535),
    mtime: fc.nat(),
    data: fc.uint8Array({ maxLength: 300 }),
  });
  it('readCpio(writeCpio(x)) gives x back', () => {
    fc.assert(
      fc.property(fc.array(entryArb, { maxLength: 10 }), (xs) => {
        const got = readCpio(writeCpio(xs));
        expect(got.map((e) => [e.name, e.mode, e.uid, e.gid, e.mtime, [...e.data]])).toEqual(
          xs.map((e) => [e.name, e.mode, e.uid, e.gid, e.mtime, [...e.data]]),
        );
      }),
      { seed: 0xc910 },
    );
  });
  it('random and corrupted bytes only ever give RkCpioError', () => {
    const base = writeCpio([
      { name: 'a', mode: 0o100644, data: enc('xyz') },
      { name: 'b', mode: 0o040755 },
    ]);
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 400 }),
        fc.nat(base.length - 1),
        fc.nat(255),
        (junk, at, v) => {
          for (const input of [
            junk,
            (() => {
              const c = base.slice();
              c[at] = v;
              return c;
            })(),
          ]) {
            try {
              readCpio(input);
            } catch (e) {
              expect(e).toBeInstanceOf(RkCpioError);
            }
          }
        },
      ),
      { seed: 0xc911 },
    );
  });
});
