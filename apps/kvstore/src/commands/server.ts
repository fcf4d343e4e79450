// Connection and server commands: PING ECHO QUIT INFO CONFIG GET, as Redis 7 answers them. INFO
// reports this server's own figures (memory from the allocator, keyspace from the database).
import { globMatch } from '../store/glob';
import { type KvContext, str } from './context';

export function ping(ctx: KvContext, argv: Uint8Array[]) {
  if (argv.length > 2) return ctx.out.error("ERR wrong number of arguments for 'ping' command");
  if (argv.length === 2) ctx.out.bulk(argv[1]);
  else ctx.out.simple('PONG');
}

export function echo(ctx: KvContext, argv: Uint8Array[]) {
  ctx.out.bulk(argv[1]);
}

export function quit(ctx: KvContext) {
  ctx.out.simple('OK');
  ctx.close = true;
}

/** The version this server speaks (the Redis release whose replies it reproduces). */
export const REDIS_COMPAT_VERSION = '7.0.15';

function infoSections(ctx: KvContext): Record<string, [string, string | number][]> {
  const { db, server } = ctx;
  const s = db.alloc.stats();
  const up = Math.floor((db.now() - server.startMs) / 1000);
  return {
    server: [
      ['redis_version', REDIS_COMPAT_VERSION],
      ['kvstore_version', '0.1.0'],
      ['redis_mode', 'standalone'],
      ['os', 'Runikraft riscv64'],
      ['arch_bits', 64],
      ['multiplexing_api', 'rknet'],
      ['process_id', 1],
      ['tcp_port', server.port],
      ['uptime_in_seconds', up],
      ['uptime_in_days', Math.floor(up / 86400)],
    ],
    clients: [
      ['connected_clients', server.connectedClients],
      ['blocked_clients', 0],
    ],
    memory: [
      ['used_memory', s.curMemUse],
      ['used_memory_peak', s.maxMemUse],
      ['maxmemory', server.maxmemory],
      ['maxmemory_policy', 'noeviction'],
      ['mem_allocator', db.alloc.name],
    ],
    stats: [
      ['total_connections_received', server.totalConnections],
      ['total_commands_processed', server.totalCommands],
      ['expired_keys', db.stats.expiredKeys],
      ['keyspace_hits', db.stats.hits],
      ['keyspace_misses', db.stats.misses],
    ],
    keyspace: db.size > 0 ? [['db0', `keys=${db.size},expires=${db.expires},avg_ttl=0`]] : [],
  };
}

const NAMES: Record<string, string> = {
  server: 'Server',
  clients: 'Clients',
  memory: 'Memory',
  stats: 'Stats',
  keyspace: 'Keyspace',
};

export function info(ctx: KvContext, argv: Uint8Array[]) {
  const all = infoSections(ctx);
  const asked = argv.slice(1).map((a) => str(a).toLowerCase());
  const every =
    asked.length === 0 || asked.some((a) => a === 'all' || a === 'default' || a === 'everything');
  const parts: string[] = [];
  for (const [name, fields] of Object.entries(all)) {
    if (!every && !asked.includes(name)) continue;
    parts.push(`# ${NAMES[name]}\r\n${fields.map(([k, v]) => `${k}:${v}\r\n`).join('')}`);
  }
  ctx.out.bulkString(parts.join('\r\n'));
}

/** CONFIG GET pattern [pattern ...]: the few parameters clients ask about. */
export function configGet(ctx: KvContext, argv: Uint8Array[]) {
  const params: Record<string, string> = {
    save: '',
    appendonly: 'no',
    databases: '1',
    maxmemory: String(ctx.server.maxmemory),
    'maxmemory-policy': 'noeviction',
    port: String(ctx.server.port),
    'proto-max-bulk-len': '536870912',
  };
  const out: string[] = [];
  for (const [k, v] of Object.entries(params))
    if (argv.slice(2).some((p) => globMatch(str(p).toLowerCase(), k))) out.push(k, v);
  ctx.out.array(out.length);
  for (const s of out) ctx.out.bulkString(s);
}
