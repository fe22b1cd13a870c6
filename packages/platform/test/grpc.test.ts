import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { status } from '@grpc/grpc-js';
import {
  createGrpcClient,
  createHealthChecker,
  createLogger,
  DomainError,
  fromGrpcError,
  isServiceError,
  startGrpcServer,
  type AsyncServiceImplementation,
  type RunningGrpcServer,
} from '../src/index.js';
import { jsonMethod } from './support/json-method.js';

// A tiny service with JSON messages, enough to exercise the real transport.
const EchoService = {
  echo: jsonMethod<{ text: string; requestId?: string }>('/test.Echo/Echo'),
  fail: jsonMethod<{ kind: string }>('/test.Echo/Fail'),
  slow: jsonMethod<{ ms: number }>('/test.Echo/Slow'),
};
const echoImplementation: AsyncServiceImplementation<typeof EchoService> = {
  echo: async (req, ctx) => ({ text: req.text, requestId: ctx.requestId }),
  fail: async (req) => {
    if (req.kind === 'domain') {
      throw new DomainError('invalid_argument', 'TEST_BAD_FIELD', 'amount is wrong', { errors: [{ path: 'amount', message: 'too many decimals — ü' }] });
    }
    if (req.kind === 'limited') throw new DomainError('resource_exhausted', 'TEST_LIMITED', 'slow down', { retryAfterSeconds: 42 });
    throw new Error('secret internal detail');
  },
  slow: (req) => new Promise((r) => setTimeout(() => r(req), req.ms)),
};

let server: RunningGrpcServer;
let client: ReturnType<typeof createGrpcClient<typeof EchoService>>;
const logger = createLogger('test', 'silent');

beforeAll(async () => {
  server = await startGrpcServer({
    address: '127.0.0.1:0',
    logger,
    services: [{ definition: EchoService, implementation: echoImplementation }],
  });
  client = createGrpcClient(EchoService, server.address, { deadlineMs: 2000 });
});

afterAll(async () => {
  client.$channel.close();
  await server.stop();
});

async function failure(promise: Promise<unknown>) {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  if (!isServiceError(err)) throw new Error(`expected a gRPC error, got ${String(err)}`);
  return err;
}

describe('gRPC transport', () => {
  test('a call round-trips and carries the request id', async () => {
    await expect(client.echo({ text: 'hi' }, { requestId: 'req-123' })).resolves.toEqual({ text: 'hi', requestId: 'req-123' });
  });

  test('without a request id the server makes one', async () => {
    const res = await client.echo({ text: 'x' });
    expect(res.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('a DomainError arrives with its kind, code, message and field errors', async () => {
    const err = await failure(client.fail({ kind: 'domain' }));
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(fromGrpcError(err)).toEqual({
      httpStatus: 422,
      grpcCode: status.INVALID_ARGUMENT,
      code: 'TEST_BAD_FIELD',
      detail: 'amount is wrong',
      errors: [{ path: 'amount', message: 'too many decimals — ü' }],
    });
  });

  test('retry-after travels with resource_exhausted', async () => {
    const remote = fromGrpcError(await failure(client.fail({ kind: 'limited' })));
    expect(remote).toMatchObject({ httpStatus: 429, code: 'TEST_LIMITED', retryAfterSeconds: 42 });
  });

  test('an unexpected error is INTERNAL and its text never leaves the service', async () => {
    const err = await failure(client.fail({ kind: 'boom' }));
    expect(err.code).toBe(status.INTERNAL);
    expect(err.details).toBe('Internal error');
    expect(fromGrpcError(err)).toMatchObject({ httpStatus: 500, detail: 'Internal error' });
  });

  test('a deadline is enforced and maps to 504', async () => {
    const err = await failure(client.slow({ ms: 500 }, { deadlineMs: 50 }));
    expect(err.code).toBe(status.DEADLINE_EXCEEDED);
    expect(fromGrpcError(err).httpStatus).toBe(504);
  });

  test('health reports SERVING, and UNREACHABLE for a closed port', async () => {
    const healthy = createHealthChecker(server.address);
    const nobody = createHealthChecker('127.0.0.1:1');
    await expect(healthy.check()).resolves.toBe('SERVING');
    await expect(nobody.check(300)).resolves.toBe('UNREACHABLE');
    healthy.close();
    nobody.close();
  });
});
