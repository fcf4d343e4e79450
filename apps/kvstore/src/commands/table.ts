// The command table (Redis's commands.c, for the commands kvstore has) and dispatch with Redis 7's
// checks in processCommand's order: unknown command, unknown subcommand, arity. COMMAND answers
// from this table, so redis-cli and redis-benchmark see what this server really implements.
import { type KvContext, str } from './context';
import * as k from './keys';
import * as sv from './server';
import * as s from './strings';

type Handler = (ctx: KvContext, argv: Uint8Array[]) => void;

/** One command: Redis's arity convention (n exact, -n at least n), flags, key positions, ACL categories. */
export interface KvCommand {
  readonly name: string;
  readonly arity: number;
  readonly flags: readonly string[];
  readonly keys: readonly [first: number, last: number, step: number];
  readonly categories: readonly string[];
  readonly run: Handler;
  readonly sub?: ReadonlyMap<string, KvCommand>;
}

const W = ['write', 'denyoom'];
const R = ['readonly', 'fast'];
const cmd = (
  name: string,
  arity: number,
  flags: string[],
  keys: [number, number, number],
  categories: string[],
  run: Handler,
): KvCommand => ({ name, arity, flags, keys, categories, run });
const NK: [number, number, number] = [0, 0, 0];
const K1: [number, number, number] = [1, 1, 1];

const COMMANDS: KvCommand[] = [
  cmd('get', 2, R, K1, ['@read', '@string', '@fast'], s.get),
  cmd('set', -3, W, K1, ['@write', '@string', '@slow'], s.set),
  cmd('mget', -2, R, [1, -1, 1], ['@read', '@string', '@fast'], s.mget),
  cmd('mset', -3, W, [1, -1, 2], ['@write', '@string', '@slow'], s.mset),
  cmd('append', 3, W, K1, ['@write', '@string', '@fast'], s.append),
  cmd('strlen', 2, R, K1, ['@read', '@string', '@fast'], s.strlen),
  cmd('incr', 2, [...W, 'fast'], K1, ['@write', '@string', '@fast'], s.incr),
  cmd('decr', 2, [...W, 'fast'], K1, ['@write', '@string', '@fast'], s.decr),
  cmd('incrby', 3, [...W, 'fast'], K1, ['@write', '@string', '@fast'], s.incrby),
  cmd('decrby', 3, [...W, 'fast'], K1, ['@write', '@string', '@fast'], s.decrby),
  cmd('del', -2, ['write'], [1, -1, 1], ['@keyspace', '@write', '@slow'], k.del),
  cmd('exists', -2, R, [1, -1, 1], ['@keyspace', '@read', '@fast'], k.exists),
  cmd('expire', -3, ['write', 'fast'], K1, ['@keyspace', '@write', '@fast'], k.expire),
  cmd('pexpire', -3, ['write', 'fast'], K1, ['@keyspace', '@write', '@fast'], k.pexpire),
  cmd('expireat', -3, ['write', 'fast'], K1, ['@keyspace', '@write', '@fast'], k.expireat),
  cmd('pexpireat', -3, ['write', 'fast'], K1, ['@keyspace', '@write', '@fast'], k.pexpireat),
  cmd('ttl', 2, R, K1, ['@keyspace', '@read', '@fast'], k.ttl),
  cmd('pttl', 2, R, K1, ['@keyspace', '@read', '@fast'], k.pttl),
  cmd('persist', 2, ['write', 'fast'], K1, ['@keyspace', '@write', '@fast'], k.persist),
  cmd('keys', 2, ['readonly'], NK, ['@keyspace', '@read', '@slow', '@dangerous'], k.keys),
  cmd('scan', -2, ['readonly'], NK, ['@keyspace', '@read', '@slow'], k.scan),
  cmd('dbsize', 1, R, NK, ['@keyspace', '@read', '@fast'], k.dbsize),
  cmd('flushall', -1, ['write'], NK, ['@keyspace', '@write', '@slow', '@dangerous'], k.flushall),
  cmd('flushdb', -1, ['write'], NK, ['@keyspace', '@write', '@slow', '@dangerous'], k.flushall),
  cmd('select', 2, ['loading', 'stale', 'fast'], NK, ['@keyspace', '@fast'], k.select),
  cmd('ping', -1, ['fast'], NK, ['@fast', '@connection'], sv.ping),
  cmd('echo', 2, ['fast'], NK, ['@fast', '@connection'], sv.echo),
  cmd(
    'quit',
    -1,
    ['allow_busy', 'noscript', 'loading', 'stale', 'fast'],
    NK,
    ['@fast', '@connection'],
    sv.quit,
  ),
  cmd('info', -1, ['loading', 'stale'], NK, ['@slow', '@dangerous'], sv.info),
  {
    ...cmd('config', -2, [], NK, ['@slow'], () => {}),
    sub: new Map([
      [
        'get',
        cmd(
          'config|get',
          -3,
          ['admin', 'noscript', 'loading', 'stale'],
          NK,
          ['@admin', '@slow', '@dangerous'],
          sv.configGet,
        ),
      ],
    ]),
  },
];

function commandInfo(ctx: KvContext, c: KvCommand) {
  const o = ctx.out;
  o.array(10);
  o.bulkString(c.name);
  o.integer(c.arity);
  o.array(c.flags.length);
  for (const f of c.flags) o.simple(f);
  for (const n of c.keys) o.integer(n);
  o.array(c.categories.length);
  for (const a of c.categories) o.simple(a);
  o.array(0); // tips
  o.array(0); // key specs
  const subs = c.sub ? [...c.sub.values()] : [];
  o.array(subs.length);
  for (const sc of subs) commandInfo(ctx, sc);
}

function command(ctx: KvContext, argv: Uint8Array[]) {
  const all = [...TABLE.values()];
  if (argv.length === 1) {
    ctx.out.array(all.length);
    for (const c of all) commandInfo(ctx, c);
    return;
  }
  const sub = str(argv[1]).toLowerCase();
  if (sub === 'count' && argv.length === 2) return ctx.out.integer(all.length);
  if (sub === 'list' && argv.length === 2) {
    ctx.out.array(all.length);
    for (const c of all) ctx.out.bulkString(c.name);
    return;
  }
  if (sub === 'info') {
    const names =
      argv.length === 2 ? all.map((c) => c.name) : argv.slice(2).map((a) => str(a).toLowerCase());
    ctx.out.array(names.length);
    for (const n of names) {
      const c = TABLE.get(n);
      if (c) commandInfo(ctx, c);
      else ctx.out.array(-1);
    }
    return;
  }
  // Command documentation is not kept; clients fall back to their own help (an empty map in RESP2).
  if (sub === 'docs') return ctx.out.array(0);
  ctx.out.error(`ERR unknown subcommand '${str(argv[1]).slice(0, 128)}'. Try COMMAND HELP.`);
}

COMMANDS.push(cmd('command', -1, ['loading', 'stale'], NK, ['@slow', '@connection'], command));

/** The table by lower-case name. */
export const TABLE: ReadonlyMap<string, KvCommand> = new Map(COMMANDS.map((c) => [c.name, c]));

const arityOk = (c: KvCommand, argc: number) => (c.arity > 0 ? argc === c.arity : argc >= -c.arity);

/** Runs one command, replying errors exactly as Redis 7 does. @returns the command that ran, or null. */
export function dispatch(ctx: KvContext, argv: Uint8Array[]): KvCommand | null {
  const name = str(argv[0]);
  let c = TABLE.get(name.toLowerCase());
  if (c === undefined) {
    let args = '';
    for (let i = 1; i < argv.length && args.length < 128; i++)
      args += `'${str(argv[i]).slice(0, 128 - args.length)}' `;
    ctx.out.error(`ERR unknown command '${name.slice(0, 128)}', with args beginning with: ${args}`);
    return null;
  }
  if (c.sub && argv.length >= 2) {
    const sc = c.sub.get(str(argv[1]).toLowerCase());
    if (sc === undefined) {
      ctx.out.error(
        `ERR unknown subcommand '${str(argv[1]).slice(0, 128)}'. Try ${name.toUpperCase()} HELP.`,
      );
      return null;
    }
    c = sc;
  }
  if (!arityOk(c, argv.length)) {
    ctx.out.error(`ERR wrong number of arguments for '${c.name}' command`);
    return null;
  }
  c.run(ctx, argv);
  return c;
}
