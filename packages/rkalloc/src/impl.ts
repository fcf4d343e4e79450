// @runikraft/rkalloc/impl: what allocator providers need (as Unikraft's uk/alloc_impl.h).
export type { RkAllocBackend } from './backend';
export {
  allocFromPlat,
  initAllocLibrary,
  platformSeed,
  type RkAllocParams,
  type RkBackendFactory,
  rkallocParams,
} from './boot';
export { withCompat } from './compat';
export { createRkAlloc, RK_ALLOC_MAX_SIZE, type RkAllocOptions } from './front';
