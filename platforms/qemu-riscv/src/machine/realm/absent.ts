// Host globals a guest realm does not have, each with the kernel library that would provide it
// (DESIGN.md §2): using one before (or without) that library is an error naming it.

const SCHED =
  'compose a scheduler (an @runikraft/rksched provider such as @runikraft/rksched-rr) to get timers';
const HOST =
  'it is a host (Node) global and no kernel library provides it: guest code sees only the machine and the composed libraries';
const BOOT =
  'it is installed by @runikraft/rkboot when the image boots, from the platform console (rkplat)';
const TEXT = 'it is installed by @runikraft/rkboot when the image boots (pure UTF-8 code)';
const URL_LIB = 'compose @runikraft/rkurl to get URL and URLSearchParams (pure code)';

/** Global name → why it is absent and which kernel library provides it. */
export const ABSENT_GLOBALS: Readonly<Record<string, string>> = {
  setTimeout: SCHED,
  setInterval: SCHED,
  clearTimeout: SCHED,
  clearInterval: SCHED,
  queueMicrotask: SCHED,
  performance: 'compose @runikraft/rktime to get the guest clocks (mtime)',
  crypto: 'compose @runikraft/rkswrand to get crypto.getRandomValues',
  console: BOOT,
  TextEncoder: TEXT,
  TextDecoder: TEXT,
  URL: URL_LIB,
  URLSearchParams: URL_LIB,
  setImmediate: `${HOST}; use queueMicrotask or setTimeout(f, 0) from a scheduler`,
  clearImmediate: HOST,
  process: HOST,
  require: HOST,
  Buffer: `${HOST}; use typed arrays over guest RAM`,
  fetch: `${HOST}; the guest's network is its virtio-net device`,
  structuredClone: HOST,
  atob: HOST,
  btoa: HOST,
  navigator: HOST,
  AbortController: HOST,
  EventTarget: HOST,
  MessageChannel: HOST,
  Worker: HOST,
};

/** Intrinsics the realm keeps but whose host-backed parts wait for a kernel library. */
export const GUEST_CLOCK_HINT = 'compose @runikraft/rktime to get the guest clock (RTC, mtime)';
export const GUEST_RANDOM_HINT = 'compose @runikraft/rkswrand to get guest randomness';
