// A tar reader (POSIX ustar and GNU long names, as `tar --format=gnu` writes): the entries of an
// archive in a byte array, for the untar workload. Shared by the guest app and the host bench so both
// sides do the same parsing.

export type TarEntry =
  | { kind: 'dir'; path: string; mode: number }
  | { kind: 'file'; path: string; mode: number; data: Uint8Array }
  | { kind: 'symlink'; path: string; target: string }
  | { kind: 'link'; path: string; target: string };

export class TarError extends Error {}

const text = (b: Uint8Array): string => {
  const end = b.indexOf(0);
  return new TextDecoder().decode(end < 0 ? b : b.subarray(0, end));
};
const octal = (b: Uint8Array): number => {
  const s = text(b).trim();
  return s === '' ? 0 : Number.parseInt(s, 8);
};

/** The entries of `tar` in archive order; names lose a leading "./" and trailing "/". */
export function* tarEntries(tar: Uint8Array): Generator<TarEntry> {
  let longName: string | null = null;
  let longLink: string | null = null;
  for (let at = 0; at + 512 <= tar.length; ) {
    const h = tar.subarray(at, at + 512);
    if (h.every((x) => x === 0)) return;
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
    if (sum !== octal(h.subarray(148, 156)))
      throw new TarError(`tar: bad header checksum at offset ${at}`);
    const size = octal(h.subarray(124, 136));
    const type = String.fromCharCode(h[156]!);
    const data = tar.subarray(at + 512, at + 512 + size);
    if (data.length < size) throw new TarError(`tar: entry at offset ${at} is truncated`);
    at += 512 + Math.ceil(size / 512) * 512;
    if (type === 'L' || type === 'K') {
      const v = text(data);
      if (type === 'L') longName = v;
      else longLink = v;
      continue;
    }
    const prefix = text(h.subarray(345, 500));
    let path =
      longName ?? (prefix ? `${prefix}/${text(h.subarray(0, 100))}` : text(h.subarray(0, 100)));
    const target = longLink ?? text(h.subarray(157, 257));
    longName = longLink = null;
    path = path.replace(/^\.\//, '').replace(/\/+$/, '');
    if (path === '' || path === '.') continue;
    const mode = octal(h.subarray(100, 108)) & 0o7777;
    if (type === '5') yield { kind: 'dir', path, mode };
    else if (type === '0' || type === '\0' || type === '7')
      yield { kind: 'file', path, mode, data };
    else if (type === '2') yield { kind: 'symlink', path, target };
    else if (type === '1') yield { kind: 'link', path, target: target.replace(/^\.\//, '') };
    else if (type === 'x' || type === 'g')
      continue; // pax attributes: not needed here
    else throw new TarError(`tar: entry type '${type}' of ${path} is not supported`);
  }
}
