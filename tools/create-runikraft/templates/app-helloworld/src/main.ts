// __NAME__: greets, echoes its arguments and returns 0 (the machine's exit status).
import type { RkMainArgs } from '@runikraft/rkboot';

export default function main({ argv, plat }: RkMainArgs): number {
  plat.console.out('Hello, world!\n');
  if (argv.length > 1) plat.console.out(`Arguments: ${argv.slice(1).join(' ')}\n`);
  return 0;
}
