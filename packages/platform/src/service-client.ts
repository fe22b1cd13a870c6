// One way to call another service: a typed promise client over the generated definition (an
// AsyncIterable for a server-streaming RPC, see below) that forwards the request id and the caller's
// remaining deadline, retries idempotent reads on UNAVAILABLE within a bounded budget, and maps
// every failure, once, to a DomainError.
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { currentCallScope } from './call-scope.js';
import { DomainError, type ErrorKind } from './errors.js';
import { ERROR_CODE_KEY, fromGrpcError, isServiceError } from './grpc-errors.js';
import { createGrpcClient, type GrpcClient, type RequestOptions, type ServiceDefinition } from './grpc.js';
import { grpcClientMeters, type CallMeter, type MetricsRegistry } from './metrics.js';
import { endCallSpan, startClientCallSpan } from './grpc-tracing.js';
import { tracingEnabled } from './tracing.js';
import type { ServiceManifestEntry } from './services.js';

/**
 * One call as it is traced and counted: one client span covers its attempts (its context goes out in
 * each attempt's metadata, tracing.ts), and `finish` ends the span and counts the call once.
 */
function observeCall(path: string, meter: CallMeter | undefined) {
  const traced = tracingEnabled() ? startClientCallSpan(path) : undefined;
  const startedAt = meter ? performance.now() : 0;
  return {
    options: (options: RequestOptions): RequestOptions => (traced ? { ...options, traceHeaders: traced.headers } : options),
    finish(code: number, error?: unknown): void {
      if (traced) endCallSpan(traced, 'client', code, error);
      meter?.done(code, startedAt);
    },
  };
}

/** The gRPC status a failed call ended with (UNKNOWN for anything that is not a gRPC error). */
const codeOf = (err: unknown): number => (isServiceError(err) ? err.code : status.UNKNOWN);

export interface ServiceClientOptions {
  /** The deadline of a call when neither the caller nor the request being served sets a shorter one. Default 5000 ms. */
  deadlineMs?: number;
  /**
   * Which RPCs may be sent again after UNAVAILABLE (the request may not have reached the service).
   * Default: the reads of the house naming (`VerbNoun` with Get, List, Sum, Check, Stream): they change nothing.
   */
  idempotent?: (rpc: string) => boolean;
  /** How many times a failed idempotent read is retried (default 2), with 100 ms, 300 ms, … of back-off. */
  retries?: number;
  /** Where finance_grpc_client_* are counted (the caller's registry, metrics.ts); unset: not counted. */
  metrics?: MetricsRegistry;
}

/** The same client as createGrpcClient; its calls (and streams) reject with DomainErrors only. */
export type ServiceClient<D extends ServiceDefinition> = GrpcClient<D> & { close(): void };

const READ_VERBS = /^(get|list|sum|check|stream)[A-Z]/;
export const isReadRpc = (rpc: string) => READ_VERBS.test(rpc);

const KIND_BY_STATUS: Partial<Record<status, ErrorKind>> = {
  [status.INVALID_ARGUMENT]: 'invalid_argument',
  [status.OUT_OF_RANGE]: 'invalid_argument',
  [status.NOT_FOUND]: 'not_found',
  [status.ALREADY_EXISTS]: 'already_exists',
  [status.FAILED_PRECONDITION]: 'failed_precondition',
  [status.UNAUTHENTICATED]: 'unauthenticated',
  [status.RESOURCE_EXHAUSTED]: 'resource_exhausted',
  [status.UNAVAILABLE]: 'unavailable',
  [status.DEADLINE_EXCEEDED]: 'deadline',
};

/** `LEDGER` for `ledger`: the prefix of the codes a dependency's failures get. */
const codePrefix = (serviceName: string) => serviceName.toUpperCase().replace(/[^A-Z0-9]+/g, '_');

/** The generic failure of calling `serviceName`: it is down, faulty or overloaded (503). */
function serviceUnavailable(serviceName: string, cause?: unknown): DomainError {
  return new DomainError('unavailable', `${codePrefix(serviceName)}_UNAVAILABLE`, `The ${serviceName} service did not answer; try again shortly.`, { cause });
}

/** The generic failure of calling `serviceName`: it did not answer within the deadline (504). */
function serviceDeadlineExceeded(serviceName: string, cause?: unknown): DomainError {
  return new DomainError('deadline', `${codePrefix(serviceName)}_DEADLINE_EXCEEDED`, `The ${serviceName} service did not answer in time.`, { cause });
}

/**
 * Any failure of a call to `serviceName` as a DomainError, once, for every caller:
 * - the service's own verdict on the request (a DomainError it threw: INVALID_ARGUMENT, NOT_FOUND,
 *   ALREADY_EXISTS, FAILED_PRECONDITION, UNAUTHENTICATED, RESOURCE_EXHAUSTED, UNAVAILABLE and
 *   DEADLINE_EXCEEDED of its own dependencies, all carrying its code) keeps its kind, code, message,
 *   field errors and Retry-After;
 * - the call timing out → `<SERVICE>_DEADLINE_EXCEEDED` (deadline, 504);
 * - anything else (refused connection, cancelled, an internal fault of the service, an RPC it does
 *   not know) → `<SERVICE>_UNAVAILABLE` (unavailable, 503). The service's internal text is never kept.
 * A value that is not a gRPC error (a bug on this side) is returned unchanged.
 */
export function dependencyError(serviceName: string, err: unknown): unknown {
  if (err instanceof DomainError || !isServiceError(err)) return err;
  const hasCode = typeof err.metadata?.get(ERROR_CODE_KEY)[0] === 'string';
  const kind = KIND_BY_STATUS[err.code as status];
  if (hasCode && kind) {
    const remote = fromGrpcError(err);
    return new DomainError(kind, remote.code, err.details, {
      ...(remote.errors ? { errors: remote.errors } : {}),
      ...(remote.retryAfterSeconds !== undefined ? { retryAfterSeconds: remote.retryAfterSeconds } : {}),
      cause: err,
    });
  }
  if (err.code === status.DEADLINE_EXCEEDED) return serviceDeadlineExceeded(serviceName, err);
  return serviceUnavailable(serviceName, err);
}

/** One attempt of a call: its absolute deadline (epoch ms) and the options it goes out with. */
interface CallTarget {
  deadline: number;
  options: RequestOptions;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A failure that never reached a handler: nothing ran, so a read may be sent again. */
const isTransportUnavailable = (err: unknown) => isServiceError(err) && err.code === status.UNAVAILABLE && !(err.metadata instanceof Metadata && err.metadata.get(ERROR_CODE_KEY).length);

/**
 * A client of one service of the manifest at `address` (its `addressVar` value). Each call takes
 * the request id and deadline from `options`, else from the request being served (the gRPC server
 * sets them), else a fresh deadline of `deadlineMs`; the earliest deadline wins.
 */
export function connectService<D extends ServiceDefinition>(
  entry: Pick<ServiceManifestEntry<D>, 'name' | 'definition'>,
  address: string,
  options: ServiceClientOptions = {},
): ServiceClient<D> {
  const raw = createGrpcClient(entry.definition, address, { deadlineMs: options.deadlineMs ?? 5000 });
  const defaultMs = options.deadlineMs ?? 5000;
  const idempotent = options.idempotent ?? isReadRpc;
  const retries = options.retries ?? 2;
  const meterFor = options.metrics ? grpcClientMeters(options.metrics, entry.name) : undefined;
  const client: Record<string, unknown> = { $channel: raw.$channel, close: () => raw.$channel.close() };
  /** Where a call made now goes: the earliest of its own, the served request's and the default deadline. */
  const target = (callOptions: RequestOptions) => {
    const scope = currentCallScope();
    let deadline = Date.now() + (callOptions.deadlineMs ?? defaultMs);
    if (scope?.deadline !== undefined && Number.isFinite(scope.deadline)) deadline = Math.min(deadline, scope.deadline);
    const requestId = callOptions.requestId ?? scope?.requestId;
    // A deadline already past still goes out, so it fails as DEADLINE_EXCEEDED by the same path.
    return (): CallTarget => ({ deadline, options: { deadlineMs: Math.max(1, deadline - Date.now()), ...(requestId ? { requestId } : {}) } });
  };
  const mayRetryAfter = (err: unknown, attempt: number, { deadline }: CallTarget) =>
    attempt < retries && isTransportUnavailable(err) && deadline - Date.now() > 100 * 3 ** attempt;
  for (const [rpc, method] of Object.entries(entry.definition)) {
    const mayRetry = idempotent(rpc);
    const meter = meterFor?.(method.path);
    if (method.responseStream) {
      const open = (raw as unknown as Record<string, (req: unknown, o: RequestOptions) => AsyncIterable<unknown>>)[rpc]!;
      client[rpc] = (request: unknown, callOptions: RequestOptions = {}) => streamWithRetry(open, request, target(callOptions), mayRetry, method.path, meter);
      continue;
    }
    const call = (raw as unknown as Record<string, (req: unknown, o: RequestOptions) => Promise<unknown>>)[rpc]!;
    if (method.requestStream) {
      // Never sent again: the requests came from an iterable that was read once.
      client[rpc] = async (requests: unknown, callOptions: RequestOptions = {}) => {
        const observed = observeCall(method.path, meter);
        try {
          const response = await call(requests, observed.options(target(callOptions)().options));
          observed.finish(status.OK);
          return response;
        } catch (err) {
          observed.finish(codeOf(err), err);
          throw dependencyError(entry.name, err);
        }
      };
      continue;
    }
    client[rpc] = async (request: unknown, callOptions: RequestOptions = {}) => {
      const targetNow = target(callOptions);
      const observed = observeCall(method.path, meter);
      for (let attempt = 0; ; attempt++) {
        const now = targetNow();
        try {
          const response = await call(request, observed.options(now.options));
          observed.finish(status.OK);
          return response;
        } catch (err) {
          if (mayRetry && mayRetryAfter(err, attempt, now)) {
            await sleep(100 * 3 ** attempt);
            continue;
          }
          observed.finish(codeOf(err), err);
          throw dependencyError(entry.name, err);
        }
      }
    };
  }

  // Server-streaming RPCs: the client returns an AsyncIterable of responses (`for await`), with the
  // request id and deadline of a unary call; the deadline covers the whole stream, not each item.
  // Back-pressure comes from grpc-js (a slow loop body holds the server back, see streamResponses);
  // leaving the loop early cancels the call. A failure, at the start or mid-stream, is thrown once as
  // the same DomainError a unary call gets (dependencyError). A `Stream*` read is retried on
  // UNAVAILABLE like a unary read only while no item has arrived: after one, a retry would repeat
  // items the consumer already has, so the error is thrown.
  async function* streamWithRetry(
    open: (req: unknown, o: RequestOptions) => AsyncIterable<unknown>,
    request: unknown,
    targetNow: () => CallTarget,
    mayRetry: boolean,
    path: string,
    meter?: CallMeter,
  ) {
    const observed = observeCall(path, meter);
    // OK when the stream ended, CANCELLED when the consumer left early; a failure sets its own.
    let code: number = status.CANCELLED;
    let failure: unknown;
    try {
      for (let attempt = 0; ; attempt++) {
        const now = targetNow();
        let received = false;
        try {
          for await (const item of open(request, observed.options(now.options))) {
            received = true;
            yield item;
          }
          code = status.OK;
          return;
        } catch (err) {
          if (mayRetry && !received && mayRetryAfter(err, attempt, now)) {
            await sleep(100 * 3 ** attempt);
            continue;
          }
          [code, failure] = [codeOf(err), err];
          throw dependencyError(entry.name, err);
        }
      }
    } finally {
      observed.finish(code, failure);
    }
  }
  return client as ServiceClient<D>;
}
