// A kvstore engine over a tlsf heap in a simulated guest RAM, for tests that run without booting.
import { createTestPhys } from '@runikraft/rkalloc/conformance';
import { createTlsfAlloc } from '@runikraft/rkalloc-tlsf';
import type { KvServerState } from '../../src/commands/context';
import { KvSession } from '../../src/session';
import { KvKeyspace } from '../../src/store/keyspace';

export function makeEngine(heapBytes = 8 << 20, now: () => number = () => Date.now()) {
  const phys = createTestPhys(heapBytes + (1 << 16));
  const alloc = createTlsfAlloc(phys, phys.base, heapBytes);
  const db = new KvKeyspace(alloc, now);
  const server: KvServerState = {
    startMs: now(),
    port: 6379,
    connectedClients: 1,
    totalConnections: 1,
    totalCommands: 0,
    maxmemory: heapBytes,
  };
  return { alloc, db, server, session: () => new KvSession(db, server) };
}
