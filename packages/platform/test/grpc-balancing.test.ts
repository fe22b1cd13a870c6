import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createGrpcClient, createLogger, startGrpcServer, type RunningGrpcServer } from '../src/index.js';
import { jsonMethod } from './support/json-method.js';

// Calls spread over every address a target resolves to (round_robin), and a connection older than
// the server's maximum age is replaced without failing a call: what lets a scaled-out service behind
// a headless Kubernetes Service take its share of the calls.
const WhoService = { who: jsonMethod<{ server?: string }>('/test.Who/Who') };
const logger = createLogger('test', 'silent');
const servers: RunningGrpcServer[] = [];

const startWho = async (name: string, maxConnectionAgeMs?: number) => {
  const server = await startGrpcServer({
    address: '127.0.0.1:0',
    logger,
    maxConnectionAgeMs,
    services: [{ definition: WhoService, implementation: { who: async () => ({ server: name }) } }],
  });
  servers.push(server);
  return server;
};

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
});

describe('gRPC client balancing', () => {
  let a: RunningGrpcServer;
  let b: RunningGrpcServer;
  beforeAll(async () => {
    [a, b] = await Promise.all([startWho('a'), startWho('b')]);
  });

  test('calls take turns over every resolved address, not the first one only', async () => {
    // ipv4:host:port,host:port is grpc-js's literal list: what DNS gives for a headless Service.
    const client = createGrpcClient(WhoService, `ipv4:${a.address},${b.address}`);
    try {
      await client.who({}); // connected to both once the channel is ready
      const answers: string[] = [];
      for (let i = 0; i < 20; i++) answers.push((await client.who({})).server!);
      expect(new Set(answers)).toEqual(new Set(['a', 'b']));
      expect(answers.filter((s) => s === 'a').length).toBeGreaterThanOrEqual(5);
      expect(answers.filter((s) => s === 'b').length).toBeGreaterThanOrEqual(5);
    } finally {
      client.$channel.close();
    }
  });

  test('a single address works as before', async () => {
    const client = createGrpcClient(WhoService, a.address);
    try {
      await expect(client.who({})).resolves.toEqual({ server: 'a' });
    } finally {
      client.$channel.close();
    }
  });
});

describe('gRPC server connection age', () => {
  test('connections past their age are replaced under steady calls, and no call fails', async () => {
    const aging = await startWho('aging', 150);
    const client = createGrpcClient(WhoService, aging.address);
    try {
      const deadline = Date.now() + 1200;
      let calls = 0;
      while (Date.now() < deadline) {
        await Promise.all([client.who({}), client.who({}), client.who({})]);
        calls += 3;
      }
      expect(calls).toBeGreaterThan(30);
    } finally {
      client.$channel.close();
    }
  });
});
