// The instruction-set contract between the machine and the software on its harts.
export * from './csr';
export * from './hart';
export * from './memmap';
export * from './sbi';
