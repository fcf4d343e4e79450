// The long IP input fuzz job (issue 9): >= 1M random and mutated frames through every rknet wire
// parser and a configured interface with UDP and ICMP sockets, in seeded rounds; any escaped
// exception, broken budget or leaked netbuf stops the run with the seed.
// usage: pnpm --filter @runikraft/bench bench:ipfuzz   (RK_FUZZ_INPUTS=1000000 RK_FUZZ_SEED=1)
import { fuzzIpInput } from '../../../../packages/rknet/test/fuzz-driver';

const total = Number(process.env.RK_FUZZ_INPUTS ?? 1_000_000);
const first = Number(process.env.RK_FUZZ_SEED ?? 1);
const perRound = 20_000;
let done = 0;
let seed = first;
const sums = { echoReplies: 0, icmpErrors: 0, dropped: 0 };
const t0 = performance.now();
while (done < total) {
  const n = Math.min(perRound, total - done);
  try {
    const r = fuzzIpInput(seed, n);
    sums.echoReplies += r.echoReplies;
    sums.icmpErrors += r.icmpErrors;
    sums.dropped += r.dropped;
  } catch (e) {
    console.error(`ipfuzz: seed ${seed} (${n} inputs) failed: ${(e as Error).stack}`);
    process.exit(1);
  }
  done += n;
  seed++;
  if ((seed - first) % 10 === 0)
    console.log(
      `ipfuzz: ${done} inputs, seeds ${first}..${seed - 1}, ${Math.round(done / ((performance.now() - t0) / 1000))}/s`,
    );
}
const secs = (performance.now() - t0) / 1000;
console.log(
  `ipfuzz: ${done} inputs over seeds ${first}..${seed - 1} in ${secs.toFixed(1)} s: no exception, budgets held, no leak (${sums.echoReplies} echo replies, ${sums.icmpErrors} ICMP errors sent, ${sums.dropped} frames dropped)`,
);
