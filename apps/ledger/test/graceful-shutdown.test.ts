import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createGrpcClient, createHealthChecker } from '@finance/platform';
import { ledgerV1 } from '@finance/proto';
import { createTestDatabase, deleteNamespaceStreams, randomNamespace, testNatsUrl, type TestDatabase } from '@finance/testing';

// The ledger as Kubernetes runs it (its built main.js in a process of its own) receiving SIGTERM:
// for SHUTDOWN_DRAIN_MS its readiness (gRPC health of finance.ledger.v1.LedgerService) is NOT_SERVING
// while liveness ("") stays SERVING and calls are still answered; then it stops its server, scheduler,
// consumers and relay and exits 0, well within SHUTDOWN_TIMEOUT_MS.

const MAIN = resolve(import.meta.dirname, '../dist/main.js');
const DRAIN_MS = 800;
const TIMEOUT_MS = 10_000;

let db: TestDatabase;
const namespace = randomNamespace();
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
  await deleteNamespaceStreams(testNatsUrl(), namespace);
});

function startLedgerProcess(env: Record<string, string> = {}) {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first (npm run build, or turbo run build)`);
  const child = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      NATS_URL: testNatsUrl(),
      EVENT_NAMESPACE: namespace,
      LEDGER_GRPC_ADDR: '127.0.0.1:0',
      METRICS_PORT: '0', // a free port: test files run in parallel
      // The scheduler runs (and is stopped) too.
      RECURRING_SCAN_INTERVAL_S: '1',
      SHUTDOWN_DRAIN_MS: String(DRAIN_MS),
      SHUTDOWN_TIMEOUT_MS: String(TIMEOUT_MS),
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<{ code: number | null; at: number }>((done) => child.once('exit', (code) => done({ code, at: Date.now() })));
  const messages: string[] = [];
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const address = new Promise<string>((resolveAddress, reject) => {
    const timer = setTimeout(() => reject(new Error(`the ledger did not start within 20 s: ${stderr}`)), 20_000);
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`the ledger exited (${code}) before listening: ${stderr}`));
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { msg?: string; address?: string };
        if (entry.msg) messages.push(entry.msg);
        if (entry.msg === 'ledger service listening' && entry.address) {
          clearTimeout(timer);
          resolveAddress(entry.address);
        }
      } catch {
        // not a log line
      }
    });
  });
  return { child, address, exited, messages, stderr: () => stderr };
}

describe('the ledger process on SIGTERM', () => {
  test('drains (not ready, still live and answering), then exits 0 within SHUTDOWN_TIMEOUT_MS', async () => {
    const ledger = startLedgerProcess();
    try {
      const address = await ledger.address;
      const readiness = createHealthChecker(address, 'finance.ledger.v1.LedgerService');
      const liveness = createHealthChecker(address, '');
      const client = createGrpcClient(ledgerV1.LedgerServiceService, address, { deadlineMs: 3000 });
      const userId = randomUUID();
      const ask = () => client.listCategories({ userId, page: { limit: 10, cursor: '' } });
      try {
        expect(await readiness.check()).toBe('SERVING');
        expect(await liveness.check()).toBe('SERVING');
        await expect(ask()).resolves.toMatchObject({ items: [] });

        const signalled = Date.now();
        ledger.child.kill('SIGTERM');
        await new Promise((r) => setTimeout(r, 200));
        // Draining: taken out of rotation, still alive and serving.
        expect(await readiness.check()).toBe('NOT_SERVING');
        expect(await liveness.check()).toBe('SERVING');
        await expect(ask()).resolves.toMatchObject({ items: [] });

        const { code, at } = await ledger.exited;
        expect({ code, stderr: ledger.stderr() }).toEqual({ code: 0, stderr: '' });
        expect(at - signalled).toBeGreaterThanOrEqual(DRAIN_MS);
        expect(at - signalled).toBeLessThan(TIMEOUT_MS);
        expect(ledger.messages).toEqual(expect.arrayContaining(['shutting down', 'stopped']));
        expect(ledger.messages).not.toContain('shutdown timed out');
      } finally {
        readiness.close();
        liveness.close();
        client.$channel.close();
      }
    } finally {
      if (ledger.child.exitCode === null && ledger.child.signalCode === null) ledger.child.kill('SIGKILL');
    }
  }, 30_000);

  test('a stop that does not fit in SHUTDOWN_TIMEOUT_MS exits 1 when the time is up', async () => {
    // The drain alone outlasts the timeout.
    const ledger = startLedgerProcess({ SHUTDOWN_DRAIN_MS: '5000', SHUTDOWN_TIMEOUT_MS: '600' });
    try {
      await ledger.address;
      const signalled = Date.now();
      ledger.child.kill('SIGTERM');
      const { code, at } = await ledger.exited;
      expect(code).toBe(1);
      expect(at - signalled).toBeGreaterThanOrEqual(600);
      expect(at - signalled).toBeLessThan(3000);
      expect(ledger.messages).toContain('shutdown timed out');
    } finally {
      if (ledger.child.exitCode === null && ledger.child.signalCode === null) ledger.child.kill('SIGKILL');
    }
  }, 30_000);
});
