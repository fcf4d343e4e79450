// The boot ROM at 0x1000 (REFERENCE.md §3; QEMU hw/riscv/boot.c riscv_setup_rom_reset_vec): the reset
// vector, the start and FDT addresses and struct fw_dynamic_info. Read-only; writes are ignored.
import type { MmioDevice } from '../mmio';

const RESET_VEC = [0x00000297, 0x02828613, 0xf1402573, 0x0202b583, 0x0182b283, 0x00028067];
const FW_DYNAMIC_MAGIC = 0x4942534f;

export class MaskRom implements MmioDevice {
  readonly name = 'riscv.virt.mrom';
  readonly size = 0xf000;
  readonly validMin = 1;
  readonly validMax = 8;
  readonly implMax = 8;
  readonly unaligned = true;
  private readonly bytes = new Uint8Array(this.size);
  private readonly view = new DataView(this.bytes.buffer);

  /** Lays out the ROM: `start` (where the vector jumps), `fdt`, and the next stage for OpenSBI. */
  program(start: number, fdt: number, nextAddr: number): void {
    this.bytes.fill(0);
    for (const [i, w] of RESET_VEC.entries()) this.view.setUint32(4 * i, w, true);
    this.view.setBigUint64(0x18, BigInt(start), true);
    this.view.setBigUint64(0x20, BigInt(fdt), true);
    const info = [FW_DYNAMIC_MAGIC, 2, nextAddr, 1, 0, 0];
    for (const [i, v] of info.entries()) this.view.setBigUint64(0x28 + 8 * i, BigInt(v), true);
  }

  read(offset: number, size: number): number {
    let v = 0;
    for (let i = Math.min(size, 4) - 1; i >= 0; i--) v = v * 256 + (this.bytes[offset + i] ?? 0);
    return v;
  }

  read64(offset: number): bigint {
    return offset + 8 <= this.size ? this.view.getBigUint64(offset, true) : 0n;
  }

  write(): void {}
}
