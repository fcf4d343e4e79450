// `-serial pipe:PATH` (`-chardev pipe,id=…,path=PATH`): QEMU's char-pipe. The UART's output goes to
// PATH.out and its input comes from PATH.in; when either cannot be opened, both go through PATH. Each
// is opened read-write, as QEMU does, so a FIFO (mkfifo) opens without waiting for its other end and
// never reads end-of-file. Writes never block the machine: what a full FIFO cannot take waits here
// (up to MAX_PENDING bytes; beyond that the oldest output is dropped, as a UART with no reader loses it).
import { closeSync, constants, fstatSync, openSync, writeSync } from 'node:fs';
import { Socket } from 'node:net';
import type { ConsoleBackend, ConsoleSink } from './backend';
import { describeErrno } from './file';
import { OutputBuffer } from './output';

const MAX_PENDING = 1 << 20;
const RETRY_MS = 10;

export class PipeConsole implements ConsoleBackend {
  private readonly fdIn: number;
  private readonly fdOut: number;
  private input: Socket | null = null;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private retry: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly out = new OutputBuffer((b) => this.send(b));

  /** @throws Error "Could not open 'PATH': <reason>" (QEMU's words) when neither form can be opened. */
  constructor(readonly path: string) {
    const open = (p: string) => openSync(p, constants.O_RDWR | constants.O_NONBLOCK);
    let fdIn = -1;
    let fdOut = -1;
    try {
      fdIn = open(`${path}.in`);
      fdOut = open(`${path}.out`);
    } catch {
      if (fdIn >= 0) closeSync(fdIn);
      try {
        fdIn = fdOut = open(path);
      } catch (e) {
        throw new Error(`Could not open '${path}': ${describeErrno(e as NodeJS.ErrnoException)}`);
      }
    }
    this.fdIn = fdIn;
    this.fdOut = fdOut;
  }

  write(byte: number): void {
    this.out.push(byte);
  }

  attach(sink: ConsoleSink): void {
    if (this.input || this.closed) return;
    // Input from a FIFO or socket only: a regular file (PATH a plain file) takes output and gives none.
    const st = fstatSync(this.fdIn);
    if (!st.isFIFO() && !st.isSocket()) return;
    // A stream over the read side: libuv polls the FIFO, so input arrives on the host's event loop.
    const s = new Socket({ fd: this.fdIn, readable: true, writable: false });
    s.on('data', (chunk: Buffer) => sink.input(new Uint8Array(chunk)));
    s.on('error', () => {});
    // Keeps no process alive on its own: the machine's end closes it.
    s.unref();
    this.input = s;
  }

  flush(): void {
    this.out.flush();
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    this.drain();
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    if (this.input)
      this.input.destroy(); // closes fdIn
    else closeSync(this.fdIn);
    if (this.fdOut !== this.fdIn) closeSync(this.fdOut);
  }

  private send(b: Buffer): void {
    if (this.closed) return;
    this.pending.push(b);
    this.pendingBytes += b.length;
    while (this.pendingBytes > MAX_PENDING && this.pending.length > 1)
      this.pendingBytes -= this.pending.shift()!.length;
    this.drain();
  }

  /** Writes what the FIFO takes now; schedules another try for the rest. */
  private drain(): void {
    while (this.pending.length > 0) {
      const b = this.pending[0]!;
      let n: number;
      try {
        n = writeSync(this.fdOut, b);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') {
          this.pending = []; // the reader is gone for good (EPIPE on a plain pipe): nothing to keep
          this.pendingBytes = 0;
          return;
        }
        n = 0;
      }
      this.pendingBytes -= n;
      if (n === b.length) this.pending.shift();
      else {
        this.pending[0] = b.subarray(n);
        if (!this.retry && !this.closed) {
          this.retry = setTimeout(() => {
            this.retry = null;
            this.drain();
          }, RETRY_MS);
          this.retry.unref();
        }
        return;
      }
    }
  }
}
