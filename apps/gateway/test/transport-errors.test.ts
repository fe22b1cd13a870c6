import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { transportProblemResponse } from '../src/plugins/client-errors.js';
import { startTestGateway, type TestGateway } from './support/gateway.js';

// Requests that node's HTTP parser refuses never reach fastify's routing or error handler: the
// server's `clientError` answers them. Those answers are problem+json like every other (issue 9,
// item 4). They need a listening gateway and raw sockets: inject() has no HTTP parser.

let gw: TestGateway;
let port: number;
beforeAll(async () => {
  gw = await startTestGateway();
  await gw.app.listen({ port: 0, host: '127.0.0.1' });
  port = (gw.app.server.address() as net.AddressInfo).port;
});
afterAll(async () => {
  await gw.close();
});

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Writes `request` as it is on a fresh connection and reads everything until the server closes it. */
function rawRequest(request: string | Buffer): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', (err) => (chunks.length ? undefined : reject(err)));
    socket.setTimeout(5000, () => socket.destroy(new Error('no answer within 5 s')));
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const end = text.indexOf('\r\n\r\n');
      if (end === -1) return reject(new Error(`no HTTP answer: ${JSON.stringify(text.slice(0, 200))}`));
      const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({ status: Number(statusLine!.split(' ')[1]), headers, body: text.slice(end + 4) });
    });
    socket.write(request);
  });
}

function expectTransportProblem(res: RawAnswer, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = JSON.parse(res.body) as Record<string, unknown>;
  expect(body).toEqual({
    type: expect.stringMatching(/^tag:finance-tracker,2026:problems\//),
    title: expect.any(String),
    status,
    detail: expect.any(String),
    code,
    instance: expect.stringMatching(/^[0-9a-f-]{36}$/),
  });
  expect(res.headers['x-request-id']).toBe(body.instance);
  expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(res.body));
  return body;
}

const BIG = 17 * 1024; // over node's 16 KiB limit of the request line plus headers

describe('answers written before fastify sees a request are problem+json', () => {
  it('431 for a URL over 16 KiB', async () => {
    const res = await rawRequest(`GET /transactions?q=${'a'.repeat(BIG)} HTTP/1.1\r\nHost: localhost\r\n\r\n`);
    const body = expectTransportProblem(res, 431, 'HEADERS_TOO_LARGE');
    expect(body.type).toBe('tag:finance-tracker,2026:problems/malformed-request');
  });

  it('431 for headers over 16 KiB', async () => {
    const res = await rawRequest(`GET /health HTTP/1.1\r\nHost: localhost\r\nX-Padding: ${'b'.repeat(BIG)}\r\n\r\n`);
    expectTransportProblem(res, 431, 'HEADERS_TOO_LARGE');
  });

  it('400 for Content-Length: abc', async () => {
    const res = await rawRequest('POST /auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: abc\r\n\r\n{}');
    expectTransportProblem(res, 400, 'MALFORMED_REQUEST');
  });

  it('400 for both Content-Length and Transfer-Encoding: chunked', async () => {
    const res = await rawRequest(
      'POST /auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n',
    );
    expectTransportProblem(res, 400, 'MALFORMED_REQUEST');
  });

  it('400 for a malformed chunk size', async () => {
    const res = await rawRequest('POST /auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n');
    expectTransportProblem(res, 400, 'MALFORMED_REQUEST');
  });

  it('413 for chunk extensions over 16 KiB', async () => {
    const res = await rawRequest(`POST /auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n2;x=${'c'.repeat(BIG)}\r\n{}\r\n0\r\n\r\n`);
    expectTransportProblem(res, 413, 'BODY_TOO_LARGE');
  });

  it('400 for a request line that is not HTTP', async () => {
    const res = await rawRequest('HELLO\r\n\r\n');
    expectTransportProblem(res, 400, 'MALFORMED_REQUEST');
  });

  it('a well-formed request on the same server is still answered normally', async () => {
    const res = await rawRequest('GET /no-such-route HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});

describe('transportProblemResponse', () => {
  it('408 problem for a request that timed out', () => {
    const { status, raw, problem } = transportProblemResponse('ERR_HTTP_REQUEST_TIMEOUT', 'req-1');
    expect(status).toBe(408);
    expect(problem).toMatchObject({ status: 408, code: 'REQUEST_TIMEOUT', instance: 'req-1' });
    expect(raw).toMatch(/^HTTP\/1\.1 408 /);
    expect(raw).toContain('Content-Type: application/problem+json\r\n');
    expect(raw).toContain('Connection: close\r\n');
  });
});
