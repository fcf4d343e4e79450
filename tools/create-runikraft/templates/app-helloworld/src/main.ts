// __NAME__: greets, echoes its arguments, shows the allocator's free memory and returns 0 (the
// machine's exit status).
import type { RkMainArgs } from '@runikraft/rkboot';

export default function main({ argv, plat, registry }: RkMainArgs): number {
  plat.console.out('Hello, world!\n');
  if (argv.length > 1) plat.console.out(`Arguments: ${argv.slice(1).join(' ')}\n`);
  // registry.get knows every API the composition provides (rk build writes their types to
  // build/rk-env.d.ts): here the allocator package.json selects, whichever it is.
  const heap = registry.get('rkalloc').default;
  plat.console.out(`Free memory: ${heap.availmem()} bytes\n`);
  return 0;
}
