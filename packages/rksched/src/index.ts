// @runikraft/rksched: the scheduler API (uksched), its front end and wait queues.
// The registry augmentation below needs rkboot in the program (tsup's d.ts build resolves it only when imported).
import type {} from '@runikraft/rkboot';

export type * from './api';
export type { RkEnqueueReason, RkPolicyHost, RkSchedPolicy } from './impl';
export { createSched, type RkSchedOptions } from './sched';
export { RkTimer } from './timer-queue';

import type { RkSched } from './api';

declare module '@runikraft/rkboot' {
  interface RkApiRegistry {
    rksched: RkSched;
  }
}

export { installTimerGlobals, timerGlobals } from './globals';
export {
  getSched,
  provideSched,
  RKSCHED_TRACE_PARAM,
  RKSCHED_WATCHDOG_PARAM,
  schedOptionsFor,
} from './registry';
export { type RkSchedTraceSink, traceSwitches } from './trace';
