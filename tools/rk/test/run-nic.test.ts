// Tests for `-nic` (QEMU's NIC shorthand) and `-p` (kraft's port publishing) in src/run-nic.ts.
import { describe, expect, it } from 'vitest';
import { RkUsageError } from '../src/errors';
import { parseRunArgs } from '../src/run-args';
import { applyPorts } from '../src/run-nic';

const err = (argv: string[]): string => {
  try {
    parseRunArgs(argv);
  } catch (e) {
    expect(e).toBeInstanceOf(RkUsageError);
    return (e as Error).message;
  }
  throw new Error(`expected ${argv.join(' ')} to fail`);
};

describe('-nic', () => {
  it('none adds nothing; TYPE,… becomes a -netdev with QEMU’s id and a virtio-net-device', () => {
    expect(parseRunArgs(['-nic', 'none'])).toEqual({});
    const a = parseRunArgs([
      '-nic',
      'user,hostfwd=tcp:127.0.0.1:8080-:80,restrict=on',
      '-nic',
      'user,model=virtio-net-device,mac=52:54:00:00:00:09,id=n1,hostfwd=udp::1-:2',
      '-nic',
      'socket,model=virtio,connect=127.0.0.1:5,id=a,,b',
    ]);
    expect(a.netdev).toEqual([
      'user,id=__org.qemu.nic0,hostfwd=tcp:127.0.0.1:8080-:80,restrict=on',
      'user,id=n1,hostfwd=udp::1-:2',
      'socket,id=a,,b,connect=127.0.0.1:5',
    ]);
    expect(a.device).toEqual([
      'virtio-net-device,netdev=__org.qemu.nic0',
      'virtio-net-device,netdev=n1,mac=52:54:00:00:00:09',
      'virtio-net-device,netdev=a,,b',
    ]);
  });

  it('another model creates the netdev only, with QEMU’s warning', () => {
    const a = parseRunArgs(['-nic', 'user,model=e1000']);
    expect(a.netdev).toEqual(['user,id=__org.qemu.nic0']);
    expect(a.device).toBeUndefined();
    expect(a.warnings).toEqual([
      '-nic user,model=e1000: requested NIC (model e1000) was not created (only virtio-net-device and virtio-net-pci are modelled)',
    ]);
  });

  it('names the flag and the accepted forms for bad values', () => {
    expect(err(['-nic', 'bogus'])).toBe(
      "rk run: -nic: bad value 'bogus' (accepted: none or user, socket, stream, dgram, tap, hubport followed by netdev options)",
    );
    expect(err(['-nic', 'user,mac=52:54:00:00:00:01:02'])).toBe(
      "rk run: -nic mac: bad value '52:54:00:00:00:01:02' (accepted: six hex bytes, e.g. 52:54:00:12:34:56)",
    );
    expect(err(['-nic', 'user,restrict'])).toBe(
      "rk run: -nic user,restrict: 'restrict' is not key=value",
    );
  });
});

describe('-p / --port', () => {
  it('reads [hostip:]hostport:guestport[/proto]', () => {
    expect(
      parseRunArgs(['-p', '8080:80', '--port', '127.0.0.1:5353:53/udp', '-p', '2222:22/tcp']).ports,
    ).toEqual([
      { proto: 'tcp', hostAddr: '', hostPort: 8080, guestPort: 80 },
      { proto: 'udp', hostAddr: '127.0.0.1', hostPort: 5353, guestPort: 53 },
      { proto: 'tcp', hostAddr: '', hostPort: 2222, guestPort: 22 },
    ]);
  });

  it.each([
    [
      '80',
      "rk run: -p: bad value '80' (accepted: [hostip:]hostport:guestport[/tcp|/udp], e.g. 8080:80 or 127.0.0.1:5353:53/udp)",
    ],
    ['8080:80/sctp', "bad value '8080:80/sctp'"],
    ['70000:80', 'a host port in 1..65535'],
    ['8080:0', 'a guest port in 1..65535'],
    ['300.0.0.1:8080:80', 'an IPv4 host address'],
    ['localhost:8080:80', "bad value 'localhost:8080:80'"],
  ])('-p %s is refused: %s', (v, msg) => {
    expect(err(['-p', v])).toContain(msg);
  });

  it('adds hostfwd rules to the first -netdev user, or creates one with a NIC', () => {
    const ports = parseRunArgs(['-p', '8080:80', '-p', '127.0.0.1:9:9/udp']).ports;
    expect(applyPorts({ device: ['virtio-rng-device'] }, ports)).toEqual({
      device: ['virtio-rng-device', 'virtio-net-device,netdev=rkport0'],
      netdev: ['user,id=rkport0,hostfwd=tcp::8080-:80,hostfwd=udp:127.0.0.1:9-:9'],
    });
    expect(
      applyPorts(
        {
          netdev: ['socket,id=s,listen=:1', 'user,id=u,restrict=on'],
          device: ['virtio-net-device,netdev=u'],
        },
        ports,
      ),
    ).toEqual({
      netdev: [
        'socket,id=s,listen=:1',
        'user,id=u,restrict=on,hostfwd=tcp::8080-:80,hostfwd=udp:127.0.0.1:9-:9',
      ],
      device: ['virtio-net-device,netdev=u'],
    });
    expect(applyPorts({ netdev: ['x'] }, undefined)).toEqual({ netdev: ['x'] });
  });
});
