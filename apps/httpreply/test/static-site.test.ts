// httpreply serving a vfscore directory (src/static.ts) through the connection engine, in-process on
// vfscore+ramfs: files with their Content-Type and Content-Length, HEAD, index.html, nginx's 301 /
// 403 / 404, symbolic links refused (403), ".." and %2e%2e never leaving the root, UTF-8 names,
// pipelined requests that each wait for their loads, and changes visible on the next request.
import { createRamfsType } from '@runikraft/ramfs';
import { O_CREAT, O_TRUNC, O_WRONLY, RkVfsCore } from '@runikraft/vfscore';
import { beforeAll, describe, expect, it } from 'vitest';
import { testAlloc, testEnv } from '../../../packages/ramfs/test/helpers';
import { HttpConnection } from '../src/http/connection';
import { createHttpServer, type HttpServer } from '../src/http/server';
import { openStaticRoot } from '../src/static';

const enc = new TextEncoder();
const dec = new TextDecoder('latin1');
let v: RkVfsCore;
let server: HttpServer;

async function put(path: string, data: string | Uint8Array) {
  const fd = await v.open(path, O_CREAT | O_WRONLY | O_TRUNC, 0o644);
  expect(fd).toBeGreaterThanOrEqual(0);
  await v.write(fd, typeof data === 'string' ? enc.encode(data) : data);
  await v.close(fd);
}

/** Sends `text` on a fresh connection and returns everything answered, waiting for the site. */
async function exchange(text: string): Promise<string> {
  const c = new HttpConnection(server, '10.0.0.2');
  let out = c.receive(enc.encode(text));
  let got = '';
  for (let rounds = 0; ; rounds++) {
    for (const ch of out.chunks) got += dec.decode(ch);
    if (out.close || !out.wait) return got;
    expect(rounds).toBeLessThan(100);
    await out.wait;
    out = c.receive();
  }
}
const get = (path: string, extra = '') =>
  exchange(`GET ${path} HTTP/1.1\r\nHost: h\r\n${extra}\r\n`);
const status = (r: string) => Number(r.slice(9, 12));
const header = (r: string, name: string) =>
  new RegExp(`\\r\\n${name}: ([^\\r]*)\\r\\n`).exec(r)?.[1] ?? null;
const body = (r: string) => r.slice(r.indexOf('\r\n\r\n') + 4);

const big = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 31) & 0xff);

beforeAll(async () => {
  v = new RkVfsCore(testEnv());
  v.registerFsType(createRamfsType(testAlloc(16 << 20)));
  expect(await v.mount('none', '/', 'ramfs')).toBe(0);
  for (const d of ['/www', '/www/sub', '/www/noindex', '/secret']) await v.mkdir(d, 0o755);
  await put('/www/index.html', '<h1>home</h1>');
  await put('/www/a.txt', 'hello\n');
  await put('/www/style.CSS', 'p{}');
  await put('/www/big.bin', big);
  await put('/www/empty.json', '');
  await put('/www/sub/index.html', 'sub index');
  await put('/www/sub/é.txt', 'accent');
  await put('/secret/key', 'do not serve');
  await v.symlink('/secret/key', '/www/key');
  await v.symlink('../secret', '/www/up');
  await v.symlink('a.txt', '/www/alias');
  const site = await openStaticRoot(v, '/www/');
  if (typeof site === 'string') throw new Error(site);
  server = createHttpServer({ site, port: 80, wallClock: () => 1_800_000_000 });
});

describe('httpreply.root: a vfscore directory', () => {
  it('serves files with nginx mime types and exact Content-Length', async () => {
    const a = await get('/a.txt');
    expect(status(a)).toBe(200);
    expect(header(a, 'Content-Type')).toBe('text/plain');
    expect(header(a, 'Content-Length')).toBe('6');
    expect(body(a)).toBe('hello\n');
    expect(header(await get('/style.CSS'), 'Content-Type')).toBe('text/css');
    const e = await get('/empty.json');
    expect([status(e), header(e, 'Content-Type'), header(e, 'Content-Length'), body(e)]).toEqual([
      200,
      'application/json',
      '0',
      '',
    ]);
    const b = await get('/big.bin');
    expect(header(b, 'Content-Type')).toBe('application/octet-stream');
    expect(header(b, 'Content-Length')).toBe(String(big.length));
    expect(Uint8Array.from(body(b), (c) => c.charCodeAt(0))).toEqual(big);
  });

  it('HEAD has the headers of GET and no body; ranges work on loaded files', async () => {
    const h = await exchange('HEAD /big.bin HTTP/1.1\r\nHost: h\r\n\r\n');
    expect(header(h, 'Content-Length')).toBe(String(big.length));
    expect(body(h)).toBe('');
    const r = await get('/big.bin', 'Range: bytes=10-19\r\n');
    expect(status(r)).toBe(206);
    expect([...Uint8Array.from(body(r), (c) => c.charCodeAt(0))]).toEqual([
      ...big.subarray(10, 20),
    ]);
  });

  it('directories: index.html, 301 without the slash, 403 without an index; 404 for nothing', async () => {
    expect(body(await get('/'))).toBe('<h1>home</h1>');
    expect(body(await get('/sub/'))).toBe('sub index');
    const r = await get('/sub');
    expect([status(r), header(r, 'Location')]).toEqual([301, 'http://h/sub/']);
    expect(status(await get('/noindex/'))).toBe(403);
    expect(status(await get('/nothing'))).toBe(404);
    expect(status(await get('/nothing/'))).toBe(404);
    expect(status(await get('/a.txt/x'))).toBe(404);
  });

  it('never leaves the root: .., %2e%2e and symbolic links', async () => {
    for (const p of ['/../secret/key', '/%2e%2e/secret/key', '/sub/../../secret/key', '/%2E%2E/x'])
      expect(status(await exchange(`GET ${p} HTTP/1.1\r\nHost: h\r\n\r\n`)), p).toBe(400);
    expect(body(await get('/sub/%2e%2e/a.txt'))).toBe('hello\n'); // stays inside: fine
    for (const p of ['/key', '/up/key', '/up/', '/alias']) {
      const r = await get(p);
      expect(status(r), p).toBe(403);
      expect(r).not.toContain('do not serve');
    }
  });

  it('UTF-8 names by their percent-encoded bytes; other bytes are 404', async () => {
    expect(body(await get('/sub/%C3%A9.txt'))).toBe('accent');
    expect(status(await get('/sub/%E9.txt'))).toBe(404);
  });

  it('pipelined requests are answered in order, each after its loads', async () => {
    const r = await exchange(
      'GET /a.txt HTTP/1.1\r\nHost: h\r\n\r\nGET /nothing HTTP/1.1\r\nHost: h\r\n\r\nHEAD /sub/ HTTP/1.1\r\nHost: h\r\n\r\n',
    );
    const lines = r.match(/HTTP\/1\.1 \d{3} [^\r]*/g);
    expect(lines).toEqual(['HTTP/1.1 200 OK', 'HTTP/1.1 404 Not Found', 'HTTP/1.1 200 OK']);
    expect(r).toContain('\r\n\r\nhello\n');
  });

  it('the next request sees a changed file', async () => {
    await put('/www/a.txt', 'changed!');
    expect(body(await get('/a.txt'))).toBe('changed!');
    await put('/www/a.txt', 'hello\n');
  });

  it('refuses a root that is not an absolute directory', async () => {
    expect(await openStaticRoot(v, 'www')).toMatch(/not an absolute path/);
    expect(await openStaticRoot(v, '/nope')).toBe("httpreply: root '/nope': errno 2");
    expect(await openStaticRoot(v, '/www/a.txt')).toMatch(/is not a directory/);
  });
});
