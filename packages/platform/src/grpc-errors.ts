import { Metadata, status, type ServiceError, type StatusObject } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { DomainError, type ErrorKind, type FieldError } from './errors.js';

const GRPC_STATUS_BY_KIND: Record<ErrorKind, status> = {
  invalid_argument: status.INVALID_ARGUMENT,
  not_found: status.NOT_FOUND,
  already_exists: status.ALREADY_EXISTS,
  failed_precondition: status.FAILED_PRECONDITION,
  unauthenticated: status.UNAUTHENTICATED,
  resource_exhausted: status.RESOURCE_EXHAUSTED,
  unavailable: status.UNAVAILABLE,
  deadline: status.DEADLINE_EXCEEDED,
};

const HTTP_STATUS_BY_GRPC: Partial<Record<status, number>> = {
  [status.INVALID_ARGUMENT]: 422,
  [status.NOT_FOUND]: 404,
  [status.ALREADY_EXISTS]: 409,
  [status.FAILED_PRECONDITION]: 409,
  [status.UNAUTHENTICATED]: 401,
  [status.RESOURCE_EXHAUSTED]: 429,
  [status.UNAVAILABLE]: 503,
  [status.DEADLINE_EXCEEDED]: 504,
};

/** The HTTP status a DomainError of `kind` is answered with (through its gRPC status: one mapping). */
export function httpStatusOfKind(kind: ErrorKind): number {
  return HTTP_STATUS_BY_GRPC[GRPC_STATUS_BY_KIND[kind]] ?? 500;
}

// Metadata keys that carry the structured part of a DomainError across gRPC.
export const ERROR_CODE_KEY = 'x-error-code';

const STATUS_NAMES = Object.fromEntries(Object.entries(status).filter(([, v]) => typeof v === 'number').map(([k, v]) => [v, k])) as Record<number, string>;
/** `NOT_FOUND` for 5: a gRPC status code's name (metric labels, span attributes); undefined for a code grpc-js does not know. */
export const grpcStatusName = (code: number): string | undefined => STATUS_NAMES[code];
const FIELD_ERRORS_KEY = 'x-field-errors-bin';
const RETRY_AFTER_KEY = 'x-retry-after';

/** Server side: any thrown value → the status a gRPC handler answers. Unknown errors are logged and hidden. */
export function toGrpcStatus(err: unknown, logger: Logger): Partial<StatusObject> {
  if (err instanceof DomainError) {
    const metadata = new Metadata();
    metadata.set(ERROR_CODE_KEY, err.code);
    if (err.errors?.length) metadata.set(FIELD_ERRORS_KEY, Buffer.from(JSON.stringify(err.errors)));
    if (err.retryAfterSeconds !== undefined) metadata.set(RETRY_AFTER_KEY, String(err.retryAfterSeconds));
    return { code: GRPC_STATUS_BY_KIND[err.kind], details: err.message, metadata };
  }
  logger.error({ err }, 'unhandled error');
  return { code: status.INTERNAL, details: 'Internal error' };
}

/** What a client of a service learns from a failed call, ready to be rendered as problem+json. */
export interface RemoteError {
  httpStatus: number;
  grpcCode: status;
  code: string;
  detail: string;
  errors?: FieldError[];
  retryAfterSeconds?: number;
}

export function isServiceError(err: unknown): err is ServiceError {
  return err instanceof Error && typeof (err as ServiceError).code === 'number' && 'metadata' in err;
}

/** Client side: a gRPC error → HTTP status and the structured details the service sent. */
export function fromGrpcError(err: ServiceError): RemoteError {
  const httpStatus = HTTP_STATUS_BY_GRPC[err.code as status] ?? 500;
  const first = (key: string) => err.metadata?.get(key)[0];
  const code = first(ERROR_CODE_KEY);
  const fieldErrors = first(FIELD_ERRORS_KEY);
  const retryAfter = first(RETRY_AFTER_KEY);
  const remote: RemoteError = {
    httpStatus,
    grpcCode: err.code as status,
    code: typeof code === 'string' ? code : httpStatus >= 500 ? 'UPSTREAM_ERROR' : status[err.code] ?? 'UNKNOWN',
    // A service's internal text never reaches a client; 5xx get a generic detail.
    detail: httpStatus >= 500 ? defaultDetail(err.code as status) : err.details,
  };
  if (Buffer.isBuffer(fieldErrors)) remote.errors = JSON.parse(fieldErrors.toString('utf8')) as FieldError[];
  if (typeof retryAfter === 'string') remote.retryAfterSeconds = Number(retryAfter);
  return remote;
}

function defaultDetail(code: status): string {
  switch (code) {
    case status.UNAVAILABLE:
      return 'A service needed for this request is unavailable; try again shortly.';
    case status.DEADLINE_EXCEEDED:
      return 'A service needed for this request did not answer in time.';
    default:
      return 'Internal error';
  }
}
