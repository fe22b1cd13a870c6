// Server-streaming RPCs over the real gRPC transport, through the one way services call each other
// (connectService): order and completeness, back-pressure, errors mid-stream, cancellation,
// deadline and the call scope of the handler.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import net from 'node:net';
import {
  connectService,
  createGrpcClient,
  createLogger,
  currentCallScope,
  DomainError,
  startGrpcServer,
  type AsyncServiceImplementation,
  type RunningGrpcServer,
} from '../src/index.js';
import { jsonMethod, jsonStreamMethod } from './support/json-method.js';

type Req = { count?: number; failAfter?: number; padding?: number; everyMs?: number; probe?: string };
type Item = { n: number; pad?: string; requestId?: string; scopeRequestId?: string };

const Numbers = {
  streamNumbers: jsonStreamMethod<Req, Item>('/test.Numbers/StreamNumbers'),
  getProbe: jsonMethod<{ probe: string; produced?: number; consumedFinally?: boolean; aborted?: boolean }>('/test.Numbers/GetProbe'),
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What each generator run did, by the request's `probe` name: items produced, whether its finally ran, whether it saw the abort. */
const probes = new Map<string, { produced: number; finallyRan: boolean; aborted: boolean }>();

const implementation: AsyncServiceImplementation<typeof Numbers> = {
  async *streamNumbers(req, ctx) {
    const probe = { produced: 0, finallyRan: false, aborted: false };
    if (req.probe) probes.set(req.probe, probe);
    ctx.signal.addEventListener('abort', () => (probe.aborted = true));
    const pad = req.padding ? 'x'.repeat(req.padding) : undefined;
    try {
      if (req.failAfter === 0) throw new DomainError('not_found', 'NUMBERS_NONE', 'There are no numbers.');
      for (let n = 1; n <= (req.count ?? Infinity); n++) {
        if (req.failAfter !== undefined && n > req.failAfter) throw new DomainError('failed_precondition', 'NUMBERS_RAN_OUT', 'Ran out after some.');
        if (req.everyMs) await sleep(req.everyMs);
        probe.produced++;
        yield { n, ...(pad ? { pad } : {}), requestId: ctx.requestId, scopeRequestId: currentCallScope()?.requestId };
      }
    } finally {
      probe.finallyRan = true;
    }
  },
  getProbe: async () => ({ probe: '' }),
};

const logger = createLogger('test', 'silent');
let server: RunningGrpcServer;
const closers: (() => void)[] = [];

beforeAll(async () => {
  server = await startGrpcServer({ address: '127.0.0.1:0', logger, services: [{ definition: Numbers, implementation }] });
});

afterAll(async () => {
  for (const close of closers) close();
  await server.stop();
});

const numbers = (deadlineMs = 10_000) => {
  const c = connectService({ name: 'numbers', definition: Numbers }, server.address, { deadlineMs });
  closers.push(() => c.close());
  return c;
};

/** Reads a stream to its end or its failure: the items that arrived and the error, if any. */
async function drain(stream: AsyncIterable<Item>): Promise<{ items: Item[]; error?: unknown }> {
  const items: Item[] = [];
  try {
    for await (const item of stream) items.push(item);
    return { items };
  } catch (error) {
    return { items, error };
  }
}

describe('server-streaming RPCs', () => {
  test('100,000 items arrive complete and in order', async () => {
    let expected = 1;
    for await (const item of numbers().streamNumbers({ count: 100_000 })) {
      if (item.n !== expected) throw new Error(`item ${item.n} arrived where ${expected} was expected`);
      expected++;
    }
    expect(expected - 1).toBe(100_000);
  }, 60_000);

  test('a slow consumer holds the generator back: it runs ahead by a small window, not the whole stream', async () => {
    const probe = 'slow';
    let consumed = 0;
    let maxAhead = 0;
    // 1 KiB items: the 4 MiB HTTP/2 window of our channels holds ~4,000 of them; without
    // back-pressure the generator would produce all 100,000 while the consumer sleeps.
    for await (const item of numbers().streamNumbers({ count: 100_000, padding: 1024, probe })) {
      consumed++;
      expect(item.n).toBe(consumed);
      if (consumed % 50 === 0) await sleep(100);
      maxAhead = Math.max(maxAhead, probes.get(probe)!.produced - consumed);
      if (consumed === 500) break;
    }
    expect(maxAhead).toBeGreaterThan(0);
    expect(maxAhead).toBeLessThan(10_000);
  }, 30_000);

  test('an error after 10 items arrives after those 10, as the DomainError with its code', async () => {
    const { items, error } = await drain(numbers().streamNumbers({ failAfter: 10 }));
    expect(items.map((i) => i.n)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ kind: 'failed_precondition', code: 'NUMBERS_RAN_OUT', message: 'Ran out after some.' });
  });

  test('a slow reader of a stream that fails later gets a prefix in order, then the error: never a gap, never a silent end', async () => {
    // grpc-js drops the messages it received but had not handed over when the failure status comes
    // in, so a slow reader may see fewer than the 200 sent before the error; a failed stream is
    // incomplete whatever arrived.
    const { items, error } = await drain(
      (async function* () {
        for await (const item of numbers().streamNumbers({ failAfter: 200, padding: 100 })) {
          await sleep(2);
          yield item;
        }
      })(),
    );
    expect(items.length).toBeGreaterThan(0);
    expect(items.length).toBeLessThanOrEqual(200);
    expect(items.map((i) => i.n)).toEqual(items.map((_, index) => index + 1));
    expect(error).toMatchObject({ kind: 'failed_precondition', code: 'NUMBERS_RAN_OUT' });
  });

  test('an error before the first item arrives as the DomainError, with no items', async () => {
    const { items, error } = await drain(numbers().streamNumbers({ failAfter: 0 }));
    expect(items).toEqual([]);
    expect(error).toMatchObject({ kind: 'not_found', code: 'NUMBERS_NONE' });
  });

  test("breaking out of the loop cancels the call: the server's generator stops and its finally runs", async () => {
    const probe = 'break';
    let seen = 0;
    for await (const item of numbers().streamNumbers({ probe, everyMs: 5 })) {
      seen = item.n;
      if (seen === 20) break;
    }
    await waitUntil(() => probes.get(probe)!.finallyRan);
    const { produced, aborted } = probes.get(probe)!;
    expect(aborted).toBe(true);
    await sleep(100);
    // Nothing more is produced once it stopped (the window allows a few beyond the 20 consumed).
    expect(probes.get(probe)!.produced).toBe(produced);
    expect(produced).toBeLessThan(100);
  });

  test('the deadline ends a stream that runs too long with <SERVICE>_DEADLINE_EXCEEDED, and stops the generator', async () => {
    const probe = 'deadline';
    const started = Date.now();
    const { items, error } = await drain(numbers(300).streamNumbers({ probe, everyMs: 20 }));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(items.length).toBeGreaterThan(0);
    expect(error).toMatchObject({ kind: 'deadline', code: 'NUMBERS_DEADLINE_EXCEEDED' });
    await waitUntil(() => probes.get(probe)!.finallyRan);
  });

  test("the request id reaches the handler's context and its call scope", async () => {
    const { items } = await drain(numbers().streamNumbers({ count: 3 }, { requestId: 'req-stream-1' }));
    expect(items).toEqual([1, 2, 3].map((n) => ({ n, requestId: 'req-stream-1', scopeRequestId: 'req-stream-1' })));
  });

  test('an iterable never iterated sends no call', async () => {
    const probe = 'lazy';
    numbers().streamNumbers({ probe, count: 1 });
    await sleep(100);
    expect(probes.has(probe)).toBe(false);
  });

  test('the raw client (createGrpcClient) streams too, and a break cancels it', async () => {
    const raw = createGrpcClient(Numbers, server.address);
    closers.push(() => raw.$channel.close());
    const probe = 'raw';
    const got: number[] = [];
    for await (const item of raw.streamNumbers({ probe, everyMs: 2 })) {
      got.push(item.n);
      if (got.length === 5) break;
    }
    expect(got).toEqual([1, 2, 3, 4, 5]);
    await waitUntil(() => probes.get(probe)!.finallyRan);
  });
});

describe('retries of a Stream* read', () => {
  test('before the first item, a refused connection is retried like a unary read', async () => {
    const port = await freePort();
    const c = connectService({ name: 'numbers', definition: Numbers }, `127.0.0.1:${port}`, { deadlineMs: 3000 });
    closers.push(() => c.close());
    const reading = drain(c.streamNumbers({ count: 3 }));
    await sleep(30);
    const late = await startGrpcServer({ address: `127.0.0.1:${port}`, logger, services: [{ definition: Numbers, implementation }] });
    try {
      expect((await reading).items.map((i) => i.n)).toEqual([1, 2, 3]);
    } finally {
      await late.stop();
    }
  });

  test('after an item, a lost connection fails the stream as <SERVICE>_UNAVAILABLE: no retry repeats items', async () => {
    // A forwarder to the server whose connections we can cut mid-stream.
    const sockets = new Set<net.Socket>();
    const [host, port] = [server.address.slice(0, server.address.lastIndexOf(':')), Number(server.address.slice(server.address.lastIndexOf(':') + 1))];
    const proxy = net.createServer((inbound) => {
      const outbound = net.connect(port, host);
      for (const s of [inbound, outbound]) {
        sockets.add(s);
        s.on('error', () => {});
        s.on('close', () => sockets.delete(s));
      }
      inbound.pipe(outbound).pipe(inbound);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const c = connectService({ name: 'numbers', definition: Numbers }, `127.0.0.1:${(proxy.address() as net.AddressInfo).port}`, { deadlineMs: 3000 });
    closers.push(() => c.close());
    const probe = 'lost';
    const items: number[] = [];
    let error: unknown;
    try {
      for await (const item of c.streamNumbers({ probe, everyMs: 5 })) {
        items.push(item.n);
        if (item.n === 3) for (const s of sockets) s.destroy();
      }
    } catch (e) {
      error = e;
    } finally {
      await new Promise((resolve) => proxy.close(resolve));
    }
    expect(error).toMatchObject({ kind: 'unavailable', code: 'NUMBERS_UNAVAILABLE' });
    // The items already read, and no repeat of them (a retry would start again at 1).
    expect(items).toEqual(items.map((_, index) => index + 1));
    expect(items.length).toBeGreaterThanOrEqual(3);
    await waitUntil(() => probes.get(probe)!.finallyRan);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function waitUntil(probe: () => boolean, timeoutMs = 3000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await sleep(10);
  }
}
