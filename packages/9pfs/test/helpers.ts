// Mounting 9pfs on a diod share over the socket transport (host-side tests).
import { RkP9TransportRegistryImpl } from '@runikraft/rk9p';
import type { RkFsEnv } from '@runikraft/vfscore/driver';
import { type Diod, startDiod } from '../../rk9p/test/helpers/diod';
import { socketTransport } from '../../rk9p/test/helpers/socket';
import { create9pfsType, type P9fs } from '../src/index';

export { haveDiod } from '../../rk9p/test/helpers/diod';

export const testEnv = (): RkFsEnv => ({ now: () => ({ sec: 1_800_000_000, nsec: 0 }) });

/** A fresh diod export mounted with `options`; `close` unmounts and stops diod. */
export async function mountDiod(
  options = '',
  readonly = false,
  dir?: string,
): Promise<{ fs: P9fs; diod: Diod; close(): Promise<void>; log: string[] }> {
  const diod = await startDiod(dir);
  const reg = new RkP9TransportRegistryImpl();
  reg.register(socketTransport({ port: diod.port }, 'share'));
  const log: string[] = [];
  const fs = await create9pfsType(reg, (l) => log.push(l)).mount({
    source: 'share',
    target: '/mnt',
    options: `aname=${diod.dir}${options ? `,${options}` : ''}`,
    readonly,
    env: testEnv(),
  });
  if (typeof fs === 'number') {
    await diod.stop();
    throw new Error(`mount failed: ${fs} ${log.join('')}`);
  }
  return {
    fs: fs as P9fs,
    diod,
    log,
    async close() {
      await fs.unmount();
      await diod.stop();
    },
  };
}
