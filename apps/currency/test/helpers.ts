import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGrpcClient, createLogger, type GrpcClient, type MikroORM } from '@finance/platform';
import { currencyV1 } from '@finance/proto';
import { createTestDatabase, type TestDatabase } from '@finance/testing';
import { currencyConfigSchema, startCurrencyService, type CurrencyServiceOptions, type RunningCurrencyService } from '../src/index.js';
import { openCurrencyDatabase } from '../src/persistence/database.js';

export { date, iso, rejected } from '@finance/testing';

/** TEST_LOG_LEVEL (default silent): `TEST_LOG_LEVEL=debug` shows the service's log. */
export const testLogLevel = (process.env.TEST_LOG_LEVEL ?? 'silent') as 'silent';

export type CurrencyClient = GrpcClient<typeof currencyV1.CurrencyServiceService>;

export interface RunningCurrency {
  service: RunningCurrencyService;
  client: CurrencyClient;
  stop(): Promise<void>;
}

/**
 * The currency service in-process on `databaseUrl` (a real PostgreSQL database), listening on a
 * free port, with a real gRPC client. The refresher is off unless `env` turns it on.
 */
export async function startCurrency(databaseUrl: string, env: Record<string, string> = {}, options: CurrencyServiceOptions = {}): Promise<RunningCurrency> {
  const config = currencyConfigSchema.parse({
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: testLogLevel,
    CURRENCY_GRPC_ADDR: '127.0.0.1:0',
    METRICS_PORT: '0', // a free port: test files run in parallel
    RATES_REFRESH_INTERVAL_S: '0',
    // Nothing in a test may reach the internet: a refresher turned on without a URL finds nothing here.
    RATES_URL: 'http://127.0.0.1:9/eurofxref-hist-90d.xml',
    ...env,
  });
  const service = await startCurrencyService(config, createLogger('currency-test', testLogLevel), options);
  const client = createGrpcClient(currencyV1.CurrencyServiceService, service.address, { deadlineMs: 15_000 });
  return {
    service,
    client,
    async stop() {
      client.$channel.close();
      await service.stop();
    },
  };
}

/** The currency schema seen directly, for assertions (row counts, days). */
export async function inspectRates(databaseUrl: string): Promise<{ orm: MikroORM; rows(): Promise<number>; days(): Promise<string[]>; close(): Promise<void> }> {
  const orm = await openCurrencyDatabase(databaseUrl, createLogger('currency-test-db', testLogLevel));
  const one = async <T>(sql: string) => (await orm.em.fork().execute<T[]>(sql))[0]!;
  return {
    orm,
    rows: async () => Number((await one<{ n: string }>('select count(*) as n from currency.rate')).n),
    days: async () => (await orm.em.fork().execute<{ day: string }[]>('select distinct day::text as day from currency.rate order by day desc limit 5')).map((r) => r.day),
    close: () => orm.close(),
  };
}

/** A real HTTP server on a free local port (the provider's stand-in); `handler` may be swapped. */
export async function startHttpServer(handler: RequestListener): Promise<{ url: string; server: Server; setHandler(h: RequestListener): void; close(): Promise<void> }> {
  let current = handler;
  const server = createServer((req, res) => current(req, res));
  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/stats/eurofxref/eurofxref-hist-90d.xml`,
    server,
    setHandler(h) {
      current = h;
    },
    close: () =>
      new Promise<void>((resolveClose) => {
        server.closeAllConnections();
        server.close(() => resolveClose());
      }),
  };
}

/** An ECB XML feed (the shape of eurofxref-hist-90d.xml) of `days`: [day, [[currency, rate], …]]. */
export function ecbXml(days: [string, [string, string][]][]): string {
  const cubes = days
    .map(([day, rates]) => `\t\t<Cube time="${day}">\n${rates.map(([c, r]) => `\t\t\t<Cube currency="${c}" rate="${r}"/>`).join('\n')}\n\t\t</Cube>`)
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
\t<gesmes:subject>Reference rates</gesmes:subject>
\t<gesmes:Sender>
\t\t<gesmes:name>European Central Bank</gesmes:name>
\t</gesmes:Sender>
\t<Cube>
${cubes}
\t</Cube>
</gesmes:Envelope>
`;
}

export { createTestDatabase, type TestDatabase };
