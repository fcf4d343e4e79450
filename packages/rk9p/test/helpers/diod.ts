// Runs diod (a real 9P2000.L server, Debian package) on 127.0.0.1 for a test, exporting a fresh
// temporary directory; stopped by its PID. Skips with a printed reason where diod is absent.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const DIOD = '/usr/sbin/diod';
export const haveDiod = existsSync(DIOD);
if (!haveDiod) console.log(`skipping diod tests: ${DIOD} is not installed (apt-get install diod)`);

export interface Diod {
  port: number;
  dir: string;
  proc: ChildProcess;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? res(a.port) : rej(new Error('no port'))));
    });
  });
}

async function listening(port: number, deadline: number): Promise<void> {
  for (;;) {
    const ok = await new Promise<boolean>((res) => {
      const c = connect(port, '127.0.0.1');
      c.on('connect', () => res(c.destroy() !== undefined));
      c.on('error', () => res(false));
    });
    if (ok) return;
    if (performance.now() > deadline) throw new Error(`diod did not listen on ${port} within 5 s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Starts diod exporting a new temp dir (or `dir`). */
export async function startDiod(dir?: string, extra: string[] = []): Promise<Diod> {
  const d = dir ?? mkdtempSync(join(tmpdir(), 'rk9p-diod-'));
  const port = await freePort();
  // diod raises its own core limit and has dumped core on SIGTERM here: keep any core in a
  // scratch working directory that stop() removes, never in the repository
  const cwd = mkdtempSync(join(tmpdir(), 'rk9p-diod-cwd-'));
  const proc = spawn(
    DIOD,
    ['-f', '-n', '-l', `127.0.0.1:${port}`, '-e', d, '-c', '/dev/null', ...extra],
    { stdio: ['ignore', 'ignore', 'pipe'], cwd },
  );
  let err = '';
  proc.stderr?.on('data', (c) => {
    err += c;
  });
  try {
    await listening(port, performance.now() + 5000);
  } catch (e) {
    proc.kill();
    rmSync(cwd, { recursive: true, force: true });
    throw new Error(`${(e as Error).message}; stderr: ${err}`);
  }
  return {
    port,
    dir: d,
    proc,
    async stop() {
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        process.kill(proc.pid!, 'SIGTERM');
        await exited;
      }
      if (!dir) rmSync(d, { recursive: true, force: true });
      rmSync(cwd, { recursive: true, force: true });
    },
  };
}
