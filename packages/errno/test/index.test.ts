import { describe, expect, it } from 'vitest';
import { Errno, errnoName, RkError } from '../src/index';

describe('errno', () => {
  it('names codes in either sign and flags unknown ones', () => {
    expect(errnoName(Errno.ENOMEM)).toBe('ENOMEM');
    expect(errnoName(-Errno.EROFS)).toBe('EROFS');
    expect(errnoName(4242)).toBe('E?4242');
  });
  it('RkError carries the positive code and a message naming it', () => {
    const e = new RkError(-Errno.EIO, 'disk gone');
    expect(e.errno).toBe(5);
    expect(e.message).toBe('EIO: disk gone');
  });
  it('codes are unique', () => {
    const values = Object.values(Errno);
    expect(new Set(values).size).toBe(values.length);
  });
});
