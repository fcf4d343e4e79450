// Runikraft's std for wasm32-wasi (rust-std.ts): built once from Debian's rust-src with our
// sys/wasi/net.rs into rk's wasm cache, used for every Rust program; a program reaches the socket
// extension only through the calls it makes; a missing package or another rustc is a precise error.
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WASI } from 'node:wasi';
import { afterAll, describe, expect, it } from 'vitest';
import { RkUsageError } from '../src/errors';
import { rustSysroot } from '../src/rust-std';
import { buildWasm } from '../src/wasm-toolchain';

const CACHE = join(tmpdir(), 'runikraft-wasm-cache');
const skip = ['/usr/bin/rustc', '/usr/lib/rustlib/src/rust/library/std'].find(
  (p) => !existsSync(p),
);
if (skip) console.log(`[skip] Runikraft's Rust std: ${skip} is missing (rustc, rust-src)`);

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tmp(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}

/** Builds `code` as a Rust crate root (no asyncify); @returns its imports as `module.name`. */
function imports(code: string): { wasm: string; names: string[] } {
  const src = join(tmp('rk-rust-'), 'main.rs');
  writeFileSync(src, code);
  const wasm = buildWasm({ sources: [src], asyncify: false });
  const mod = new WebAssembly.Module(readFileSync(wasm));
  return { wasm, names: WebAssembly.Module.imports(mod).map((i) => `${i.module}.${i.name}`) };
}

describe.skipIf(skip !== undefined)("Runikraft's wasm32-wasi std", () => {
  it("is built once into rk's cache: Debian's rlibs, our libstd, nothing built on the old std", () => {
    const a = rustSysroot(CACHE);
    const lib = join(a.dir, 'lib', 'rustlib', 'wasm32-wasi', 'lib');
    const files = readdirSync(lib);
    expect(files).toContain(`libstd-${a.key}.rlib`);
    expect(files.filter((f) => f.startsWith('libstd-'))).toHaveLength(1);
    expect(files.filter((f) => /^lib(test|proc_macro|getopts)-/.test(f))).toEqual([]);
    expect(files.some((f) => /^libcore-[0-9a-f]+\.rlib$/.test(f))).toBe(true);
    expect(files).toContain('self-contained');
    const built = statSync(join(a.dir, 'ok')).mtimeMs;
    const b = rustSysroot(CACHE);
    expect(b).toEqual(a);
    expect(statSync(join(b.dir, 'ok')).mtimeMs).toBe(built);
  }, 300_000);

  it('a program that opens no socket imports preview1 only, and runs on node:wasi unchanged', () => {
    const { wasm, names } = imports('fn main() { println!("hello {}", 6 * 7); }\n');
    expect(names.every((n) => n.startsWith('wasi_snapshot_preview1.'))).toBe(true);
    expect(names.filter((n) => n.includes('.sock_'))).toEqual([]);
    const out = join(tmp('rk-rust-out-'), 'out');
    const fd = openSync(out, 'w');
    try {
      const wasi = new WASI({
        version: 'preview1',
        args: ['hello'],
        stdout: fd,
        returnOnExit: true,
      });
      const mod = new WebAssembly.Module(readFileSync(wasm));
      const inst = new WebAssembly.Instance(mod, { wasi_snapshot_preview1: wasi.wasiImport });
      expect(wasi.start(inst)).toBe(0);
    } finally {
      closeSync(fd);
    }
    expect(readFileSync(out, 'utf8')).toBe('hello 42\n');
  }, 300_000);

  it('compiles as edition 2021 unless cflags name one (async fn, TryInto from the prelude)', () => {
    const code = [
      'use std::future::Future;',
      'use std::pin::Pin;',
      'use std::task::{Context, Poll, RawWaker, RawWakerVTable, Waker};',
      'async fn answer(x: u16) -> u8 { x.try_into().unwrap_or(u8::MAX) }',
      'fn noop(_: *const ()) {}',
      'fn clone(p: *const ()) -> RawWaker { RawWaker::new(p, &VTABLE) }',
      'static VTABLE: RawWakerVTable = RawWakerVTable::new(clone, noop, noop, noop);',
      'fn main() {',
      '    let waker = unsafe { Waker::from_raw(RawWaker::new(std::ptr::null(), &VTABLE)) };',
      '    let mut f = Box::pin(answer(300));',
      '    if let Poll::Ready(v) = Pin::new(&mut f).poll(&mut Context::from_waker(&waker)) {',
      '        println!("{v}");',
      '    }',
      '}',
    ].join('\n');
    const src = join(tmp('rk-rust-ed-'), 'main.rs');
    writeFileSync(src, code);
    const wasm = buildWasm({ sources: [src], asyncify: false });
    const out = join(tmp('rk-rust-out-'), 'out');
    const fd = openSync(out, 'w');
    try {
      const wasi = new WASI({ version: 'preview1', args: ['ed'], stdout: fd, returnOnExit: true });
      const inst = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(wasm)), {
        wasi_snapshot_preview1: wasi.wasiImport,
      });
      expect(wasi.start(inst)).toBe(0);
    } finally {
      closeSync(fd);
    }
    expect(readFileSync(out, 'utf8')).toBe('255\n');
    // The same source as edition 2015, asked for: `async fn` is refused.
    expect(() =>
      buildWasm({ sources: [src], asyncify: false, cflags: ['-O', '--edition', '2015'] }),
    ).toThrow(/async fn.*(2015|not permitted)/s);
  }, 300_000);

  it('std::net calls import the socket extension (and try_clone WASIX fd_dup) only as used', () => {
    const { names } = imports(
      [
        'use std::net::{TcpListener, TcpStream, UdpSocket};',
        'fn main() {',
        '    let l = TcpListener::bind("0.0.0.0:80").unwrap();',
        '    let c = TcpStream::connect("127.0.0.1:80").unwrap();',
        '    let _d = c.try_clone().unwrap();',
        '    let u = UdpSocket::bind("0.0.0.0:0").unwrap();',
        '    u.send_to(b"x", "127.0.0.1:9").unwrap();',
        '    println!("{:?} {:?}", l.accept().map(|p| p.1), c.peer_addr());',
        '}',
      ].join('\n'),
    );
    for (const n of ['sock_open', 'sock_bind', 'sock_listen', 'sock_connect', 'sock_send_to'])
      expect(names).toContain(`wasi_snapshot_preview1.${n}`);
    expect(names).toContain('wasix_32v1.fd_dup');
    expect(names).not.toContain('wasi_snapshot_preview1.sock_recv_from');
  }, 300_000);
});

describe("errors of Runikraft's Rust std build", () => {
  /** A fake rustc answering `--print sysroot` with `root` and `-vV` with `release`. */
  function fakeRustc(release: string, parts: { std: boolean; src: boolean }): string {
    const root = tmp('rk-fake-rust-');
    if (parts.std)
      mkdirSync(join(root, 'lib', 'rustlib', 'wasm32-wasi', 'lib'), { recursive: true });
    if (parts.src)
      mkdirSync(
        join(root, 'lib', 'rustlib', 'src', 'rust', 'library', 'std', 'src', 'sys', 'wasi'),
        {
          recursive: true,
        },
      );
    const bin = join(root, 'rustc');
    writeFileSync(
      bin,
      `#!/bin/sh\ncase "$1" in --print) echo '${root}';; -vV) printf 'rustc ${release}\\nrelease: ${release}\\n';; esac\n`,
    );
    chmodSync(bin, 0o755);
    return bin;
  }
  const cache = () => tmp('rk-fake-cache-');

  it('names rust-src when the std sources are missing', () => {
    const bin = fakeRustc('1.63.0', { std: true, src: false });
    expect(() => rustSysroot(cache(), bin)).toThrow(RkUsageError);
    expect(() => rustSysroot(cache(), bin)).toThrow(/apt-get install -y rust-src/);
  });

  it('names libstd-rust-dev-wasm32 when the wasm32-wasi std is missing', () => {
    const bin = fakeRustc('1.63.0', { std: false, src: true });
    expect(() => rustSysroot(cache(), bin)).toThrow(/apt-get install -y libstd-rust-dev-wasm32/);
  });

  it('refuses another rustc than 1.63, which the net.rs patch is written for', () => {
    const bin = fakeRustc('1.70.0', { std: true, src: true });
    expect(() => rustSysroot(cache(), bin)).toThrow(
      /need Debian's rustc 1\.63[\s\S]*release: 1\.70\.0/,
    );
  });
});
