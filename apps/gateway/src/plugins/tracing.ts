import { contextFromHeaders, endSpan, SpanKind, startSpan, traceContextApi, traceLogFields, tracingEnabled, type Context, type Span } from '@finance/platform';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
} from '@opentelemetry/semantic-conventions';
import type { FastifyInstance, FastifyRequest } from 'fastify';

const spans = new WeakMap<FastifyRequest, { span: Span; ctx: Context }>();

/**
 * A server span per request (`POST /transactions`: the route's template, so that spans group by
 * route), continuing a caller's W3C `traceparent` when one came in; the route's handler runs inside
 * it, so the gRPC calls it makes become its children (platform's service-client). The request's
 * logger gains trace_id/span_id beside its request_id. With tracing off (platform's tracing.ts) no
 * hook is added: a request costs nothing more.
 */
export function registerTracing(app: FastifyInstance): void {
  if (!tracingEnabled()) return;
  app.addHook('onRequest', (request, _reply, done) => {
    const route = request.routeOptions.url;
    const parent = contextFromHeaders((key) => {
      const value = request.headers[key];
      return typeof value === 'string' ? value : undefined;
    });
    const traced = startSpan(
      route ? `${request.method} ${route}` : request.method,
      SpanKind.SERVER,
      {
        [ATTR_HTTP_REQUEST_METHOD]: request.method,
        [ATTR_URL_PATH]: request.url.split('?')[0]!,
        [ATTR_URL_SCHEME]: request.protocol,
        ...(route ? { [ATTR_HTTP_ROUTE]: route } : {}),
        'finance.request_id': request.id,
      },
      parent,
    );
    spans.set(request, traced);
    request.log = request.log.child(traceLogFields(traced.span));
    done();
  });
  // The body is read between onRequest and here, on the socket's own async context: the span's
  // context is entered once it is in, and fastify then runs the rest of the hooks and the handler
  // from this `done()` (an async hook's continuation keeps the context its promise was made in).
  app.addHook('preHandler', (request, _reply, done) => {
    const traced = spans.get(request);
    if (traced) traceContextApi.with(traced.ctx, done);
    else done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const traced = spans.get(request);
    if (traced) {
      // A 4xx is the client's mistake: only a 5xx fails the server span (semantic conventions).
      endSpan(traced.span, reply.statusCode >= 500 ? String(reply.statusCode) : undefined, { [ATTR_HTTP_RESPONSE_STATUS_CODE]: reply.statusCode });
      spans.delete(request);
    }
    done();
  });
  app.addHook('onRequestAbort', (request, done) => {
    const traced = spans.get(request);
    if (traced) {
      endSpan(traced.span, 'aborted');
      spans.delete(request);
    }
    done();
  });
}
