// @runikraft/rkboot: composition, registry and boot (ukboot).
export * from './api';
export { renderBanner } from './banner';
export { bootImage, type RkImage, type RkMainRunner, RUNIKRAFT_VERSION } from './boot';
export { RkDeviceRegistry, sharedDeviceRegistry } from './device-registry';
export { initOrder, RkCompositionError } from './order';
export { paramTable, RKBOOT_PARAMS } from './params';
export { createRegistry, RkRegistryError } from './registry';
export * from './resolve';
