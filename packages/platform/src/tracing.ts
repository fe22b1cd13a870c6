// OpenTelemetry traces across HTTP → gRPC → NATS, propagated by hand at our own choke points (the
// gateway's hooks, the gRPC client and server, the outbox relay and the event consumer): automatic
// instrumentation hooks module loading, which is fragile under ESM. Only `@opentelemetry/api` is
// loaded up front; the SDK is imported when OTEL_EXPORTER_OTLP_ENDPOINT asks for it. Until then
// `tracingEnabled()` is false and every hook returns before allocating anything: the cost of
// tracing that is off is one boolean check per call.
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type TextMapGetter,
  type TracerProvider,
} from '@opentelemetry/api';

export { context as traceContextApi, SpanKind, SpanStatusCode, type Context, type Span };

let enabled = false;
/** The instrumentation scope of every span we make; resolved once tracing is on. */
const TRACER_NAME = '@finance/platform';

/** True once a tracer provider is installed (startTracing with an endpoint, or installTracing in a test). */
export function tracingEnabled(): boolean {
  return enabled;
}

export interface TracingHandle {
  /** Exports what is buffered and stops the provider (the last handle of the process does it). */
  shutdown(): Promise<void>;
  /** `target` (what onShutdown stops) whose `stop()` then shuts tracing down: the spans of the stop are exported too. */
  around<T extends { stop(deadline?: number): Promise<void> }>(target: T): T;
}

const NOTHING_TO_STOP: TracingHandle = { shutdown: async () => undefined, around: (target) => target };

function stopsAfter<T extends { stop(deadline?: number): Promise<void> }>(target: T, shutdown: () => Promise<void>): T {
  const stop = async (deadline?: number) => {
    try {
      await target.stop(deadline);
    } finally {
      await shutdown();
    }
  };
  return Object.assign(Object.create(target) as T, { stop });
}

let installed: { provider: TracerProvider & { shutdown(): Promise<void> }; users: number } | undefined;
let installing: Promise<void> | undefined;

/**
 * Sets tracing up for a composition root, when `OTEL_EXPORTER_OTLP_ENDPOINT` (or
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set and `OTEL_SDK_DISABLED` is not `true`: a tracer
 * provider with a batch span processor and the OTLP http/protobuf exporter (which reads the
 * standard OTEL_EXPORTER_OTLP_* variables itself), resource `service.name` = OTEL_SERVICE_NAME or
 * `serviceName`, the AsyncLocalStorage context manager and the W3C trace-context propagator, all
 * registered globally. Otherwise nothing is loaded and the returned handle does nothing.
 * Several services in one process share the first one's provider; the last `shutdown()` flushes it.
 */
export async function startTracing(serviceName: string, env: NodeJS.ProcessEnv = process.env): Promise<TracingHandle> {
  // The signal's own endpoint is used as it is; the general one gets the traces path (the OTLP spec).
  const url = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || (env.OTEL_EXPORTER_OTLP_ENDPOINT && `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`);
  if (!url || env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return NOTHING_TO_STOP;
  installing ??= (async () => {
    const [{ BatchSpanProcessor, TracerProvider }, { OTLPTraceExporter }, { resourceFromAttributes }, { ATTR_SERVICE_NAME }] = await Promise.all([
      import('@opentelemetry/sdk-trace'),
      import('@opentelemetry/exporter-trace-otlp-proto'),
      import('@opentelemetry/resources'),
      import('@opentelemetry/semantic-conventions'),
    ]);
    const provider = new TracerProvider({
      resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: env.OTEL_SERVICE_NAME || serviceName }),
      spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url }) })],
    });
    await register(provider);
    installed = { provider, users: 0 };
  })();
  await installing;
  const current = installed!;
  current.users++;
  let stopped = false;
  const shutdown = async () => {
    if (stopped) return;
    stopped = true;
    if (--current.users > 0) return;
    await current.provider.shutdown();
    uninstall();
  };
  return { shutdown, around: (target) => stopsAfter(target, shutdown) };
}

/**
 * Installs `provider` (e.g. an SDK TracerProvider with an InMemorySpanExporter, in a test) with the
 * same context manager and propagator startTracing uses, and turns our hooks on. Returns the undo.
 */
export async function installTracing(provider: TracerProvider): Promise<() => void> {
  await register(provider);
  return uninstall;
}

async function register(provider: TracerProvider): Promise<void> {
  const [{ AsyncLocalStorageContextManager }, { W3CTraceContextPropagator }] = await Promise.all([
    import('@opentelemetry/context-async-hooks'),
    import('@opentelemetry/core'),
  ]);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  enabled = true;
}

function uninstall(): void {
  enabled = false;
  installed = undefined;
  installing = undefined;
  trace.disable();
  propagation.disable();
  context.disable();
}

/** Starts a span (a child of `parent`, default the active context) and gives the context that holds it. */
export function startSpan(name: string, kind: SpanKind, attributes: Attributes, parent: Context = context.active()): { span: Span; ctx: Context } {
  const span = trace.getTracer(TRACER_NAME).startSpan(name, { kind, attributes }, parent);
  return { span, ctx: trace.setSpan(parent, span) };
}

/** Ends `span`, as failed when `error` is given (its type and message; the stack stays in the logs). */
export function endSpan(span: Span, error?: unknown, attributes?: Attributes): void {
  if (attributes) span.setAttributes(attributes);
  if (error !== undefined) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    span.setAttribute('error.type', errorTypeOf(error));
  }
  span.end();
}

function errorTypeOf(error: unknown): string {
  if (typeof error === 'string') return error;
  if (error && typeof error === 'object') {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' || typeof code === 'number') return String(code);
    if (error instanceof Error) return error.name;
  }
  return '_OTHER';
}

const NO_FIELDS: Readonly<{ trace_id?: string; span_id?: string }> = Object.freeze({});

/** `trace_id`/`span_id` for a child logger while `span` records; nothing otherwise. */
export function traceLogFields(span: Span | undefined): Readonly<{ trace_id?: string; span_id?: string }> {
  if (!span?.isRecording()) return NO_FIELDS;
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}

/** The W3C headers (`traceparent`, and `tracestate` when there is one) that carry `ctx` to another process. */
export function traceHeadersOf(ctx: Context): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier;
}

const lookupGetter: TextMapGetter<(key: string) => string | undefined> = {
  keys: () => [],
  get: (lookup, key) => lookup(key),
};

/** The remote parent a process was sent (`traceparent`/`tracestate` read by `lookup`); the root context when none or malformed. */
export function contextFromHeaders(lookup: (key: string) => string | undefined): Context {
  return propagation.extract(ROOT_CONTEXT, lookup, lookupGetter);
}

/**
 * The active trace context as one text value for a database column: `traceparent`, then
 * `,tracestate` when there is one (a traceparent holds no comma, so the first comma splits them).
 * Undefined when tracing is off or nothing is being traced.
 */
export function serializeActiveTraceContext(): string | undefined {
  if (!enabled) return undefined;
  const { traceparent, tracestate } = traceHeadersOf(context.active());
  if (!traceparent) return undefined;
  return tracestate ? `${traceparent},${tracestate}` : traceparent;
}

/** The context stored by serializeActiveTraceContext; the root context for null or a malformed value. */
export function deserializeTraceContext(stored: string | null | undefined): Context {
  if (!stored) return ROOT_CONTEXT;
  const comma = stored.indexOf(',');
  const traceparent = comma < 0 ? stored : stored.slice(0, comma);
  const tracestate = comma < 0 ? undefined : stored.slice(comma + 1);
  return contextFromHeaders((key) => (key === 'traceparent' ? traceparent : key === 'tracestate' ? tracestate : undefined));
}
