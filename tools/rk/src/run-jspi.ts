// `rk run` and JSPI: libc-shim suspends wasm programs with the engine's stack switching where the
// engine has it, and Node 20 (V8 11.3) has it only behind --experimental-wasm-stack-switching, given
// when the process starts (set later with v8.setFlagsFromString, the first suspending call crashes
// the process). So `rk run` of an image with libc-shim restarts itself once with the flag, unless the
// program is to use asyncify anyway (libc.suspend=asyncify) or RK_JSPI=0.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { ImageManifest } from './manifest';

export const JSPI_FLAG = '--experimental-wasm-stack-switching';

/** Whether this `rk run` should restart with the JSPI flag. */
export function wantsJspiRestart(
  manifest: ImageManifest | undefined,
  args: readonly string[],
): boolean {
  if (!manifest?.libraries.some((l) => l.name === '@runikraft/libc-shim')) return false;
  if (process.env.RK_JSPI === '0' || process.execArgv.includes(JSPI_FLAG)) return false;
  // Only V8 11.x (Node 20) spells JSPI this way; later Nodes have another API libc-shim does not use.
  if (Number(process.versions.v8.split('.')[0]) !== 11) return false;
  return !args.some((a) => /(^|\s)libc\.suspend=asyncify(\s|$)/.test(a));
}

/** Runs this rk command line again in a Node started with the JSPI flag. @returns its exit status. */
export function restartWithJspi(): Promise<number> {
  const child = spawn(
    process.execPath,
    [JSPI_FLAG, ...process.execArgv, process.argv[1]!, ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  // The terminal's signals reach both processes; the child decides, this one waits for its status.
  const forward = (sig: NodeJS.Signals) => child.kill(sig);
  process.on('SIGINT', forward).on('SIGTERM', forward).on('SIGHUP', forward);
  return new Promise((resolve) => {
    child.on('exit', (code, signal) =>
      resolve(code ?? 128 + (signal ? (constants.signals[signal] ?? 1) : 1)),
    );
    child.on('error', () => resolve(70));
  });
}
