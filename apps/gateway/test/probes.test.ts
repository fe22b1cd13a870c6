import { Agent, get, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from '@jest/globals';
import type { HealthStatus } from '@finance/platform';
import { startTestGateway } from './support/gateway.js';

// Kubernetes' probes of a gateway replica (README "Graceful shutdown"): /health/live and
// /health/ready answer about this replica alone, without a token or a rate limit; on SIGTERM
// main.ts drains the replica (readiness.drain()): /health/ready 503, every answer with
// `Connection: close`, requests still served; then close() waits for the requests in flight.

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('GET /health/live and /health/ready', () => {
  it('200 without a token, about this replica only (services down or not), never rate limited', async () => {
    const gw = await startTestGateway({ RATE_LIMIT_PER_MINUTE: '1' });
    try {
      gw.auth.setHealth('NOT_SERVING');
      await gw.ledger.stop();
      for (let i = 0; i < 5; i++) {
        for (const url of ['/health/live', '/health/ready']) {
          const res = await gw.app.inject({ method: 'GET', url });
          expect({ url, status: res.statusCode, body: res.json(), cacheControl: res.headers['cache-control'] }).toEqual({ url, status: 200, body: { status: 'ok' }, cacheControl: 'no-store' });
          expect(res.headers.connection).not.toBe('close');
        }
      }
      // /health asks the services and is rate limited like the rest of the API.
      expect((await gw.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(503);
      expect((await gw.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(429);
    } finally {
      await gw.close();
    }
  });

  it('draining: /health/ready 503 problem+json, /health/live 200, the API still answers, every answer with Connection: close', async () => {
    const gw = await startTestGateway();
    try {
      const { token } = await gw.caller();
      gw.ledger.on('listTransactions', () => ({ items: [], page: { nextCursor: '', hasMore: false } }));
      const list = () => gw.app.inject({ method: 'GET', url: '/transactions', headers: { authorization: `Bearer ${token}` } });
      expect((await list()).headers.connection).not.toBe('close');

      gw.app.readiness.drain();
      const ready = await gw.app.inject({ method: 'GET', url: '/health/ready' });
      expect(ready.statusCode).toBe(503);
      expect(ready.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(ready.json()).toMatchObject({ status: 503, code: 'SHUTTING_DOWN' });
      expect(ready.headers.connection).toBe('close');
      const live = await gw.app.inject({ method: 'GET', url: '/health/live' });
      expect(live.statusCode).toBe(200);
      expect(live.headers.connection).toBe('close');
      const listed = await list();
      expect(listed.statusCode).toBe(200);
      expect(listed.headers.connection).toBe('close');
      // Errors too: a problem answer closes the connection as well.
      const unauthenticated = await gw.app.inject({ method: 'GET', url: '/transactions' });
      expect(unauthenticated.statusCode).toBe(401);
      expect(unauthenticated.headers.connection).toBe('close');
    } finally {
      await gw.close();
    }
  });

  it('over a real socket: a kept-alive connection is closed after the answer it got while draining; close() lets a request in flight finish, then refuses connections', async () => {
    let release: () => void = () => undefined;
    const slow: HealthStatus = 'SERVING';
    const gw = await startTestGateway({}, { healthChecks: { auth: () => new Promise((resolve) => (release = () => resolve(slow))) } });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      await gw.app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = gw.app.server.address() as AddressInfo;
      const fetchPath = (path: string) =>
        new Promise<{ res: IncomingMessage; body: string; socketClosed: Promise<void> }>((resolve, reject) => {
          get({ host: '127.0.0.1', port, path, agent }, (res) => {
            const socketClosed = new Promise<void>((closed) => res.socket.once('close', () => closed()));
            let body = '';
            res.on('data', (chunk: Buffer) => (body += chunk.toString()));
            res.on('end', () => resolve({ res, body, socketClosed }));
          }).on('error', reject);
        });

      const before = await fetchPath('/health/live');
      expect(before.res.headers.connection).toBe('keep-alive');

      // A request that started before the drain and ends during it closes its connection too.
      const inFlight = fetchPath('/health');
      await sleep(100);
      gw.app.readiness.drain();
      release();
      const during = await inFlight;
      expect(during.res.statusCode).toBe(200);
      expect(during.res.headers.connection).toBe('close');
      await during.socketClosed;

      // close() waits for the request in flight, which is answered (not a 503).
      const last = fetchPath('/health');
      await sleep(100);
      let closed = false;
      const closing = gw.app.close().then(() => (closed = true));
      await sleep(100);
      expect(closed).toBe(false);
      release();
      const answered = await last;
      expect(answered.res.statusCode).toBe(200);
      await closing;
      await expect(fetchPath('/health/live')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    } finally {
      agent.destroy();
      await gw.close();
    }
  });
});
