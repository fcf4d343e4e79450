// One function's 256-byte configuration space as QEMU's hw/pci/pci.c keeps it: the bytes, a write mask
// (pci_init_wmask), a write-1-to-clear mask (pci_init_w1cmask) and the capability allocator
// (pci_find_space / pci_add_capability, which links each new capability at the head of the list).
import {
  PCI_CACHE_LINE_SIZE,
  PCI_CAPABILITY_LIST,
  PCI_COMMAND,
  PCI_COMMAND_INTX_DISABLE,
  PCI_COMMAND_IO,
  PCI_COMMAND_MASTER,
  PCI_COMMAND_MEMORY,
  PCI_COMMAND_SERR,
  PCI_CONFIG_HEADER_SIZE,
  PCI_CONFIG_SPACE_SIZE,
  PCI_INTERRUPT_LINE,
  PCI_STATUS,
  PCI_STATUS_CAP_LIST,
  PCI_STATUS_W1C,
} from './regs';

export class PciConfigSpace {
  readonly bytes = new Uint8Array(PCI_CONFIG_SPACE_SIZE);
  readonly wmask = new Uint8Array(PCI_CONFIG_SPACE_SIZE);
  readonly w1cmask = new Uint8Array(PCI_CONFIG_SPACE_SIZE);
  /** Bytes a capability occupies (QEMU's `used`): the allocator skips them. */
  private readonly used = new Uint8Array(PCI_CONFIG_SPACE_SIZE);

  constructor() {
    this.wmask[PCI_CACHE_LINE_SIZE] = 0xff;
    this.wmask[PCI_INTERRUPT_LINE] = 0xff;
    setLe(
      this.wmask,
      PCI_COMMAND,
      2,
      PCI_COMMAND_IO |
        PCI_COMMAND_MEMORY |
        PCI_COMMAND_MASTER |
        PCI_COMMAND_INTX_DISABLE |
        PCI_COMMAND_SERR,
    );
    // Everything past the header is plain read/write storage until a capability claims it (QEMU).
    this.wmask.fill(0xff, PCI_CONFIG_HEADER_SIZE);
    setLe(this.w1cmask, PCI_STATUS, 2, PCI_STATUS_W1C);
    this.used.fill(1, 0, PCI_CONFIG_HEADER_SIZE);
  }

  get(off: number, size: 1 | 2 | 4): number {
    return getLe(this.bytes, off, size);
  }

  /** Sets bytes as the device (not the guest) does: no masks apply. */
  set(off: number, size: 1 | 2 | 4, value: number): void {
    setLe(this.bytes, off, size, value);
  }

  /** Sets the guest-writable bits of a field. */
  setWmask(off: number, size: 1 | 2 | 4, mask: number): void {
    setLe(this.wmask, off, size, mask);
  }

  /** A guest write of `len` bytes: writable bits take the value, W1C bits written as 1 clear. */
  write(addr: number, len: number, value: number): void {
    for (let i = 0; i < len; i++) {
      const v = Math.floor(value / 2 ** (8 * i)) & 0xff;
      const w = this.wmask[addr + i];
      const c = this.bytes[addr + i];
      this.bytes[addr + i] = ((c & ~w) | (v & w)) & ~(v & this.w1cmask[addr + i]);
    }
  }

  /**
   * Adds a capability of `size` bytes with ID `id` in the first free space after the header and links
   * it at the head of the list (QEMU pci_add_capability with offset 0). Its bytes become read-only.
   * @returns its offset. @throws when no space is left (a model bug, never guest-driven).
   */
  addCapability(id: number, size: number): number {
    const off = this.findSpace(size);
    if (off === 0)
      throw new Error(`pci: no room for a ${size}-byte capability 0x${id.toString(16)}`);
    this.bytes[off] = id;
    this.bytes[off + 1] = this.bytes[PCI_CAPABILITY_LIST];
    this.bytes[PCI_CAPABILITY_LIST] = off;
    this.bytes[PCI_STATUS] |= PCI_STATUS_CAP_LIST;
    this.used.fill(1, off, off + Math.ceil(size / 4) * 4);
    this.wmask.fill(0, off, off + size);
    return off;
  }

  private findSpace(size: number): number {
    let off = PCI_CONFIG_HEADER_SIZE;
    for (let i = PCI_CONFIG_HEADER_SIZE; i < PCI_CONFIG_SPACE_SIZE; i++) {
      if (this.used[i]) off = i + 1;
      else if (i - off + 1 === size) return off;
    }
    return 0;
  }
}

/** Little-endian field read of 1, 2 or 4 bytes. */
export function getLe(b: Uint8Array, off: number, size: number): number {
  let v = 0;
  for (let i = size - 1; i >= 0; i--) v = v * 256 + b[off + i];
  return v;
}

/** Little-endian field write of 1, 2 or 4 bytes. */
export function setLe(b: Uint8Array, off: number, size: number, value: number): void {
  for (let i = 0; i < size; i++) b[off + i] = Math.floor(value / 2 ** (8 * i)) & 0xff;
}
