// The items QEMU 7.2's `virt` puts in fw_cfg (docs/specs/fw_cfg.txt; hw/nvram/fw_cfg.c realize, virt.c
// create_fw_cfg, vl.c parse_fw_cfg) and the checks on user items (`-fw_cfg name=opt/...`), as QEMU words them.

export const FW_CFG_SIGNATURE = 0x00;
export const FW_CFG_ID = 0x01;
export const FW_CFG_UUID = 0x02;
export const FW_CFG_NOGRAPHIC = 0x04;
export const FW_CFG_NB_CPUS = 0x05;
export const FW_CFG_BOOT_MENU = 0x0e;
export const FW_CFG_FILE_DIR = 0x19;
export const FW_CFG_FILE_FIRST = 0x20;
/** x-file-slots default: the directory always has room for 32 entries. */
export const FW_CFG_FILE_SLOTS = 0x20;
/** Bytes of a file name including the NUL (struct FWCfgFile). */
export const FW_CFG_MAX_FILE_PATH = 56;
/** FW_CFG_VERSION | FW_CFG_VERSION_DMA. */
export const FW_CFG_ID_VALUE = 0x3;

/** A named blob in the file directory. */
export interface FwCfgFile {
  readonly name: string;
  readonly data: Uint8Array;
}

/** A `-fw_cfg` item as given (exactly one of `file` contents or `string`). */
export interface FwCfgUserItem {
  /** The item's name; QEMU expects `opt/...` and warns otherwise. */
  readonly name: string;
  /** The blob: a file's bytes or a string's UTF-8 bytes (no NUL, as QEMU). */
  readonly data: Uint8Array;
}

const enc = new TextEncoder();
const le16 = (v: number) => Uint8Array.of(v & 0xff, (v >> 8) & 0xff);
const le32 = (v: number) => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, true);
  return b;
};

/** The numbered items virt exposes: signature, ID (with the DMA bit), UUID, nographic, CPUs, boot menu. */
export function standardItems(smp: number): Map<number, Uint8Array> {
  return new Map([
    [FW_CFG_SIGNATURE, enc.encode('QEMU')],
    [FW_CFG_UUID, new Uint8Array(16)],
    // The model has no display: QEMU's value with -nographic or -display none.
    [FW_CFG_NOGRAPHIC, le16(1)],
    [FW_CFG_BOOT_MENU, le16(0)],
    [FW_CFG_ID, le32(FW_CFG_ID_VALUE)],
    [FW_CFG_NB_CPUS, le16(smp)],
  ]);
}

/**
 * The files virt registers itself: boot-fail-wait (-1, no reboot timeout) at realize, and the empty boot
 * order and geometry lists fw_cfg_machine_reset writes (no device here carries a bootindex).
 */
export function standardFiles(): FwCfgFile[] {
  return [
    { name: 'etc/boot-fail-wait', data: le32(0xffffffff) },
    { name: 'bootorder', data: new Uint8Array(0) },
    { name: 'bios-geometry', data: new Uint8Array(0) },
  ];
}

/** strcmp on the names' UTF-8 bytes: the directory's order (fw_cfg_add_file, non-legacy machines). */
export function compareNames(a: string, b: string): number {
  const x = enc.encode(a);
  const y = enc.encode(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

/**
 * Checks one user item as vl.c parse_fw_cfg does once the name and blob are known.
 * @returns a warning to print for a name outside `opt/`, or undefined. @throws Error with QEMU's message.
 */
export function checkUserItem(item: FwCfgUserItem): string | undefined {
  if (typeof item.name !== 'string' || item.name === '' || !(item.data instanceof Uint8Array))
    throw new Error('fw_cfg: name, plus exactly one of file, string and gen_id, are needed');
  if (enc.encode(item.name).length > FW_CFG_MAX_FILE_PATH - 1)
    throw new Error(`fw_cfg: name too long (max. ${FW_CFG_MAX_FILE_PATH - 1} char)`);
  if (item.name.includes('\0')) throw new Error(`fw_cfg: name '${item.name}' contains a NUL byte`);
  if (!item.name.startsWith('opt/'))
    return 'externally provided fw_cfg item names should be prefixed with "opt/"';
  return undefined;
}

/**
 * The sorted file list: virt's own files plus the user's.
 * @throws Error "duplicate fw_cfg file name: X" or when the 32 directory slots overflow (QEMU asserts there).
 */
export function sortedFiles(user: readonly FwCfgUserItem[]): FwCfgFile[] {
  const all = [...standardFiles(), ...user.map((u) => ({ name: u.name, data: u.data }))];
  if (all.length > FW_CFG_FILE_SLOTS)
    throw new Error(
      `fw_cfg: ${all.length} files do not fit the ${FW_CFG_FILE_SLOTS} directory slots (at most ${FW_CFG_FILE_SLOTS - standardFiles().length} user items)`,
    );
  all.sort((a, b) => compareNames(a.name, b.name));
  for (let i = 1; i < all.length; i++)
    if (all[i].name === all[i - 1].name)
      throw new Error(`fw_cfg: duplicate fw_cfg file name: ${all[i].name}`);
  return all;
}

/** FW_CFG_FILE_DIR's bytes: BE count, then per slot BE size, BE select, reserved, NUL-padded name. */
export function fileDirectory(files: readonly FwCfgFile[]): Uint8Array {
  const dir = new Uint8Array(4 + 64 * FW_CFG_FILE_SLOTS);
  const v = new DataView(dir.buffer);
  v.setUint32(0, files.length);
  files.forEach((f, i) => {
    const at = 4 + 64 * i;
    v.setUint32(at, f.data.length);
    v.setUint16(at + 4, FW_CFG_FILE_FIRST + i);
    dir.set(enc.encode(f.name), at + 8);
  });
  return dir;
}
