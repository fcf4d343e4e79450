// `-netdev` parsing and backend creation (QEMU qapi/net.json NetdevSocketOptions, NetdevStreamOptions,
// NetdevDgramOptions, NetdevTapOptions, NetdevHubPortOptions). Pure parse first, then create.
import type { NetBackend } from './backend';
import { DgramNetBackend } from './dgram';
import { sharedHub } from './hub';
import { hostPort, OptReader, splitOpts } from './qemu-opts';
import { type StreamAddr, StreamNetBackend } from './stream';
import { TapNetBackend } from './tap';
import { UserNetBackend } from './user/backend';
import { parseUserOpts, type UserNetConfig } from './user/config';

/** A host address and port (`-netdev dgram` endpoints). */
export type HostPort = { host: string; port: number };

/** A parsed `-netdev`. */
export type NetdevSpec =
  | { type: 'stream'; id: string; server: boolean; addr: StreamAddr }
  | { type: 'dgram'; id: string; local: HostPort; remote?: HostPort }
  | { type: 'tap'; id: string; ifname: string }
  | { type: 'hubport'; id: string; hubid: number }
  | { type: 'user'; id: string; config: UserNetConfig };

const NETDEV_TYPES = 'user, socket, stream, dgram, tap, hubport';

/**
 * Parses a `-netdev` argument, e.g. `socket,id=n0,connect=127.0.0.1:1234`. `socket` maps onto
 * `stream` (listen/connect) or `dgram` (udp). @throws Error with a message naming the bad part.
 */
export function parseNetdev(text: string): NetdevSpec {
  const o = splitOpts('-netdev', text, ['hostfwd']);
  const type = o.head ?? o.values.get('type');
  if (!type) throw new Error(`-netdev '${text}': missing the backend type (${NETDEV_TYPES})`);
  const what = `-netdev ${type}`;
  const r = new OptReader(what, o);
  r.str('type');
  const id = r.need('id');
  let spec: NetdevSpec;
  switch (type) {
    case 'socket': {
      const listen = r.str('listen');
      const conn = r.str('connect');
      const udp = r.str('udp');
      const localaddr = r.str('localaddr');
      if (r.str('mcast') !== undefined)
        throw new Error(`${what}: mcast= is not supported (use a hubport or dgram)`);
      if (r.str('fd') !== undefined) throw new Error(`${what}: fd= is not supported`);
      const n = [listen, conn, udp].filter((x) => x !== undefined).length;
      if (n !== 1) throw new Error(`${what}: exactly one of listen=, connect=, udp= is required`);
      if (listen !== undefined)
        spec = {
          type: 'stream',
          id,
          server: true,
          addr: { type: 'inet', ...hostPort(what, listen) },
        };
      else if (conn !== undefined)
        spec = {
          type: 'stream',
          id,
          server: false,
          addr: { type: 'inet', ...hostPort(what, conn, '127.0.0.1') },
        };
      else {
        if (!localaddr) throw new Error(`${what}: udp= needs localaddr=host:port`);
        spec = {
          type: 'dgram',
          id,
          local: hostPort(what, localaddr),
          remote: hostPort(what, udp!, '127.0.0.1'),
        };
      }
      break;
    }
    case 'stream': {
      const server = r.bool('server', false);
      const at = r.need('addr.type');
      if (at === 'inet') {
        const port = r.int('addr.port', 0, 65535);
        if (port === undefined) throw new Error(`${what}: 'addr.port=' is required`);
        spec = {
          type: 'stream',
          id,
          server,
          addr: {
            type: 'inet',
            host: r.str('addr.host') || (server ? '0.0.0.0' : '127.0.0.1'),
            port,
          },
        };
      } else if (at === 'unix')
        spec = { type: 'stream', id, server, addr: { type: 'unix', path: r.need('addr.path') } };
      else throw new Error(`${what}: addr.type=${at} is not inet or unix`);
      break;
    }
    case 'dgram': {
      const endpoint = (side: 'local' | 'remote'): HostPort | undefined => {
        const t = r.str(`${side}.type`);
        if (t === undefined) return undefined;
        if (t !== 'inet')
          throw new Error(`${what}: ${side}.type=${t} is not supported (inet only)`);
        const port = r.int(`${side}.port`, 0, 65535);
        if (port === undefined) throw new Error(`${what}: '${side}.port=' is required`);
        return {
          host: r.str(`${side}.host`) || (side === 'local' ? '0.0.0.0' : '127.0.0.1'),
          port,
        };
      };
      const local = endpoint('local');
      if (!local)
        throw new Error(`${what}: 'local.type=inet' with local.host/local.port is required`);
      spec = { type: 'dgram', id, local, remote: endpoint('remote') };
      break;
    }
    case 'tap': {
      for (const k of ['script', 'downscript']) {
        const v = r.str(k);
        if (v !== undefined && v !== 'no')
          throw new Error(`${what}: ${k}=${v} is not supported (only ${k}=no)`);
      }
      if (r.str('fd') !== undefined || r.str('fds') !== undefined)
        throw new Error(`${what}: fd= is not supported`);
      r.bool('vhost', false);
      spec = { type: 'tap', id, ifname: r.need('ifname') };
      break;
    }
    case 'hubport':
      spec = { type: 'hubport', id, hubid: r.int('hubid', 0, 2 ** 31 - 1) ?? 0 };
      if (r.str('hubid') === undefined) throw new Error(`${what}: 'hubid=' is required`);
      break;
    case 'user':
      spec = { type: 'user', id, config: parseUserOpts(what, r) };
      break;
    default:
      throw new Error(`-netdev: unknown backend type '${type}' (supported: ${NETDEV_TYPES})`);
  }
  r.done();
  return spec;
}

/** Opens the host side of a parsed netdev. Sockets connect in the background (see `ready`). */
export async function createNetBackend(spec: NetdevSpec): Promise<NetBackend> {
  switch (spec.type) {
    case 'stream':
      return new StreamNetBackend(spec.id, spec.addr, spec.server);
    case 'dgram': {
      const b = new DgramNetBackend(spec.id, { local: spec.local, remote: spec.remote });
      await b.ready.catch((e: Error) => {
        throw new Error(
          `-netdev dgram,id=${spec.id}: cannot bind ${spec.local.host}:${spec.local.port}: ${e.message}`,
        );
      });
      return b;
    }
    case 'tap':
      return TapNetBackend.open(spec.id, spec.ifname);
    case 'hubport':
      return sharedHub(spec.hubid).port(spec.id);
    case 'user':
      return UserNetBackend.open(spec.id, spec.config);
  }
}
