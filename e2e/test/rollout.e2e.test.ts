import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { SERVICES } from '@finance/platform/services';
import { testNatsUrl } from '@finance/testing';
import { ServiceBalancer } from './support/service-balancer.js';
import { client, signUp, startStack, type Stack } from './support/stack.js';

// Issue 15, "graceful rollout": one of two gateway replicas restarts under load and no client sees a
// failure. The services run in-process (the e2e stack); the two gateways are real processes of the
// built apps/gateway/dist/main.js, as Kubernetes runs them, behind a balancer that does what a
// Service does (support/service-balancer.ts: connections round-robin over the replicas whose
// /health/ready answered 200 at the last 100 ms poll, nothing retried). Clients keep their
// connections alive, as browsers and HTTP libraries do, and now and then open a new one.
//
// On SIGTERM the replica answers /health/ready with 503 for SHUTDOWN_DRAIN_MS while serving
// everything with `Connection: close` (so a pinned client reconnects, to the other replica), then
// closes. Without the drain, or without `Connection: close`, requests fail here: connections
// refused or reset by the closing replica.

const MAIN = resolve(import.meta.dirname, '../../apps/gateway/dist/main.js');
const DRAIN_MS = 1000;
const TIMEOUT_MS = 10_000;
const CLIENTS = 6;

let stack: Stack;
let token: string;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  stack = await startStack({ RATE_LIMIT_PER_MINUTE: '1000000', AUTH_RATE_LIMIT_PER_MINUTE: '1000000' });
  token = (await signUp(client(stack.baseUrl), 'rollout')).tokens.access_token;
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await stack?.close();
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

interface GatewayProcess {
  child: ChildProcess;
  exited: Promise<{ code: number | null; at: number }>;
  output(): string;
}

/** A gateway replica as `node apps/gateway/dist/main.js`; resolves once it listens. */
async function startGatewayProcess(port: number): Promise<GatewayProcess> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first (npm run build, or turbo run build)`);
  const addresses = Object.fromEntries(SERVICES.map((s) => [s.addressVar, stack.services[s.name]!.address]));
  const child = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      ...addresses,
      PORT: String(port),
      HOST: '127.0.0.1',
      METRICS_PORT: '0', // replicas side by side: a free metrics port each
      NATS_URL: testNatsUrl(),
      EVENT_NAMESPACE: stack.namespace,
      LOG_LEVEL: 'info',
      RATE_LIMIT_PER_MINUTE: '1000000',
      SHUTDOWN_DRAIN_MS: String(DRAIN_MS),
      SHUTDOWN_TIMEOUT_MS: String(TIMEOUT_MS),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let output = '';
  const take = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000));
  child.stdout!.on('data', take);
  child.stderr!.on('data', take);
  const exited = new Promise<{ code: number | null; at: number }>((done) =>
    child.once('exit', (code) => {
      children.delete(child);
      done({ code, at: Date.now() });
    }),
  );
  const deadline = Date.now() + 20_000;
  while (!output.includes('"gateway listening"')) {
    if (child.exitCode !== null) throw new Error(`gateway on ${port} exited (${child.exitCode}): ${output}`);
    if (Date.now() > deadline) throw new Error(`gateway on ${port} did not listen within 20 s: ${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, exited, output: () => output };
}

interface Outcome {
  phase: string;
  backend: string | undefined;
  /** What went wrong (an unexpected status, a socket error); undefined: the expected 2xx. */
  failure?: string;
}

/**
 * A client in a loop, alternating POST /transactions (201) and GET /transactions (200) over one
 * kept-alive connection. Like a client's pool it recycles the connection now and then (after 2–4 s,
 * longer than the drain: only `Connection: close` moves it off a draining replica in time), so that
 * the replicas share the load again after the restart.
 */
async function runClient(balancer: ServiceBalancer, phase: () => string, running: () => boolean, outcomes: Outcome[]) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const { hostname, port } = new URL(balancer.url);
  const recycleMs = 2000 + Math.random() * 2000;
  let connection = { port: 0, since: Date.now() };
  try {
    for (let n = 0; running(); n++) {
      const post = n % 2 === 0;
      const body = post ? JSON.stringify({ amount: '1.25', transaction_type: 'expense', date: '2026-03-14', description: `rollout ${n}` }) : undefined;
      const at = phase();
      const outcome = await new Promise<Outcome>((done) => {
        const req = request(
          {
            agent,
            hostname,
            port,
            method: post ? 'POST' : 'GET',
            path: post ? '/transactions' : '/transactions?limit=5',
            headers: {
              authorization: `Bearer ${token}`,
              ...(body ? { 'content-type': 'application/json' } : {}),
              ...(Date.now() - connection.since > recycleMs ? { connection: 'close' } : {}),
            },
          },
          (res) => {
            if (res.socket.localPort !== connection.port) connection = { port: res.socket.localPort!, since: Date.now() };
            const backend = balancer.backendOf(res.socket.localPort!);
            let text = '';
            res.on('data', (chunk: Buffer) => (text += chunk.toString()));
            res.on('end', () => {
              const expected = post ? 201 : 200;
              done({ phase: at, backend, ...(res.statusCode === expected ? {} : { failure: `${req.method} ${res.statusCode} ${text.slice(0, 200)}` }) });
            });
            res.on('error', (err) => done({ phase: at, backend, failure: `${req.method} response: ${err.message}` }));
          },
        );
        req.on('error', (err) => done({ phase: at, backend: undefined, failure: `${req.method}: ${err.message}` }));
        req.end(body);
      });
      outcomes.push(outcome);
    }
  } finally {
    agent.destroy();
  }
}

const waitUntil = async (what: string, ok: () => boolean, timeoutMs = 15_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('rolling restart of the gateway', () => {
  test('one of two replicas restarts under load: no request fails, both replicas serve before and after', async () => {
    const ports = [await freePort(), await freePort()] as const;
    let first = await startGatewayProcess(ports[0]);
    const second = await startGatewayProcess(ports[1]);
    const balancer = await ServiceBalancer.start([
      { name: 'gateway-1', port: ports[0] },
      { name: 'gateway-2', port: ports[1] },
    ]);
    const outcomes: Outcome[] = [];
    let phase = 'before';
    let running = true;
    const served = (p: string, backend: string) => outcomes.filter((o) => o.phase === p && o.backend === backend && !o.failure).length;
    try {
      await waitUntil('both replicas ready', () => balancer.ready.length === 2);
      const clients = Array.from({ length: CLIENTS }, () => runClient(balancer, () => phase, () => running, outcomes));
      await waitUntil('load on both replicas', () => served('before', 'gateway-1') >= 20 && served('before', 'gateway-2') >= 20);

      phase = 'rolling';
      const signalled = Date.now();
      first.child.kill('SIGTERM');
      const { code, at } = await first.exited;
      expect({ code, output: code === 0 ? '' : first.output() }).toEqual({ code: 0, output: '' });
      expect(at - signalled).toBeGreaterThanOrEqual(DRAIN_MS);
      expect(at - signalled).toBeLessThan(TIMEOUT_MS);
      expect(first.output()).not.toContain('shutdown timed out');

      first = await startGatewayProcess(ports[0]);
      await waitUntil('the restarted replica ready', () => balancer.ready.includes('gateway-1'));
      phase = 'after';
      await waitUntil('load on both replicas after the restart', () => served('after', 'gateway-1') >= 20 && served('after', 'gateway-2') >= 20);
      running = false;
      await Promise.all(clients);
    } finally {
      running = false;
      await balancer.close();
      for (const gateway of [first, second]) gateway.child.kill('SIGTERM');
      await Promise.all([first.exited, second.exited]);
    }

    const failures = outcomes.filter((o) => o.failure);
    expect(failures).toEqual([]);
    const count = (p: string) => ({ 'gateway-1': served(p, 'gateway-1'), 'gateway-2': served(p, 'gateway-2') });
    expect(Math.min(...Object.values(count('before')))).toBeGreaterThanOrEqual(20);
    expect(Math.min(...Object.values(count('after')))).toBeGreaterThanOrEqual(20);
    // The restart happened under load: requests were answered while the replica drained and was down.
    expect(outcomes.filter((o) => o.phase === 'rolling').length).toBeGreaterThan(50);
  }, 90_000);
});
