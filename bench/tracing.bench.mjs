// What tracing costs a gRPC call (packages/platform/src/tracing.ts): 100,000 unary calls through
// connectService → startGrpcServer (one process, 50 in flight), with tracing off (no
// OTEL_EXPORTER_OTLP_ENDPOINT: the shipped default), then on with spans made and exported to a
// no-op exporter in batches (the SDK's cost without the network). Off, a call costs one boolean
// check more than before tracing existed: no span, no metadata entry, no header object.
// Needs `turbo run build` (it loads packages/platform/dist). TRACING_BENCH_BASELINE=<a platform dist
// built from an older commit> adds that code as a baseline, measured the same way in the same process.
import { join } from 'node:path';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';

const CALLS = Number(process.env.TRACING_BENCH_CALLS ?? 100_000);
const CONCURRENCY = 50;

const json = (path) => ({
  path,
  requestStream: false,
  responseStream: false,
  requestSerialize: (v) => Buffer.from(JSON.stringify(v)),
  requestDeserialize: (b) => JSON.parse(b.toString()),
  responseSerialize: (v) => Buffer.from(JSON.stringify(v)),
  responseDeserialize: (b) => JSON.parse(b.toString()),
});

async function measure(client, label) {
  let next = 0;
  const worker = async () => {
    while (next++ < CALLS) await client.getEcho({ n: next });
  };
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const row = { mode: label, calls: CALLS, 'calls/s': Math.round(CALLS / (ms / 1000)), 'CPU µs/call': ((used.user + used.system) / CALLS).toFixed(1) };
  console.log(`| ${row.mode} | ${row.calls} | ${row['calls/s']} | ${row['CPU µs/call']} |`);
  return row;
}

const Echo = { getEcho: json('/bench.Echo/GetEcho') };

/** An echo server and a client of it, made by one build of the platform package. */
async function echoOf(platform) {
  const logger = platform.createLogger('bench', 'silent');
  const server = await platform.startGrpcServer({ address: '127.0.0.1:0', logger, services: [{ definition: Echo, implementation: { getEcho: async (req) => req } }] });
  const client = platform.connectService({ name: 'echo', definition: Echo }, server.address, { deadlineMs: 30_000 });
  return { client, close: async () => (client.close(), await server.stop()) };
}

export async function run() {
  const root = join(import.meta.dirname, '..');
  const platform = await import(join(root, 'packages/platform/dist/index.js'));
  const { installTracing } = platform;
  const { client, close } = await echoOf(platform);
  try {
    console.log('| tracing | calls | calls/s | CPU µs/call |\n|---|---|---|---|');
    await measure(client, 'warm-up (off)');
    if (process.env.TRACING_BENCH_BASELINE) {
      const baseline = await echoOf(await import(join(process.env.TRACING_BENCH_BASELINE, 'index.js')));
      await measure(baseline.client, 'baseline (before tracing existed)');
      await baseline.close();
    }
    await measure(client, 'off');
    const exporter = { export: (_spans, done) => done({ code: 0 }), shutdown: async () => undefined };
    const provider = new TracerProvider({ spanProcessors: [new BatchSpanProcessor({ exporter, maxQueueSize: 100_000 })] });
    const uninstall = await installTracing(provider);
    await measure(client, 'on (2 spans a call, no-op export)');
    await provider.shutdown();
    uninstall();
    await measure(client, 'off again');
  } finally {
    await close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
