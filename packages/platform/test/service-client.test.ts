// The one way services call each other, over the real gRPC transport: request id and remaining
// deadline handed on through a hop, reads retried on UNAVAILABLE within a bound, writes never.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import net from 'node:net';
import {
  connectService,
  createLogger,
  DomainError,
  startGrpcServer,
  type AsyncServiceImplementation,
  type RunningGrpcServer,
} from '../src/index.js';
import { jsonMethod } from './support/json-method.js';

type Msg = { requestId?: string; remainingMs?: number; ms?: number; seen?: Msg };
const method = (path: string) => jsonMethod<Msg>(path);

// "back" answers who asked and how long they still wait; "front" serves by asking "back".
const Back = { getSeen: method('/test.Back/GetSeen'), createThing: method('/test.Back/CreateThing'), getSlow: method('/test.Back/GetSlow') };
const Front = { getRelayed: method('/test.Front/GetRelayed') };
const logger = createLogger('test', 'silent');

const remaining = (deadline: Date | number) => (deadline instanceof Date ? deadline.getTime() : deadline) - Date.now();
const backImplementation: AsyncServiceImplementation<typeof Back> = {
  getSeen: async (_req, ctx) => ({ requestId: ctx.requestId, remainingMs: remaining(ctx.deadline) }),
  createThing: async (_req, ctx) => ({ requestId: ctx.requestId }),
  getSlow: (req) => new Promise((resolve) => setTimeout(() => resolve({}), req.ms)),
};

let back: RunningGrpcServer;
let front: RunningGrpcServer;
const closers: (() => void)[] = [];

beforeAll(async () => {
  back = await startGrpcServer({ address: '127.0.0.1:0', logger, services: [{ definition: Back, implementation: backImplementation }] });
  const backClient = connectService({ name: 'back', definition: Back }, back.address, { deadlineMs: 5000 });
  closers.push(() => backClient.close());
  // The front service calls back without passing anything: the scope of its own request is used.
  const frontImplementation: AsyncServiceImplementation<typeof Front> = { getRelayed: async () => ({ seen: await backClient.getSeen({}) }) };
  front = await startGrpcServer({ address: '127.0.0.1:0', logger, services: [{ definition: Front, implementation: frontImplementation }] });
});

afterAll(async () => {
  for (const close of closers) close();
  await front.stop();
  await back.stop();
});

const client = <D extends Record<string, ReturnType<typeof method>>>(name: string, definition: D, address: string, deadlineMs = 2000) => {
  const c = connectService({ name, definition }, address, { deadlineMs });
  closers.push(() => c.close());
  return c;
};

const failure = (promise: Promise<unknown>) => promise.then(() => { throw new Error('expected a failure'); }, (e: unknown) => e as DomainError);

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

describe('through a hop (caller → front → back)', () => {
  test('back sees the request id the caller sent to front', async () => {
    const { seen } = await client('front', Front, front.address).getRelayed({}, { requestId: 'req-7f3a' });
    expect(seen?.requestId).toBe('req-7f3a');
  });

  test("back's deadline is the caller's remaining time, not front's longer default", async () => {
    const { seen } = await client('front', Front, front.address).getRelayed({}, { deadlineMs: 800 });
    expect(seen!.remainingMs).toBeLessThanOrEqual(800);
    expect(seen!.remainingMs).toBeGreaterThan(0);
  });

  test('without a caller deadline, the client default applies', async () => {
    const { remainingMs } = await client('back', Back, back.address, 1500).getSeen({});
    expect(remainingMs).toBeLessThanOrEqual(1500);
    expect(remainingMs).toBeGreaterThan(1000);
  });
});

describe('failures', () => {
  test('too slow → <SERVICE>_DEADLINE_EXCEEDED', async () => {
    const err = await failure(client('back', Back, back.address, 100).getSlow({ ms: 1000 }));
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({ kind: 'deadline', code: 'BACK_DEADLINE_EXCEEDED' });
  });

  test('nothing listening → <SERVICE>_UNAVAILABLE after the bounded retries of a read (~100 + 300 ms)', async () => {
    const port = await freePort();
    const started = Date.now();
    const err = await failure(client('back', Back, `127.0.0.1:${port}`).getSeen({}));
    expect(err).toMatchObject({ kind: 'unavailable', code: 'BACK_UNAVAILABLE' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test('a read is retried and succeeds when the service comes up meanwhile; a write is not retried', async () => {
    const port = await freePort();
    const c = client('back', Back, `127.0.0.1:${port}`);
    const write = failure(c.createThing({}));
    const read = c.getSeen({}, { requestId: 'retried' });
    // Both calls met the refused connection (the write's failure says so); the server comes up only
    // then, right away, so the read's first retry (~100 ms later) finds it even on a loaded machine.
    expect(await write).toMatchObject({ kind: 'unavailable', code: 'BACK_UNAVAILABLE' });
    const late = await startGrpcServer({ address: `127.0.0.1:${port}`, logger, services: [{ definition: Back, implementation: backImplementation }] });
    try {
      expect(await read).toMatchObject({ requestId: 'retried' });
    } finally {
      await late.stop();
    }
  });
});

