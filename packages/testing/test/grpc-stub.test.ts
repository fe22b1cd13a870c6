import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { status } from '@grpc/grpc-js';
import { connectService, createGrpcClient, DomainError, type GrpcClient, type ServiceClient, type ServiceDefinition } from '@finance/platform';
import { authV1 } from '@finance/proto';
import { GrpcStub } from '../src/grpc-stub.js';
import { rejected } from '../src/grpc.js';

let stub: GrpcStub<typeof authV1.AuthServiceService>;
let client: GrpcClient<typeof authV1.AuthServiceService>;

beforeAll(async () => {
  stub = await GrpcStub.start(authV1.AuthServiceService);
  client = createGrpcClient(authV1.AuthServiceService, stub.address, { deadlineMs: 2000 });
});
afterAll(async () => {
  client.$channel.close();
  await stub.stop();
});
beforeEach(() => stub.reset());

const user = (id: string): authV1.User => ({ id, email: `${id}@example.com`, username: id, isActive: true, baseCurrency: 'EUR', timezone: 'UTC', notificationPreferences: undefined, createdAt: undefined, updatedAt: undefined });

test('answers what was scripted, and records each call with its request id and remaining time', async () => {
  stub.on('getUser', ({ userId }) => ({ user: user(userId) }));
  expect((await client.getUser({ userId: 'u1' }, { requestId: 'r-1', deadlineMs: 900 })).user).toMatchObject({ id: 'u1', baseCurrency: 'EUR' });
  expect(stub.lastRequest('getUser')).toEqual({ userId: 'u1' });
  const [call] = stub.callsOf('getUser');
  expect(call).toMatchObject({ rpc: 'getUser', requestId: 'r-1' });
  expect(call!.remainingMs).toBeLessThanOrEqual(900);
  expect(call!.remainingMs).toBeGreaterThan(0);
});

test('a scripted DomainError reaches the caller as the real service would send it; an unscripted RPC fails and is listed', async () => {
  stub.fail('getUser', new DomainError('not_found', 'AUTH_USER_NOT_FOUND', 'User not found.'));
  expect(await rejected(client.getUser({ userId: 'u1' }))).toMatchObject({ status: status.NOT_FOUND, code: 'AUTH_USER_NOT_FOUND', detail: 'User not found.' });
  expect((await rejected(client.deleteUser({ userId: 'u1' }))).status).toBe(status.INTERNAL);
  expect(stub.unscripted).toEqual(['deleteUser']);
});

test('an outage fails every RPC after recording it', async () => {
  stub.answer('getUser', { user: user('u2') });
  stub.outage = new DomainError('unavailable', 'AUTH_DOWN', 'down');
  expect((await rejected(client.getUser({ userId: 'u2' }))).status).toBe(status.UNAVAILABLE);
  expect(stub.calls).toHaveLength(1);
});

test('a delay past the caller\'s deadline is DEADLINE_EXCEEDED; stop() cuts every delay short', async () => {
  const other = await GrpcStub.start(authV1.AuthServiceService);
  const c = createGrpcClient(authV1.AuthServiceService, other.address, { deadlineMs: 100 });
  try {
    other.answer('getUser', { user: user('u3') });
    other.delayMs = 60_000;
    expect((await rejected(c.getUser({ userId: 'u3' }))).status).toBe(status.DEADLINE_EXCEEDED);
    const started = Date.now();
    await other.stop();
    expect(Date.now() - started).toBeLessThan(5_000);
  } finally {
    c.$channel.close();
    await other.stop();
  }
});

describe('a server-streaming RPC', () => {
  // No proto of ours streams yet: a JSON-message definition of the shape ts-proto generates.
  const json = (v: { n: number }) => Buffer.from(JSON.stringify(v));
  const parse = (b: Buffer) => JSON.parse(b.toString()) as { n: number };
  const Numbers = {
    streamNumbers: { path: '/test.Numbers/StreamNumbers', requestStream: false, responseStream: true, requestSerialize: json, requestDeserialize: parse, responseSerialize: json, responseDeserialize: parse },
  } as const satisfies ServiceDefinition;
  let numbers: GrpcStub<typeof Numbers>;
  let numbersClient: ServiceClient<typeof Numbers>;

  beforeAll(async () => {
    numbers = await GrpcStub.start(Numbers);
    numbersClient = connectService({ name: 'numbers', definition: Numbers }, numbers.address, { deadlineMs: 2000 });
  });
  afterAll(async () => {
    numbersClient.close();
    await numbers.stop();
  });
  beforeEach(() => numbers.reset());

  async function read(request: { n: number }, requestId?: string) {
    const items: number[] = [];
    try {
      for await (const item of numbersClient.streamNumbers(request, requestId ? { requestId } : {})) items.push(item.n);
      return { items };
    } catch (error) {
      return { items, error };
    }
  }

  test('streams what an async generator scripted, failing where it throws; the call is recorded', async () => {
    numbers.on('streamNumbers', async function* ({ n }) {
      for (let i = 1; i <= n; i++) yield { n: i };
      throw new DomainError('failed_precondition', 'NUMBERS_RAN_OUT', 'ran out');
    });
    const { items, error } = await read({ n: 3 }, 'r-stream');
    expect(items).toEqual([1, 2, 3]);
    expect(error).toMatchObject({ kind: 'failed_precondition', code: 'NUMBERS_RAN_OUT' });
    expect(numbers.callsOf('streamNumbers')).toMatchObject([{ rpc: 'streamNumbers', request: { n: 3 }, requestId: 'r-stream' }]);
  });

  test('answer streams the given responses', async () => {
    numbers.answer('streamNumbers', [{ n: 7 }, { n: 8 }]);
    expect(await read({ n: 0 })).toEqual({ items: [7, 8] });
  });

  test('fail and outage end the stream before any item with their error; unscripted fails and is listed', async () => {
    numbers.fail('streamNumbers', new DomainError('not_found', 'NUMBERS_NONE', 'none'));
    expect(await read({ n: 1 })).toMatchObject({ items: [], error: { kind: 'not_found', code: 'NUMBERS_NONE' } });
    numbers.answer('streamNumbers', [{ n: 1 }]);
    numbers.outage = new DomainError('unavailable', 'NUMBERS_DOWN', 'down');
    expect(await read({ n: 1 })).toMatchObject({ items: [], error: { kind: 'unavailable', code: 'NUMBERS_DOWN' } });
    numbers.reset();
    expect(await read({ n: 1 })).toMatchObject({ items: [], error: { kind: 'unavailable', code: 'NUMBERS_UNAVAILABLE' } });
    expect(numbers.unscripted).toEqual(['streamNumbers']);
  });
});
