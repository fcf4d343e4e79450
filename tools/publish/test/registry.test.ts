// The README's "Use Runikraft in your own project", run as written: a release is made as changesets
// makes one — in a copy of the workspace, a generated changeset and `changeset version` (support/
// release.ts; the repository is never changed) — and every public package of that copy is published
// (pnpm publish: workspace: ranges become the released versions) to a local Verdaccio; then, in empty
// folders outside the repository, the README's npm, component and pnpm blocks run line by line under
// `bash -e` with only the registry changed, and must get the versions changesets computed. Takes 1-3
// minutes (packages that are not ours come through the registry's uplink). Skipped, with the reason,
// before `pnpm build` (dist/ is what is published).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bump, bump, prepareRelease, type Release } from './support/release';
import { type Registry, startRegistry } from './support/verdaccio';
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
  let registry: Registry;
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

  beforeAll(async () => {
    repoBefore = repoState();
    const started = startRegistry(join(work, 'registry'));
    release = prepareRelease(join(work, 'release'), BUMPS);
    registry = await started;
  }, 180_000);
  afterAll(async () => {
    await registry?.stop();
    rmSync(work, { recursive: true, force: true });
  }, 60_000);

  /** Runs README lines with bash -e in a new folder; @returns what a terminal would show. */
  function sh(lines: string, prefix: string): Promise<{ status: number | null; out: string }> {
    const cwd = mkdtempSync(join(work, prefix));
    const c = spawn('bash', ['-ex'], {
      cwd,
      env: { ...registry.env, CI: 'true', NO_COLOR: '1' },
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
        return await (await fetch(`${registry.url}${name.replace('/', '%2f')}`)).json();
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

  it('publishes every public package at the version changesets computed', async () => {
    const r = spawnSync('pnpm', ['-r', 'publish', '--no-git-checks'], {
      cwd: release.dir,
      env: registry.env,
      encoding: 'utf8',
      timeout: 300_000,
    });
    expect(r.status, r.stderr + r.stdout).toBe(0);
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

  it('the README has the npm, component and pnpm blocks', () => {
    expect(blocks.length).toBe(3);
    expect(blocks[0]).toMatch(/^npm create runikraft@latest my-unikernel\n/);
    expect(blocks[1]).toContain('--component rkalloc');
    expect(blocks[2]).toMatch(/^pnpm create runikraft my-unikernel\n/);
    npmFlow = sh(blocks[0]! + blocks[1]!, 'npm-');
    pnpmFlow = sh(blocks[2]!, 'pnpm-');
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
});
