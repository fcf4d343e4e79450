// The kvstore engine on its own: replies independent of how input is split, OOM on a full heap
// with no leak, expiry on guest time (lazy and active), SCAN completeness across table resizes,
// INFO and COMMAND, and random bytes that never throw.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { globMatch } from '../src/store/glob';
import { makeEngine } from './support/engine';

const cmd = (...args: string[]) =>
  `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`).join('')}`;
const enc = (s: string) => Buffer.from(s, 'latin1');
const text = (b: Uint8Array) => Buffer.from(b).toString('latin1');

describe('kvstore engine', () => {
  it('gives the same replies however the input is split', () => {
    const script = `${cmd('SET', 'a', 'hello world')}GET a\r\n${cmd('APPEND', 'a', '!')}${cmd('MGET', 'a', 'b')}PING\r\n`;
    const whole = text(makeEngine().session().receive(enc(script)).reply);
    expect(whole).toBe(
      '+OK\r\n$11\r\nhello world\r\n:12\r\n*2\r\n$12\r\nhello world!\r\n$-1\r\n+PONG\r\n',
    );
    fc.assert(
      fc.property(fc.array(fc.nat(script.length), { maxLength: 10 }), (cuts) => {
        const s = makeEngine().session();
        const at = [0, ...cuts.sort((x, y) => x - y), script.length];
        let out = '';
        for (let i = 1; i < at.length; i++)
          out += text(s.receive(enc(script.slice(at[i - 1], at[i]))).reply);
        expect(out).toBe(whole);
      }),
      { seed: 3, numRuns: 200 },
    );
  });

  it('answers OOM when the heap is full, never crashes, and frees everything on FLUSHALL', () => {
    const { session, alloc } = makeEngine(256 << 10);
    const s = session();
    const big = 'x'.repeat(4000);
    let oom = '';
    let stored = 0;
    for (let i = 0; i < 200 && oom === ''; i++) {
      const r = text(s.receive(enc(cmd('SET', `k${i}`, big))).reply);
      if (r.startsWith('-OOM')) oom = r;
      else stored++;
    }
    expect(oom).toBe("-OOM command not allowed when used memory > 'maxmemory'.\r\n");
    expect(stored).toBeGreaterThan(40);
    expect(text(s.receive(enc(cmd('DBSIZE'))).reply)).toBe(`:${stored}\r\n`);
    expect(text(s.receive(enc(cmd('APPEND', 'k0', big.repeat(100)))).reply)).toMatch(/^-OOM/);
    expect(text(s.receive(enc(cmd('DEL', 'k0', 'k1'))).reply)).toBe(':2\r\n');
    expect(text(s.receive(enc(cmd('SET', 'again', big))).reply)).toBe('+OK\r\n');
    s.receive(enc(cmd('FLUSHALL')));
    expect(alloc.stats().curNbAllocs).toBe(0);
  });

  it('expires keys on guest time, lazily and by the active pass', () => {
    let now = 1_000_000;
    const { session, db } = makeEngine(1 << 20, () => now);
    const s = session();
    s.receive(
      enc(
        `${cmd('SET', 'a', '1', 'PX', '1500')}${cmd('SET', 'b', '2', 'EX', '2')}${cmd('SET', 'c', '3')}`,
      ),
    );
    expect(text(s.receive(enc(cmd('PTTL', 'a'))).reply)).toBe(':1500\r\n');
    now += 1499;
    expect(text(s.receive(enc(cmd('GET', 'a'))).reply)).toBe('$1\r\n1\r\n');
    now += 1;
    expect(text(s.receive(enc(cmd('GET', 'a'))).reply)).toBe('$-1\r\n');
    now += 1000;
    expect(db.size).toBe(2); // b expired but not yet reaped
    expect(db.activeExpire()).toBe(1);
    expect(db.size).toBe(1);
    expect(db.stats.expiredKeys).toBe(2);
    expect(text(s.receive(enc(cmd('INFO', 'keyspace'))).reply)).toContain(
      'db0:keys=1,expires=0,avg_ttl=0',
    );
  });

  it('SCAN returns every key present throughout, across table growth and shrinkage', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 20 }), (n, count) => {
        const { db, session } = makeEngine(1 << 20);
        const s = session();
        for (let i = 0; i < n; i++) s.receive(enc(cmd('SET', `key:${i}`, 'v')));
        const seen = new Set<string>();
        let cursor = '0';
        let round = 0;
        do {
          const r = text(s.receive(enc(cmd('SCAN', cursor, 'COUNT', String(count)))).reply);
          const parts = r.split('\r\n');
          cursor = parts[2];
          for (let i = 5; i < parts.length; i += 2) seen.add(parts[i]);
          // churn: add and remove other keys while the scan runs, forcing resizes
          if (round % 2 === 0)
            for (let j = 0; j < 40; j++) s.receive(enc(cmd('SET', `tmp:${round}:${j}`, 'v')));
          else for (let j = 0; j < 40; j++) s.receive(enc(cmd('DEL', `tmp:${round - 1}:${j}`)));
          round++;
        } while (cursor !== '0' && round < 10_000);
        for (let i = 0; i < n; i++) expect(seen.has(`key:${i}`)).toBe(true);
        expect(db.size).toBeGreaterThanOrEqual(n);
      }),
      { seed: 5, numRuns: 40 },
    );
  });

  it('matches globs as Redis does', () => {
    expect(globMatch('h*llo', 'heeello')).toBe(true);
    expect(globMatch('h?llo', 'hllo')).toBe(false);
    expect(globMatch('*', '')).toBe(true);
    expect(globMatch('a\\*', 'a*')).toBe(true);
    expect(globMatch('a\\*', 'ab')).toBe(false);
    expect(globMatch('[^a-c]x', 'dx')).toBe(true);
    expect(globMatch('[c-a]x', 'bx')).toBe(true);
    expect(globMatch('**a**', 'xxxaxxx')).toBe(true);
  });

  it('INFO has Redis sections and figures; COMMAND describes this table', () => {
    const { session } = makeEngine();
    const s = session();
    s.receive(enc(cmd('SET', 'a', 'b')));
    const info = text(s.receive(enc(cmd('INFO'))).reply);
    expect(info).toMatch(/^\$\d+\r\n# Server\r\nredis_version:7\.0\.15\r\n/);
    expect(info).toMatch(/# Memory\r\nused_memory:\d+\r\n/);
    expect(info).toContain('total_commands_processed:2\r\n');
    expect(text(s.receive(enc(cmd('COMMAND', 'COUNT'))).reply)).toBe(':31\r\n');
    const get = text(s.receive(enc(cmd('COMMAND', 'INFO', 'get', 'nope'))).reply);
    expect(get).toBe(
      '*2\r\n*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@string\r\n+@fast\r\n*0\r\n*0\r\n*0\r\n*-1\r\n',
    );
    expect(text(s.receive(enc(cmd('CONFIG', 'GET', 'save', 'append*'))).reply)).toBe(
      '*4\r\n$4\r\nsave\r\n$0\r\n\r\n$10\r\nappendonly\r\n$2\r\nno\r\n',
    );
  });

  it('closes a client whose unparsed query outgrows the limit', async () => {
    const { KvSession } = await import('../src/session');
    const { db, server } = makeEngine();
    const s = new KvSession(db, server, 1000);
    expect(s.receive(enc(`*1\r\n$5000\r\n${'x'.repeat(1100)}`)).close).toBe(true);
  });

  it('random bytes yield replies or a close, never an exception, and leak nothing', () => {
    const { session, alloc } = makeEngine(1 << 20);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const r = session().receive(bytes);
        expect(r.reply).toBeInstanceOf(Uint8Array);
      }),
      { seed: 8, numRuns: 3000 },
    );
    session().receive(enc(cmd('FLUSHALL')));
    expect(alloc.stats().curNbAllocs).toBe(0);
  });
});

describe('kvstore arguments', () => {
  it('takes port= and names a bad argument', async () => {
    const { parsePort } = await import('../src/main');
    expect(parsePort(['kvstore'])).toBe(6379);
    expect(parsePort(['kvstore', 'port=7000'])).toBe(7000);
    expect(parsePort(['kvstore'], 7001)).toBe(7001); // the boot parameter kvstore.port
    expect(parsePort(['kvstore', 'port=7000'], 7001)).toBe(7000);
    expect(parsePort(['kvstore', 'port=70000'])).toMatch(/bad argument 'port=70000'/);
  });
});
