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
  it('an RkError captures no stack frames unless its class asks for them', () => {
    const before = Error.stackTraceLimit;
    const thrown = (): RkError => new RkError(Errno.ENOENT, 'no such file');
    expect(thrown().stack).toBe('RkError: ENOENT: no such file');
    class Violation extends RkError {
      static override stackFrames = 5;
    }
    const v = ((): RkError => new Violation(Errno.EFAULT, 'bad block'))();
    expect(v.stack?.split('\n').filter((l) => l.trim().startsWith('at ')).length).toBeGreaterThan(
      0,
    );
    expect(v.stack?.split('\n').length).toBeLessThanOrEqual(6);
    // V8's limit is the caller's again after each construction.
    expect(Error.stackTraceLimit).toBe(before);
    RkError.stackFrames = 3;
    try {
      expect(thrown().stack).toContain('    at ');
    } finally {
      RkError.stackFrames = 0;
    }
    expect(Error.stackTraceLimit).toBe(before);
  });
  it('codes are unique', () => {
    const values = Object.values(Errno);
    expect(new Set(values).size).toBe(values.length);
  });
});
