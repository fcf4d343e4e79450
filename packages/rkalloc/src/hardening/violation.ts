// The error every detected heap misuse ends in: boot turns it into a kernel panic naming block and violation.
import { Errno, RkError } from '@runikraft/errno';

/** Kinds of heap misuse the hardening detects. */
export type RkAllocViolationKind =
  | 'double-free'
  | 'invalid-free'
  | 'canary-front'
  | 'canary-back'
  | 'use-after-free'
  | 'size-mismatch'
  | 'pfree-count'
  | 'free-of-pages'
  | 'pfree-of-malloc';

/** A detected heap misuse. `block` is the user address involved; `allocator` the instance name. */
export class RkAllocViolation extends RkError {
  /** A heap misuse is a bug: keep the frames that made it. */
  static override stackFrames = 10;
  readonly violation: RkAllocViolationKind;
  readonly block: number;
  readonly allocator: string;
  constructor(allocator: string, violation: RkAllocViolationKind, block: number, detail: string) {
    super(Errno.EFAULT, `rkalloc(${allocator}): ${violation} at block ${hex(block)}: ${detail}`);
    this.name = 'RkAllocViolation';
    this.violation = violation;
    this.block = block;
    this.allocator = allocator;
  }
}

/** Formats a guest address as 0x%08x. */
export function hex(addr: number): string {
  return `0x${addr.toString(16).padStart(8, '0')}`;
}
