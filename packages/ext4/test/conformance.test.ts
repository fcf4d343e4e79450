// The vfscore fs-driver kit against ext4: every check on a fresh empty image from mkfs.ext4
// (lost+found removed, as the kit wants an empty root).
import { describeRkFs } from '@runikraft/vfscore/conformance';
import { afterAll } from 'vitest';
import { debugfs, haveE2fs, mkfs, mountImage, rmrf, scratch } from './helpers/image';

const top = scratch('rk-ext4-kit-');
afterAll(() => rmrf(top));

if (haveE2fs)
  describeRkFs(
    'ext4',
    async () => {
      const img = mkfs(top, '16M', { args: ['-b', '4096'] });
      debugfs(img, 'rmdir lost+found', true);
      const m = await mountImage(img);
      if ('errno' in m) throw new Error(m.log.join(''));
      return {
        fs: m.fs,
        close: async () => {
          await m.close();
          rmrf(img);
        },
      };
    },
    { symlinks: true, hardlinks: true, numRuns: 30 },
  );
