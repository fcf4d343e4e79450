// The host end of one bulk TCP transfer for bench:netbulk, run as its own process (in a network
// namespace for the TAP rows) so it never shares an event loop with the machine it measures.
// usage: node peer.mjs send|recv <host> <port> <bytes>
//   send: connect, write <bytes> of the 64 KiB pattern, half-close, wait for the peer to close
//   recv: connect, read to the end, check every byte against the pattern
// Prints one JSON line: {bytes, seconds} (seconds from connect() to the end), or exits 1 naming the fault.
import { connect } from 'node:net';

const [mode, host, portText, bytesText] = process.argv.slice(2);
const total = Number(bytesText);
if ((mode !== 'send' && mode !== 'recv') || !host || !(Number(portText) > 0) || !(total >= 0)) {
  console.error('usage: node peer.mjs send|recv <host> <port> <bytes>');
  process.exit(2);
}
const block = Buffer.alloc(65536);
for (let i = 0; i < block.length; i++) block[i] = (i * 7 + (i >> 8)) & 255;
const chunk = Buffer.concat(Array.from({ length: 4 }, () => block)); // 256 KiB writes
const fail = (why) => {
  console.error(`peer ${mode}: ${why}`);
  process.exit(1);
};
const t0 = performance.now();
const s = connect({ host, port: Number(portText), allowHalfOpen: true });
s.on('error', (e) => fail(e.message));
const done = (bytes) => {
  console.log(JSON.stringify({ bytes, seconds: (performance.now() - t0) / 1000 }));
  process.exit(0);
};
if (mode === 'send') {
  let left = total;
  const pump = () => {
    while (left > 0) {
      const n = Math.min(left, chunk.length);
      left -= n;
      if (!s.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return;
    }
    s.end();
  };
  s.on('connect', pump);
  s.on('drain', pump);
  s.resume();
  s.on('close', () => (left === 0 ? done(total) : fail(`closed with ${left} bytes unsent`)));
} else {
  let got = 0;
  const ref = Buffer.concat([chunk, block]); // any 256 KiB window of the stream starts in its first 64 KiB
  s.on('data', (d) => {
    for (let p = 0; p < d.length; ) {
      const k = Math.min(d.length - p, chunk.length);
      const at = (got + p) & 65535;
      if (ref.compare(d, p, p + k, at, at + k) !== 0)
        fail(`bytes ${got + p}+${k} differ from the pattern`);
      p += k;
    }
    got += d.length;
  });
  s.on('end', () => (got === total ? done(got) : fail(`read ${got} bytes, expected ${total}`)));
}
