// Client-streaming RPCs over the real gRPC transport, through the one way services call each other
// (connectService): every request in order, back-pressure from a slow handler, an early answer, a
// caller that gives up, and the call scope of the handler.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { connectService, createLogger, currentCallScope, DomainError, startGrpcServer, type AsyncServiceImplementation, type RunningGrpcServer } from '../src/index.js';
import { jsonClientStreamMethod } from './support/json-method.js';

type Part = { n: number; pad?: string; probe?: string; slowMs?: number; refuseAt?: number };
type Sum = { count: number; total: number; requestId?: string; scopeRequestId?: string };

const Summer = { sumParts: jsonClientStreamMethod<Part, Sum>('/test.Summer/SumParts') };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What each handler run saw, by the first request's `probe`: parts read, whether the call was aborted, how its loop ended. */
const probes = new Map<string, { read: number; aborted: boolean; ended?: 'end' | 'throw' }>();

const implementation: AsyncServiceImplementation<typeof Summer> = {
  async sumParts(parts, ctx) {
    let count = 0;
    let total = 0;
    let probe: { read: number; aborted: boolean; ended?: 'end' | 'throw' } | undefined;
    try {
      for await (const part of parts) {
        if (count === 0 && part.probe) {
          probe = { read: 0, aborted: false };
          probes.set(part.probe, probe);
          ctx.signal.addEventListener('abort', () => (probe!.aborted = true));
        }
        if (probe) probe.read++;
        if (part.refuseAt === part.n) throw new DomainError('invalid_argument', 'SUMMER_REFUSED', `Part ${part.n} is refused.`);
        if (part.slowMs) await sleep(part.slowMs);
        count++;
        total += part.n;
      }
      if (probe) probe.ended = 'end';
    } catch (err) {
      if (probe) probe.ended = 'throw';
      throw err;
    }
    return { count, total, requestId: ctx.requestId, scopeRequestId: currentCallScope()?.requestId };
  },
};

let server: RunningGrpcServer;
const closers: (() => void)[] = [];

beforeAll(async () => {
  server = await startGrpcServer({ address: '127.0.0.1:0', logger: createLogger('test', 'silent'), services: [{ definition: Summer, implementation }] });
});

afterAll(async () => {
  for (const close of closers) close();
  await server.stop();
});

const summer = () => {
  const c = connectService({ name: 'summer', definition: Summer }, server.address, { deadlineMs: 10_000 });
  closers.push(() => c.close());
  return c;
};

describe('client-streaming RPCs', () => {
  test('every request reaches the handler in order, from an array or an async generator; the answer comes back once', async () => {
    const client = summer();
    expect(await client.sumParts([{ n: 1 }, { n: 2 }, { n: 3 }])).toMatchObject({ count: 3, total: 6 });
    async function* parts() {
      for (let n = 1; n <= 2000; n++) yield { n };
    }
    expect(await client.sumParts(parts(), { requestId: 'req-sum' })).toEqual({ count: 2000, total: 2001000, requestId: 'req-sum', scopeRequestId: 'req-sum' });
    expect(await client.sumParts([])).toMatchObject({ count: 0, total: 0 });
  });

  test('back-pressure: a slow handler holds the caller back instead of the whole stream being buffered', async () => {
    const client = summer();
    let produced = 0;
    const pad = 'x'.repeat(64 * 1024);
    async function* parts() {
      for (let n = 1; n <= 400; n++) {
        produced++;
        yield { n, pad, slowMs: 5 };
      }
    }
    const call = client.sumParts(parts());
    await sleep(300);
    // 400 parts of 64 KiB are 25 MiB; after 300 ms the handler has taken at most ~60, and the caller is
    // at most the flow-control windows and the streams' queues ahead of it.
    expect(produced).toBeLessThan(250);
    expect(await call).toMatchObject({ count: 400 });
  }, 20_000);

  test('a handler that answers (refuses) before the last request: the caller gets that verdict and stops sending', async () => {
    const client = summer();
    let produced = 0;
    let finallyRan = false;
    async function* parts() {
      try {
        for (let n = 1; n <= 100_000; n++) {
          produced++;
          yield { n, refuseAt: 3, pad: 'x'.repeat(1024) };
        }
      } finally {
        finallyRan = true;
      }
    }
    await expect(client.sumParts(parts())).rejects.toMatchObject({ kind: 'invalid_argument', code: 'SUMMER_REFUSED' });
    expect(finallyRan).toBe(true);
    expect(produced).toBeLessThan(100_000);
  });

  test('a caller whose requests throw cancels the call: it rejects with its own error and the handler sees the abort', async () => {
    const client = summer();
    async function* parts() {
      yield { n: 1, probe: 'gives-up' };
      yield { n: 2 };
      await sleep(200);
      throw new Error('the caller gave up');
    }
    await expect(client.sumParts(parts())).rejects.toThrow('the caller gave up');
    const seen = async () => probes.get('gives-up');
    for (let i = 0; i < 50 && !(await seen())?.aborted; i++) await sleep(20);
    expect(probes.get('gives-up')).toMatchObject({ read: 2, aborted: true });
  });
});
