// RFC 8439 test vectors: §2.3.2 (block function), §2.4.2 (encryption), Appendix A.1/A.2.
import { describe, expect, it } from 'vitest';
import { blockBytes, chacha20Block, chacha20Xor, wordsLE } from '../src/chacha20';

const hex = (s: string) =>
  Uint8Array.from(
    s
      .replace(/[^0-9a-f]/gi, '')
      .match(/../g)!
      .map((b) => parseInt(b, 16)),
  );
const toHex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const seqKey = () => Uint8Array.from({ length: 32 }, (_, i) => i);

function block(key: Uint8Array, counter: number, nonce: Uint8Array): string {
  const out = new Uint32Array(16);
  chacha20Block(wordsLE(key, 8), counter, wordsLE(nonce, 3), out);
  const b = new Uint8Array(64);
  blockBytes(out, b);
  return toHex(b);
}

describe('ChaCha20 (RFC 8439)', () => {
  it('§2.3.2 block function test vector', () => {
    expect(block(seqKey(), 1, hex('000000090000004a00000000'))).toBe(
      '10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e' +
        'd2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e',
    );
  });

  it('§2.4.2 encryption of the "sunscreen" plaintext', () => {
    const pt = new TextEncoder().encode(
      "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.",
    );
    const ct = chacha20Xor(seqKey(), 1, hex('000000000000004a00000000'), pt);
    expect(toHex(ct)).toBe(
      '6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0b' +
        'f91b65c5524733ab8f593dabcd62b3571639d624e65152ab8f530c359f0861d8' +
        '07ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab7793736' +
        '5af90bbf74a35be6b40b8eedf2785e42874d',
    );
    expect(chacha20Xor(seqKey(), 1, hex('000000000000004a00000000'), ct)).toEqual(pt);
  });

  it('A.1 vectors #1 and #2 (all-zero key and nonce, counters 0 and 1)', () => {
    const z = new Uint8Array(32);
    const zn = new Uint8Array(12);
    expect(block(z, 0, zn)).toBe(
      '76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7' +
        'da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586',
    );
    expect(block(z, 1, zn)).toBe(
      '9f07e7be5551387a98ba977c732d080dcb0f29a048e3656912c6533e32ee7aed' +
        '29b721769ce64e43d57133b074d839d531ed1f28510afb45ace10a1f4b794d6f',
    );
  });

  it('A.1 vector #5 (nonce ...02, counter 0)', () => {
    expect(block(new Uint8Array(32), 0, hex('000000000000000000000002'))).toBe(
      'c2c64d378cd536374ae204b9ef933fcd1a8b2288b3dfa49672ab765b54ee27c7' +
        '8a970e0e955c14f3a88e741b97c286f75f8fc299e8148362fa198a39531bed6d',
    );
  });

  it('matches OpenSSL chacha20 (node:crypto) on random keys, nonces, counters and lengths', async () => {
    const { createCipheriv, randomBytes } = await import('node:crypto');
    for (let i = 0; i < 50; i++) {
      const key = new Uint8Array(randomBytes(32));
      const nonce = new Uint8Array(randomBytes(12));
      const counter = i === 0 ? 0xffffffff - 1 : randomBytes(4).readUInt32LE(0) >>> 8;
      const data = new Uint8Array(randomBytes(1 + ((i * 37) % 300)));
      const iv = new Uint8Array(16);
      new DataView(iv.buffer).setUint32(0, counter, true);
      iv.set(nonce, 4);
      const ref = createCipheriv('chacha20', key, iv).update(data);
      const len = counter + Math.ceil(data.length / 64) > 0x100000000 ? 64 : data.length;
      expect(toHex(chacha20Xor(key, counter, nonce, data).subarray(0, len))).toBe(
        toHex(new Uint8Array(ref).subarray(0, len)),
      );
    }
  });

  it('rejects short key material with a precise error', () => {
    expect(() => wordsLE(new Uint8Array(31), 8)).toThrow(/need 32 bytes, got 31/);
  });
});
