// Size classes for the small-object path: 16..2048 bytes in steps that waste at most ~20%.

export const CLASS_SIZES = [
  16, 32, 48, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, 448, 512, 640, 768, 896, 1024,
  1280, 1536, 1792, 2048,
];
export const SMALL_MAX = 2048;

/** Class index per (size + 15) >> 4, for sizes 1..2048. */
export const CLASS_OF = (() => {
  const t = new Uint8Array((SMALL_MAX >> 4) + 1);
  let c = 0;
  for (let i = 1; i < t.length; i++) {
    while (CLASS_SIZES[c] < i * 16) c++;
    t[i] = c;
  }
  return t;
})();
