import { createLogger, startGrpcServer, type AsyncServiceImplementation, type RunningGrpcServer, type ServiceDefinition } from '@finance/platform';

/** One RPC as a fake received it. */
export interface RecordedCall {
  rpc: string;
  request: unknown;
  requestId: string;
}

/**
 * What every fake service shares: served over real gRPC on a free port, stopped once; every call
 * recorded; an outage and a delay the tests can switch on.
 */
export abstract class GrpcFake {
  server!: RunningGrpcServer;
  readonly calls: RecordedCall[] = [];
  /** When set, every RPC throws it (an `unavailable` DomainError, or a plain Error for an INTERNAL). */
  outage: unknown;
  /** Every RPC waits this long before answering. */
  delayMs = 0;
  private stopping: Promise<void> | undefined;

  callsOf(rpc: string): RecordedCall[] {
    return this.calls.filter((call) => call.rpc === rpc);
  }

  lastRequest<T>(rpc: string): T {
    const call = this.callsOf(rpc).at(-1);
    if (!call) throw new Error(`${rpc} was not called`);
    return call.request as T;
  }

  /** The start of every RPC: recorded, delayed, failed by an outage. */
  protected async enter(rpc: string, request: unknown, context: { requestId: string }): Promise<void> {
    this.calls.push({ rpc, request, requestId: context.requestId });
    if (this.delayMs) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (this.outage) throw this.outage;
  }

  protected async serve<D extends ServiceDefinition>(definition: D, implementation: AsyncServiceImplementation<D>, name: string): Promise<void> {
    this.server = await startGrpcServer({
      address: '127.0.0.1:0',
      services: [{ definition, implementation }],
      logger: createLogger(name, 'silent'),
    });
  }

  get address(): string {
    return this.server.address;
  }

  /** Stops the server (once; later calls wait for the same stop). */
  stop(): Promise<void> {
    this.stopping ??= this.server.stop(100);
    return this.stopping;
  }
}
