import { describe, expect, it } from 'vitest';
import { parseFstab } from '../src/mounts';

describe('fstab (vfs.fstab syntax)', () => {
  it('parses source:target:type[:flags[:options[:ukopts]]] entries', () => {
    expect(parseFstab('none:/tmp:ramfs share:/data:9pfs:1:cache=loose:mkmp')).toEqual([
      { source: 'none', target: '/tmp', type: 'ramfs', flags: 0, options: '', mkmp: false },
      {
        source: 'share',
        target: '/data',
        type: '9pfs',
        flags: 1,
        options: 'cache=loose',
        mkmp: true,
      },
    ]);
  });
  it('names the entry and the field that is wrong', () => {
    expect(parseFstab('none:/tmp')).toMatch(
      /fstab entry 'none:\/tmp': want source:target:type.*got 2 fields/,
    );
    expect(parseFstab('none:tmp:ramfs')).toMatch(/target 'tmp' is not an absolute path/);
    expect(parseFstab('none:/t:ramfs:x')).toMatch(/flags 'x' is not a number/);
    expect(parseFstab('none:/t:ramfs:::auto')).toMatch(/unknown ukopt 'auto' \(known: mkmp\)/);
    expect(parseFstab(':/t:ramfs')).toMatch(/empty source/);
  });
});
