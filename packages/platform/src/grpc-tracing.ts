// Spans of gRPC calls (see tracing.ts): the client injects its span's context into the call's
// metadata (`traceparent`, `tracestate`), the server continues that trace in a server span and runs
// the handler inside it, so calls the handler makes become its children. Every function here is
// called only when tracingEnabled() is true.
import type { Metadata } from '@grpc/grpc-js';
import { status } from '@grpc/grpc-js';
import { grpcStatusName } from './grpc-errors.js';
import { ATTR_RPC_METHOD, ATTR_RPC_STATUS_CODE, ATTR_RPC_SYSTEM_NAME } from '@opentelemetry/semantic-conventions';
import { contextFromHeaders, endSpan, SpanKind, startSpan, traceContextApi, traceHeadersOf, type Context, type Span } from './tracing.js';

export interface TracedCall {
  span: Span;
  /** The context holding the span: run the handler (or send the call) in it. */
  ctx: Context;
}

/** `finance.ledger.v1.LedgerService/CreateTransaction` for the path `/finance.ledger.v1.LedgerService/CreateTransaction`. */
const methodOf = (path: string) => (path.startsWith('/') ? path.slice(1) : path);

const metadataLookup = (metadata: Metadata) => (key: string) => {
  const value = metadata.get(key)[0];
  return typeof value === 'string' ? value : undefined;
};

/** A server span for a call at `path`, continuing the caller's trace when its metadata carries one. */
export function startServerCallSpan(metadata: Metadata, path: string): TracedCall {
  const method = methodOf(path);
  return startSpan(method, SpanKind.SERVER, { [ATTR_RPC_SYSTEM_NAME]: 'grpc', [ATTR_RPC_METHOD]: method }, contextFromHeaders(metadataLookup(metadata)));
}

/** A client span for a call at `path` (child of the active context) and the metadata entries that carry it. */
export function startClientCallSpan(path: string, parent: Context = traceContextApi.active()): TracedCall & { headers: Record<string, string> } {
  const method = methodOf(path);
  const traced = startSpan(method, SpanKind.CLIENT, { [ATTR_RPC_SYSTEM_NAME]: 'grpc', [ATTR_RPC_METHOD]: method }, parent);
  return { ...traced, headers: traceHeadersOf(traced.ctx) };
}

/** Statuses that are the server's fault; a caller's mistake (NOT_FOUND, INVALID_ARGUMENT, …) leaves a server span unset. */
const SERVER_FAULTS = new Set<number>([status.UNKNOWN, status.DEADLINE_EXCEEDED, status.UNIMPLEMENTED, status.INTERNAL, status.UNAVAILABLE, status.DATA_LOSS]);

/**
 * Ends a call's span with its gRPC status (`code` 0 = OK; `error` what failed it, if anything). A
 * client span fails with any other status; a server span only with a server fault (the semantic
 * conventions' rule).
 */
export function endCallSpan(traced: TracedCall, side: 'client' | 'server', code: number, error?: unknown): void {
  const failed = code !== status.OK && (side === 'client' || SERVER_FAULTS.has(code));
  endSpan(traced.span, failed ? (error ?? grpcStatusName(code)) : undefined, { [ATTR_RPC_STATUS_CODE]: grpcStatusName(code) ?? String(code) });
}

/** Runs `fn` inside the call's span (its async continuations included); without one, just runs it. */
export function inSpan<T>(traced: TracedCall | undefined, fn: () => T): T {
  return traced ? traceContextApi.with(traced.ctx, fn) : fn();
}
