// @runikraft/vfscore/conformance: the kit any file-system driver runs against itself.
// Usage in a driver's test/conformance.test.ts:
//   describeRkFs('ramfs', () => ({ fs: mountRamfsForTest() }));
import { describe, it } from 'vitest';
import type { RkFsCheck, RkFsKitCaps, RkFsKitFactory } from './conformance/env';
import { ioChecks } from './conformance/io-checks';
import { linkChecks } from './conformance/link-checks';
import { nodeChecks } from './conformance/node-checks';
import { posixChecks } from './conformance/posix-checks';

export {
  attrOf,
  emptyAttr,
  emptyStatfs,
  listDir,
  type RkFsCheck,
  type RkFsKitCaps,
  type RkFsKitFactory,
  RkFsKitFailure,
  type RkFsKitSubject,
} from './conformance/env';

/** Every check of the kit as plain async functions (run them anywhere, e.g. in a booted image). */
export function rkFsChecks(make: RkFsKitFactory, caps: RkFsKitCaps = {}): RkFsCheck[] {
  return [
    ...nodeChecks(make, caps),
    ...ioChecks(make, caps),
    ...posixChecks(make, caps),
    ...linkChecks(make, caps),
  ];
}

/** Registers the kit's tests for the file system `name` in the current vitest file. */
export function describeRkFs(name: string, make: RkFsKitFactory, caps: RkFsKitCaps = {}): void {
  describe(`vfscore fs-driver conformance: ${name}`, () => {
    for (const c of rkFsChecks(make, caps)) it(c.name, () => c.run());
  });
}
