// @runikraft/rkalloc/hardening: the shared heap-hardening layer (canaries, poisoning, quarantine, misuse detection).
export { checkCanaries, findUnpoisoned, RK_POISON_SPOT_CHECK, writeCanaries } from './canary';
export { hardenBackend, type RkHardenedBackend } from './harden';
export { RK_CANARY_BYTES, RK_POISON_BYTE, type RkHardeningOptions } from './options';
export { RkXorshift32 } from './random';
export { hex, RkAllocViolation, type RkAllocViolationKind } from './violation';
