// @runikraft/rknet/conformance: the socket-API kit any stack runs against itself (rknet's own, or a
// third party's behind the RkSocket contract). Usage in a stack's test/conformance.test.ts:
//   describeRkSockets('mystack', () => ({ socket, addr, sched, run }));
import { describe, it } from 'vitest';
import type { RkSocketCheck, RkSocketKitCaps, RkSocketKitFactory } from './conformance/env';
import { tcpBasicChecks } from './conformance/tcp-basic';
import { tcpIoChecks } from './conformance/tcp-io';
import { udpChecks } from './conformance/udp';

export {
  type RkSocketCheck,
  type RkSocketKitCaps,
  type RkSocketKitFactory,
  RkSocketKitFailure,
  type RkSocketKitSubject,
} from './conformance/env';

/** Every check of the kit as plain async functions (run them anywhere, e.g. in a booted image). */
export function rkSocketChecks(
  make: RkSocketKitFactory,
  caps: RkSocketKitCaps = {},
): RkSocketCheck[] {
  return [...tcpBasicChecks(make, caps), ...tcpIoChecks(make, caps), ...udpChecks(make, caps)];
}

/** Registers the kit's tests for the stack `name` in the current vitest file. */
export function describeRkSockets(
  name: string,
  make: RkSocketKitFactory,
  caps: RkSocketKitCaps = {},
): void {
  describe(`rknet socket conformance: ${name}`, () => {
    for (const c of rkSocketChecks(make, caps)) it(c.name, () => c.run(), 30_000);
  });
}
