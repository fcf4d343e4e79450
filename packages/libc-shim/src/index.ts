// @runikraft/libc-shim: WASI preview1 for wasm32-wasi programs on the unikernel.
/// <reference path="./wasm/webassembly.d.ts" />
/// <reference path="./wasm/module.d.ts" />

export { chooseBuild, type WasiProgramBuilds, type WasiProgramSource } from './builds';
export { allocatorAccount, createLibc, LIBC_PARAMS, library, type RkLibc } from './library';
export {
  loadWasi,
  PREVIEW1,
  RkWasiError,
  type RunWasiOptions,
  resolveSuspend,
  runWasi,
  type WasiMemoryAccount,
  type WasiRunResult,
  type WasiSuspend,
} from './process';
export {
  LibcPrograms,
  type LibcProgramsDeps,
  type RkLibcJob,
  runReported,
  type SpawnOptions,
} from './programs';
export { LibcPipes, type RkLibcStdio, type RkLibcStream } from './stdio';
export { AsyncifyRunner, type WasmImport } from './suspend/asyncify';
export { hasJspi, type JspiImport, JspiRunner } from './suspend/jspi';
export {
  ASYNCIFY_IMPORTS_SECTION,
  asyncifyMark,
  asyncifySuspends,
  ImportPreemption,
  PREEMPT_MAX_CALLS,
  type RkPreemptSched,
  SYNC_IMPORTS,
} from './suspend/preempt';
export * from './wasi/abi';
export { wasiErrno } from './wasi/errno';
export type { WasiFdInfo, WasiFdTable } from './wasi/fds';
export {
  EPOLL_EVENT_SIZE,
  WASIX,
  WASIX_BLOCKING,
  WASIX_NAMES,
  WasiFdsExt,
} from './wasi/fds-ext';
export type { WasiKernel, WasiNet } from './wasi/kernel';
export { LinearMemory, WasiFault } from './wasi/memory';
export {
  type PollEvent,
  PREVIEW1_NAMES,
  type R as WasiResult,
  WasiExit,
  WasiPreview1,
  type WasiProcessConfig,
} from './wasi/preview1';
export { parseListen, type WasiListenSpec, WasiSockets } from './wasi/sockets';
export { SOCKET_EXT_NAMES, WasiSocketExt } from './wasi/sockets-ext';
export { type LimitedModule, limitMemory, WasmFormatError } from './wasm/limits';
