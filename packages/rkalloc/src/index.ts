// @runikraft/rkalloc: the allocator API (ukalloc): types, front end, registry, typed helpers.
export * from './api';
export type { RkAllocBackend } from './backend';
export { copyFromGuest, copyToGuest } from './copy';
export { createRkAlloc, RK_ALLOC_MAX_SIZE, type RkAllocOptions } from './front';
export type { RkHardeningOptions } from './hardening/options';
export { RkAllocViolation, type RkAllocViolationKind } from './hardening/violation';
export { createAllocApi } from './registry';
export { emptyStats } from './stats';
export * from './typed';
