// The 9P shares the benchmark mounts 9pfs on: diod over TCP (a real server, the socket transport).
// Each exports a given host directory and mounts it with given options.
import { create9pfsType, type P9fs } from '../../../../packages/9pfs/src/index';
import { RkP9TransportRegistryImpl } from '../../../../packages/rk9p/src/index';
import { startDiod } from '../../../../packages/rk9p/test/helpers/diod';
import { socketTransport } from '../../../../packages/rk9p/test/helpers/socket';

export interface Share {
  readonly what: string;
  /** Mounts the exported dir; resolves with the fs and how long mount() took (ms). */
  mount(options: string): Promise<{ fs: P9fs; ms: number }>;
  close(): Promise<void>;
}

export const env = { now: () => ({ sec: 1_800_000_000, nsec: 0 }) };

export async function diodShare(dir: string): Promise<Share> {
  const diod = await startDiod(dir);
  const reg = new RkP9TransportRegistryImpl();
  reg.register(socketTransport({ port: diod.port }, 'share', 1 << 20));
  const type = create9pfsType(reg);
  return {
    what: 'diod 1.0.24 over TCP 127.0.0.1 (rk9p socket transport)',
    async mount(options) {
      const t0 = performance.now();
      const fs = await type.mount({
        source: 'share',
        target: '/mnt',
        options: `aname=${dir},${options}`,
        readonly: false,
        env,
      });
      const ms = performance.now() - t0;
      if (typeof fs === 'number') throw new Error(`mount: ${fs}`);
      return { fs: fs as P9fs, ms };
    },
    close: () => diod.stop(),
  };
}
