// WASIX's descriptor calls (src/wasi/fds-ext.ts) called as a program would, with the values a bad
// program could pass: out-of-bounds pointers are EFAULT before anything is created (no descriptor
// leaks), bad flags and ops EINVAL, and WASIX's layouts (epoll_event data handed back byte for
// byte, WASIX's event bits and ctl ops). The C side over them is tested by fds.test.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildWasm } from '@runikraft/rk';
import { describe, expect, it } from 'vitest';
import {
  WasiErrno as E,
  EPOLL_EVENT_SIZE,
  LinearMemory,
  RkWasiError,
  runWasi,
  WASIX,
  WasiPreview1,
} from '../src/index';
import { wasiProcess } from '../src/wasi/kernel';
import { testKernel } from './helpers';

type Call = (...a: (number | bigint)[]) => number | Promise<number>;

async function wasix() {
  const { k } = await testKernel();
  const px = wasiProcess(k, ['t'], []);
  const w = new WasiPreview1(k, { args: ['t'], env: [], preopens: [] }, px);
  const memory = new WebAssembly.Memory({ initial: 1 });
  await w.start(new LinearMemory(memory));
  const x = w.imports(WASIX) as unknown as Record<string, Call>;
  const view = new DataView(memory.buffer);
  /** The descriptors the process has. */
  const open = () => [...Array(64).keys()].filter((fd) => px.fdtab.get(fd) !== null);
  return { x, view, px, open, u8: new Uint8Array(memory.buffer) };
}

const END = 65536;

describe('the WASIX extension, called directly', () => {
  it('fd_pipe: EFAULT for either out-pointer outside memory, with no descriptor created', async () => {
    const { x, view, open } = await wasix();
    const before = open();
    expect(x.fd_pipe!(END - 2, 0)).toBe(E.FAULT);
    expect(x.fd_pipe!(0, END)).toBe(E.FAULT);
    expect(open()).toEqual(before);
    expect(x.fd_pipe!(0, 4)).toBe(E.SUCCESS);
    const [r, w] = [view.getUint32(0, true), view.getUint32(4, true)];
    expect([r, w]).toEqual([3, 4]); // the lowest free: nothing leaked by the failed calls
  });

  it('fd_dup / fd_dup2: EBADF, EFAULT, the F_DUPFD minimum, a bad cloexec byte', async () => {
    const { x, view, open } = await wasix();
    expect(x.fd_dup!(99, 0)).toBe(E.BADF);
    expect(x.fd_dup!(1, END)).toBe(E.FAULT);
    const before = open();
    expect(x.fd_dup2!(1, 10, 2, 0)).toBe(E.INVAL);
    expect(x.fd_dup2!(1, 1 << 20, 0, 0)).toBe(E.INVAL); // past RLIMIT_NOFILE, as fcntl
    expect(x.fd_dup2!(1, -1 >>> 0, 0, 0)).toBe(E.INVAL);
    expect(open()).toEqual(before);
    expect(x.fd_dup2!(1, 10, 1, 0)).toBe(E.SUCCESS);
    expect(view.getUint32(0, true)).toBe(10);
    expect(x.fd_dup2!(1, 10, 0, 0)).toBe(E.SUCCESS);
    expect(view.getUint32(0, true)).toBe(11); // 10 is taken: the next one
    expect(x.fd_dup!(1, 0)).toBe(E.SUCCESS);
    expect(view.getUint32(0, true)).toBe(3);
  });

  it('fd_event: flags other than SEMAPHORE and values past the maximum are EINVAL', async () => {
    const { x, view, open } = await wasix();
    const before = open();
    expect(x.fd_event!(0n, 2, 0)).toBe(E.INVAL);
    expect(x.fd_event!(-1n, 0, 0)).toBe(E.INVAL); // u64 max: eventfd's counter stops one below
    expect(x.fd_event!(0n, 0, END)).toBe(E.FAULT);
    expect(open()).toEqual(before);
    expect(x.fd_event!(-2n, 1, 0)).toBe(E.SUCCESS);
    expect(view.getUint32(0, true)).toBe(3);
  });

  it('epoll: WASIX ops and bits, data handed back byte for byte, errors before waiting', async () => {
    const { x, view, u8, px } = await wasix();
    expect(x.epoll_create!(END)).toBe(E.FAULT);
    expect(x.epoll_create!(0)).toBe(E.SUCCESS);
    const ep = view.getUint32(0, true);
    expect(x.fd_event!(1n, 0, 0)).toBe(E.SUCCESS);
    const efd = view.getUint32(0, true);
    // An event at 64: EPOLLIN | EPOLLOUT | EPOLLET (WASIX 1 | 2 | 64), data 0xa0..0xb7.
    view.setUint32(64, 1 | 2 | 64, true);
    for (let i = 0; i < 24; i++) u8[72 + i] = 0xa0 + i;
    expect(x.epoll_ctl!(ep, 3, efd, 64)).toBe(E.INVAL); // ops are 0 ADD, 1 MOD, 2 DEL
    expect(x.epoll_ctl!(ep, 0, efd, 0)).toBe(E.FAULT); // ADD needs an event
    expect(x.epoll_ctl!(ep, 0, efd, END - 16)).toBe(E.FAULT);
    expect(x.epoll_ctl!(ep, 0, 99, 64)).toBe(E.BADF);
    expect(x.epoll_ctl!(efd, 0, ep, 64)).toBe(E.INVAL); // not an epoll
    expect(x.epoll_ctl!(ep, 0, efd, 64)).toBe(E.SUCCESS);
    expect(x.epoll_ctl!(ep, 0, efd, 64)).toBe(E.EXIST);
    // epoll_wait's own checks come first: maxevents, then the array, then the descriptor.
    expect(await x.epoll_wait!(99, 256, 0, 0n, 0)).toBe(E.INVAL);
    expect(await x.epoll_wait!(99, 256, 0x4000000, 0n, 0)).toBe(E.INVAL);
    expect(await x.epoll_wait!(ep, END - 40, 2, 0n, 0)).toBe(E.FAULT);
    expect(await x.epoll_wait!(ep, 256, 1, 0n, END)).toBe(E.FAULT);
    expect(await x.epoll_wait!(99, 256, 1, 0n, 0)).toBe(E.BADF);
    u8.fill(0xee, 256, 256 + 2 * EPOLL_EVENT_SIZE);
    expect(await x.epoll_wait!(ep, 256, 2, 0n, 0)).toBe(E.SUCCESS);
    expect(view.getUint32(0, true)).toBe(1);
    expect(view.getUint32(256, true)).toBe(1 | 2); // IN | OUT: a count of 1, room below the maximum
    expect(view.getUint32(260, true)).toBe(0);
    expect([...u8.subarray(264, 288)]).toEqual([...Array(24).keys()].map((i) => 0xa0 + i));
    expect(u8[256 + EPOLL_EVENT_SIZE]).toBe(0xee); // only one event written
    // Edge-triggered: no new change, no report (a zero timeout does not park).
    expect(await x.epoll_wait!(ep, 256, 2, 0n, 0)).toBe(E.SUCCESS);
    expect(view.getUint32(0, true)).toBe(0);
    expect(x.epoll_ctl!(ep, 2, efd, 0)).toBe(E.SUCCESS); // DEL takes no event
    expect(x.epoll_ctl!(ep, 2, efd, 0)).toBe(E.NOENT);
    await px.exit();
  });

  it('refuses a program importing a WASIX call libc-shim does not provide, listing those it does', async () => {
    const { k } = await testKernel();
    const wasm = readFileSync(
      buildWasm({ sources: [join(__dirname, 'programs', 'wasix-fork.c')] }),
    );
    const e = await runWasi(k, wasm).then(
      () => null,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(RkWasiError);
    expect((e as RkWasiError).kind).toBe('link');
    expect((e as RkWasiError).message).toContain('imports function wasix_32v1.proc_fork');
    expect((e as RkWasiError).message).toContain(
      'fd_pipe, fd_dup, fd_dup2, fd_event, epoll_create',
    );
  }, 300_000);
});
