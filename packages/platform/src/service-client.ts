// One way to call another service: a typed promise client over the generated definition that
// forwards the request id and the caller's remaining deadline, retries idempotent reads on
// UNAVAILABLE within a bounded budget, and maps every failure, once, to a DomainError.
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { currentCallScope } from './call-scope.js';
import { DomainError, type ErrorKind } from './errors.js';
import { ERROR_CODE_KEY, fromGrpcError, isServiceError } from './grpc-errors.js';
import { createGrpcClient, type GrpcClient, type RequestOptions, type ServiceDefinition } from './grpc.js';
import type { ServiceManifestEntry } from './services.js';

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
}

/** The same promise client as createGrpcClient; its calls reject with DomainErrors only. */
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
  const client: Record<string, unknown> = { $channel: raw.$channel, close: () => raw.$channel.close() };
  for (const rpc of Object.keys(entry.definition)) {
    const call = (raw as unknown as Record<string, (req: unknown, o: RequestOptions) => Promise<unknown>>)[rpc]!;
    const mayRetry = idempotent(rpc);
    client[rpc] = async (request: unknown, callOptions: RequestOptions = {}) => {
      const scope = currentCallScope();
      const now = Date.now();
      let deadline = now + (callOptions.deadlineMs ?? defaultMs);
      if (scope?.deadline !== undefined && Number.isFinite(scope.deadline)) deadline = Math.min(deadline, scope.deadline);
      const requestId = callOptions.requestId ?? scope?.requestId;
      for (let attempt = 0; ; attempt++) {
        // A deadline already past still goes out, so it fails as DEADLINE_EXCEEDED by the same path.
        const opts: RequestOptions = { deadlineMs: Math.max(1, deadline - Date.now()) };
        if (requestId) opts.requestId = requestId;
        try {
          return await call(request, opts);
        } catch (err) {
          const backoff = 100 * 3 ** attempt;
          if (mayRetry && attempt < retries && isTransportUnavailable(err) && deadline - Date.now() > backoff) {
            await sleep(backoff);
            continue;
          }
          throw dependencyError(entry.name, err);
        }
      }
    };
  }
  return client as ServiceClient<D>;
}
