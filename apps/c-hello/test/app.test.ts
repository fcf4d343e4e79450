// c-hello boots in-process: rk build compiled src/hello.c to wasm32-wasi (clang + wasi-libc +
// asyncify) and embedded it; libc-shim runs it on vfscore/ramfs/devfs with rktime and rksched.
import { fileURLToPath } from 'node:url';
import {
  type ConsoleBackend,
  type ConsoleSink,
  loadImage,
  Machine,
} from '@runikraft/plat-qemu-riscv/machine';
import { buildImage } from '@runikraft/rk';
import { beforeAll, describe, expect, it } from 'vitest';

type Entry = Parameters<Machine['boot']>[0];
const appDir = fileURLToPath(new URL('..', import.meta.url));
let image: Entry;

beforeAll(async () => {
  image = loadImage((await buildImage(appDir)).imagePath);
}, 180_000);

async function boot(append: string, memory = 64 << 20) {
  let out = '';
  const exit = await new Machine({ memory, append, console: (t) => (out += t) }).boot(image);
  return { exit, out };
}

describe('c-hello', () => {
  it('runs the C program with its argv and environment; its exit status is the machine’s', async () => {
    const { exit, out } = await boot('rkboot.banner=off -- first 42');
    expect(out).toContain('c-hello: 3 args: @runikraft/app-c-hello first 42\n');
    expect(out).toContain('c-hello: GREETING=hello\n');
    expect(out).toContain('c-hello: /data/notes.txt is 21 bytes\n');
    expect(out).toMatch(/c-hello: \/dev has [1-9]\d* entries\n/);
    expect(out).toContain('c-hello: slept at least 10 ms\n');
    expect(out).toContain('c-hello: the year is after 2023\n');
    expect(exit.status).toBe(42);
  });
  it('the environment comes from libc.env', async () => {
    const { out, exit } = await boot('rkboot.banner=off libc.env=GREETING=bonjour');
    expect(out).toContain('c-hello: GREETING=bonjour\n');
    expect(exit.status).toBe(0);
  });
  it('poll(2) on the console parks until a line is typed (--poll-stdin)', async () => {
    // A terminal that types a line (Enter sends CR) once the program says it waits for one.
    const dec = new TextDecoder();
    let sink: ConsoleSink | null = null;
    let out = '';
    const con: ConsoleBackend = {
      write(byte) {
        out += dec.decode(new Uint8Array([byte]), { stream: true });
        if (out.endsWith('waiting for a line\n')) sink?.input(new TextEncoder().encode('hi\r'));
      },
      attach: (s) => {
        sink = s;
      },
      flush: () => {},
      close: () => {},
    };
    const exit = await new Machine({
      memory: 64 << 20,
      append: 'rkboot.banner=off -- --poll-stdin',
      console: con,
    }).boot(image);
    expect(out).toContain('c-hello: poll with nothing typed: 0\n');
    expect(out).toContain("c-hello: poll 1 revents 1, read 'hi'\n");
    expect(exit.status).toBe(0);
  });
});
