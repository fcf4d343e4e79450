// Differential test: the same byte sequences go to a real redis-server 7 and to kvstore's engine;
// the replies must be identical byte for byte (KEYS and SCAN replies compared as sets, since both
// orders are hash orders).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeEngine } from './support/engine';
import { exchange, type RunningRedis, redisMissing, startRedis } from './support/redis';

const cmd = (...args: string[]) =>
  `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`).join('')}`;

const CASES: Record<string, string> = {
  'PING, ECHO': `PING\r\nPING hello\r\n${cmd('ECHO', 'a\r\nb')}${cmd('PING', 'a', 'b')}ECHO\r\n`,
  'GET/SET basics': `${cmd('SET', 'k', 'v')}${cmd('GET', 'k')}${cmd('GET', 'nope')}${cmd('SET', '', '')}${cmd('GET', '')}GET\r\nget a b\r\n`,
  'binary values': cmd('SET', 'b', '\x00\xff\r\n\x01') + cmd('GET', 'b') + cmd('STRLEN', 'b'),
  'SET options': [
    cmd('SET', 'k', 'v', 'NX'),
    cmd('SET', 'k', 'w', 'NX'),
    cmd('SET', 'k', 'x', 'XX'),
    cmd('SET', 'm', 'x', 'XX'),
    cmd('SET', 'k', 'y', 'GET'),
    cmd('SET', 'n', 'y', 'GET'),
    cmd('SET', 'k', 'z', 'nx', 'get'),
    cmd('SET', 'q', 'z', 'XX', 'GET'),
    cmd('SET', 'k', 'v', 'EX', '100'),
    cmd('TTL', 'k'),
    cmd('SET', 'k', 'v', 'KEEPTTL'),
    cmd('TTL', 'k'),
    cmd('SET', 'k', 'v'),
    cmd('TTL', 'k'),
    cmd('SET', 'k', 'v', 'PX', '100000'),
    cmd('TTL', 'k'),
    cmd('SET', 'k', 'v', 'EX', '10', 'EX', '20'),
    cmd('TTL', 'k'),
    cmd('SET', 'k', 'v', 'EXAT', '99999999999'),
    cmd('TTL', 'k'),
    cmd('SET', 'k', 'v', 'PXAT', '1'),
    cmd('GET', 'k'),
  ].join(''),
  'SET errors': [
    cmd('SET', 'k', 'v', 'EX', '0'),
    cmd('SET', 'k', 'v', 'EX', '-5'),
    cmd('SET', 'k', 'v', 'EX', 'x'),
    cmd('SET', 'k', 'v', 'EX', '10', 'PX', '10'),
    cmd('SET', 'k', 'v', 'NX', 'XX'),
    cmd('SET', 'k', 'v', 'foo'),
    cmd('SET', 'k', 'v', 'EX'),
    cmd('SET', 'k', 'v', 'KEEPTTL', 'EX', '5'),
    cmd('SET', 'k', 'v', 'EX', '9223372036854775807'),
    cmd('SET', 'k', 'v', 'PX', '9223372036854775807'),
    cmd('SET', 'k', 'v', 'EX', '1.5'),
    cmd('SET', 'k'),
  ].join(''),
  'INCR family': [
    cmd('INCR', 'c'),
    cmd('INCRBY', 'c', '41'),
    cmd('DECR', 'c'),
    cmd('DECRBY', 'c', '-10'),
    cmd('GET', 'c'),
    cmd('SET', 'n', '9223372036854775807'),
    cmd('INCR', 'n'),
    cmd('INCRBY', 'n', '-1'),
    cmd('SET', 'm', '-9223372036854775808'),
    cmd('DECR', 'm'),
    cmd('DECRBY', 'c', '-9223372036854775808'),
    cmd('INCRBY', 'c', 'x'),
    cmd('SET', 's', 'abc'),
    cmd('INCR', 's'),
    cmd('SET', 's', ' 1'),
    cmd('INCR', 's'),
    cmd('SET', 's', '01'),
    cmd('INCR', 's'),
    cmd('SET', 's', '-0'),
    cmd('INCR', 's'),
    cmd('SET', 'e', '5', 'EX', '100'),
    cmd('INCR', 'e'),
    cmd('TTL', 'e'),
    cmd('INCRBY', 'c', '99999999999999999999'),
  ].join(''),
  'MGET, MSET, APPEND, STRLEN': [
    cmd('MSET', 'a', '1', 'b', '2'),
    cmd('MGET', 'a', 'b', 'c'),
    cmd('MSET', 'a'),
    cmd('MSET', 'a', '1', 'b'),
    cmd('APPEND', 'a', 'xyz'),
    cmd('APPEND', 'new', 'hello'),
    cmd('GET', 'a'),
    cmd('STRLEN', 'a'),
    cmd('STRLEN', 'zz'),
    cmd('APPEND', 'a'),
    cmd('MGET'),
  ].join(''),
  'DEL, EXISTS, DBSIZE, FLUSHALL': [
    cmd('MSET', 'a', '1', 'b', '2', 'c', '3'),
    cmd('EXISTS', 'a', 'a', 'x'),
    cmd('DEL', 'a', 'x', 'a'),
    cmd('DBSIZE'),
    cmd('FLUSHALL', 'ASYNC'),
    cmd('DBSIZE'),
    cmd('FLUSHALL', 'foo'),
    cmd('FLUSHALL', 'SYNC', 'x'),
    cmd('FLUSHDB'),
  ].join(''),
  'EXPIRE family': [
    cmd('SET', 'k', 'v'),
    cmd('TTL', 'k'),
    cmd('TTL', 'none'),
    cmd('PTTL', 'none'),
    cmd('PTTL', 'k'),
    cmd('EXPIRE', 'k', '100'),
    cmd('TTL', 'k'),
    cmd('EXPIRE', 'k', '200', 'NX'),
    cmd('EXPIRE', 'k', '200', 'XX'),
    cmd('TTL', 'k'),
    cmd('EXPIRE', 'k', '100', 'GT'),
    cmd('EXPIRE', 'k', '300', 'GT'),
    cmd('TTL', 'k'),
    cmd('EXPIRE', 'k', '400', 'LT'),
    cmd('EXPIRE', 'k', '50', 'LT'),
    cmd('TTL', 'k'),
    cmd('PERSIST', 'k'),
    cmd('PERSIST', 'k'),
    cmd('TTL', 'k'),
    cmd('EXPIRE', 'k', '100', 'GT'),
    cmd('EXPIRE', 'k', '100', 'LT'),
    cmd('PEXPIRE', 'k', '500000'),
    cmd('TTL', 'k'),
    cmd('EXPIREAT', 'k', '99999999999'),
    cmd('TTL', 'k'),
    cmd('EXPIRE', 'none', '10'),
    cmd('EXPIRE', 'k', '-1'),
    cmd('EXISTS', 'k'),
    cmd('SET', 'k', 'v'),
    cmd('PEXPIREAT', 'k', '1'),
    cmd('GET', 'k'),
  ].join(''),
  'EXPIRE errors': [
    cmd('SET', 'k', 'v'),
    cmd('EXPIRE', 'k', 'x'),
    cmd('EXPIRE', 'k', '10', 'NX', 'XX'),
    cmd('EXPIRE', 'k', '10', 'GT', 'LT'),
    cmd('EXPIRE', 'k', '10', 'foo'),
    cmd('EXPIRE', 'k', 'x', 'foo'),
    cmd('EXPIRE', 'k', '9223372036854775807'),
    cmd('PEXPIRE', 'k', '9223372036854775807'),
    cmd('EXPIRE', 'k'),
    cmd('TTL'),
  ].join(''),
  'unknown commands': [
    cmd('FOO'),
    cmd('foo', 'a', 'b'),
    cmd('FOO', 'x'.repeat(200)),
    cmd('FOO', 'a'.repeat(100), 'b'.repeat(100), 'c'),
    cmd('FOO', 'a\r\nb'),
    'nosuch arg\r\n',
  ].join(''),
  'SELECT and CONFIG errors': `${cmd('SELECT', '0')}${cmd('SELECT', 'x')}${cmd('CONFIG')}${cmd('CONFIG', 'FOO')}${cmd('CONFIG', 'GET')}${cmd('config', 'nope', 'x')}`,
  'COMMAND subcommand error': cmd('COMMAND', 'FOO'),
  'inline commands':
    'SET k "a\\x41\\n\\t b"\r\nGET k\r\nSET j \'it\\\'s\'\r\nGET j\r\n  \r\n\r\nECHO "x"y\r\n',
  'inline unbalanced quotes closes': 'ECHO "abc\r\nPING\r\n',
  'pipelined mixed': `${cmd('SET', 'a', '1')}PING\r\n${cmd('INCR', 'a')}GET a\r\n${cmd('MGET', 'a', 'b')}`,
  'empty multibulk skipped': `*0\r\n*-1\r\n${cmd('PING')}`,
  'multibulk protocol errors: count': '*x\r\nPING\r\n',
  'multibulk protocol errors: $ expected': '*2\r\nx$3\r\n',
  'multibulk protocol errors: bulk length': '*1\r\n$-1\r\n',
  'multibulk protocol errors: leading zero': '*1\r\n$04\r\nPING\r\n',
  'multibulk protocol errors: plus sign': '*+1\r\n$4\r\nPING\r\n',
  'bulk trailer skipped unchecked': '*1\r\n$4\r\nPINGxxPING\r\n',
  'QUIT closes': 'PING\r\nQUIT\r\nPING\r\n',
  'KEYS patterns': [
    cmd(
      'MSET',
      'hello',
      '1',
      'hallo',
      '2',
      'hxllo',
      '3',
      'hllo',
      '4',
      'heeeello',
      '5',
      'h[a]llo',
      '6',
      'x',
    ),
    cmd('KEYS', 'h?llo'),
    cmd('KEYS', 'h*llo'),
    cmd('KEYS', 'h[ae]llo'),
    cmd('KEYS', 'h[^e]llo'),
    cmd('KEYS', 'h[a-b]llo'),
    cmd('KEYS', 'h\\[a\\]llo'),
    cmd('KEYS', '*'),
    cmd('KEYS', 'nomatch*'),
    cmd('KEYS', 'h[a'),
    cmd('KEYS'),
  ].join(''),
  SCAN: [
    cmd('MSET', 'a1', '1', 'a2', '2', 'b1', '3'),
    cmd('SCAN', '0', 'COUNT', '1000'),
    cmd('SCAN', '0', 'MATCH', 'a*', 'COUNT', '1000'),
    cmd('SCAN', '0', 'TYPE', 'string', 'COUNT', '100'),
    cmd('SCAN', '0', 'TYPE', 'list'),
    cmd('SCAN', 'x'),
    cmd('SCAN', ' 1'),
    cmd('SCAN', '18446744073709551616'),
    cmd('SCAN', '0', 'COUNT', '0'),
    cmd('SCAN', '0', 'COUNT', 'x'),
    cmd('SCAN', '0', 'foo'),
    cmd('SCAN', '0', 'COUNT'),
  ].join(''),
};

const skip = redisMissing();
if (skip) console.log(`redis differential test skipped: ${skip}`);

/** Splits a RESP reply stream into top-level replies (as text), for set comparison of unordered arrays. */
function normalise(bytes: Buffer): string {
  const s = bytes.toString('latin1');
  let i = 0;
  const one = (): string => {
    const nl = s.indexOf('\r\n', i);
    const line = s.slice(i, nl);
    i = nl + 2;
    if (line[0] === '$' && line !== '$-1') {
      const v = s.slice(i, i + Number(line.slice(1)));
      i += v.length + 2;
      return `${line}\r\n${v}\r\n`;
    }
    if (line[0] === '*' && line !== '*-1') {
      const items = Array.from({ length: Number(line.slice(1)) }, one);
      const unordered = items.every((x) => x.startsWith('$')) && items.length > 1;
      return `${line}\r\n${(unordered ? items.sort() : items).join('')}`;
    }
    return `${line}\r\n`;
  };
  const out: string[] = [];
  while (i < s.length) out.push(one());
  return out.join('');
}

describe.skipIf(skip !== null)('kvstore engine vs redis-server 7, byte for byte', () => {
  let redis: RunningRedis;
  beforeAll(async () => {
    redis = await startRedis();
  }, 20_000);
  afterAll(() => redis?.stop());

  for (const [name, script] of Object.entries(CASES)) {
    it(name, async () => {
      const bytes = Buffer.from(cmd('FLUSHALL') + script, 'latin1');
      const theirs = await exchange(redis.port, bytes);
      const ours = makeEngine().session().receive(bytes);
      const unordered = /KEYS|SCAN/.test(name);
      const a = Buffer.from(ours.reply);
      if (unordered) expect(normalise(a)).toBe(normalise(theirs));
      else expect(a.toString('latin1')).toBe(theirs.toString('latin1'));
    });
  }
});
