// @runikraft/rkplat: the platform API every platform implements (ukplat).
export type * from './api';
