// @runikraft/rkboot: composition, registry and boot (ukboot).
export * from './api';
