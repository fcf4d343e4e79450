// `-fsdev local,…` and the `-virtfs local,…` shorthand (QEMU qemu-options.hx, fsdev/qemu-fsdev.c):
// a host directory exported by the 9P server for `-device virtio-9p-device,fsdev=ID,mount_tag=TAG`.
import { statSync } from 'node:fs';
import { OptReader, splitOpts } from '../net/qemu-opts';
import { P9Server, type SecurityModel } from './server';

export interface FsdevSpec {
  readonly id: string;
  readonly path: string;
  readonly securityModel: SecurityModel;
  readonly readOnly: boolean;
}

const MODELS: readonly SecurityModel[] = ['none', 'passthrough', 'mapped-file'];

function common(what: string, r: OptReader, head: string | null) {
  const driver = head ?? r.str('fsdriver');
  if (driver !== 'local')
    throw new Error(
      `${what}: fsdriver '${driver ?? ''}' is not supported (local only: ${what} local,path=DIR,security_model=none|mapped-file)`,
    );
  const path = r.need('path');
  const model = r.str('security_model');
  if (model === undefined)
    throw new Error(
      `${what}: security_model= is required for the local driver (none, passthrough, mapped-file)`,
    );
  if (model === 'mapped' || model === 'mapped-xattr')
    throw new Error(
      `${what}: security_model=${model} needs extended attributes, which this machine lacks; use mapped-file`,
    );
  if (!MODELS.includes(model as SecurityModel))
    throw new Error(`${what}: security_model=${model} is not one of ${MODELS.join(', ')}`);
  const readOnly = r.bool('readonly', false);
  const writeout = r.str('writeout');
  if (writeout !== undefined && writeout !== 'immediate')
    throw new Error(`${what}: writeout=${writeout} (only immediate)`);
  const multidevs = r.str('multidevs');
  if (multidevs !== undefined && !['warn', 'forbid', 'remap'].includes(multidevs))
    throw new Error(`${what}: multidevs=${multidevs} is not warn, forbid or remap`);
  return { path, securityModel: model as SecurityModel, readOnly };
}

/** Parses `-fsdev local,id=f0,path=DIR,security_model=none|mapped-file[,readonly=on]`. @throws Error. */
export function parseFsdev(text: string): FsdevSpec {
  const o = splitOpts('-fsdev', text);
  const r = new OptReader('-fsdev', o);
  const id = r.need('id');
  const c = common('-fsdev', r, o.head);
  r.done();
  return { id, ...c };
}

/**
 * Parses `-virtfs local,path=DIR,mount_tag=TAG,security_model=…[,id=ID][,readonly=on]`: an fsdev
 * (id = ID, else the tag, as QEMU) plus its virtio-9p-device. @throws Error.
 */
export function parseVirtfs(text: string): { fsdev: FsdevSpec; tag: string } {
  const o = splitOpts('-virtfs', text);
  const r = new OptReader('-virtfs', o);
  const tag = r.need('mount_tag');
  const id = r.str('id') ?? tag;
  const c = common('-virtfs', r, o.head);
  r.done();
  return { fsdev: { id, ...c }, tag };
}

/** Opens the 9P server of an fsdev. @throws Error naming the fsdev when the path is unusable. */
export function createFsdevServer(spec: FsdevSpec, trace?: (line: string) => void): P9Server {
  let isDir = false;
  try {
    isDir = statSync(spec.path).isDirectory();
  } catch (e) {
    throw new Error(`-fsdev id=${spec.id}: path=${spec.path}: ${(e as Error).message}`);
  }
  if (!isDir) throw new Error(`-fsdev id=${spec.id}: path=${spec.path} is not a directory`);
  return new P9Server({
    root: spec.path,
    securityModel: spec.securityModel,
    readOnly: spec.readOnly,
    trace,
  });
}
