// rk's version (kept equal to package.json by test/cli.test.ts; a constant so bundled copies know it).
export const RK_VERSION = '0.1.0';
