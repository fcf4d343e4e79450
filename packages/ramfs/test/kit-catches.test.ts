// The kit fails drivers that break the contract (so a passing kit means something).
import { rkFsChecks } from '@runikraft/vfscore/conformance';
import type { RkFsAttr } from '@runikraft/vfscore/driver';
import { describe, expect, it } from 'vitest';
import { Ramfs, type RamHandle } from '../src/fs';
import type { RamNode } from '../src/node';
import { RamPages } from '../src/pages';
import { testAlloc, testEnv } from './helpers';

// ramfs leaves the bytes a shrink cuts off in the last page and zeroes them when the size grows
// over them again (pages.ts): a driver that grows without that shows the stale bytes.
class NoZeroOnShrink extends Ramfs {
  override setattr(n: RamNode, set: { size?: number }): number {
    if (set.size !== undefined && set.size > n.size) {
      n.size = set.size; // grows over the stale bytes past the old size
      return 0;
    }
    return super.setattr(n, set);
  }
}
class ReaddirSkipsOnResume extends Ramfs {
  override readdir(h: RamHandle, cookie: number, sink: Parameters<Ramfs['readdir']>[2]): number {
    return super.readdir(h, cookie === 0 ? 0 : cookie + 1, sink);
  }
}
class RmdirIgnoresChildren extends Ramfs {
  override rmdir(dir: RamNode, name: string, node: RamNode): number {
    node.entries!.clear();
    return super.rmdir(dir, name, node);
  }
}
class NlinkNotCounted extends Ramfs {
  override getattr(n: RamNode, out: RkFsAttr): number {
    super.getattr(n, out);
    out.nlink = 1;
    return 0;
  }
}
class UnlinkFreesOpenData extends Ramfs {
  override unlink(dir: RamNode, name: string, node: RamNode): number {
    const r = super.unlink(dir, name, node);
    node.size = 0;
    return r;
  }
}

const failing = (Broken: typeof Ramfs, check: RegExp) => async () => {
  const make = () => ({ fs: new Broken(new RamPages(testAlloc()), testEnv(), false) });
  const c = rkFsChecks(make, { numRuns: 300 }).find((x) => check.test(x.name));
  expect(c, `no check matches ${check}`).toBeDefined();
  await expect(c!.run()).rejects.toThrow();
};

describe('the fs-driver kit catches broken drivers', () => {
  it('stale bytes after a shrink (random I/O property)', failing(NoZeroOnShrink, /random/));
  it('stale bytes after a shrink (setattr check)', failing(NoZeroOnShrink, /^setattr/));
  it('readdir losing entries on resume', failing(ReaddirSkipsOnResume, /^readdir/));
  it('rmdir of a non-empty directory', failing(RmdirIgnoresChildren, /^mkdir\/rmdir/));
  it('nlink not counted', failing(NlinkNotCounted, /^link shares/));
  it('unlink dropping the data of an open file', failing(UnlinkFreesOpenData, /^unlink/));
  it('the same checks pass on the real driver', async () => {
    const make = () => ({ fs: new Ramfs(new RamPages(testAlloc()), testEnv(), false) });
    for (const c of rkFsChecks(make, { numRuns: 10 })) await c.run();
  });
});
