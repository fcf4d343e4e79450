// c-preempt: runs a C program that computes without ever blocking (libc-shim's calls.c: one cheap
// call in a loop) next to two TypeScript threads — a ticker sleeping 1 ms at a time and a reader
// echoing console lines — and reports what they saw while the program ran. Without preemption at
// import calls neither thread would run (nor would the machine take console input) until the
// program exits. The command after `--` is the program's (default: 2,000,000 writes to /dev/null).
import type { RkMainArgs } from '@runikraft/rkboot';

export default async function main({ argv, registry, plat }: RkMainArgs): Promise<number> {
  const sched = registry.get('rksched');
  const libc = registry.get('libc');
  const vfs = registry.get('vfscore');
  const say = (line: string) => plat.console.out(`${line}\n`);
  const args = argv.length > 1 ? argv.slice(1) : ['calls', 'write', '/dev/null', '2000000'];
  let running = true;
  let ticks = 0;
  let maxGapNs = 0;
  const ticker = sched.spawn('ticker', async () => {
    let last = sched.now();
    while (running) {
      await sched.sleep(1_000_000);
      const now = sched.now();
      if (!running) break;
      ticks++;
      maxGapNs = Math.max(maxGapNs, now - last);
      last = now;
    }
  });
  sched.spawn('echo', async () => {
    const buf = new Uint8Array(256);
    for (;;) {
      const n = await vfs.read(0, buf);
      if (n <= 0) return;
      const line = new TextDecoder().decode(buf.subarray(0, n)).trim();
      say(`c-preempt: echo '${line}' ${running ? 'while the program runs' : 'after the program'}`);
    }
  });
  say(`c-preempt: running ${args.join(' ')}`);
  const t0 = sched.now();
  const status = await libc.spawn(args[0]!, { args }).wait();
  running = false;
  const ms = (sched.now() - t0) / 1e6;
  await sched.join(ticker);
  say(
    `c-preempt: status ${status} after ${ms.toFixed(1)} ms; ticker woke ${ticks} times, longest gap ${(maxGapNs / 1e6).toFixed(1)} ms`,
  );
  return status;
}
