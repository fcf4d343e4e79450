// Runs a real nginx (1 worker, no master, foreground) on a 127.0.0.1 port with a temporary prefix
// and document root, for differential tests and benchmarks. Stopped by PID.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Why nginx cannot run here, or null when it can. */
export function nginxMissing(): string | null {
  const r = spawnSync('nginx', ['-v'], { encoding: 'utf8' });
  return r.error ? `nginx is not installed (${r.error.message}); apt-get install nginx` : null;
}

/** A free TCP port on 127.0.0.1 (bound and released; the caller binds it again at once). */
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

export interface RunningNginx {
  readonly port: number;
  readonly root: string;
  stop(): Promise<void>;
}

/** Starts nginx serving `files` (path → bytes, each with modification time `mtime` seconds). */
export async function startNginx(
  files: Record<string, Uint8Array | string>,
  mtime: number,
): Promise<RunningNginx> {
  const prefix = mkdtempSync(join(tmpdir(), 'rk-nginx-'));
  const root = join(prefix, 'html');
  for (const [path, data] of Object.entries(files)) {
    const file = join(root, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, data);
    utimesSync(file, mtime, mtime);
  }
  mkdirSync(join(prefix, 'tmp'), { recursive: true });
  const port = await freePort();
  const tmp = join(prefix, 'tmp');
  writeFileSync(
    join(prefix, 'nginx.conf'),
    // lingering_timeout: after an error such as 413 nginx lingers for more request bytes; when the client's
    // FIN arrived before it started to linger (edge-triggered epoll) it waits the whole timeout (5 s by
    // default, as long as exchange() waits), so shorten it. The bytes nginx sends do not change.
    `daemon off; master_process off; worker_processes 1;
error_log ${prefix}/error.log; pid ${prefix}/nginx.pid;
events { worker_connections 4096; }
http {
  include /etc/nginx/mime.types; default_type application/octet-stream;
  access_log off; server_tokens off; keepalive_requests 1000000;
  lingering_timeout 1s;
  client_body_temp_path ${tmp}; proxy_temp_path ${tmp}; fastcgi_temp_path ${tmp};
  uwsgi_temp_path ${tmp}; scgi_temp_path ${tmp};
  server { listen 127.0.0.1:${port}; root ${root}; index index.html; }
}
`,
  );
  const child: ChildProcess = spawn('nginx', ['-p', prefix, '-c', join(prefix, 'nginx.conf')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr?.on('data', (d) => (err += d));
  await waitForPort(
    port,
    () => child.exitCode !== null,
    () => err,
  );
  return {
    port,
    root,
    async stop() {
      if (child.exitCode === null && child.pid !== undefined) {
        const done = new Promise((r) => child.once('exit', r));
        process.kill(child.pid, 'SIGTERM');
        await done;
      }
      rmSync(prefix, { recursive: true, force: true });
    },
  };
}

async function waitForPort(port: number, died: () => boolean, why: () => string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (died()) throw new Error(`nginx exited at start: ${why()}`);
    const ok = await new Promise<boolean>((r) => {
      const s = connect(port, '127.0.0.1', () => {
        s.destroy();
        r(true);
      });
      s.on('error', () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nginx did not listen on 127.0.0.1:${port} within 5 s: ${why()}`);
}

/** Sends `bytes`, half-closes, and collects everything until the peer closes (bounded by 5 s). */
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
