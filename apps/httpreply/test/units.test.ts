// The small pieces: the index page, target normalisation, Host validation, dates, content types,
// nginx's header-buffer layout and the chunked-body skipper.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChunkedDiscarder } from '../src/http/chunked';
import { httpDate } from '../src/http/date';
import { HeadScanner } from '../src/http/head-scanner';
import { INDEX_PAGE } from '../src/http/index-page';
import { contentTypeOf } from '../src/http/mime';
import { parseRequestHead, parseRequestLine, validateHost } from '../src/http/request';
import { normaliseTarget } from '../src/http/uri';

const enc = (s: string) => new TextEncoder().encode(s);

describe('httpreply pieces', () => {
  it('the index page is 612 bytes of ASCII HTML', () => {
    expect(INDEX_PAGE.length).toBe(612);
    expect(INDEX_PAGE.every((b) => b < 0x80)).toBe(true);
    expect(new TextDecoder().decode(INDEX_PAGE)).toMatch(/^<!DOCTYPE html>[\s\S]*<\/html>\n$/);
  });

  it.each([
    ['/', '/', null],
    ['/a//b/./c/../d?x=1&y', '/a/b/d', 'x=1&y'],
    ['/a/..', '/', null],
    ['/a/.', '/a/', null],
    ['/%41%2fb', '/A/b', null],
    ['/a%2e%2e/', '/a../', null],
  ])('normalises %s', (raw, path, query) => {
    expect(normaliseTarget(raw)).toEqual({ path, query });
  });

  it.each(['/..', '/a/../..', '/%zz', '/%4', '/a%00', 'a/b', ''])('rejects target %j', (raw) => {
    expect(normaliseTarget(raw)).toBeNull();
  });

  it('validates Host as nginx does', () => {
    expect(validateHost('Example.COM.:8080')).toBe('example.com');
    expect(validateHost('[::1]:80')).toBe('[::1]');
    for (const bad of ['', '.', 'a..b', 'a/b', 'a\\b', 'a b', 'a\x7f'])
      expect(validateHost(bad)).toBeNull();
  });

  it('parses request lines and names what is wrong', () => {
    expect(parseRequestLine('GET / HTTP/1.1')).toEqual({
      method: 'GET',
      target: '/',
      version: 1001,
    });
    expect(parseRequestLine('GET /x')).toEqual({ method: 'GET', target: '/x', version: 9 });
    expect(parseRequestLine('GET / HTTP/2.0')).toMatchObject({ status: 505 });
    expect(parseRequestLine('GET / HTTP/100.0')).toMatchObject({
      status: 400,
      reason: 'invalid HTTP version',
    });
    expect(parseRequestLine('Get / HTTP/1.1')).toMatchObject({
      status: 400,
      reason: 'invalid request line',
    });
    expect(parseRequestLine('GET /\x01 HTTP/1.1')).toMatchObject({ status: 400 });
  });

  it('derives keep-alive, length and host from the head', () => {
    const r = parseRequestHead(
      'POST /a HTTP/1.0\r\nConnection: keep-alive\r\nContent-Length: 7\r\n\r\n',
    );
    expect(r).toMatchObject({ keepAlive: true, contentLength: 7, host: null, chunked: false });
    expect(parseRequestHead('GET / HTTP/1.1\r\nHost: h\r\n\r\n')).toMatchObject({
      keepAlive: true,
      host: 'h',
    });
    expect(parseRequestHead('GET / HTTP/1.1\r\n\r\n')).toMatchObject({
      reason: 'HTTP/1.1 request without Host',
    });
  });

  it('formats IMF-fixdate', () => {
    expect(httpDate(0)).toBe('Thu, 01 Jan 1970 00:00:00 GMT');
    expect(httpDate(1_767_225_600.9)).toBe('Thu, 01 Jan 2026 00:00:00 GMT');
  });

  it('maps extensions to nginx content types', () => {
    expect(contentTypeOf('/a/b.HTML')).toBe('text/html');
    expect(contentTypeOf('/a.b/c')).toBe('application/octet-stream');
    expect(contentTypeOf('/x.wasm')).toBe('application/wasm');
  });

  it('lays header lines into nginx buffers (small limits)', () => {
    const limits = { firstBuffer: 16, largeBuffer: 32, largeBuffers: 2 };
    const scan = (s: string) => {
      const sc = new HeadScanner(limits);
      const b = enc(s);
      let r = sc.scan(b, b.length);
      while (r.kind === 'line') r = sc.scan(b, b.length);
      return r.kind === 'error' ? r.status : r.kind;
    };
    expect(scan(`GET /${'a'.repeat(16)} HTTP/1.1\r\n\r\n`)).toBe('head'); // 32-byte line
    expect(scan(`GET /${'a'.repeat(17)} HTTP/1.1\r\n\r\n`)).toBe(414);
    expect(scan(`GET / HTTP/1.1\r\nA: ${'b'.repeat(25)}\r\n\r\n`)).toBe('head');
    expect(scan(`GET / HTTP/1.1\r\nA: ${'b'.repeat(28)}\r\n\r\n`)).toBe(494);
    expect(scan(`GET / HTTP/1.1\r\n${`A: ${'b'.repeat(25)}\r\n`.repeat(3)}\r\n`)).toBe(494);
    expect(scan(`GET / HTTP/1.1\r\nA: ${'b'.repeat(60)}`)).toBe(494); // refused before its end arrives
  });

  it('skips chunked bodies split anywhere, and rejects malformed ones', () => {
    const body = enc('4;ext=1\r\nWiki\r\nA\r\n0123456789\r\n0\r\nTrailer: x\r\n\r\nNEXT');
    fc.assert(
      fc.property(fc.nat(body.length), (cut) => {
        const d = new ChunkedDiscarder();
        const a = d.feed(body, 0, cut);
        const b = a.done ? a : d.feed(body, cut, body.length);
        expect(a.error || b.error).toBe(false);
        expect(b.done).toBe(true);
        expect(a.done ? a.used : cut + b.used).toBe(body.length - 4);
      }),
      { seed: 1 },
    );
    for (const bad of ['x\r\n', '4\r\nWikiX', 'fffffffffffff\r\n'])
      expect(new ChunkedDiscarder().feed(enc(bad), 0, bad.length).error).toBe(true);
  });
});

describe('httpreply arguments', () => {
  it('app arguments port= and url= override the boot parameters given as the base', async () => {
    const { parseArgs, params } = await import('../src/main');
    expect(params.port.default).toBe(80);
    const base = { port: 8080, url: 'http://x/' };
    expect(parseArgs(['httpreply'], base)).toEqual(base);
    expect(parseArgs(['httpreply', 'port=81'], base)).toEqual({ port: 81, url: 'http://x/' });
  });

  it('takes port= and url=, and names a bad argument', async () => {
    const { parseArgs } = await import('../src/main');
    expect(parseArgs(['httpreply'])).toEqual({ port: 80, url: null });
    expect(parseArgs(['httpreply', 'port=8080', 'url=http://localhost:8080/'])).toEqual({
      port: 8080,
      url: 'http://localhost:8080/',
    });
    expect(parseArgs(['httpreply', 'port=0'])).toMatch(/unknown or bad argument 'port=0'/);
    expect(parseArgs(['httpreply', '--verbose'])).toMatch(/'--verbose' \(accepted: port=/);
  });
});
