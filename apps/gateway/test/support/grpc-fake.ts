import { createLogger, startGrpcServer, type AsyncServiceImplementation, type RunningGrpcServer, type ServiceDefinition } from '@finance/platform';

/** What every fake service shares: served over real gRPC on a free port, stopped once. */
export abstract class GrpcFake {
  server!: RunningGrpcServer;
  private stopping: Promise<void> | undefined;

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
