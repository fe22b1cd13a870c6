import {
  createLogger,
  DomainError,
  serviceNameOf,
  startGrpcServer,
  type AsyncServiceImplementation,
  type CallContext,
  type RequestOf,
  type ResponseOf,
  type RunningGrpcServer,
  type ServiceDefinition,
} from '@finance/platform';

/** One RPC as the stub received it. */
export interface StubCall<Req = unknown> {
  rpc: string;
  request: Req;
  requestId: string;
  /** Milliseconds the caller still waited when the call arrived (Infinity: no deadline). */
  remainingMs: number;
}

/** What the stub records of one call: the request, or for a client-streaming RPC every request sent, in order. */
export type StubRequest<M> = M extends { requestStream: true } ? RequestOf<M>[] : RequestOf<M>;

/**
 * Answers one RPC: a response, or a throw (a DomainError becomes its gRPC status; anything else
 * INTERNAL). A server-streaming RPC is answered by an iterable of responses, typically an
 * `async function*` (a throw in it, before or after some items, ends the stream with that status).
 * A client-streaming RPC is answered once every request has arrived, and is given them as an array.
 */
export type StubHandler<M> = M extends { responseStream: true }
  ? (request: RequestOf<M>, call: StubCall<RequestOf<M>>) => AsyncIterable<ResponseOf<M>> | Iterable<ResponseOf<M>>
  : (request: StubRequest<M>, call: StubCall<StubRequest<M>>) => ResponseOf<M> | Promise<ResponseOf<M>>;

/** What `answer` takes: the response, or for a server-streaming RPC all its responses. */
export type StubAnswer<M> = M extends { responseStream: true } ? readonly ResponseOf<M>[] : ResponseOf<M>;

/**
 * A real gRPC server on a free port serving one service definition with scripted answers: the
 * stand-in for another service in a service's integration tests and the gateway's tests. Every
 * RPC answers only what the test scripted (`on`, `answer`, `fail`); an unscripted RPC fails as an
 * INTERNAL error and is listed in `unscripted`, so a test notices calls it did not expect.
 */
export class GrpcStub<D extends ServiceDefinition> {
  readonly calls: StubCall[] = [];
  /** RPCs called without a scripted answer. */
  readonly unscripted: string[] = [];
  /** When set, every RPC throws it (e.g. `new DomainError('unavailable', …)`), after recording the call. */
  outage: unknown;
  /** Every RPC waits this long before answering. */
  delayMs = 0;
  private readonly handlers = new Map<string, (request: unknown, call: StubCall) => unknown>();
  private readonly sleeping = new Map<NodeJS.Timeout, () => void>();
  private stopping: Promise<void> | undefined;

  private constructor(
    readonly definition: D,
    private readonly server: RunningGrpcServer,
  ) {}

  /** Starts a stub of `definition` on 127.0.0.1 (port 0 = a free one). */
  static async start<D extends ServiceDefinition>(definition: D, options: { port?: number } = {}): Promise<GrpcStub<D>> {
    let stub: GrpcStub<D> | undefined;
    const implementation = Object.fromEntries(
      Object.entries(definition).map(([rpc, method]) => [
        rpc,
        method.responseStream
          ? (request: unknown, context: CallContext) => stub!.serveStream(rpc, request, context)
          : method.requestStream
            ? async (requests: AsyncIterable<unknown>, context: CallContext) => stub!.serve(rpc, await collect(requests), context)
            : (request: unknown, context: CallContext) => stub!.serve(rpc, request, context),
      ]),
    ) as unknown as AsyncServiceImplementation<D>;
    const server = await startGrpcServer({
      address: `127.0.0.1:${options.port ?? 0}`,
      services: [{ definition, implementation }],
      logger: createLogger('grpc-stub', 'silent'),
    });
    stub = new GrpcStub(definition, server);
    return stub;
  }

  get address(): string {
    return this.server.address;
  }

  get port(): number {
    return this.server.port;
  }

  /** Scripts `rpc` (replacing what was scripted before). */
  on<K extends keyof D & string>(rpc: K, handler: StubHandler<D[K]>): this {
    return this.script(rpc, handler as (request: unknown, call: StubCall) => unknown);
  }

  private script(rpc: string, handler: (request: unknown, call: StubCall) => unknown): this {
    this.handlers.set(rpc, handler);
    return this;
  }

  /** `rpc` answers `response` to every request (a server-streaming RPC: streams these responses). */
  answer<K extends keyof D & string>(rpc: K, response: StubAnswer<D[K]>): this {
    return this.script(rpc, () => response);
  }

  /** `rpc` fails with `error` (a DomainError for a verdict of the service, a plain Error for a fault). */
  fail<K extends keyof D & string>(rpc: K, error: unknown): this {
    return this.script(rpc, () => {
      throw error;
    });
  }

  /** What the stub's grpc.health.v1 answers for its service's full name (e.g. `finance.ledger.v1.LedgerService`). */
  setHealth(status: 'SERVING' | 'NOT_SERVING'): void {
    this.server.health.setStatus(serviceNameOf(this.definition), status);
  }

  /** Forgets the calls, the scripted answers, the outage and the delay. */
  reset(): void {
    this.calls.length = 0;
    this.unscripted.length = 0;
    this.handlers.clear();
    this.outage = undefined;
    this.delayMs = 0;
  }

  callsOf<K extends keyof D & string>(rpc: K): StubCall<StubRequest<D[K]>>[] {
    return this.calls.filter((call) => call.rpc === rpc) as StubCall<StubRequest<D[K]>>[];
  }

  lastRequest<K extends keyof D & string>(rpc: K): StubRequest<D[K]> {
    const call = this.callsOf(rpc).at(-1);
    if (!call) throw new Error(`${rpc} was not called`);
    return call.request;
  }

  /** Stops the server (once; later calls wait for the same stop). Delayed calls stop waiting. */
  stop(): Promise<void> {
    for (const [timer, resolve] of this.sleeping) {
      clearTimeout(timer);
      resolve();
    }
    this.sleeping.clear();
    this.stopping ??= this.server.stop(100);
    return this.stopping;
  }

  /** A delay that stop() cuts short, so a stopped stub never keeps jest alive. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.sleeping.delete(timer);
        resolve();
      }, ms);
      this.sleeping.set(timer, resolve);
    });
  }

  private async serve(rpc: string, request: unknown, context: CallContext): Promise<any> {
    return (await this.handlerFor(rpc, request, context))();
  }

  /** A server-streaming RPC: the scripted iterable's items, through the same record, delay, outage and script. */
  private async *serveStream(rpc: string, request: unknown, context: CallContext): AsyncGenerator<unknown> {
    yield* (await this.handlerFor(rpc, request, context))() as AsyncIterable<unknown> | Iterable<unknown>;
  }

  /** Records the call, waits the delay, throws the outage, else hands back the scripted answer to run. */
  private async handlerFor(rpc: string, request: unknown, context: CallContext): Promise<() => unknown> {
    const deadline = context.deadline instanceof Date ? context.deadline.getTime() : context.deadline;
    const call: StubCall = { rpc, request, requestId: context.requestId, remainingMs: Number.isFinite(deadline) ? deadline - Date.now() : Infinity };
    this.calls.push(call);
    if (this.delayMs) await this.sleep(this.delayMs);
    if (this.outage) throw this.outage;
    const handler = this.handlers.get(rpc);
    if (!handler) {
      this.unscripted.push(rpc);
      throw new Error(`stub: no answer scripted for ${rpc}`);
    }
    return () => handler(request, call);
  }
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

/** A DomainError as a stubbed service would throw it (its code and kind reach the caller as they would from the real one). */
export const stubError = (kind: DomainError['kind'], code: string, message = code, options: ConstructorParameters<typeof DomainError>[3] = {}) =>
  new DomainError(kind, code, message, options);
