// The long TCP input fuzz job (issue 9): >= 1M random and mutated segments through rknet's TCP engine
// in seeded rounds; any escaped exception, broken invariant or leak stops the run with the seed.
// usage: pnpm --filter @runikraft/bench bench:tcpfuzz   (RK_FUZZ_INPUTS=1000000 RK_FUZZ_SEED=1)
import { fuzzTcpInput } from '../../../../packages/rknet/test/socket/tcp/fuzz-driver';

const total = Number(process.env.RK_FUZZ_INPUTS ?? 1_000_000);
const first = Number(process.env.RK_FUZZ_SEED ?? 1);
const perRound = 20_000;
let done = 0;
let seed = first;
const t0 = performance.now();
while (done < total) {
  const n = Math.min(perRound, total - done);
  try {
    fuzzTcpInput(seed, n);
  } catch (e) {
    console.error(`tcpfuzz: seed ${seed} (${n} inputs) failed: ${(e as Error).stack}`);
    process.exit(1);
  }
  done += n;
  seed++;
  if ((seed - first) % 10 === 0)
    console.log(
      `tcpfuzz: ${done} inputs, seeds ${first}..${seed - 1}, ${Math.round(done / ((performance.now() - t0) / 1000))}/s`,
    );
}
const secs = (performance.now() - t0) / 1000;
console.log(
  `tcpfuzz: ${done} inputs over seeds ${first}..${seed - 1} in ${secs.toFixed(1)} s: no exception, invariants held, no leak`,
);
