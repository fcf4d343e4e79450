// getaddrinfo's service names ("http", "ssh", ...) and getservbyname/getservbyport from libc-shim's
// built-in table (c/rk_services.c), run by a C program on libc-shim, and the same program built
// natively against glibc and the host's /etc/services (Debian's netbase) as the reference.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runWasi } from '../src/index';
import { program, testKernel } from './helpers';

/** Every name and alias in rk_services.c's table, and names it does not have. */
const NAMES =
  'echo discard sink null daytime ftp-data ftp ssh telnet smtp mail time timserver domain bootps bootpc tftp gopher finger http www kerberos kerberos5 krb5 pop3 pop-3 sunrpc portmapper ntp imap2 imap snmp ldap https shell cmd syslog submission ldaps rsync imaps pop3s nfs mysql postgresql postgres redis http-alt webcache git'.split(
    ' ',
  );
const UNKNOWN = ['nosuchservice', 'HTTP', 'http ', '80x'];

async function onShim(args: string[]): Promise<string> {
  const { k, out } = await testKernel();
  const r = await runWasi(k, readFileSync(program('services.c')), {
    args: ['services', ...args],
    suspend: 'asyncify',
  });
  expect(r.status).toBe(0);
  return out();
}

const src = join(__dirname, 'programs', 'services.c');
const native = (() => {
  if (!existsSync('/etc/services')) return 'the host has no /etc/services (Debian: netbase)';
  if (spawnSync('sh', ['-c', 'command -v gcc']).status !== 0) return 'gcc is not installed';
  return null;
})();
if (native) console.log(`[skip] services: native reference: ${native}`);

describe('service names', () => {
  it('getaddrinfo resolves names and aliases by socket type; unknown names are EAI_SERVICE', async () => {
    const out = await onShim(['http', 'www', 'ssh', 'ntp', 'https', 'nosuchservice']);
    for (const line of [
      'gai http any: stream/6 port 80',
      'gai http stream: stream/6 port 80',
      'gai http dgram: EAI_SERVICE',
      'gai www stream: stream/6 port 80',
      'getservbyname www/tcp: http 80/tcp',
      'gai ssh any: stream/6 port 22',
      'gai ssh dgram: EAI_SERVICE',
      'gai ntp any: dgram/17 port 123',
      'gai ntp stream: EAI_SERVICE',
      'getservbyname ntp/udp: ntp 123/udp',
      'gai https dgram: dgram/17 port 443',
      'gai nosuchservice any: EAI_SERVICE',
      'getservbyname nosuchservice/tcp: none',
      'gai http stream numericserv: EAI_NONAME',
      'gai 8080 stream numericserv: stream/6 port 8080',
      'gai 65536 stream: EAI_SERVICE',
      'gai -1 stream: EAI_SERVICE',
      'gai (null) stream: stream/6 port 0',
      // socket type 0: an entry per type, raw only where there is no service name (glibc)
      'gai (null) any: stream/6 port 0, dgram/17 port 0, raw/0 port 0',
      'gai 8080 any: stream/6 port 8080, dgram/17 port 8080, raw/0 port 8080',
      'gai https any: stream/6 port 443, dgram/17 port 443',
      'gai 8080 raw: EAI_SERVICE',
      'gai (null) any proto 1: raw/1 port 0',
      'gai (null) stream proto 17: EAI_SOCKTYPE',
      'getservbyport 443/udp: https',
      'getservbyport 22/udp: none',
      'getservbyport 8080/any: http-alt',
    ])
      expect(out).toContain(`${line}\n`);
  }, 120_000);

  it.skipIf(native !== null)(
    'agrees with glibc over the host /etc/services for every name in the table',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'rk-services-'));
      try {
        const exe = join(dir, 'services');
        const cc = spawnSync('gcc', ['-O1', '-o', exe, src], { encoding: 'utf8' });
        expect(cc.status, cc.stderr).toBe(0);
        const args = [...NAMES, ...UNKNOWN];
        const host = spawnSync(exe, args, { encoding: 'utf8' });
        expect(host.status).toBe(0);
        // The one intended difference: glibc wraps a port above 65535 (65536 → port 0); musl and
        // libc-shim refuse it.
        const want = host.stdout.replace(
          'gai 65536 stream: stream/6 port 0\n',
          'gai 65536 stream: EAI_SERVICE\n',
        );
        expect(host.stdout).toContain('gai 65536 stream: stream/6 port 0\n');
        expect(await onShim(args)).toBe(want);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    120_000,
  );
});
