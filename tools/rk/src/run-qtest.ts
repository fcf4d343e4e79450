// `rk run --qtest stdio|unix:PATH`: serves QEMU's qtest protocol (the machine's implementation) on
// a channel. With -S (or no image) the hart is held, as under QEMU's qtest accelerator; otherwise
// the image boots alongside. Ends at the end of input (0, or the guest's status once it powers off)
// or when the machine powers off (the guest, or a qtest write to the finisher: exit with its code).
import { createConnection, createServer, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { RkUsageError } from './errors';
import { loadMachine, type RkDeviceArgs, type RkMachineOptions, type RkSerial } from './machine';
import type { QtestChannel } from './run-args';
import { loadImageFile } from './run-image';

async function openChannel(
  ch: QtestChannel,
): Promise<{ input: Readable; output: Writable; close(): void }> {
  if (ch.kind === 'stdio')
    return { input: process.stdin, output: process.stdout, close: () => process.stdin.pause() };
  if (ch.server) {
    const server = createServer();
    await new Promise<void>((ok, fail) =>
      server
        .once('error', (e) =>
          fail(
            new RkUsageError(
              `rk run: --qtest unix:${ch.path},server=on: cannot listen: ${(e as NodeJS.ErrnoException).code ?? e.message}`,
            ),
          ),
        )
        .listen(ch.path, ok),
    );
    const sock = await new Promise<Socket>((ok) => server.once('connection', ok));
    server.close();
    return { input: sock, output: sock, close: () => sock.end() };
  }
  const sock = createConnection(ch.path);
  await new Promise<void>((ok, fail) =>
    sock
      .once('connect', ok)
      .once('error', (e) =>
        fail(
          new RkUsageError(
            `rk run: --qtest unix:${ch.path}: cannot connect: ${(e as NodeJS.ErrnoException).code ?? e.message}`,
          ),
        ),
      ),
  );
  return { input: sock, output: sock, close: () => sock.end() };
}

/** Serves qtest; boots `imagePath` alongside unless it is undefined (-S); UART0 on `console`. @returns the exit status. */
export async function serveQtest(
  devices: RkDeviceArgs,
  ch: QtestChannel,
  opts: RkMachineOptions,
  imagePath: string | undefined,
  console: RkSerial = 'stdio',
): Promise<number> {
  const entry = imagePath ? await loadImageFile(imagePath) : undefined;
  const factory = await loadMachine();
  // On `--qtest stdio` stdout carries the protocol, so the UART cannot share it.
  const handle = factory.create(opts, ch.kind === 'stdio' ? 'none' : console);
  const close = await factory.plugDevices(handle, devices);
  const chan = await openChannel(ch);
  const session = factory.module.createQtestSession(handle.machine.qtest);
  const guest = entry ? handle.boot(entry) : undefined;
  const lines = createInterface({ input: chan.input, crlfDelay: Number.POSITIVE_INFINITY });
  const served = (async () => {
    for await (const line of lines) {
      const reply = session(line);
      // A finisher PASS/FAIL write stops QEMU at once, held (-S) or not: no reply, exit with its code.
      if (handle.machine.exit) return;
      chan.output.write(`${reply}\n`);
    }
  })();
  const afterInput = served.then(() => handle.machine.exit?.status ?? guest ?? 0);
  const status = await (guest ? Promise.race([guest, afterInput]) : afterInput);
  lines.close();
  chan.close();
  await close();
  return status;
}
