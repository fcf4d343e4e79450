// Tflush: against diod (which answers Rflush only once the old request is done, as 9P allows) and a
// scripted server that drops the old request (the caller gets EINTR; the tag waits for Rflush).

import { execFileSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { Errno } from '@runikraft/errno';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { P9_DOTL, RkP9Client, type RkP9Fid } from '../src/index';
import { type Diod, haveDiod, startDiod } from './helpers/diod';
import { pending } from './helpers/pending';
import { le32, qid, rmsg, scripted, tagOf, versionOnly } from './helpers/scripted';
import { socketTransport } from './helpers/socket';

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!haveDiod)('Tflush against diod', () => {
  let diod: Diod;
  let c: RkP9Client;
  let root: RkP9Fid;
  beforeAll(async () => {
    diod = await startDiod();
    execFileSync('mkfifo', [join(diod.dir, 'fifo')]);
    c = await RkP9Client.connect(socketTransport({ port: diod.port }), 'sock', { msize: 8192 });
    root = await c.attach(diod.dir);
  });
  afterAll(async () => {
    c?.close();
    await diod?.stop();
  });

  it('a request blocked in diod: Rflush waits for its reply, which the caller then gets', async () => {
    const f = await c.walk(root, ['fifo']);
    const blocked = pending(c.lopen(f, P9_DOTL.O_RDONLY)).then(() => 'opened');
    await tick(100);
    const [tag] = c.dev.pendingTags();
    expect(tag).toBeDefined();
    const flushed = c.flush(tag);
    await tick(100);
    expect(c.dev.pendingTags().length).toBe(2); // the Tlopen and the Tflush
    const w = openSync(join(diod.dir, 'fifo'), 'w'); // lets diod's open() finish
    expect(await blocked).toBe('opened');
    expect(await flushed).toBe(false);
    closeSync(w);
    expect(c.dev.pendingTags()).toEqual([]);
    await c.clunk(f);
    expect((await c.getattr(root)).qid.path).toBe(root.qid.path);
    expect(c.dev.stats.unknownTags).toBe(0);
  });
});

describe('Tflush against a server that drops the old request', () => {
  it('the caller gets EINTR, the old tag is not reused before Rflush, a late reply is dropped', async () => {
    const s = scripted(versionOnly());
    const c = await RkP9Client.connect(s.transport, 's');
    const attach = c.attach('/x');
    await tick();
    const tAttach = s.sent.shift()!;
    s.reply(rmsg(105, tagOf(tAttach), qid(0x80, 1n)));
    const root = await attach;
    const read = pending(c.getattr(root)).catch((e) => e);
    await tick();
    const old = tagOf(s.sent.shift()!);
    const flushed = c.flush(old);
    await tick();
    const tFlush = s.sent.shift()!;
    expect(tFlush[4]).toBe(108);
    expect(tFlush[7] | (tFlush[8] << 8)).toBe(old);
    // before Rflush, new requests never take the old tag
    const other = pending(c.statfs(root)).catch((e) => e);
    await tick();
    const tStat = s.sent.shift()!;
    expect(tagOf(tStat)).not.toBe(old);
    s.reply(rmsg(109, tagOf(tFlush)));
    expect(await flushed).toBe(true);
    expect((await read).errno).toBe(Errno.EINTR);
    s.reply(rmsg(7, old, le32(Errno.EIO))); // a server bug: a reply after Rflush
    expect(c.dev.stats.unknownTags).toBe(1);
    s.reply(rmsg(7, tagOf(tStat), le32(Errno.ENOSYS)));
    expect((await other).errno).toBe(Errno.ENOSYS);
  });
});
