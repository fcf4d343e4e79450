// The ChaCha20 CSPRNG behind getrandom (ukswrand's chacha generator, with fast key erasure):
// output = ChaCha20 keystream; after every request the first 32 bytes of a fresh block become the key.
import { blockBytes, chacha20Block, wordsLE } from './chacha20';

/** A ChaCha20 deterministic random bit generator. Not thread-safe by design (one kernel thread at a time). */
export class ChaChaDrbg {
  private readonly key = new Uint32Array(8);
  private readonly nonce = new Uint32Array(3);
  private readonly block = new Uint32Array(16);
  private counter = 0;
  private seeded = false;
  /** Bytes produced since the last reseed. */
  bytesSinceReseed = 0;

  /** True once at least one seed of >= 16 bytes has been mixed in. */
  get isSeeded(): boolean {
    return this.seeded;
  }

  /**
   * Mixes `seed` into the key: key' = first 32 bytes of ChaCha20(key ^ H(seed)), where H folds the seed
   * into 8 words with one ChaCha block per 32-byte chunk. Any length is accepted; >= 16 bytes marks seeded.
   */
  reseed(seed: Uint8Array): void {
    const chunk = new Uint8Array(32);
    for (let off = 0; off < seed.length || off === 0; off += 32) {
      chunk.fill(0);
      chunk.set(seed.subarray(off, Math.min(seed.length, off + 32)));
      const w = wordsLE(chunk, 8);
      for (let i = 0; i < 8; i++) this.key[i] ^= w[i];
      this.nonce[0] ^= off;
      this.rekey();
      if (seed.length === 0) break;
    }
    if (seed.length >= 16) this.seeded = true;
    this.bytesSinceReseed = 0;
  }

  /** Fills `out` with keystream bytes, then erases the key it used (forward secrecy). */
  fill(out: Uint8Array): void {
    let off = 0;
    while (off < out.length) {
      chacha20Block(this.key, this.counter, this.nonce, this.block);
      this.counter = (this.counter + 1) >>> 0;
      if (this.counter === 0) this.nonce[2] = (this.nonce[2] + 1) >>> 0;
      const n = Math.min(64, out.length - off);
      blockBytes(this.block, out, off, n);
      off += n;
    }
    this.bytesSinceReseed += out.length;
    this.rekey();
  }

  private rekey(): void {
    chacha20Block(this.key, this.counter, this.nonce, this.block);
    this.counter = (this.counter + 1) >>> 0;
    for (let i = 0; i < 8; i++) this.key[i] = this.block[i];
    this.block.fill(0);
  }
}
