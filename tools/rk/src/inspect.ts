// `rk run --inspect` / `--inspect-brk`: the guest runs in a node:vm realm of this process, so Node's
// own V8 inspector debugs it; the image's source map (inlined as a data: URL) gives DevTools and
// VS Code breakpoints in the TypeScript sources.
import type { CliIo } from './cli';
import { RkUsageError } from './errors';

/**
 * Opens the inspector on `host:port` and prints its WebSocket URL (as node --inspect does); with
 * `brk`, waits for a debugger to attach before the image boots.
 * @throws RkUsageError when the port cannot be opened.
 */
export async function openInspector(
  opt: { host: string; port: number; brk: boolean },
  io: CliIo,
): Promise<void> {
  const inspector = await import('node:inspector');
  try {
    inspector.open(opt.port, opt.host, false);
  } catch (e) {
    throw new RkUsageError(
      `rk run: --inspect: cannot listen on ${opt.host}:${opt.port}: ${(e as Error).message}`,
    );
  }
  const url = inspector.url();
  if (!url)
    throw new RkUsageError(
      `rk run: --inspect: cannot listen on ${opt.host}:${opt.port} (address in use?)`,
    );
  io.err(`Debugger listening on ${url}`);
  io.err(
    'For help, see: https://nodejs.org/en/docs/inspector (Chrome: chrome://inspect; VS Code: attach to the port)',
  );
  if (opt.brk) {
    io.err('rk run: --inspect-brk: waiting for a debugger; the image stops before its entry runs');
    inspector.waitForDebugger();
  }
}
