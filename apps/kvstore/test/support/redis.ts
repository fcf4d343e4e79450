// Runs a real redis-server (no persistence) on a 127.0.0.1 port for differential tests and
// benchmarks; stopped by PID.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Why redis-server cannot run here, or null when it can. */
export function redisMissing(): string | null {
  const r = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  return r.error
    ? `redis-server is not installed (${r.error.message}); apt-get install redis-server`
    : null;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface RunningRedis {
  readonly port: number;
  stop(): Promise<void>;
}

/** Starts redis-server on 127.0.0.1 with persistence off and `extra` arguments. */
export async function startRedis(extra: string[] = []): Promise<RunningRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'rk-redis-'));
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  const child: ChildProcess = spawn('redis-server', [...args, '--dir', dir, ...extra], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout?.on('data', (d) => (log += d));
  child.stderr?.on('data', (d) => (log += d));
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`redis-server exited at start: ${log}`);
    if (await canConnect(port)) break;
    if (i === 100) throw new Error(`redis-server did not listen within 5 s: ${log}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    async stop() {
      if (child.exitCode === null && child.pid !== undefined) {
        const done = new Promise((r) => child.once('exit', r));
        process.kill(child.pid, 'SIGTERM');
        await done;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((r) => {
    const s = connect(port, '127.0.0.1', () => {
      s.destroy();
      r(true);
    });
    s.on('error', () => r(false));
  });
}

/** Sends `bytes` on a fresh connection, half-closes, collects the replies until the server closes (≤ 5 s). */
export function exchange(port: number, bytes: Uint8Array): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    const s = connect(port, '127.0.0.1', () => s.end(bytes));
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`no close from 127.0.0.1:${port} within 5 s`));
    }, 5000);
    s.on('data', (d) => parts.push(d));
    s.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(parts));
    });
    s.on('error', () => {});
  });
}
