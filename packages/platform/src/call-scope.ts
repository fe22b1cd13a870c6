import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What a call to another service inherits from the request being served: its request id (for the
 * logs of every service on the way) and when the original caller stops waiting (epoch ms), so that
 * no call downstream outlives the request it serves.
 */
export interface CallScope {
  requestId?: string;
  /** Epoch milliseconds; undefined or Infinity when the caller set no deadline. */
  deadline?: number;
}

const storage = new AsyncLocalStorage<CallScope>();

/** The scope of the request being served here, if any (set by the gRPC server for every call). */
export function currentCallScope(): CallScope | undefined {
  return storage.getStore();
}

/** Runs `fn` with `scope` as the current call scope (its async continuations included). */
export function runInCallScope<T>(scope: CallScope, fn: () => T): T {
  return storage.run(scope, fn);
}
