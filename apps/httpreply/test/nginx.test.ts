// Differential test: the same request bytes go to a real nginx 1.22 (default static-file settings,
// server_tokens off) and to httpreply's engine configured with the same files and name; the
// responses must be identical byte for byte once the Date header is masked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpConnection } from '../src/http/connection';
import { INDEX_PAGE, INDEX_PAGE_MTIME } from '../src/http/index-page';
import { createHttpServer, type HttpServer } from '../src/http/server';
import { memorySite } from '../src/http/site';
import { exchange, nginxMissing, type RunningNginx, startNginx } from './support/nginx';

const FILES: Record<string, Uint8Array | string> = {
  '/index.html': INDEX_PAGE,
  '/sub/a.txt': 'hi\n',
  '/docs/index.html': '<p>docs</p>\n',
  '/style.css': 'p{}\n',
  '/data.bin': new Uint8Array([0, 1, 2, 255]),
  '/empty.txt': '',
};

const H = 'Host: a\r\n';
const long = (n: number) => 'a'.repeat(n);
const CASES: Record<string, string> = {
  'GET / 1.1': `GET / HTTP/1.1\r\n${H}\r\n`,
  'GET / 1.0': 'GET / HTTP/1.0\r\n\r\n',
  'GET / 1.0 keep-alive': 'GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n',
  'HEAD /': `HEAD / HTTP/1.1\r\n${H}\r\n`,
  'HEAD /nope': `HEAD /nope HTTP/1.1\r\n${H}\r\n`,
  'GET /index.html': `GET /index.html HTTP/1.1\r\n${H}\r\n`,
  'GET /nope': `GET /nope HTTP/1.1\r\n${H}\r\n`,
  'unknown method': `FOO / HTTP/1.1\r\n${H}\r\n`,
  'unknown method, missing path': `FOO /nope HTTP/1.1\r\n${H}\r\n`,
  'POST with body, then GET': `POST / HTTP/1.1\r\n${H}Content-Length: 3\r\n\r\nabcGET /sub/a.txt HTTP/1.1\r\n${H}\r\n`,
  'POST to a missing path': `POST /nope HTTP/1.1\r\n${H}\r\n`,
  'POST to a directory': `POST /sub HTTP/1.1\r\n${H}\r\n`,
  'GET with a body, then GET': `GET /sub/a.txt HTTP/1.1\r\n${H}Content-Length: 3\r\n\r\nabcGET /nope HTTP/1.1\r\n${H}\r\n`,
  'chunked POST, then GET': `POST / HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\nT: 1\r\n\r\nGET /sub/a.txt HTTP/1.1\r\n${H}\r\n`,
  'pipelined three': `GET / HTTP/1.1\r\n${H}\r\nHEAD /sub/a.txt HTTP/1.1\r\n${H}\r\nGET /nope HTTP/1.1\r\n${H}Connection: close\r\n\r\nGET / HTTP/1.1\r\n${H}\r\n`,
  'leading empty lines': '\r\n\r\nGET /sub/a.txt HTTP/1.0\r\n\r\n',
  'bare LF line ends': 'GET /sub/a.txt HTTP/1.1\nHost: a\n\n',
  garbage: 'garbage\r\n\r\n',
  'lower-case method': `get / HTTP/1.1\r\n${H}\r\n`,
  'HTTP/2.0': `GET / HTTP/2.0\r\n${H}\r\n`,
  'HTTP/3.1': `GET / HTTP/3.1\r\n${H}\r\n`,
  'HTTP/1.1 without Host': 'GET / HTTP/1.1\r\n\r\n',
  'HTTP/0.9 GET /': 'GET /\r\n',
  'HTTP/0.9 GET /nope': 'GET /nope\r\n',
  'URI too long': `GET /${long(10000)} HTTP/1.1\r\n${H}\r\n`,
  'header line too long': `GET / HTTP/1.1\r\n${H}X-Big: ${long(10000)}\r\n\r\n`,
  'too many header bytes': `GET / HTTP/1.1\r\n${H}${Array.from({ length: 40 }, (_, i) => `X-${i}: ${long(1000)}\r\n`).join('')}\r\n`,
  TRACE: `TRACE / HTTP/1.1\r\n${H}\r\n`,
  'dot-dot above root': `GET /../x HTTP/1.1\r\n${H}\r\n`,
  'bad escape': `GET /%zz HTTP/1.1\r\n${H}\r\n`,
  'escaped NUL': `GET /a%00b HTTP/1.1\r\n${H}\r\n`,
  'directory without slash': `GET /sub HTTP/1.1\r\n${H}\r\n`,
  'directory without slash, 1.0, no Host, query': 'GET /sub?q=1 HTTP/1.0\r\n\r\n',
  'directory without index': `GET /sub/ HTTP/1.1\r\n${H}\r\n`,
  'directory with index': `GET /docs/ HTTP/1.1\r\n${H}\r\n`,
  'missing directory': `GET /nodir/ HTTP/1.1\r\n${H}\r\n`,
  'query ignored': `GET /sub/a.txt?x=1 HTTP/1.1\r\n${H}\r\n`,
  'merged slashes and dots': `GET //sub//./../sub/a%2etxt HTTP/1.1\r\n${H}\r\n`,
  'absolute URI': `GET http://x.y/sub HTTP/1.1\r\n${H}\r\n`,
  'asterisk target': `GET * HTTP/1.1\r\n${H}\r\n`,
  'Host with a space': 'GET / HTTP/1.1\r\nHost: a b\r\n\r\n',
  'duplicate Host': 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n',
  'Host with port, dot, capitals': 'GET /sub HTTP/1.1\r\nHost: A.B.:99\r\n\r\n',
  'Host with a slash': 'GET / HTTP/1.1\r\nHost: a/b\r\n\r\n',
  'Transfer-Encoding gzip': `POST / HTTP/1.1\r\n${H}Transfer-Encoding: gzip\r\n\r\n`,
  'Transfer-Encoding and Content-Length': `POST / HTTP/1.1\r\n${H}Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n`,
  'Transfer-Encoding in HTTP/1.0': 'POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
  'bad Content-Length': `POST / HTTP/1.1\r\n${H}Content-Length: x\r\n\r\n`,
  'duplicate Content-Length': `POST / HTTP/1.1\r\n${H}Content-Length: 1\r\nContent-Length: 1\r\n\r\nx`,
  'body too large': `POST / HTTP/1.1\r\n${H}Content-Length: 2000000\r\n\r\n`,
  'odd header name ignored': `GET / HTTP/1.1\r\n${H}X@y: 1\r\nX_y: 2\r\n\r\n`,
  'space in header name': `GET / HTTP/1.1\r\n${H}Bad Header: x\r\n\r\n`,
  'header line without colon': `GET / HTTP/1.1\r\n${H}Foo\r\n\r\n`,
  'Connection: foo, close': `GET / HTTP/1.1\r\n${H}Connection: foo, close\r\n\r\n`,
  'HTTP/0.9 lower-case method': 'get /\r\n',
  'HTTP/0.9 bad escape': 'GET /%zz\r\n',
  'method only': 'GET\r\n',
  'extra spaces in the request line': `GET  /sub/a.txt  HTTP/1.1  \r\n${H}\r\n`,
  'folded header line': `GET / HTTP/1.1\r\n${H} continued\r\n\r\n`,
  'version with a leading zero': `GET / HTTP/01.1\r\n${H}\r\n`,
  'HTTP/1.2': `GET /sub/a.txt HTTP/1.2\r\n${H}\r\n`,
  ...limitCases(),
  ...conditionalCases(),
  'content types': `GET /style.css HTTP/1.1\r\n${H}\r\nGET /data.bin HTTP/1.1\r\n${H}\r\nGET /empty.txt HTTP/1.1\r\n${H}\r\n`,
};

/** Conditional and single-range requests on /sub/a.txt ("hi\n") and the index page. */
function conditionalCases(): Record<string, string> {
  const lm = 'Thu, 01 Jan 2026 00:00:00 GMT';
  const etag = `"${INDEX_PAGE_MTIME.toString(16)}-3"`;
  const get = (extra: string, path = '/sub/a.txt', method = 'GET') =>
    `${method} ${path} HTTP/1.1\r\n${H}${extra}\r\n`;
  return {
    'If-Modified-Since exact': get(`If-Modified-Since: ${lm}\r\n`),
    'If-Modified-Since other': get('If-Modified-Since: Thu, 01 Jan 2026 00:00:01 GMT\r\n'),
    'If-Modified-Since garbage': get('If-Modified-Since: yesterday\r\n'),
    'If-None-Match match': get(`If-None-Match: "x", ${etag}\r\n`),
    'If-None-Match weak': get(`If-None-Match: W/${etag}\r\n`),
    'If-None-Match star': get('If-None-Match: *\r\n'),
    'If-None-Match miss beats If-Modified-Since': get(
      `If-None-Match: "x"\r\nIf-Modified-Since: ${lm}\r\n`,
    ),
    'Range open end': get('Range: bytes=1-\r\n'),
    'Range suffix': get('Range: bytes=-2\r\n'),
    'Range first byte': get('Range: bytes=0-0\r\n'),
    'Range past the end': get('Range: bytes=5-9\r\n'),
    'Range end beyond size': get('Range: bytes=1-100\r\n'),
    'Range reversed': get('Range: bytes=2-1\r\n'),
    'Range other unit': get('Range: items=0-1\r\n'),
    'Range malformed': get('Range: bytes=a-b\r\n'),
    'Range empty suffix': get('Range: bytes=-0\r\n'),
    'Range suffix longer than the file': get('Range: bytes=-10\r\n'),
    'Range with one satisfiable of two': get('Range: bytes=1-1,7-9\r\n'),
    'Range on the index page': get('Range: bytes=100-199\r\n', '/'),
    'HEAD with Range': get('Range: bytes=1-\r\n', '/sub/a.txt', 'HEAD'),
  };
}

/** Heads at and just past nginx's buffer limits (lines of n bytes including CRLF). */
function limitCases(): Record<string, string> {
  const cases: Record<string, string> = {};
  const headers = (k: number, n: number) =>
    Array.from({ length: k }, (_, i) => `X-${String(i).padStart(3, '0')}: ${long(n - 9)}\r\n`).join(
      '',
    );
  for (const n of [8192, 8193])
    cases[`request line of ${n} bytes`] = `GET /${long(n - 16)} HTTP/1.1\r\n${H}\r\n`;
  for (const n of [8192, 8193])
    cases[`header line of ${n} bytes`] = `GET / HTTP/1.1\r\n${H}X: ${long(n - 5)}\r\n\r\n`;
  for (const [k, n] of [
    [32, 1000],
    [33, 1000],
    [8, 3000],
    [9, 3000],
    [333, 100],
    [334, 100],
  ])
    cases[`${k} header lines of ${n} bytes`] = `GET / HTTP/1.1\r\n${H}${headers(k, n)}\r\n`;
  return cases;
}

const skip = nginxMissing();
if (skip) console.log(`nginx differential test skipped: ${skip}`);

const mask = (b: Uint8Array) =>
  Buffer.from(b)
    .toString('latin1')
    .replace(/\r\nDate: [^\r]*\r\n/g, '\r\nDate: <masked>\r\n');

describe.skipIf(skip !== null)('httpreply engine vs nginx 1.22, byte for byte', () => {
  let nginx: RunningNginx;
  let server: HttpServer;
  beforeAll(async () => {
    nginx = await startNginx(FILES, INDEX_PAGE_MTIME);
    server = createHttpServer({
      site: memorySite(FILES, INDEX_PAGE_MTIME),
      port: nginx.port,
      name: 'nginx',
      wallClock: () => Date.now() / 1000,
    });
  }, 20_000);
  afterAll(() => nginx?.stop());

  for (const [name, request] of Object.entries(CASES)) {
    it(name, async () => {
      const bytes = Buffer.from(request, 'latin1');
      const theirs = await exchange(nginx.port, bytes);
      const conn = new HttpConnection(server, '127.0.0.1');
      const out = conn.receive(bytes);
      expect(mask(Buffer.concat(out.chunks))).toBe(mask(theirs));
      const last = /Connection: (close|keep-alive)\r\n(?![\s\S]*Connection: )/.exec(mask(theirs));
      expect(out.close).toBe(last ? last[1] === 'close' : true);
    });
  }
});
