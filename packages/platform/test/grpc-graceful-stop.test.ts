import { afterEach, describe, expect, test } from '@jest/globals';
import { status } from '@grpc/grpc-js';
import { createGrpcClient, createHealthChecker, createLogger, isServiceError, startGrpcServer, type AsyncServiceImplementation, type RunningGrpcServer } from '../src/index.js';
import { jsonMethod } from './support/json-method.js';

// A service's side of a rolling restart (README "Graceful shutdown"): drain() takes readiness away
// while calls go on being answered; stop() refuses new calls, lets those in flight finish within its
// grace and cancels what is left after it.

const SlowService = {
  echo: jsonMethod<{ text: string }>('/test.Slow/Echo'),
  wait: jsonMethod<{ ms: number }>('/test.Slow/Wait'),
};
const slowImplementation: AsyncServiceImplementation<typeof SlowService> = {
  echo: async (req) => req,
  // unref: a handler whose call was cancelled runs on, and must not keep jest waiting.
  wait: (req) => new Promise((resolve) => setTimeout(() => resolve(req), req.ms).unref()),
};

const logger = createLogger('test', 'silent');
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start() {
  const server: RunningGrpcServer = await startGrpcServer({ address: '127.0.0.1:0', logger, services: [{ definition: SlowService, implementation: slowImplementation }] });
  cleanups.push(() => server.stop(0));
  const client = createGrpcClient(SlowService, server.address, { deadlineMs: 5000 });
  cleanups.push(() => client.$channel.close());
  const readiness = createHealthChecker(server.address, 'test.Slow');
  const liveness = createHealthChecker(server.address, '');
  cleanups.push(() => readiness.close(), () => liveness.close());
  return { server, client, readiness, liveness };
}

/** The gRPC status code a call failed with (undefined: it succeeded). */
const codeOf = (call: Promise<unknown>) => call.then(
  () => undefined,
  (err: unknown) => {
    if (!isServiceError(err)) throw err;
    return err.code;
  },
);

describe('graceful stop of a gRPC server', () => {
  test('drain: readiness NOT_SERVING, liveness SERVING, calls still answered', async () => {
    const { server, client, readiness, liveness } = await start();
    expect(await readiness.check()).toBe('SERVING');
    expect(await liveness.check()).toBe('SERVING');

    server.drain();
    expect(await readiness.check()).toBe('NOT_SERVING');
    expect(await liveness.check()).toBe('SERVING');
    await expect(client.echo({ text: 'still here' })).resolves.toEqual({ text: 'still here' });
    // A caller that connects only now is served too: the drain is for load balancers to catch up.
    const late = createGrpcClient(SlowService, server.address);
    cleanups.push(() => late.$channel.close());
    await expect(late.echo({ text: 'late' })).resolves.toEqual({ text: 'late' });
  });

  test('stop: the call in flight completes, a new call is refused with UNAVAILABLE, stop resolves after the call', async () => {
    const { server, client, liveness } = await start();
    await client.echo({ text: 'connected' });
    const inFlight = client.wait({ ms: 600 });
    await new Promise((resolve) => setTimeout(resolve, 100)); // the call has reached the handler

    server.drain();
    const started = Date.now();
    const stopped = server.stop(5000).then(() => Date.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 50));

    // On the open connection (the server sent GOAWAY) and on a new one (the listener is closed).
    expect(await codeOf(client.echo({ text: 'too late' }, { deadlineMs: 1000 }))).toBe(status.UNAVAILABLE);
    const fresh = createGrpcClient(SlowService, server.address);
    cleanups.push(() => fresh.$channel.close());
    expect(await codeOf(fresh.echo({ text: 'too late' }, { deadlineMs: 1000 }))).toBe(status.UNAVAILABLE);
    expect(await liveness.check(300)).not.toBe('SERVING');

    await expect(inFlight).resolves.toEqual({ ms: 600 });
    const stopMs = await stopped;
    expect(stopMs).toBeGreaterThanOrEqual(400);
    expect(stopMs).toBeLessThan(3000);
  });

  test('stop: a call still running when the grace ends is cancelled, and stop does not wait for it', async () => {
    const { server, client } = await start();
    const endless = codeOf(client.wait({ ms: 3000 }, { deadlineMs: 10_000 }));
    await new Promise((resolve) => setTimeout(resolve, 100));

    const started = Date.now();
    await server.stop(300);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await endless).toBe(status.UNAVAILABLE);
  });
});
