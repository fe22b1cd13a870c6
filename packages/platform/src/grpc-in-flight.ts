import { DomainError } from './errors.js';
import type { AsyncServiceImplementation, CallContext, ServiceDefinition } from './grpc.js';

// A stop's grace can run out with unary calls still running (a slow query, a call to a service that
// hangs). grpc-js's forceShutdown is meant to reset them, but it only sees the connections it tracks
// for channelz, which our servers turn off (grpc.ts, CHANNEL_OPTIONS): with channelz off it resets
// nothing and tryShutdown waits for those handlers. So the server ends such calls itself: the promise
// of each handler that answers once (unary, client-streaming) is raced with an end that `cancelAll()`
// triggers, and the caller gets UNAVAILABLE (which the gateway answers as a 503, and a read may retry
// on another replica). The handler itself runs on; its result goes nowhere. Server-streaming calls
// are not tracked: a stream left at the deadline ends with the process.

const shuttingDown = () => new DomainError('unavailable', 'SERVER_SHUTTING_DOWN', 'The service is shutting down; try again.');

export class InFlightCalls {
  readonly #ends = new Set<(err: unknown) => void>();

  /** Unary and client-streaming calls running now. */
  get size(): number {
    return this.#ends.size;
  }

  /** The implementation with every handler that answers once (unary, client-streaming) tracked; server-streaming handlers unchanged. */
  track<D extends ServiceDefinition>(definition: D, implementation: AsyncServiceImplementation<D>): AsyncServiceImplementation<D> {
    const tracked: Record<string, unknown> = {};
    for (const name of Object.keys(definition)) {
      const handler = implementation[name] as unknown as (request: unknown, context: CallContext) => Promise<unknown>;
      if (definition[name]!.responseStream) {
        tracked[name] = handler;
        continue;
      }
      tracked[name] = (request: unknown, context: CallContext) =>
        new Promise((resolve, reject) => {
          this.#ends.add(reject);
          handler(request, context)
            .then(resolve, reject)
            .finally(() => this.#ends.delete(reject));
        });
    }
    return tracked as AsyncServiceImplementation<D>;
  }

  /** Ends every tracked call with UNAVAILABLE now. */
  cancelAll(): void {
    for (const end of this.#ends) end(shuttingDown());
    this.#ends.clear();
  }
}
