// `import program from './program.wasm'` (rk bundles .wasm files as their bytes).
declare module '*.wasm' {
  const bytes: Uint8Array;
  export default bytes;
}
