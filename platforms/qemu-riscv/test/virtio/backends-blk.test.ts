// Block and rng backends against the host: a raw file (rw, ro, fsync'd flush), the in-memory disk,
// injected I/O errors, and `-drive` parsing errors.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBlockBackend, parseDrive } from '../../src/machine/backends/blk/args';
import { FileBlockBackend } from '../../src/machine/backends/blk/file';
import { MemoryBlockBackend } from '../../src/machine/backends/blk/memory';
import { counterRng, hostRng } from '../../src/machine/backends/rng/backend';

function image(bytes = 64 * 1024): string {
  const p = join(mkdtempSync(join(tmpdir(), 'rk-blk-')), 'disk.img');
  writeFileSync(p, new Uint8Array(bytes));
  return p;
}

describe('file block backend', () => {
  it('writes reach the host file; reads return them; flush is fsync', () => {
    const p = image();
    const b = new FileBlockBackend('d0', p, false);
    expect(b.size).toBe(65536);
    const pat = Uint8Array.from({ length: 1024 }, (_, i) => i * 13);
    expect(b.write(4096, pat)).toBeNull();
    expect(b.flush()).toBeNull();
    expect(new Uint8Array(readFileSync(p)).subarray(4096, 5120)).toEqual(pat);
    const back = new Uint8Array(1024);
    expect(b.read(4096, back)).toBeNull();
    expect(back).toEqual(pat);
    expect(b.read(65536 - 100, new Uint8Array(200))).toMatch(/past the end/);
    b.close();
    expect(b.read(0, new Uint8Array(1))).toMatch(/closed/);
  });

  it('read-only drives refuse writes and leave the file untouched', () => {
    const p = image();
    const b = createBlockBackend(parseDrive(`file=${p},if=none,format=raw,id=d0,readonly=on`));
    expect(b.readOnly).toBe(true);
    expect(b.write(0, new Uint8Array(512).fill(1))).toMatch(/read-only/);
    expect(readFileSync(p)[0]).toBe(0);
    b.close();
  });

  it('injected errors fail matching requests the given number of times', () => {
    const b = new MemoryBlockBackend('m', 8192);
    b.injectError({ op: 'write', offset: 1024, length: 512, times: 1 });
    expect(b.write(0, new Uint8Array(512))).toBeNull();
    expect(b.write(1024, new Uint8Array(512))).toMatch(/injected I\/O error on write at 1024/);
    expect(b.write(1024, new Uint8Array(512))).toBeNull();
    b.injectError({ op: 'flush' });
    expect(b.flush()).toMatch(/injected/);
    expect(b.stats.errors).toBe(2);
  });

  it('a missing file is a precise open error', () => {
    expect(() => createBlockBackend(parseDrive('file=/nonexistent/x.img,if=none,id=d9'))).toThrow(
      /-drive id=d9: cannot open '\/nonexistent\/x.img' read-write/,
    );
  });
});

describe('parseDrive', () => {
  it('parses QEMU syntax and rejects what it cannot honour', () => {
    expect(parseDrive('file=disk.img,if=none,format=raw,id=d0')).toEqual({
      id: 'd0',
      file: 'disk.img',
      readOnly: false,
    });
    expect(parseDrive('file=a,,b.img,id=d1,readonly=on')).toEqual({
      id: 'd1',
      file: 'a,b.img',
      readOnly: true,
    });
    expect(() => parseDrive('file=x,id=d,format=qcow2')).toThrow(
      '-drive id=d: format=qcow2 is not supported (raw only)',
    );
    expect(() => parseDrive('file=x,id=d,if=virtio')).toThrow(
      /if=virtio is not supported; use if=none/,
    );
    expect(() => parseDrive('file=x')).toThrow("-drive: 'id=' is required");
    expect(() => parseDrive('file=x,id=d,readonly=maybe')).toThrow(
      "-drive: 'readonly=maybe' is not on/off",
    );
    expect(() => parseDrive('file=x,id=d,snapshot=on')).toThrow(
      "-drive: unknown parameter 'snapshot'",
    );
  });
});

describe('rng backends', () => {
  it('host rng fills buffers with varying bytes; counter rng is deterministic', () => {
    const a = new Uint8Array(64);
    const b = new Uint8Array(64);
    expect(hostRng.fill(a)).toBe(64);
    hostRng.fill(b);
    expect(a).not.toEqual(b);
    const c = counterRng();
    const x = new Uint8Array(4);
    c.fill(x);
    c.fill(x);
    expect([...x]).toEqual([4, 5, 6, 7]);
  });
});
