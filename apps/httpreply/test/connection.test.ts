// The connection engine on its own: output independent of how the input is split, pipelining,
// body skipping across reads, closing rules, and random bytes that may only yield 400s.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HttpConnection } from '../src/http/connection';
import { INDEX_PAGE } from '../src/http/index-page';
import { createHttpServer } from '../src/http/server';
import { builtinSite, memorySite } from '../src/http/site';

const server = createHttpServer({
  site: memorySite({ '/index.html': INDEX_PAGE, '/a.txt': 'hello\n' }),
  port: 80,
  wallClock: () => 1_767_225_600,
});
const enc = (s: string) => new TextEncoder().encode(s);
const text = (chunks: Uint8Array[]) => Buffer.concat(chunks).toString('latin1');

function feed(parts: Uint8Array[]) {
  const c = new HttpConnection(server, '10.0.2.15');
  const out: Uint8Array[] = [];
  let close = false;
  for (const p of parts) {
    const r = c.receive(p);
    out.push(...r.chunks);
    close ||= r.close;
  }
  return { text: text(out), close, conn: c };
}

const PIPELINE =
  'GET / HTTP/1.1\r\nHost: x\r\n\r\n' +
  'POST /a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n12345' +
  'POST /a.txt HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n' +
  'HEAD /a.txt HTTP/1.1\r\nHost: x\r\n\r\n' +
  'GET /a.txt HTTP/1.0\r\n\r\n' +
  'GET / HTTP/1.1\r\nHost: x\r\n\r\n';

describe('HttpConnection', () => {
  it('answers pipelined requests in order and stops at the HTTP/1.0 one', () => {
    const r = feed([enc(PIPELINE)]);
    const statuses = [...r.text.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => m[1]);
    expect(statuses).toEqual(['200', '405', '405', '200', '200']);
    expect(r.close).toBe(true);
    expect(r.conn.requests).toBe(5);
    expect(r.text.split(new TextDecoder().decode(INDEX_PAGE)).length).toBe(2);
    expect(r.text.endsWith('Accept-Ranges: bytes\r\n\r\nhello\n')).toBe(true);
  });

  it('gives the same bytes however the input is split', () => {
    const whole = feed([enc(PIPELINE)]).text;
    fc.assert(
      fc.property(fc.array(fc.nat(PIPELINE.length), { maxLength: 12 }), (cuts) => {
        const at = [0, ...cuts.sort((a, b) => a - b), PIPELINE.length];
        const parts = at.slice(1).map((end, i) => enc(PIPELINE.slice(at[i], end)));
        expect(feed(parts).text).toBe(whole);
      }),
      { seed: 9, numRuns: 200 },
    );
    expect(feed([...enc(PIPELINE)].map((b) => Uint8Array.of(b))).text).toBe(whole);
  });

  it('keeps an HTTP/1.1 connection open and ignores input after it closed', () => {
    const c = new HttpConnection(server, '10.0.2.15');
    const a = c.receive(enc('GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n'));
    expect(a.close).toBe(false);
    const b = c.receive(enc('GET /a.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
    expect(b.close).toBe(true);
    expect(text(b.chunks)).toContain('Connection: close\r\n');
    expect(c.receive(enc('GET / HTTP/1.1\r\nHost: x\r\n\r\n'))).toEqual({
      chunks: [],
      close: true,
    });
  });

  it('waits for a partial head and answers once it completes', () => {
    const c = new HttpConnection(server, '10.0.2.15');
    expect(c.receive(enc('GET /a.txt HTTP/1.1\r\nHo')).chunks).toEqual([]);
    expect(text(c.receive(enc('st: x\r\n\r\n')).chunks)).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
  });

  it('rejects a bad request line before its headers arrive', () => {
    const c = new HttpConnection(server, '10.0.2.15');
    const r = c.receive(enc('BREW /pot HTCPCP/1.0\r\n'));
    expect(text(r.chunks)).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(r.close).toBe(true);
  });

  it('sends the body bytes of the file itself (no copy per response)', () => {
    const c = new HttpConnection(
      createHttpServer({ site: builtinSite(), port: 8080, wallClock: () => 0 }),
      '10.0.2.15',
    );
    const r = c.receive(enc('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    expect(r.chunks).toHaveLength(2);
    expect(r.chunks[1].length).toBe(612);
    expect(text(r.chunks)).toContain(
      'Server: httpreply\r\nDate: Thu, 01 Jan 1970 00:00:00 GMT\r\n',
    );
  });

  it('keeps its buffer small over a long keep-alive session', () => {
    const c = new HttpConnection(server, '10.0.2.15');
    for (let i = 0; i < 2000; i++) c.receive(enc('GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n'));
    expect((c as unknown as { buf: Uint8Array }).buf.length).toBeLessThanOrEqual(2048);
    expect(c.requests).toBe(2000);
  });

  it('random bytes yield responses or nothing, never an exception', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(300), (bytes, cut) => {
        const c = new HttpConnection(server, '10.0.2.15');
        const r1 = c.receive(bytes.subarray(0, cut));
        const r2 = c.receive(bytes.subarray(cut));
        for (const chunk of [...r1.chunks, ...r2.chunks]) expect(chunk).toBeInstanceOf(Uint8Array);
      }),
      { seed: 4, numRuns: 2000 },
    );
  });
});
