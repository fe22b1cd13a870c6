import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { problemType, problemTitle, type Problem } from './problem.js';

/**
 * What node's HTTP parser refuses before fastify sees a request (a `clientError`: a URL or headers
 * over the size limit, a malformed Content-Length or chunk, a request that took too long) → the
 * status and problem parts. Node's own default picks the same statuses (431, 413, 408, else 400).
 */
function transportProblem(code: string | undefined): { status: number; code: string; detail: string } {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, code: 'HEADERS_TOO_LARGE', detail: 'The request line and headers are larger than the server accepts (16 KiB).' };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { status: 413, code: 'BODY_TOO_LARGE', detail: 'The chunk extensions of the request body are too large.' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'ERR_HTTP_HEADERS_TIMEOUT':
      return { status: 408, code: 'REQUEST_TIMEOUT', detail: 'The request was not received in time.' };
    case 'HPE_INVALID_CONTENT_LENGTH':
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
      return { status: 400, code: 'MALFORMED_REQUEST', detail: 'The Content-Length header is invalid.' };
    case 'HPE_INVALID_CHUNK_SIZE':
    case 'HPE_INVALID_TRANSFER_ENCODING':
      return { status: 400, code: 'MALFORMED_REQUEST', detail: 'The chunked request body is malformed.' };
    default:
      return { status: 400, code: 'MALFORMED_REQUEST', detail: 'The request is not valid HTTP.' };
  }
}

/** The raw HTTP answer to a client error: problem+json, closing the connection (the parser cannot go on). */
export function transportProblemResponse(errorCode: string | undefined, requestId: string = randomUUID()): { status: number; raw: string; problem: Problem } {
  const parts = transportProblem(errorCode);
  const problem: Problem = {
    type: problemType(parts.status),
    title: problemTitle(parts.status),
    status: parts.status,
    detail: parts.detail,
    code: parts.code,
    instance: requestId,
  };
  const body = JSON.stringify(problem);
  const raw =
    `HTTP/1.1 ${parts.status} ${problemTitle(parts.status)}\r\n` +
    'Content-Type: application/problem+json\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    `X-Request-Id: ${requestId}\r\n` +
    'X-Content-Type-Options: nosniff\r\n' +
    'Cache-Control: no-store\r\n' +
    'Connection: close\r\n' +
    '\r\n' +
    body;
  return { status: parts.status, raw, problem };
}

type ParserError = Error & { code?: string };

/**
 * fastify's `clientErrorHandler`: node's HTTP server calls it for requests it cannot parse, before
 * fastify routes anything. The answer is written on the socket as problem+json (with a fresh request
 * id as `instance`, since there is no request), unless a response has already begun on it.
 */
export function clientErrorHandler(this: FastifyInstance, err: ParserError, socket: Socket): void {
  // A reset connection has nobody to answer (https://nodejs.org/api/http.html#event-clienterror).
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const { status, raw, problem } = transportProblemResponse(err.code);
  this.log.info({ status, code: problem.code, parser_error: err.code, request_id: problem.instance }, 'client error');
  // As node's default does: no answer of our own in the middle of a response already being sent.
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) {
    socket.end(raw);
    // end() flushes the answer; the socket is destroyed once it is written or after a short grace.
    socket.once('finish', () => socket.destroy());
    setTimeout(() => socket.destroy(), 1000).unref();
    return;
  }
  socket.destroy(err);
}
