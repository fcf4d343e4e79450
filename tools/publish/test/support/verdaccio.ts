// A private npm registry for tests: Verdaccio on 127.0.0.1 with its own temporary storage and user.
// @runikraft/* and create-runikraft are served only from what the test publishes; every other package
// is proxied from the registry this machine's npm is configured with (esbuild, vitest, ...).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { join } from 'node:path';

export interface Registry {
  readonly url: string;
  /** An npmrc with the registry and a publish token; point npm_config_userconfig at it. */
  readonly npmrc: string;
  /** Environment for npm, npx and pnpm children: this registry, its token, a private npm cache. */
  readonly env: NodeJS.ProcessEnv;
  log(): string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** The registry npm on this machine uses (the uplink for packages that are not ours). */
export function upstreamRegistry(): string {
  const r = spawnSync('npm', ['config', 'get', 'registry'], { encoding: 'utf8' });
  const url = r.stdout.trim();
  if (r.status !== 0 || !/^https?:\/\//.test(url))
    throw new Error(`npm config get registry gave no URL: ${r.stderr}`);
  return url;
}

/**
 * Starts Verdaccio in `dir` (storage, config, htpasswd, npmrc) and creates a publishing user.
 * `port`: where it listens on 127.0.0.1 (default, or 0: a free one).
 */
export async function startRegistry(dir: string, opts: { port?: number } = {}): Promise<Registry> {
  mkdirSync(join(dir, 'storage'), { recursive: true });
  const port = opts.port || (await freePort());
  const url = `http://127.0.0.1:${port}/`;
  const config = join(dir, 'config.yaml');
  writeFileSync(
    config,
    [
      `storage: ${join(dir, 'storage')}`,
      'auth:',
      '  htpasswd:',
      `    file: ${join(dir, 'htpasswd')}`,
      '    max_users: 10',
      'uplinks:',
      '  upstream:',
      `    url: ${upstreamRegistry()}`,
      '    timeout: 60s',
      '    maxage: 30m',
      // One connection per request costs a TLS handshake each; npm asks for dozens at once.
      '    agent_options: { keepAlive: true, maxSockets: 16 }',
      'packages:',
      "  '@runikraft/*':",
      '    access: $all',
      '    publish: $authenticated',
      "  'create-runikraft':",
      '    access: $all',
      '    publish: $authenticated',
      "  '**':",
      '    access: $all',
      '    publish: $authenticated',
      '    proxy: upstream',
      'log: { type: stdout, format: pretty, level: warn }',
      '',
    ].join('\n'),
  );
  const bin = createRequire(import.meta.url).resolve('verdaccio/bin/verdaccio');
  const child: ChildProcess = spawn(
    process.execPath,
    [bin, '--config', config, '--listen', `127.0.0.1:${port}`],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  child.stdout?.on('data', (d) => (log += d));
  child.stderr?.on('data', (d) => (log += d));
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`verdaccio exited: ${log}`);
    try {
      if ((await fetch(`${url}-/ping`)).ok) break;
    } catch {}
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`verdaccio did not answer on ${url} within 30 s: ${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const res = await fetch(`${url}-/user/org.couchdb.user:runikraft`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'runikraft', password: 'registry-test' }),
  });
  const { token } = (await res.json()) as { token?: string };
  if (!token) throw new Error(`verdaccio refused the test user (${res.status})`);
  const npmrc = join(dir, 'npmrc');
  writeFileSync(npmrc, `registry=${url}\n//127.0.0.1:${port}/:_authToken=${token}\n`);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    npm_config_userconfig: npmrc,
    npm_config_registry: url,
    npm_config_cache: join(dir, 'npm-cache'),
    npm_config_cache_dir: join(dir, 'pnpm-cache'), // pnpm's (dlx of create-runikraft included)
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
  };
  return {
    url,
    npmrc,
    env,
    log: () => log,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
