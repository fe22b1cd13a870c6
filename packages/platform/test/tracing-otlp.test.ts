// startTracing as a composition root calls it: with OTEL_EXPORTER_OTLP_ENDPOINT set, spans reach an
// OTLP/HTTP collector (here a bare HTTP server standing in for one) as protobuf, named after the
// service, and shutting down flushes what the batch processor held.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { connectService, createLogger, startGrpcServer, startTracing, tracingEnabled, type RunningGrpcServer } from '../src/index.js';
import { jsonMethod } from './support/json-method.js';

const Echo = { getEcho: jsonMethod<{ n: number }>('/test.Echo/GetEcho') };
const logger = createLogger('test', 'silent');

let collector: Server;
let endpoint: string;
const received: { path: string; type: string; body: Buffer }[] = [];
let echo: RunningGrpcServer;

const bodyOf = async (req: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

beforeAll(async () => {
  collector = createServer(async (req, res) => {
    received.push({ path: req.url ?? '', type: req.headers['content-type'] ?? '', body: await bodyOf(req) });
    res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
  echo = await startGrpcServer({ address: '127.0.0.1:0', logger, services: [{ definition: Echo, implementation: { getEcho: async (req) => req } }] });
});

afterAll(async () => {
  await echo.stop();
  await new Promise((resolve) => collector.close(resolve));
});

test('spans of a call are exported over OTLP/HTTP protobuf to OTEL_EXPORTER_OTLP_ENDPOINT, under the service name, when the service stops', async () => {
  const tracing = await startTracing('ledger', { OTEL_EXPORTER_OTLP_ENDPOINT: `${endpoint}/` });
  expect(tracingEnabled()).toBe(true);
  // A second service in the same process shares the provider; it stops first and flushes nothing yet.
  const other = await startTracing('budgeting', { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint });
  const client = connectService({ name: 'echo', definition: Echo }, echo.address);
  await client.getEcho({ n: 1 });
  client.close();

  let stopped = false;
  const service = tracing.around({ stop: async () => void (stopped = true) });
  await other.shutdown();
  expect(tracingEnabled()).toBe(true);
  expect(received).toHaveLength(0); // batched: nothing sent before the flush
  await service.stop();

  expect(stopped).toBe(true);
  expect(tracingEnabled()).toBe(false);
  expect(received.length).toBeGreaterThan(0);
  expect(received[0]).toMatchObject({ path: '/v1/traces', type: 'application/x-protobuf' });
  const all = Buffer.concat(received.map((r) => r.body)).toString('latin1');
  expect(all).toContain('ledger'); // service.name of the first service that started tracing
  // Its client and server span, each naming the method twice (span name, rpc.method).
  expect(all.split('test.Echo/GetEcho').length - 1).toBe(4);
});

test('OTEL_SDK_DISABLED=true wins over an endpoint', async () => {
  const tracing = await startTracing('ledger', { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SDK_DISABLED: 'true' });
  expect(tracingEnabled()).toBe(false);
  await tracing.shutdown();
});
