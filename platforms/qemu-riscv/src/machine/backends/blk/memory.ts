// An in-memory disk (QEMU `-drive driver=null-co` / a RAM-backed image), optionally from an image.
import { BlockBackend } from './backend';

export class MemoryBlockBackend extends BlockBackend {
  readonly data: Uint8Array;

  constructor(id: string, sizeOrImage: number | Uint8Array, readOnly = false) {
    super(id, readOnly);
    this.data = typeof sizeOrImage === 'number' ? new Uint8Array(sizeOrImage) : sizeOrImage.slice();
  }

  get size(): number {
    return this.data.length;
  }

  protected doRead(offset: number, dst: Uint8Array): string | null {
    dst.set(this.data.subarray(offset, offset + dst.length));
    return null;
  }

  protected doWrite(offset: number, src: Uint8Array): string | null {
    this.data.set(src, offset);
    return null;
  }

  protected doFlush(): string | null {
    return null;
  }

  close(): void {}
}
