// `-object rng-random,id=ID[,filename=F]` and `-object rng-builtin,id=ID` (QEMU backends/rng-*.c):
// the entropy sources a `-device virtio-rng-device,rng=ID` draws from. rng-random opens its file
// when the object is created, as QEMU does, so a bad file fails the command line.
import { closeSync, openSync, readSync } from 'node:fs';
import { OptReader, splitOpts } from '../net/qemu-opts';
import { hostRng, type RngBackend } from './backend';

/** A parsed `-object rng-*`. */
export interface RngObjectSpec {
  readonly type: 'rng-random' | 'rng-builtin';
  readonly id: string;
  /** rng-random's file (QEMU's default /dev/urandom). */
  readonly filename?: string;
}

/** Parses one `-object`. @throws Error naming the object and the bad property. */
export function parseRngObject(text: string): RngObjectSpec {
  const o = splitOpts('-object', text);
  const type = o.head ?? o.values.get('qom-type');
  if (type !== 'rng-random' && type !== 'rng-builtin')
    throw new Error(
      `-object ${text}: object type '${type}' is not modelled (modelled: rng-random, rng-builtin)`,
    );
  const r = new OptReader(`-object ${type}`, o);
  r.str('qom-type');
  const id = r.str('id');
  if (!id) throw new Error(`-object ${text}: Parameter 'id' is missing`);
  const filename = type === 'rng-random' ? (r.str('filename') ?? '/dev/urandom') : undefined;
  r.done();
  return { type, id, filename };
}

/** An entropy source that can be closed (rng-random holds a file descriptor). */
export interface OpenRng extends RngBackend {
  close(): void;
}

/** Opens the object's source. @throws Error "Could not open 'F': …" as QEMU reports it. */
export function createRngBackend(spec: RngObjectSpec): OpenRng {
  if (spec.type === 'rng-builtin') return { fill: (d) => hostRng.fill(d), close: () => {} };
  const file = spec.filename as string;
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    throw new Error(
      `-object rng-random,id=${spec.id}: Could not open '${file}': ${(e as Error).message}`,
    );
  }
  return {
    fill(dst: Uint8Array): number {
      try {
        return readSync(fd, dst, 0, dst.length, null);
      } catch {
        return 0; // QEMU's rng-random then serves nothing for this request
      }
    },
    close: () => closeSync(fd),
  };
}
