// Fix hints that work where the user is (src/pm.ts), and rksched's policy requirement as a build error.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RkResolveError, resolveComposition } from '@runikraft/rkboot';
import { describe, expect, it } from 'vitest';
import { toCandidate, workspaceProviders } from '../src/closure';
import { addCommand, detectPm, installCommand } from '../src/pm';
import { repoRoot } from './helpers/rk-bin';
import { writeTree } from './helpers/tree';

describe('package manager detection', () => {
  it('a pnpm workspace: workspace packages need --workspace, others do not', () => {
    const ctx = detectPm(join(repoRoot, 'apps/helloworld'), ['@runikraft/rksched-rr']);
    expect(ctx.pm).toBe('pnpm');
    expect(ctx.workspaceRoot).toBe(repoRoot);
    expect(addCommand(ctx, ['@runikraft/rksched-rr'])).toBe(
      'pnpm add --workspace @runikraft/rksched-rr',
    );
    expect(addCommand(ctx, ['left-pad'])).toBe('pnpm add left-pad');
    expect(installCommand(ctx, 'apps/x')).toBe('pnpm install (in the workspace root)');
  });

  it('outside a workspace: the nearest lockfile decides', () => {
    const root = writeTree({
      'npm/package-lock.json': '{}',
      'npm/app/package.json': '{}',
      'pn/pnpm-lock.yaml': '',
      'y/yarn.lock': '',
    });
    const npm = detectPm(join(root, 'npm/app'));
    expect(addCommand(npm, ['@runikraft/rkalloc-buddy'])).toBe(
      'npm install @runikraft/rkalloc-buddy',
    );
    expect(installCommand(npm, 'my-unikernel')).toBe('npm install in my-unikernel');
    expect(addCommand(detectPm(join(root, 'pn')), ['a', 'b'])).toBe('pnpm add a b');
    expect(addCommand(detectPm(join(root, 'y')), ['a'])).toBe('yarn add a');
  });

  it('no lockfile: the user agent of the command that ran rk (npx → npm)', () => {
    const root = writeTree({ 'app/package.json': '{}' });
    const saved = process.env.npm_config_user_agent;
    try {
      process.env.npm_config_user_agent = 'npm/11.0.0 node/v20.20.0 linux x64';
      expect(detectPm(join(root, 'app')).pm).toBe('npm');
      process.env.npm_config_user_agent = 'pnpm/12.4.2 npm/? node/v20.20.0 linux x64';
      expect(detectPm(join(root, 'app')).pm).toBe('pnpm');
    } finally {
      if (saved === undefined) delete process.env.npm_config_user_agent;
      else process.env.npm_config_user_agent = saved;
    }
  });
});

describe('rksched needs a policy', () => {
  it('an app with @runikraft/rksched and no policy fails to compose, with a workspace fix', () => {
    const rksched = JSON.parse(
      readFileSync(join(repoRoot, 'packages/rksched/package.json'), 'utf8'),
    );
    const plat = JSON.parse(
      readFileSync(join(repoRoot, 'platforms/qemu-riscv/package.json'), 'utf8'),
    );
    const appDir = join(repoRoot, 'apps/helloworld');
    const available = workspaceProviders(appDir);
    const pm = detectPm(
      appDir,
      available.map((a) => a.name),
    );
    let err: unknown;
    try {
      resolveComposition({
        app: { name: 'app' },
        candidates: [toCandidate(rksched, true)!, toCandidate(plat, true)!],
        available,
        addCommand: (p) => addCommand(pm, p),
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RkResolveError);
    expect((err as Error).message).toMatch(
      /^rk: no installed package provides the API 'rksched', required by @runikraft\/rksched\.\n {2}fix: add a provider to the app's dependencies, e\.g\. pnpm add --workspace @runikraft\/rksched-edf \(providers available: @runikraft\/rksched-edf, @runikraft\/rksched-mlq, @runikraft\/rksched-rr\)$/,
    );
  });
});
