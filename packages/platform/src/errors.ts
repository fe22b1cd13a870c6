/**
 * The closed set of error kinds (STYLE.md). Each maps once, in grpc-errors.ts, to a gRPC status
 * and an HTTP status. This file has no dependencies so domain code can throw these.
 */
export type ErrorKind =
  | 'invalid_argument'
  | 'not_found'
  | 'already_exists'
  | 'failed_precondition'
  | 'unauthenticated'
  | 'resource_exhausted'
  | 'unavailable'
  | 'deadline';

export interface FieldError {
  path: string;
  message: string;
}

export interface DomainErrorOptions {
  errors?: FieldError[];
  retryAfterSeconds?: number;
  cause?: unknown;
}

/** A failure the caller can act on. `code` is stable (e.g. AUTH_EMAIL_TAKEN); `message` is for people. */
export class DomainError extends Error {
  override name = 'DomainError';
  readonly errors?: FieldError[];
  readonly retryAfterSeconds?: number;

  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    options: DomainErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    if (options.errors) this.errors = options.errors;
    if (options.retryAfterSeconds !== undefined) this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** One field is invalid: a 422 with that field named in `errors[]`. */
export function invalidField(code: string, path: string, message: string): DomainError {
  return new DomainError('invalid_argument', code, message, { errors: [{ path, message }] });
}

/** Builds a service's "these fields are invalid" error (its own code) from every collected field error. */
export type InvalidFieldsFactory = (errors: FieldError[]) => DomainError;

/**
 * Collects field errors so that one answer names every invalid field at once. Each service
 * passes its own invalidFields factory, so the thrown error carries that service's code.
 */
export class FieldErrors {
  readonly list: FieldError[] = [];

  constructor(private readonly invalidFields: InvalidFieldsFactory) {}

  add(path: string, message: string): void {
    this.list.push({ path, message });
  }

  check(ok: boolean, path: string, message: string): void {
    if (!ok) this.add(path, message);
  }

  has(path: string): boolean {
    return this.list.some((e) => e.path === path);
  }

  throwIfAny(): void {
    if (this.list.length) throw this.invalidFields(this.list);
  }
}
