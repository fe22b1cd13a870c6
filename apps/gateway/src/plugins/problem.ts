import { DomainError, httpStatusOfKind, type FieldError } from '@finance/platform';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { component, doc } from '../openapi-registry.js';

/**
 * Problem `type` URIs (RFC 9457). They name a category per HTTP status and are identifiers, not
 * links (tag URIs, RFC 4151, as RFC 9457 suggests for types that are not meant to be dereferenced);
 * the machine-readable reason is `code`.
 */
export const PROBLEM_TYPE_PREFIX = 'tag:finance-tracker,2026:problems/';

const PROBLEM_KINDS: Record<number, { slug: string; title: string }> = {
  400: { slug: 'malformed-request', title: 'Bad Request' },
  401: { slug: 'unauthorized', title: 'Unauthorized' },
  403: { slug: 'forbidden', title: 'Forbidden' },
  404: { slug: 'not-found', title: 'Not Found' },
  405: { slug: 'method-not-allowed', title: 'Method Not Allowed' },
  409: { slug: 'conflict', title: 'Conflict' },
  413: { slug: 'payload-too-large', title: 'Content Too Large' },
  415: { slug: 'unsupported-media-type', title: 'Unsupported Media Type' },
  422: { slug: 'validation-failed', title: 'Unprocessable Content' },
  429: { slug: 'rate-limited', title: 'Too Many Requests' },
  500: { slug: 'internal-error', title: 'Internal Server Error' },
  502: { slug: 'bad-gateway', title: 'Bad Gateway' },
  503: { slug: 'service-unavailable', title: 'Service Unavailable' },
  504: { slug: 'upstream-timeout', title: 'Gateway Timeout' },
};

export function problemType(status: number): string {
  return PROBLEM_TYPE_PREFIX + (PROBLEM_KINDS[status]?.slug ?? (status >= 500 ? 'internal-error' : 'malformed-request'));
}

export function problemTitle(status: number): string {
  return PROBLEM_KINDS[status]?.title ?? (status >= 500 ? 'Internal Server Error' : 'Bad Request');
}

/** The body of every error answer, also published in the OpenAPI document. */
export const problemSchema = z.object({
  type: doc(z.string(), 'Identifies the problem category (a URI).'),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  code: doc(z.string(), 'Stable machine-readable reason, e.g. VALIDATION_FAILED, TOKEN_EXPIRED, AUTH_EMAIL_TAKEN.'),
  instance: doc(z.string(), 'The request id (also in the `x-request-id` header).'),
  errors: z
    .array(z.object({ path: doc(z.string(), 'Field path, e.g. `email` or `notification_preferences.email`.'), message: z.string() }))
    .optional(),
});
component(problemSchema, 'Problem', 'RFC 9457 problem details');

export type Problem = z.infer<typeof problemSchema>;

/** An item of `errors`: a field (`path`), or a line of an uploaded file (`line`, POST /import/csv). */
export type ProblemError = FieldError | { line: number; message: string };

/** An error the gateway itself answers with (never a 5xx with internal text). */
export class HttpProblem extends Error {
  override name = 'HttpProblem';
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly extra: { errors?: ProblemError[]; headers?: Record<string, string> } = {},
  ) {
    super(detail);
  }
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The answer when a path parameter is malformed. Path parameters are ids: one that is not even
     * well-formed cannot name anything, so it is the resource's 404 (the same as for an id that
     * does not exist), not a 422.
     */
    notFound?: { code: string; detail: string };
  }
}

const DEFAULT_NOT_FOUND = { code: 'NOT_FOUND', detail: 'No such resource.' };

interface ProblemParts {
  status: number;
  code: string;
  detail: string;
  errors?: ProblemError[];
  headers?: Record<string, string>;
}

const GENERIC_500 = 'An unexpected error occurred. Quote the request id when reporting it.';

/** Fastify's own client errors (FST_* with a 4xx status) → a stable code and a plain detail. */
const FASTIFY_CLIENT_ERRORS: Record<string, { code: string; detail: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'MALFORMED_JSON', detail: 'The request body is not valid JSON.' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'MALFORMED_JSON', detail: 'The request body is empty.' },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'BODY_TOO_LARGE', detail: 'The request body is larger than 1 MiB.' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'UNSUPPORTED_MEDIA_TYPE', detail: 'This endpoint accepts application/json request bodies.' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'MALFORMED_REQUEST', detail: 'The Content-Length header does not match the body.' },
  FST_ERR_BAD_URL: { code: 'MALFORMED_REQUEST', detail: 'The request URL is malformed.' },
};

function headerName(lowerCase: string): string {
  return lowerCase.replace(/(^|-)([a-z])/g, (_match, dash: string, letter: string) => dash + letter.toUpperCase());
}

function validationProblem(
  err: { validation: { instancePath: string; message?: string }[]; validationContext?: string },
  notFound: { code: string; detail: string } = DEFAULT_NOT_FOUND,
): ProblemParts {
  const context = err.validationContext ?? 'body';
  if (context === 'params') return { status: 404, ...notFound };
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  for (const issue of err.validation) {
    const path = issue.instancePath.split('/').filter(Boolean).join('.');
    // An issue about the body as a whole means it was not a JSON object at all: a malformed body.
    if (path === '' && context === 'body') {
      return { status: 400, code: 'BODY_NOT_OBJECT', detail: 'The request body must be a JSON object.' };
    }
    // One entry per field: the first issue says what is wrong (zod may add follow-ups that mislead).
    // Headers are named as they are usually written (Idempotency-Key), not as node lower-cases them.
    const field = path === '' ? context : context === 'headers' ? headerName(path) : path;
    if (seen.has(field)) continue;
    seen.add(field);
    errors.push({ path: field, message: issue.message ?? 'is invalid' });
  }
  return { status: 422, code: 'VALIDATION_FAILED', detail: 'One or more fields are invalid.', errors };
}

const UPSTREAM_DETAIL: Partial<Record<DomainError['kind'], string>> = {
  unavailable: 'A service needed for this request is unavailable; try again shortly.',
  deadline: 'A service needed for this request did not answer in time.',
};

/** A DomainError → status, code and details; a 5xx never carries the service's own text. */
function fromDomainError(err: DomainError) {
  const httpStatus = httpStatusOfKind(err.kind);
  return {
    httpStatus,
    code: err.code,
    detail: httpStatus >= 500 ? (UPSTREAM_DETAIL[err.kind] ?? GENERIC_500) : err.message,
    errors: err.errors,
    retryAfterSeconds: err.retryAfterSeconds,
  };
}

/**
 * Any thrown value → the parts of a problem. Unknown errors become a generic 500. `notFound` is the
 * route's answer for a malformed path parameter.
 */
export function toProblemParts(err: unknown, notFound?: { code: string; detail: string }): ProblemParts {
  if (err instanceof HttpProblem) {
    return { status: err.status, code: err.code, detail: err.detail, ...err.extra };
  }
  if (hasZodFastifySchemaValidationErrors(err)) {
    return validationProblem(err as unknown as Parameters<typeof validationProblem>[0], notFound);
  }
  // A service's answer (the service clients turn every failed call into a DomainError: the
  // service's own verdict with its code, or <SERVICE>_UNAVAILABLE / <SERVICE>_DEADLINE_EXCEEDED).
  if (err instanceof DomainError) {
    const remote = fromDomainError(err);
    const parts: ProblemParts = { status: remote.httpStatus, code: remote.code, detail: remote.detail };
    if (remote.errors?.length) parts.errors = remote.errors;
    const headers: Record<string, string> = {};
    if (remote.retryAfterSeconds !== undefined && Number.isFinite(remote.retryAfterSeconds)) {
      headers['retry-after'] = String(Math.max(0, Math.ceil(remote.retryAfterSeconds)));
    }
    if (remote.httpStatus === 401) headers['www-authenticate'] = 'Bearer';
    if (Object.keys(headers).length) parts.headers = headers;
    return parts;
  }
  const fastifyError = err as Partial<FastifyError> | undefined;
  const known = fastifyError?.code ? FASTIFY_CLIENT_ERRORS[fastifyError.code] : undefined;
  if (known && fastifyError?.statusCode) return { status: fastifyError.statusCode, ...known };
  // Any other error fastify marks as the client's fault (4xx) keeps its status, with a generic text.
  const status = fastifyError?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500 && fastifyError?.code?.startsWith('FST_')) {
    return { status, code: 'MALFORMED_REQUEST', detail: 'The request could not be processed.' };
  }
  return { status: 500, code: 'INTERNAL_ERROR', detail: GENERIC_500 };
}

/** Writes a problem+json answer. The body is sent pre-serialized so no route schema can alter it. */
export function sendProblem(request: FastifyRequest, reply: FastifyReply, parts: ProblemParts): FastifyReply {
  const problem: Omit<Problem, 'errors'> & { errors?: ProblemError[] } = {
    type: problemType(parts.status),
    title: problemTitle(parts.status),
    status: parts.status,
    detail: parts.detail,
    code: parts.code,
    instance: request.id,
    ...(parts.errors ? { errors: parts.errors } : {}),
  };
  reply.header('x-request-id', request.id);
  for (const [name, value] of Object.entries(parts.headers ?? {})) reply.header(name, value);
  return reply.code(parts.status).type('application/problem+json').send(JSON.stringify(problem));
}

/** Every error, from any plugin or route, leaves as RFC 9457 problem+json; 5xx are logged with the request id. */
export function registerProblemHandling(app: FastifyInstance): void {
  app.setErrorHandler((err, request, reply) => {
    const parts = toProblemParts(err, request.routeOptions.config.notFound);
    if (parts.code === 'UNSUPPORTED_MEDIA_TYPE') {
      const consumes = (request.routeOptions.schema as { consumes?: string[] } | undefined)?.consumes ?? ['application/json'];
      parts.detail = `This endpoint accepts ${consumes.join(' or ')} request bodies.`;
    }
    if (parts.status >= 500) {
      request.log.error({ err }, 'request failed');
    } else {
      request.log.info({ status: parts.status, code: parts.code }, 'request rejected');
    }
    return sendProblem(request, reply, parts);
  });
}

/** OpenAPI description of error answers: `problemResponses(401, 422)`. */
export function problemResponses<const S extends number>(...statuses: S[]) {
  const responses = {} as Record<S, { description: string; content: { 'application/problem+json': { schema: typeof problemSchema } } }>;
  for (const status of statuses) {
    responses[status] = { description: problemTitle(status), content: { 'application/problem+json': { schema: problemSchema } } };
  }
  return responses;
}
