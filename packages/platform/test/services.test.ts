// The service manifest (src/services.ts) against itself, the generated definitions and
// docker-compose.yml: a service added to one and not the other fails here.
import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { connectService, createHealthChecker, createLogger, serviceNameOf, startGrpcServer, type AsyncServiceImplementation } from '../src/index.js';
import { addressEnv, ownAddressEnv, SERVICE_NODE_OPTIONS, serviceNodeOptions, SERVICES, startOrder, type ServiceManifestEntry } from '../src/services.js';

const ROOT = join(import.meta.dirname, '../../..');

describe('the manifest', () => {
  test('names, address variables, ports and health names are unique and follow the house names', () => {
    for (const key of ['name', 'addressVar', 'defaultPort', 'metricsPort', 'healthName'] as const) {
      expect(new Set(SERVICES.map((s) => s[key])).size).toBe(SERVICES.length);
    }
    for (const s of SERVICES) {
      expect(s.addressVar).toBe(`${s.name.toUpperCase()}_GRPC_ADDR`);
      // The health name is the service the definition really serves (grpc.health.v1 asks by it).
      expect(s.healthName).toBe(serviceNameOf(s.definition));
      expect(s.healthName).toMatch(new RegExp(`^finance\\.${s.name}\\.v\\d+\\.`));
    }
  });

  test('is listed in a valid start order: every dependency is a service listed before it', () => {
    const seen = new Set<string>();
    for (const s of SERVICES) {
      for (const d of s.dependsOn) expect(seen).toContain(d);
      seen.add(s.name);
    }
    expect(startOrder().map((s) => s.name)).toEqual(SERVICES.map((s) => s.name));
  });

  test('startOrder refuses a cycle or an unknown dependency', () => {
    const a = { ...SERVICES[0], name: 'a', dependsOn: ['b'] };
    const b = { ...SERVICES[0], name: 'b', dependsOn: ['a'] };
    expect(() => startOrder([a, b])).toThrow(/cycle or an unknown dependency among: a, b/);
    expect(() => startOrder([{ ...a, dependsOn: ['nowhere'] }])).toThrow(/unknown dependency/);
  });

  test("a service's config reads its own address and its dependencies', with the manifest's defaults", () => {
    const schema = z.object(ownAddressEnv('budgeting'));
    expect(schema.parse({})).toEqual({ BUDGETING_GRPC_ADDR: '127.0.0.1:50053', LEDGER_GRPC_ADDR: '127.0.0.1:50052', AUTH_GRPC_ADDR: '127.0.0.1:50051', CURRENCY_GRPC_ADDR: '127.0.0.1:50056' });
    expect(schema.parse({ AUTH_GRPC_ADDR: 'auth:7000' }).AUTH_GRPC_ADDR).toBe('auth:7000');
    expect(schema.safeParse({ LEDGER_GRPC_ADDR: 'no port' }).success).toBe(false);
    expect(Object.keys(z.object(addressEnv('auth')).parse({}))).toEqual(['AUTH_GRPC_ADDR']);
  });
});

// docker-compose.yml, read as data: the app services are those built from infra/Dockerfile.
interface ComposeService {
  build?: { args?: { APP?: string } };
  environment?: Record<string, string>;
  healthcheck?: { test?: unknown };
  depends_on?: Record<string, unknown>;
}
const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };
const appServices = Object.entries(compose.services).filter(([, s]) => s.build?.args?.APP && s.build.args.APP !== 'gateway');

describe("the services' V8 flags", () => {
  test('the container image starts every service with SERVICE_NODE_OPTIONS, and compose does not override them', () => {
    const dockerfile = readFileSync(join(ROOT, 'infra/Dockerfile'), 'utf8');
    expect(dockerfile).toContain(`ENV NODE_OPTIONS="${SERVICE_NODE_OPTIONS}"`);
    const composeText = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
    expect(composeText).not.toMatch(/NODE_OPTIONS/);
  });

  test('npm start and the bench stack put them in the children\'s NODE_OPTIONS', () => {
    for (const script of ['infra/scripts/run-all.mjs', 'bench/lib/stack.mjs']) {
      expect(readFileSync(join(ROOT, script), 'utf8')).toMatch(/NODE_OPTIONS = serviceNodeOptions\(|NODE_OPTIONS: serviceNodeOptions\(/);
    }
  });

  test('flags given on top come after the defaults, so they win', () => {
    expect(serviceNodeOptions()).toBe(SERVICE_NODE_OPTIONS);
    expect(serviceNodeOptions('  ')).toBe(SERVICE_NODE_OPTIONS);
    expect(serviceNodeOptions('--max-semi-space-size=4 --cpu-prof')).toBe(`${SERVICE_NODE_OPTIONS} --max-semi-space-size=4 --cpu-prof`);
  });
});

describe('docker-compose.yml matches the manifest', () => {
  test('every manifest service has a compose service, and every compose app service is in the manifest', () => {
    expect(appServices.map(([name]) => name).sort()).toEqual(SERVICES.map((s) => s.name).sort());
    for (const [name, s] of appServices) expect(s.build?.args?.APP).toBe(name);
  });

  test.each(SERVICES.map((s) => [s.name, s] as const))('%s binds its address, has a health check, and finds its dependencies where they bind', (name, entry) => {
    const s = compose.services[name]!;
    expect(s.environment?.[entry.addressVar]).toBe(`0.0.0.0:${entry.defaultPort}`);
    expect(s.healthcheck?.test).toBeDefined();
    expect(JSON.stringify(s.healthcheck?.test)).toContain(String(entry.defaultPort));
    for (const dep of entry.dependsOn) {
      const d = SERVICES.find((x) => x.name === dep)!;
      expect(s.environment?.[d.addressVar]).toBe(`${dep}:${d.defaultPort}`);
      expect(s.depends_on).toHaveProperty(dep);
    }
    // A service with a schema gets DATABASE_URL and waits for PostgreSQL; one without gets neither.
    expect(s.environment?.DATABASE_URL !== undefined).toBe(entry.database);
    expect(s.depends_on?.postgres !== undefined).toBe(entry.database);
    expect(s.environment?.NATS_URL !== undefined).toBe(entry.events);
  });

  test('the gateway finds every service where it binds and waits for it', () => {
    const gateway = compose.services.gateway!;
    for (const s of SERVICES) {
      expect(gateway.environment?.[s.addressVar]).toBe(`${s.name}:${s.defaultPort}`);
      expect(gateway.depends_on).toHaveProperty(s.name);
    }
  });
});

test('a service added by a manifest entry alone is started in order, configured, called and health-checked', async () => {
  // A throw-away service reusing a generated definition: what one entry gives a new service.
  const auth = SERVICES[0];
  const piggy: ServiceManifestEntry<typeof auth.definition> = {
    name: 'piggy',
    addressVar: 'PIGGY_GRPC_ADDR',
    defaultPort: 50099,
    metricsPort: 9499,
    healthName: auth.healthName,
    definition: auth.definition,
    dependsOn: ['ledger'],
    database: false,
    events: false,
  };
  expect(startOrder([piggy, ...SERVICES]).map((s) => s.name)).toEqual([...SERVICES.map((s) => s.name).slice(0, 2), 'piggy', ...SERVICES.map((s) => s.name).slice(2)]);
  const implementation = { getUser: async ({ userId }: { userId: string }) => ({ user: { id: userId } }) } as unknown as AsyncServiceImplementation<typeof auth.definition>;
  const server = await startGrpcServer({ address: '127.0.0.1:0', logger: createLogger('piggy', 'silent'), services: [{ definition: piggy.definition, implementation }] });
  const client = connectService(piggy, server.address);
  const health = createHealthChecker(server.address, piggy.healthName);
  try {
    expect((await client.getUser({ userId: 'u1' })).user?.id).toBe('u1');
    await expect(client.deleteUser({ userId: 'u1' })).rejects.toMatchObject({ kind: 'unavailable', code: 'PIGGY_UNAVAILABLE' });
    expect(await health.check(1000)).toBe('SERVING');
    expect(await createHealthChecker(server.address, 'finance.nothing.v1.Nothing').check(1000)).toBe('SERVICE_UNKNOWN');
  } finally {
    health.close();
    client.close();
    await server.stop();
  }
});
