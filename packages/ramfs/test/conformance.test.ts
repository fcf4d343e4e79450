import { describeRkFs } from '@runikraft/vfscore/conformance';
import { createRamfsType } from '../src/index';
import { testAlloc, testEnv } from './helpers';

describeRkFs('ramfs', async () => {
  const fs = await createRamfsType(testAlloc()).mount({
    source: 'none',
    target: '/',
    options: '',
    readonly: false,
    env: testEnv(),
  });
  if (typeof fs === 'number') throw new Error(`mount failed: ${fs}`);
  return { fs, close: () => void fs.unmount() };
});
