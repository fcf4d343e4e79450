// The network benchmark's output readers, on real wrk 4.1 and redis-benchmark 7.0 output.
import { describe, expect, it } from 'vitest';
import { median, parseRedisBenchmark, parseWrk } from '../src/net/tools';

const WRK = `Running 1s test @ http://127.0.0.1:18080/
  1 threads and 2 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   761.78us    2.20ms  20.08ms   92.02%
    Req/Sec    62.79k    19.47k   89.90k    70.00%
  Latency Distribution
     50%   21.00us
     75%   26.00us
     90%    2.37ms
     99%   12.12ms
  62508 requests in 1.00s, 50.43MB read
  Socket errors: connect 0, read 3, write 0, timeout 2
  Non-2xx or 3xx responses: 7
Requests/sec:  62397.31
Transfer/sec:     50.34MB
`;

describe('bench:net readers', () => {
  it('reads wrk --latency output', () => {
    expect(parseWrk(WRK)).toEqual({ rps: 62397.31, p50ms: 0.021, p99ms: 12.12, errors: 12 });
    expect(() => parseWrk('unable to connect to 127.0.0.1:1 Connection refused')).toThrow(
      /no Requests\/sec/,
    );
  });
  it('reads redis-benchmark -q output with its \\r progress lines', () => {
    const out =
      ' SET: rps=0.0 (overall: 0.0) avg_msec=-nan (overall: -nan)\r SET: 48780.49 requests per second, p50=0.239 msec\n' +
      ' GET: 21052.63 requests per second, p50=0.239 msec\n';
    expect(parseRedisBenchmark(out)).toEqual({ SET: 48780.49, GET: 21052.63 });
  });
  it('takes medians', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });
});
