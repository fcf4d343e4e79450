// Test helpers for the journal: journals written by debugfs (jo/jw/jc), e2fsck's own replay, rdump
// trees to compare, and where journal blocks live.
import { execFileSync } from 'node:child_process';
import * as nfs from 'node:fs';
import { join } from 'node:path';
import { DEBUGFS, debugfs, E2FSCK } from './image';
import { type Entry, hostWalk } from './tree';

/** Runs debugfs -w with the commands `cmds` (one per line) from a file. */
export function debugfsScript(dir: string, img: string, cmds: string[]): string {
  const f = join(dir, `cmds-${Math.random().toString(36).slice(2)}`);
  nfs.writeFileSync(f, `${cmds.join('\n')}\n`);
  return execFileSync(DEBUGFS, ['-w', '-f', f, img], { stdio: 'pipe' }).toString();
}

/** The first physical block of `path` in `img`. */
export function bmap(img: string, path: string, lblk = 0): number {
  return Number(debugfs(img, `bmap ${path} ${lblk}`).trim());
}

/** e2fsck -fy (replays the journal, fixes what it finds): [status, output]. */
export function fsckFix(img: string): [number, string] {
  try {
    return [0, execFileSync(E2FSCK, ['-fy', img], { stdio: 'pipe' }).toString()];
  } catch (e) {
    const x = e as { status: number; stdout: Buffer; stderr: Buffer };
    return [x.status, `${x.stdout}${x.stderr}`];
  }
}

/** debugfs rdump of `img`'s root as a comparable tree (lost+found left out). */
export function dumpTree(dir: string, img: string): Map<string, Entry> {
  const out = join(dir, `rdump-${Math.random().toString(36).slice(2)}`);
  nfs.mkdirSync(out);
  execFileSync(DEBUGFS, ['-R', `rdump / ${out}`, img], { stdio: 'pipe' });
  const t = hostWalk(out);
  t.delete('/lost+found');
  nfs.rmSync(out, { recursive: true, force: true });
  return t;
}

/** The super block's feature list as debugfs prints it. */
export const features = (img: string) => debugfs(img, 'features');

/** Journal block → byte offset in the image (journal inode 8, block size `bs`). */
export function journalOffset(img: string, bs: number, j: number): number {
  return Number(debugfs(img, `bmap <8> ${j}`).trim()) * bs;
}
