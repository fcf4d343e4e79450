// The README's "Use Runikraft in your own project", run as written: a release is made as changesets
// makes one — in a copy of the workspace, a generated changeset and `changeset version` (support/
// release.ts; the repository is never changed) — and the README's `pnpm registry:local` serves it
// (Verdaccio on 127.0.0.1: every public package of that copy published, `workspace:` ranges become
// the released versions); then, in empty folders outside the repository, the README's npm, component
// and pnpm blocks run line by line under `bash -e`, their `npm config set registry` line naming the
// address registry:local printed, and must get the versions changesets computed. Ctrl-C (SIGINT) then
// stops the registry. Takes 1-3 minutes (packages that are not ours come through the registry's
// uplink). Skipped, with the reason, before `pnpm build` (dist/ is what is published); under CI that
// is a failure.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bump, bump, prepareRelease, type Release } from './support/release';
import { publicPackages, repoRoot } from './support/workspace';

const unbuilt = publicPackages().filter((p) => !existsSync(join(p.dir, 'dist')));
const missingTool = ['npm', 'pnpm'].find(
  (t) => spawnSync(t, ['--version'], { encoding: 'utf8' }).status !== 0,
);
const skip = missingTool
  ? `${missingTool} is not on PATH`
  : unbuilt.length > 0
    ? `not built (run pnpm build first): ${unbuilt.map((p) => p.name).join(', ')}`
    : '';
// Under CI (.ci/run exports CI=true, after pnpm build) a missing prerequisite fails the test.
const required = Boolean(process.env.CI);
if (skip && !required) console.log(`[skip] registry test: ${skip}`);

/**
 * The generated changeset: a patch of the package every other one depends on, and a minor of one the
 * README's flow installs by name (so the user must get the new version from `npm install`).
 */
const BUMPS: Record<string, Bump> = {
  '@runikraft/errno': 'patch',
  '@runikraft/rkalloc-buddy': 'minor',
};

/** The ```sh blocks of the README's user section, in order. */
function readmeBlocks(): string[] {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Use Runikraft in your own project\n');
  if (start < 0) throw new Error('README.md has no "## Use Runikraft in your own project" section');
  const end = readme.indexOf('\n## ', start + 5);
  const section = readme.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

if (skip && required)
  it('the registry test has its prerequisites under CI', () => {
    throw new Error(`the registry test cannot run: ${skip}`);
  });

describe.skipIf(skip !== '')('published packages, used as the README says', () => {
  const work = mkdtempSync(join(tmpdir(), 'rk-registry-'));
  /** `pnpm registry:local`, its output, and the address it serves. */
  let server: ChildProcess | undefined;
  let serverOut = '';
  let url = '';
  let release: Release;
  const blocks = readmeBlocks();
  /** What a `changeset version` run in the repository would change: manifests, changelogs, .changeset/. */
  const repoState = () =>
    ['--untracked-files=no', '--untracked-files=all -- *CHANGELOG.md .changeset']
      .map(
        (a) =>
          spawnSync('sh', ['-c', `git status --porcelain ${a}`], {
            cwd: repoRoot,
            encoding: 'utf8',
          }).stdout,
      )
      .join('');
  let repoBefore = '';
  /** How rkboot's banner names library `name` in the release (`rkalloc-tlsf@0.1.0`). */
  const lib = (name: string) => `${name}@${release.versions.get(`@runikraft/${name}`)}`;

  beforeAll(() => {
    repoBefore = repoState();
    release = prepareRelease(join(work, 'release'), BUMPS);
  }, 180_000);
  afterAll(async () => {
    if (server && groupAlive(server.pid!)) {
      process.kill(-server.pid!, 'SIGINT');
      await groupGone(server.pid!);
    }
    rmSync(work, { recursive: true, force: true });
  }, 60_000);

  const groupAlive = (pgid: number) => {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  };
  /** Waits (up to 20 s) until no process of the group is left. */
  async function groupGone(pgid: number): Promise<boolean> {
    for (let i = 0; i < 100 && groupAlive(pgid); i++) await new Promise((r) => setTimeout(r, 200));
    return !groupAlive(pgid);
  }

  /** npm's and pnpm's settings for a flow: a user npmrc of its own (what `npm config set` writes), private caches. */
  function userEnv(prefix: string): NodeJS.ProcessEnv {
    const npmrc = join(work, `${prefix}npmrc`);
    writeFileSync(npmrc, '');
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const k of Object.keys(env)) if (/^npm_config_registry$/i.test(k)) delete env[k];
    return {
      ...env,
      npm_config_userconfig: npmrc,
      npm_config_cache: join(work, `${prefix}npm-cache`),
      npm_config_cache_dir: join(work, `${prefix}pnpm-cache`),
      npm_config_update_notifier: 'false',
      npm_config_fund: 'false',
      npm_config_audit: 'false',
      CI: 'true',
      NO_COLOR: '1',
    };
  }

  /** Runs README lines with bash -e in a new folder; @returns what a terminal would show. */
  function sh(lines: string, prefix: string): Promise<{ status: number | null; out: string }> {
    const cwd = mkdtempSync(join(work, prefix));
    const c = spawn('bash', ['-ex'], {
      cwd,
      env: userEnv(prefix),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    c.stdout.on('data', (d) => (out += d));
    c.stderr.on('data', (d) => (out += d));
    c.stdin.end(lines);
    const timer = setTimeout(() => c.kill('SIGKILL'), 480_000);
    return new Promise((resolve) =>
      c.on('close', (status) => {
        clearTimeout(timer);
        resolve({ status, out });
      }),
    );
  }

  /** The package's metadata; retried, since Verdaccio may close a kept-alive connection. */
  async function meta(name: string): Promise<any> {
    for (let i = 0; ; i++) {
      try {
        return await (await fetch(`${url}${name.replace('/', '%2f')}`)).json();
      } catch (e) {
        if (i === 3) throw e;
      }
    }
  }

  // The npm and pnpm flows run side by side (their time is mostly waiting on the uplink).
  let npmFlow: ReturnType<typeof sh>;
  let pnpmFlow: ReturnType<typeof sh>;

  it('changeset version computes the release in a copy, never in the repository', () => {
    for (const p of publicPackages()) {
      const want = BUMPS[p.name] ? bump(p.version, BUMPS[p.name]!) : undefined;
      if (want) expect(release.versions.get(p.name), p.name).toBe(want);
      else expect(release.versions.get(p.name), p.name).toMatch(/^\d+\.\d+\.\d+$/);
    }
    // each bumped package got its changelog entry from the generated changeset
    for (const name of Object.keys(BUMPS)) {
      const dir = publicPackages().find((p) => p.name === name)!.dir;
      const log = readFileSync(join(release.dir, relative(repoRoot, dir), 'CHANGELOG.md'), 'utf8');
      expect(log).toContain(`## ${release.versions.get(name)}`);
      expect(log).toContain("The registry test's release.");
    }
    expect(repoState()).toBe(repoBefore);
  });

  it('pnpm registry:local publishes every public package at the version changesets computed', async () => {
    expect(blocks[0]).toBe(
      'pnpm install && pnpm build\npnpm registry:local        # publishes every package to http://127.0.0.1:4873/ and serves it until Ctrl-C\n',
    );
    // The README's command (pnpm install && pnpm build is what CI has done), on a free port and
    // publishing the release instead of the checkout.
    // Detached: a process group of its own, which Ctrl-C (SIGINT to the group) stops as a terminal's would.
    server = spawn('pnpm', ['registry:local', '--port', '0', '--from', release.dir], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    server.stdout!.on('data', (d) => (serverOut += d));
    server.stderr!.on('data', (d) => (serverOut += d));
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(
        () => reject(new Error(`registry:local: no address: ${serverOut}`)),
        280_000,
      );
      server!.stdout!.on('data', () => {
        if (/Ctrl-C stops/.test(serverOut)) resolve(void clearTimeout(t));
      });
      server!.once('exit', (c) => reject(new Error(`registry:local exited (${c}): ${serverOut}`)));
    });
    url = /^ {2}npm config set registry (http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(serverOut)?.[1] ?? '';
    expect(url, serverOut).not.toBe('');
    expect(serverOut).toMatch(
      new RegExp(
        `^registry:local: ${publicPackages().length} Runikraft packages published on ${url} `,
        'm',
      ),
    );
    for (const p of publicPackages())
      expect((await meta(p.name))['dist-tags']?.latest, p.name).toBe(release.versions.get(p.name));
    // A published package.json names released versions, never the workspace protocol.
    const rk = await meta('@runikraft/rk');
    expect(JSON.stringify(rk.versions[rk['dist-tags'].latest].dependencies)).not.toContain(
      'workspace:',
    );
    // a dependency range names the released version: every package asks for the patched errno
    const rkalloc = await meta('@runikraft/rkalloc');
    expect(rkalloc.versions[rkalloc['dist-tags'].latest].dependencies['@runikraft/errno']).toBe(
      `^${release.versions.get('@runikraft/errno')}`,
    );
    expect(repoState()).toBe(repoBefore);
  }, 300_000);

  it('the README has the registry, npm, component and pnpm blocks', () => {
    expect(blocks.length).toBe(4);
    const setRegistry = 'npm config set registry http://127.0.0.1:4873/\n';
    expect(blocks[1]).toMatch(
      /^npm config set registry http:\/\/127\.0\.0\.1:4873\/\nnpm create runikraft@latest my-unikernel\n/,
    );
    expect(blocks[2]).toContain('--component rkalloc');
    expect(blocks[3]).toMatch(/^pnpm create runikraft my-unikernel\n/);
    // The line registry:local printed, where the README has its default port; pnpm reads npm's config.
    const here = `npm config set registry ${url}\n`;
    npmFlow = sh(blocks[1]!.replace(setRegistry, here) + blocks[2]!, 'npm-');
    pnpmFlow = sh(here + blocks[3]!, 'pnpm-');
  });

  it('npm: create, install, rk run; add an allocator, select it; then a component of your own', async () => {
    const r = await npmFlow;
    expect(r.status, r.out).toBe(0);
    const libs = [...r.out.matchAll(/^libraries: (.*)$/gm)].map((m) => m[1]);
    expect(libs).toEqual([lib('rkalloc-tlsf'), lib('rkalloc-buddy'), 'my-alloc@0.1.0']);
    expect(r.out.match(/^Hello, world!$/gm)?.length).toBe(3);
    // main's registry.get('rkalloc') type-checked in an npm install outside any workspace (rk build
    // checks types), and each allocator answered.
    expect(r.out.match(/^Free memory: [1-9]\d+ bytes$/gm)?.length).toBe(3);
    expect(r.out).not.toMatch(/error TS\d+/);
    expect(r.out).toMatch(/Tests +\d+ passed \(\d+\)/);
    expect(r.out).not.toMatch(/Tests +.*failed/);
  }, 600_000);

  it('pnpm: the same', async () => {
    const r = await pnpmFlow;
    expect(r.status, r.out).toBe(0);
    const libs = [...r.out.matchAll(/^libraries: (.*)$/gm)].map((m) => m[1]);
    expect(libs).toEqual([lib('rkalloc-tlsf'), lib('rkalloc-buddy')]);
    expect(r.out.match(/^Hello, world!$/gm)?.length).toBe(2);
    // the same with pnpm's strict node_modules (rk-env.d.ts reaches @runikraft/rkalloc through .pnpm/)
    expect(r.out.match(/^Free memory: [1-9]\d+ bytes$/gm)?.length).toBe(2);
    expect(r.out).not.toMatch(/error TS\d+/);
  }, 300_000);

  it('Ctrl-C stops pnpm registry:local and removes its storage', async () => {
    const storage = /^registry:local: storage (\S+)$/m.exec(serverOut)?.[1];
    expect(storage && existsSync(storage), serverOut).toBe(true);
    process.kill(-server!.pid!, 'SIGINT');
    // pnpm, the script and Verdaccio all end; the script removed the storage before it exited.
    expect(await groupGone(server!.pid!)).toBe(true);
    expect(existsSync(storage!)).toBe(false);
    await expect(fetch(`${url}-/ping`)).rejects.toThrow();
  }, 60_000);
});
