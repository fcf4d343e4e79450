// SQLite's file calls on a 9p share (the machine's 9P server): when every reply is there once the
// request is sent, as the machine's virtio-9p device answers inside the notify, rk9p and 9pfs return
// the results directly and the program is not suspended for any of them. When the server answers
// later (a slow device, a socket), the same calls wait, suspending the program, with the same results.
import { readdirSync, readFileSync } from 'node:fs';
import { create9pfsType } from '@runikraft/9pfs';
import { RkP9TransportRegistryImpl } from '@runikraft/rk9p';
import { describe, expect, it } from 'vitest';
import { serverTransport, sharedDir } from '../../rk9p/test/helpers/server';
import { runWasi } from '../src/index';
import { program, testKernel } from './helpers';

async function onShare(now: boolean, rounds: number) {
  const { k, vfs, out } = await testKernel();
  const share = sharedDir();
  try {
    const reg = new RkP9TransportRegistryImpl();
    reg.register(serverTransport(share.server, now));
    vfs.registerFsType(create9pfsType(reg));
    expect(await vfs.mkdir('/share', 0o777)).toBe(0);
    expect(await vfs.mount('share', '/share', '9pfs', 0, 'cache=loose')).toBe(0);
    const wasm = readFileSync(program('calls.c'));
    const r = await runWasi(k, wasm, { args: ['calls', 'lock', '/share/db', String(rounds)] });
    const text = await out();
    const left = readdirSync(share.dir);
    expect(await vfs.umount('/share')).toBe(0);
    return { status: r.status, suspensions: r.suspensions, text, left };
  } finally {
    share.close();
  }
}

describe('the synchronous call path on a 9p share', () => {
  it("does not suspend for SQLite's file calls when the 9P server answers at once", async () => {
    const few = await onShare(true, 3);
    const many = await onShare(true, 200);
    // every result and errno (EEXIST, ENOENT, EBADF) is checked by the program itself
    expect([few.status, many.status]).toEqual([0, 0]);
    expect([few.text, many.text]).toEqual(['lock 3\n', 'lock 200\n']);
    expect(few.suspensions).toBe(0);
    expect(many.suspensions).toBe(0);
    // the lock directory and the journal are gone from the host directory again
    expect(many.left.filter((n) => n.startsWith('db.lock') || n.endsWith('-journal'))).toEqual([]);
  }, 300_000);

  it('gives the same results when the server answers later, suspending for each request', async () => {
    const r = await onShare(false, 20);
    expect(r.status).toBe(0);
    expect(r.text).toBe('lock 20\n');
    // each round's mkdir, utimes, creates, unlinks, opens, closes and syncs wait for the server
    expect(r.suspensions).toBeGreaterThanOrEqual(20 * 8);
  }, 300_000);
});
