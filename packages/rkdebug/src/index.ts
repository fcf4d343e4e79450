// @runikraft/rkdebug: printk, assert, panic and trace points (ukdebug).
export type * from './api';
export { RK_LOG_LEVELS } from './api';
export { backtrace, createRkDebug, type RkDebugPlat } from './debug';
export { isHartStoppedError } from './stopped';
export { createTraceRing } from './trace';
