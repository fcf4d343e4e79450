// diod's fids are paths: after a rename, nodes looked up before (the renamed one and everything
// below it) must still work — 9pfs walks them again by their new path.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { O_RDWR } from '@runikraft/vfscore';
import { emptyAttr } from '@runikraft/vfscore/conformance';
import { describe, expect, it } from 'vitest';
import type { P9Handle, P9Node } from '../src/index';
import { haveDiod, mountDiod } from './helpers';

describe.skipIf(!haveDiod)('9pfs rename on a path-based server (diod)', () => {
  for (const cache of ['none', 'loose'])
    it(`nodes under a renamed directory and a renamed file stay usable (cache=${cache})`, async () => {
      const m = await mountDiod(`cache=${cache}`);
      const { fs } = m;
      try {
        const a = (await fs.mkdir(fs.root, 'a', 0o755)) as P9Node;
        const sub = (await fs.mkdir(a, 'sub', 0o755)) as P9Node;
        const f = (await fs.create(sub, 'f', 0o644)) as P9Node;
        expect(await fs.rename(fs.root, 'a', fs.root, 'b', 0)).toBe(0);
        expect(existsSync(join(m.diod.dir, 'b', 'sub', 'f'))).toBe(true);
        const out = emptyAttr();
        expect(await fs.getattr(f, out)).toBe(0);
        expect(out.ino).toBe(f.ino);
        const h = (await fs.open(f, O_RDWR)) as P9Handle;
        expect(await fs.write(h, new Uint8Array([1, 2, 3]), 0)).toBe(3);
        expect(await fs.close(h)).toBe(0);
        expect(await fs.rename(sub, 'f', fs.root, 'g', 0)).toBe(0);
        expect(await fs.getattr(f, out)).toBe(0);
        expect(out.size).toBe(3);
        expect(await fs.unlink(fs.root, 'g', f)).toBe(0);
        expect(existsSync(join(m.diod.dir, 'g'))).toBe(false);
        // the looked-up-again node is the one vfscore already holds
        const b = await fs.lookup(fs.root, 'b');
        expect(b).toBe(a);
        expect(await fs.rmdir(a, 'sub', sub)).toBe(0);
        expect(await fs.rmdir(fs.root, 'b', a)).toBe(0);
      } finally {
        await m.close();
      }
    });
});
