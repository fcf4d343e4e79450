// @runikraft/rkboot: composition, registry and boot (ukboot).
export * from './api';
export { renderBanner } from './banner';
export { bootImage, type RkImage, type RkMainRunner, RUNIKRAFT_VERSION } from './boot';
export { RkDeviceRegistry, sharedDeviceRegistry } from './device-registry';
export { createGuestConsole, formatArgs } from './libc/console';
export { installBootGlobals } from './libc/install';
export { inGuestRealm, provideGlobal } from './libc/realm';
export { RkTextDecoder, RkTextEncoder } from './libc/text';
export { initOrder, RkCompositionError } from './order';
export { paramTable, RKBOOT_PARAMS } from './params';
export { createRegistry, RkRegistryError } from './registry';
export * from './resolve';
