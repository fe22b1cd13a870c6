import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { HealthImplementation, service as healthService } from 'grpc-health-check';
import type { Logger } from 'pino';
import { runInCallScope } from './call-scope.js';
import { DomainError } from './errors.js';
import { toGrpcStatus } from './grpc-errors.js';
import { InFlightCalls } from './grpc-in-flight.js';
import { grpcServerMeters, type CallMeter, type MetricsRegistry } from './metrics.js';
import { endCallSpan, inSpan, startServerCallSpan } from './grpc-tracing.js';
import { traceLogFields, tracingEnabled } from './tracing.js';

/** The shape ts-proto generates for each RPC of a `*Service` definition (grpc-js output). */
export interface UnaryMethodDefinition<Req, Res> {
  path: string;
  requestStream: false;
  responseStream: false;
  requestSerialize(value: Req): Buffer;
  requestDeserialize(value: Buffer): Req;
  responseSerialize(value: Res): Buffer;
  responseDeserialize(value: Buffer): Res;
}

/** A server-streaming RPC (`rpc StreamX(Req) returns (stream Res)`): one request, many responses. */
export interface ServerStreamingMethodDefinition<Req, Res> extends Omit<UnaryMethodDefinition<Req, Res>, 'responseStream'> {
  responseStream: true;
}

/** A client-streaming RPC (`rpc ImportX(stream Req) returns (Res)`): many requests, one response. */
export interface ClientStreamingMethodDefinition<Req, Res> extends Omit<UnaryMethodDefinition<Req, Res>, 'requestStream'> {
  requestStream: true;
}

type AnyMethod = UnaryMethodDefinition<any, any> | ServerStreamingMethodDefinition<any, any> | ClientStreamingMethodDefinition<any, any>;
export type ServiceDefinition = Record<string, AnyMethod>;
export type RequestOf<M> = M extends { requestDeserialize(value: Buffer): infer Req } ? Req : never;
export type ResponseOf<M> = M extends { responseSerialize(value: infer Res): Buffer } ? Res : never;
type IsStream<M> = M extends { responseStream: true } ? true : false;
type IsRequestStream<M> = M extends { requestStream: true } ? true : false;

export interface CallContext {
  requestId: string;
  logger: Logger;
  metadata: grpc.Metadata;
  /** When the caller stops waiting. */
  deadline: grpc.Deadline;
}

/** What a server-streaming handler is given besides the request. */
export interface StreamCallContext extends CallContext {
  /** Aborted when the caller goes away: it cancelled (broke out of its loop) or its deadline passed. */
  signal: AbortSignal;
}

/**
 * A service implemented with async functions; thrown DomainErrors become gRPC statuses. A
 * server-streaming RPC is an `async function*` (or anything returning an AsyncIterable) of its
 * responses; see "Server-streaming RPCs" below.
 */
export type AsyncServiceImplementation<D extends ServiceDefinition> = {
  [K in keyof D]: IsStream<D[K]> extends true
    ? (request: RequestOf<D[K]>, context: StreamCallContext) => AsyncIterable<ResponseOf<D[K]>>
    : IsRequestStream<D[K]> extends true
      ? (requests: AsyncIterable<RequestOf<D[K]>>, context: StreamCallContext) => Promise<ResponseOf<D[K]>>
      : (request: RequestOf<D[K]>, context: CallContext) => Promise<ResponseOf<D[K]>>;
};

export const REQUEST_ID_KEY = 'x-request-id';

/**
 * Options of every server and client. Channelz (grpc-js's call-tracing registry, on by default)
 * stamps and counts every call; nothing here reads it, and it cost ~10 % of a call's CPU.
 */
const CHANNEL_OPTIONS: grpc.ChannelOptions = { 'grpc.enable_channelz': 0 };

/** What every handler of one call shares: its request id, lazy logger, context and call scope. */
function startCall(call: { metadata: grpc.Metadata; getDeadline(): grpc.Deadline }, path: string, logger: Logger, meter: CallMeter | undefined) {
  const startedAt = meter ? performance.now() : 0;
  const given = call.metadata.get(REQUEST_ID_KEY)[0];
  const requestId = typeof given === 'string' && given.length <= 200 ? given : randomUUID();
  // The caller's trace continues in a server span (tracing.ts); off, nothing is made.
  const traced = tracingEnabled() ? startServerCallSpan(call.metadata, path) : undefined;
  // The request's child logger is made when something logs: most calls log nothing.
  let log: Logger | undefined;
  const requestLogger = () => (log ??= logger.child({ request_id: requestId, rpc: path, ...traceLogFields(traced?.span) }));
  const debug = logger.isLevelEnabled('debug');
  const started = debug ? process.hrtime.bigint() : 0n;
  const deadline = call.getDeadline();
  const context: CallContext = {
    requestId,
    get logger() {
      return requestLogger();
    },
    metadata: call.metadata,
    deadline,
  };
  // Calls this handler makes to other services inherit the request id and the remaining time.
  const scope = { requestId, deadline: deadline instanceof Date ? deadline.getTime() : deadline };
  const elapsedMs = () => Number(process.hrtime.bigint() - started) / 1e6;
  /** The call ended with `code` (`error`: what failed it): its span ends and it is counted. */
  const finish = (code: number, error?: unknown) => {
    if (traced) endCallSpan(traced, 'server', code, error);
    meter?.done(code, startedAt);
  };
  return { context, scope, requestLogger, debug, elapsedMs, traced, finish };
}

function adapt<D extends ServiceDefinition>(
  definition: D,
  impl: AsyncServiceImplementation<D>,
  logger: Logger,
  meterFor?: (method: string) => CallMeter,
): grpc.UntypedServiceImplementation {
  const handlers: grpc.UntypedServiceImplementation = {};
  for (const name of Object.keys(definition) as (keyof D & string)[]) {
    const method = definition[name]!;
    // Counted per method and status (metrics.ts), with instruments resolved here, once.
    const meter = meterFor?.(method.path);
    if (method.responseStream) {
      const serve = impl[name] as unknown as StreamHandler;
      handlers[name] = ((call) => serveStream(call, serve, startCall(call, method.path, logger, meter))) satisfies grpc.handleServerStreamingCall<unknown, unknown>;
      continue;
    }
    if (method.requestStream) {
      const serve = impl[name] as unknown as RequestStreamHandler;
      handlers[name] = ((call, callback) => serveRequestStream(call, callback, serve, startCall(call, method.path, logger, meter))) satisfies grpc.handleClientStreamingCall<
        unknown,
        unknown
      >;
      continue;
    }
    const serve = impl[name] as unknown as (request: unknown, context: CallContext) => Promise<unknown>;
    const handler: grpc.handleUnaryCall<unknown, unknown> = (call, callback) => {
      const started = startCall(call, method.path, logger, meter);
      answerWith(callback, started, () => serve(call.request, started.context));
    };
    handlers[name] = handler;
  }
  return handlers;
}

/** Runs a handler that answers once (unary, client-streaming) in its call scope and span, and sends its answer or status. */
function answerWith(callback: grpc.sendUnaryData<unknown>, started: ReturnType<typeof startCall>, run: () => Promise<unknown>): void {
  const { scope, requestLogger, debug, elapsedMs, traced, finish } = started;
  inSpan(traced, () => runInCallScope(scope, run)).then(
    (response) => {
      if (debug) requestLogger().debug({ ms: elapsedMs() }, 'rpc ok');
      finish(grpc.status.OK);
      callback(null, response);
    },
    (err: unknown) => {
      const st = toGrpcStatus(err, requestLogger());
      if (debug) requestLogger().debug({ code: st.code, ms: elapsedMs() }, 'rpc failed');
      finish(st.code ?? grpc.status.UNKNOWN, err);
      callback(st as grpc.ServiceError);
    },
  );
}

// Client-streaming RPCs (an import's rows, issue 13).
// - The implementation is an async function given the requests as an AsyncIterable (read with
//   `for await`) and a StreamCallContext; it answers once, like a unary handler, and a throw becomes
//   its status the same way.
// - Back-pressure: grpc-js reads the next message from the connection only when the handler asked
//   for it, so a handler that awaits work between messages holds the caller back (HTTP/2 flow
//   control) instead of buffering the whole request stream.
// - When the caller goes away (cancelled, its deadline passed) `signal` aborts. But grpc-js may end
//   the request stream of a cancelled call normally BEFORE it reports the cancellation (measured:
//   the handler's loop ended, then the abort came), so the end of the requests does not prove that
//   the caller sent them all. A handler that acts on the whole (commits an import) must have the
//   caller mark its last message, and refuse a stream that ends without it. A handler may also
//   answer before reading every request (a verdict on the first); the rest are then dropped.
type RequestStreamHandler = (requests: AsyncIterable<unknown>, context: StreamCallContext) => Promise<unknown>;

function serveRequestStream(
  call: grpc.ServerReadableStream<unknown, unknown>,
  callback: grpc.sendUnaryData<unknown>,
  serve: RequestStreamHandler,
  started: ReturnType<typeof startCall>,
): void {
  const cancelled = new AbortController();
  call.once('cancelled', () => cancelled.abort());
  const context: StreamCallContext = Object.assign(started.context, { signal: cancelled.signal });
  answerWith(callback, started, () => serve(requestsOf(call, cancelled.signal), context));
}

/** The requests of a client-streaming call; once the call is known to be cancelled, reading throws instead of ending. */
async function* requestsOf(call: grpc.ServerReadableStream<unknown, unknown>, signal: AbortSignal): AsyncGenerator<unknown> {
  for await (const request of call) {
    if (signal.aborted) break;
    yield request;
  }
  if (signal.aborted) throw new DomainError('unavailable', 'CALL_CANCELLED', 'The caller cancelled the call before sending every request.');
}

// Server-streaming RPCs (the export of a million rows, issue 13).
// - The implementation is an `async function*` (or returns an AsyncIterable) of responses, given the
//   request and a StreamCallContext: the unary context plus `signal`, aborted when the caller goes
//   away (cancelled, broke out of its loop, or its deadline passed). It runs in the same call scope
//   as a unary handler, so calls it makes to other services inherit the request id and deadline.
// - Back-pressure: the next item is asked of the iterable only once the previous one was accepted;
//   when `call.write` returns false (16 messages queued while HTTP/2 flow control holds them, i.e.
//   the client reads slowly), the server waits for 'drain'. A generator therefore runs ahead of its
//   consumer by at most those queues and the flow-control windows, never by the whole result.
// - The call ends OK when the iterable ends. A throw, before the first item or after many, ends it
//   with the status a unary handler's throw gets (toGrpcStatus), sent after the items already
//   yielded. The client sees those items in order, then the error; but grpc-js drops the items it had
//   received and not yet handed to a slow reader (beyond its 16-message read-ahead) when a failure
//   status comes in, so a failed stream is incomplete, whatever arrived: never use its items as a whole.
// - When the caller goes away the iterator's `return()` is called (a generator's `finally` runs:
//   close the cursor there); an item it was awaiting when that happened is dropped.
type StreamHandler = (request: unknown, context: StreamCallContext) => AsyncIterable<unknown>;

function serveStream(call: grpc.ServerWritableStream<unknown, unknown>, serve: StreamHandler, started: ReturnType<typeof startCall>): void {
  const { context, scope, requestLogger, debug, elapsedMs, traced, finish } = started;
  const cancelled = new AbortController();
  call.once('cancelled', () => cancelled.abort());
  const streamContext: StreamCallContext = Object.assign(context, { signal: cancelled.signal });
  let items = 0;
  const pump = async () => {
    for await (const item of serve(call.request, streamContext)) {
      if (cancelled.signal.aborted) return;
      items++;
      if (!call.write(item)) await drained(call, cancelled.signal);
      if (cancelled.signal.aborted) return;
    }
  };
  inSpan(traced, () => runInCallScope(scope, pump)).then(
    () => {
      if (debug) requestLogger().debug({ items, ms: elapsedMs(), cancelled: cancelled.signal.aborted }, 'rpc stream ended');
      finish(cancelled.signal.aborted ? grpc.status.CANCELLED : grpc.status.OK);
      if (!cancelled.signal.aborted) call.end();
    },
    (err: unknown) => {
      // Once the caller went away, a throw is the generator reacting to the abort: nobody hears a status.
      if (cancelled.signal.aborted) {
        if (debug) requestLogger().debug({ err, items, ms: elapsedMs() }, 'rpc stream cancelled');
        finish(grpc.status.CANCELLED);
        return;
      }
      const st = toGrpcStatus(err, requestLogger());
      if (debug) requestLogger().debug({ code: st.code, items, ms: elapsedMs() }, 'rpc stream failed');
      finish(st.code ?? grpc.status.UNKNOWN, err);
      // The status goes out after the items already written (grpc-js: 'error' → end with that status).
      call.emit('error', st);
    },
  );
}

/** Resolves when the stream's queue has room again, or the call is over (cancelled, closed). */
function drained(call: grpc.ServerWritableStream<unknown, unknown>, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      call.off('drain', done);
      call.off('close', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    call.on('drain', done);
    call.on('close', done);
    signal.addEventListener('abort', done);
  });
}

export interface GrpcServiceRegistration {
  definition: ServiceDefinition;
  implementation: AsyncServiceImplementation<any>;
}

export interface RunningGrpcServer {
  server: grpc.Server;
  port: number;
  address: string;
  health: HealthImplementation;
  /**
   * The start of a graceful stop: each registered service reports NOT_SERVING (readiness: callers and
   * Kubernetes stop sending calls) while "" (liveness) stays SERVING and calls are still answered.
   */
  drain(): void;
  /**
   * Marks everything NOT_SERVING, refuses new calls (UNAVAILABLE), lets in-flight calls finish (up to
   * `graceMs`, then cancels them), then closes.
   */
  stop(graceMs?: number): Promise<void>;
}

/** `finance.ledger.v1.LedgerService` from a definition's method paths (`/finance.ledger.v1.LedgerService/GetX`). */
export function serviceNameOf(definition: ServiceDefinition): string {
  const path = Object.values(definition)[0]?.path ?? '';
  return path.slice(1, path.lastIndexOf('/'));
}

/**
 * Starts a gRPC server with the standard grpc.health.v1 service. Health reports SERVING for ""
 * (the whole server) and for each registered service's full name once bound; readiness probes and
 * the gateway's /health ask a service's name, liveness probes "". `drain()` turns only the names to
 * NOT_SERVING (shutdown.ts: the drain before a stop), `stop()` everything.
 */
export async function startGrpcServer(options: {
  address: string;
  services: GrpcServiceRegistration[];
  logger: Logger;
  /** The largest request accepted (default 8 MiB): raised by the services that take a whole import file or its rows. */
  maxReceiveMessageBytes?: number;
  /** Where finance_grpc_server_* are counted (the service's registry, metrics.ts); unset: not counted. */
  metrics?: MetricsRegistry;
  /** How long a client connection may live before the server asks it to reconnect (default 5 minutes; see below). */
  maxConnectionAgeMs?: number;
}): Promise<RunningGrpcServer> {
  const server = new grpc.Server({
    ...CHANNEL_OPTIONS,
    'grpc.max_receive_message_length': options.maxReceiveMessageBytes ?? 8 * 1024 * 1024,
    // A caller keeps its connections for as long as they live, so replicas added later (a scale-up,
    // a rollout) would get none of its calls. After this age the server sends GOAWAY: the caller
    // resolves the address again and connects to whatever answers it now, the calls in flight on the
    // old connection finish there (no grace limit: an export stream may run for a minute).
    'grpc.max_connection_age_ms': options.maxConnectionAgeMs ?? 5 * 60_000,
  });
  const names = ['', ...options.services.map(({ definition }) => serviceNameOf(definition))];
  const health = new HealthImplementation(Object.fromEntries(names.map((n) => [n, 'NOT_SERVING' as const])));
  health.addToServer(server);
  const setHealth = (status: 'SERVING' | 'NOT_SERVING', which = names) => {
    for (const n of which) health.setStatus(n, status);
  };
  const meterFor = options.metrics ? grpcServerMeters(options.metrics) : undefined;
  const inFlight = new InFlightCalls();
  for (const { definition, implementation } of options.services) {
    server.addService(definition as unknown as grpc.ServiceDefinition, adapt(definition, inFlight.track(definition, implementation), options.logger, meterFor));
  }
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(options.address, grpc.ServerCredentials.createInsecure(), (err, boundPort) => (err ? reject(err) : resolve(boundPort))),
  );
  setHealth('SERVING');
  const host = options.address.slice(0, options.address.lastIndexOf(':'));
  return {
    server,
    port,
    address: `${host}:${port}`,
    health,
    drain: () => setHealth('NOT_SERVING', names.slice(1)),
    stop: (graceMs = 5000) =>
      new Promise<void>((resolve) => {
        setHealth('NOT_SERVING');
        // The calls left are ended with UNAVAILABLE (grpc-in-flight.ts); their answers get a moment
        // to leave before the stop is over, whether or not tryShutdown's callback comes.
        const timer = setTimeout(() => {
          inFlight.cancelAll();
          server.forceShutdown();
          setTimeout(resolve, 200);
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
  };
}

export interface RequestOptions {
  /** Milliseconds; defaults to the client's `deadlineMs`. */
  deadlineMs?: number;
  requestId?: string;
  /** Extra metadata the call carries: the W3C trace headers of its client span (service-client.ts). */
  traceHeaders?: Record<string, string>;
}

/**
 * A promise-returning client for every RPC of a service definition; a server-streaming RPC returns
 * an AsyncIterable of its responses instead (see `streamResponses`).
 */
export type GrpcClient<D extends ServiceDefinition> = {
  [K in keyof D]: IsStream<D[K]> extends true
    ? (request: RequestOf<D[K]>, options?: RequestOptions) => AsyncIterable<ResponseOf<D[K]>>
    : IsRequestStream<D[K]> extends true
      ? (requests: AsyncIterable<RequestOf<D[K]>> | Iterable<RequestOf<D[K]>>, options?: RequestOptions) => Promise<ResponseOf<D[K]>>
      : (request: RequestOf<D[K]>, options?: RequestOptions) => Promise<ResponseOf<D[K]>>;
} & { readonly $channel: grpc.Client };

const ROUND_ROBIN = JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] });

export function createGrpcClient<D extends ServiceDefinition>(definition: D, address: string, options: { deadlineMs?: number } = {}): GrpcClient<D> {
  const channel = new grpc.Client(address, grpc.credentials.createInsecure(), {
    ...CHANNEL_OPTIONS,
    'grpc.keepalive_time_ms': 30_000,
    // grpc-js backs off up to 120 s between reconnects; a restarted service should be used again
    // within seconds, not answer 503 for two minutes.
    'grpc.max_reconnect_backoff_ms': 5_000,
    // The first reconnect after a refused connection comes after 100 ms (grpc-js: 1 s), so that a
    // read retried by the service client (service-client.ts) can reach a service that just came back.
    'grpc.initial_reconnect_backoff_ms': 100,
    'grpc.max_receive_message_length': 8 * 1024 * 1024,
    // HTTP/2's default window (64 KiB per connection) stalls every call on one channel once a few
    // answers of ~12 KiB (a page of 50 transactions) are in flight: the server waits for
    // WINDOW_UPDATEs. 4 MiB lets ~300 such answers flow at once; it cut a call's CPU by ~30 % and
    // raised throughput 1.5–2× at 50 concurrent calls.
    'grpc-node.flow_control_window': 4 * 1024 * 1024,
    // Every address the target resolves to is used in turn, not only the first: behind a headless
    // Kubernetes Service (infra/k8s) the name resolves to each ready replica, and calls spread over
    // them. One address (127.0.0.1, compose's service name) behaves as before.
    'grpc.service_config': ROUND_ROBIN,
  });
  const defaultDeadline = options.deadlineMs ?? 5000;
  const client: Record<string, unknown> = { $channel: channel };
  const metadataOf = (opts: RequestOptions) => {
    const metadata = new grpc.Metadata();
    if (opts.requestId) metadata.set(REQUEST_ID_KEY, opts.requestId);
    if (opts.traceHeaders) for (const key in opts.traceHeaders) metadata.set(key, opts.traceHeaders[key]!);
    return metadata;
  };
  for (const [name, method] of Object.entries(definition)) {
    if (method.responseStream) {
      client[name] = (request: unknown, opts: RequestOptions = {}) =>
        streamResponses(() =>
          channel.makeServerStreamRequest(method.path, method.requestSerialize, method.responseDeserialize, request, metadataOf(opts), {
            deadline: Date.now() + (opts.deadlineMs ?? defaultDeadline),
          }),
        );
      continue;
    }
    if (method.requestStream) {
      client[name] = (requests: AsyncIterable<unknown> | Iterable<unknown>, opts: RequestOptions = {}) =>
        sendRequests(requests, (callback) =>
          channel.makeClientStreamRequest(method.path, method.requestSerialize, method.responseDeserialize, metadataOf(opts), { deadline: Date.now() + (opts.deadlineMs ?? defaultDeadline) }, callback),
        );
      continue;
    }
    client[name] = (request: unknown, opts: RequestOptions = {}) =>
      new Promise((resolve, reject) => {
        const metadata = metadataOf(opts);
        const deadline = Date.now() + (opts.deadlineMs ?? defaultDeadline);
        channel.makeUnaryRequest(method.path, method.requestSerialize, method.responseDeserialize, request, metadata, { deadline }, (err, res) =>
          err ? reject(err) : resolve(res),
        );
      });
  }
  return client as GrpcClient<D>;
}

/**
 * The responses of a server-streaming call, for `for await`. The call starts at the first `next()`
 * (an iterable never iterated sends nothing). Reading it as a Node Readable gives back-pressure:
 * grpc-js asks the connection for the next message only when the consumer took the last, so a slow
 * consumer holds the server back (HTTP/2 flow control) instead of buffering. Leaving the loop
 * early (break, return, a throw in its body) cancels the call, so the server stops producing.
 * A failed call rejects the pending `next()` with the grpc-js ServiceError, after a prefix (in
 * order) of the items sent before the failure: grpc-js drops those it had not yet handed over.
 */
export async function* streamResponses<T>(start: () => grpc.ClientReadableStream<T>): AsyncGenerator<T, void, undefined> {
  const call = start();
  let finished = false;
  call.once('status', () => (finished = true));
  try {
    for await (const item of call) yield item as T;
    finished = true;
  } finally {
    if (!finished) {
      // Cancelling makes grpc-js emit 'error' (CANCELLED) on a stream nobody reads any more.
      call.on('error', () => {});
      call.cancel();
    }
  }
}

/**
 * A client-streaming call: writes each of `requests` as the server takes them (back-pressure: when
 * `write` returns false, the next is asked of the iterable only after 'drain'), half-closes, and
 * resolves with the answer. The call starts at once. Ends early:
 * - the server answers (or fails) before the last request: the iterable is left (its `return()` runs)
 *   and the answer or the server's error is what the promise settles with;
 * - the iterable throws (the caller found a reason to give up): the call is cancelled, so the server
 *   stops (and rolls back), and the promise rejects with the iterable's error, not CANCELLED.
 */
export async function sendRequests<Res>(
  requests: AsyncIterable<unknown> | Iterable<unknown>,
  start: (callback: (err: grpc.ServiceError | null, response?: Res) => void) => grpc.ClientWritableStream<unknown>,
): Promise<Res> {
  let settled = false;
  let resolveAnswer!: (response: Res) => void;
  let rejectAnswer!: (err: unknown) => void;
  const answer = new Promise<Res>((resolve, reject) => {
    resolveAnswer = resolve;
    rejectAnswer = reject;
  });
  const call = start((err, response) => {
    settled = true;
    if (err) rejectAnswer(err);
    else resolveAnswer(response as Res);
  });
  // Wakes a writer waiting for room when the call is over.
  const over = answer.then(
    () => undefined,
    () => undefined,
  );
  try {
    for await (const request of requests) {
      if (settled) break;
      if (!call.write(request)) await Promise.race([once(call, 'drain'), over]);
    }
  } catch (err) {
    if (!settled) {
      call.cancel();
      // The CANCELLED that follows is ours: nobody waits for it.
      answer.catch(() => {});
    }
    throw err;
  }
  if (!settled) call.end();
  return answer;
}

/** Resolves at the next `event`; unlike node:events' once it never rejects (an 'error' after the call ended would be nobody's). */
function once(emitter: grpc.ClientWritableStream<unknown>, event: string): Promise<void> {
  return new Promise((resolve) => emitter.once(event, () => resolve()));
}

export type HealthStatus = 'SERVING' | 'NOT_SERVING' | 'UNKNOWN' | 'SERVICE_UNKNOWN' | 'UNREACHABLE';

const HealthClient = grpc.makeGenericClientConstructor(healthService as unknown as grpc.ServiceDefinition, 'Health');

/** A reusable checker of a service's grpc.health.v1 status (`service` "" = the whole server). */
export function createHealthChecker(address: string, service = '') {
  const client = new HealthClient(address, grpc.credentials.createInsecure(), CHANNEL_OPTIONS) as unknown as grpc.Client & {
    check(req: { service: string }, md: grpc.Metadata, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: { status: string }) => void): void;
  };
  return {
    check: (timeoutMs = 1000) =>
      new Promise<HealthStatus>((resolve) => {
        client.check({ service }, new grpc.Metadata(), { deadline: Date.now() + timeoutMs }, (err, res) =>
          // NOT_FOUND: something answers at the address, but not the service asked for.
          resolve(err ? (err.code === grpc.status.NOT_FOUND ? 'SERVICE_UNKNOWN' : 'UNREACHABLE') : ((res?.status as HealthStatus) ?? 'UNKNOWN')),
        );
      }),
    close: () => client.close(),
  };
}
