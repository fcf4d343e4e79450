// @runikraft/rk: the programmatic API behind the `rk` CLI — build images, parse `rk run` command
// lines, boot images — for app tests, benchmarks and other tools.
export type { AppConfig, AppMachineDefaults } from './app';
export { defaultParamPrefix, readApp } from './app';
export type { FieldProblem } from './app-machine';
export {
  type BuildOptions,
  type BuildResult,
  buildImage,
  readManifest,
  staleReason,
} from './build';
export { type CliIo, rkMain } from './cli';
export type { InstalledPackage } from './closure';
export { composeApp, type ResolvedApp } from './compose';
export { generateEntry } from './entry';
export { RkUsageError } from './errors';
export { listComposition } from './ls';
export {
  loadMachine,
  type MachineFactory,
  type MachineHandle,
  type RkConsole,
  type RkDeviceArgs,
  type RkMachineOptions,
  type RkSerial,
} from './machine';
export type { ImageManifest, ManifestPackage, PackageRole } from './manifest';
export type { PackageManager, PmContext } from './pm';
export type { ProgramDecl, ProgramSpec } from './programs';
export { runCommand, runImage } from './run';
export {
  type ChardevBackend,
  parseQemuBool,
  parseRunArgs,
  type QtestChannel,
  type RunArgs,
} from './run-args';
export {
  createMachineFor,
  type LocatedImage,
  loadImageFile,
  locateImage,
  machineOptions,
} from './run-image';
export type { PortForward } from './run-nic';
export { type RustSysroot, rustSysroot, WASI_NET_RS } from './rust-std';
export { formatQemuSize, parseQemuSize } from './size';
export { RK_VERSION } from './version';
export {
  ASYNCIFY_IMPORTS_SECTION,
  buildWasm,
  buildWasmBoth,
  WASI_BLOCKING_IMPORTS,
  WASI_PREEMPT_IMPORTS,
  WASIX_BLOCKING_IMPORTS,
  type WasmBuildOptions,
  type WasmBuilds,
} from './wasm-toolchain';
