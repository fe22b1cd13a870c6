import { expect, it } from '@jest/globals';
import { DomainError } from '@finance/platform';
import { bearer, startTestGateway, type TestGateway } from './gateway.js';
import { expectProblem } from './problems.js';

/**
 * What the routes served by one upstream service answer when it fails, for `urls` (GET routes it
 * serves; the first is used where one is enough): UNAVAILABLE → 503 without the service's text, the
 * request id reaching the service; an unexpected error → 500 with a generic detail; slower than
 * GRPC_DEADLINE_MS → 504; stopped → 503. Call inside a describe; `current` gives the file's gateway
 * and a user's token.
 */
export function upstreamFailureTests(
  upstream: 'ledger' | 'budgeting' | 'reporting',
  urls: readonly [string, ...string[]],
  current: () => { gw: TestGateway; token: string },
): void {
  const code = `${upstream.toUpperCase()}_DATABASE_DOWN`;

  it.each(urls)(`UNAVAILABLE → 503 without the service’s text; the request id reaches ${upstream} (%s)`, async (url) => {
    const { gw, token } = current();
    gw[upstream].outage = new DomainError('unavailable', code, 'connect ECONNREFUSED 10.9.8.7:5432');
    try {
      const res = await gw.app.inject({ method: 'GET', url, headers: { ...bearer(token), 'x-request-id': `${upstream}-trace-1` } });
      expectProblem(res, 503, code);
      expect(res.body).not.toContain('10.9.8.7');
      expect(gw[upstream].calls.at(-1)?.requestId).toBe(`${upstream}-trace-1`);
    } finally {
      gw[upstream].outage = undefined;
    }
  });

  it(`an unexpected ${upstream} error → 500 with a generic detail`, async () => {
    const { gw, token } = current();
    gw[upstream].outage = new Error('relation "secret_table" does not exist');
    try {
      const res = await gw.app.inject({ method: 'GET', url: urls[0], headers: bearer(token) });
      expectProblem(res, 500, 'UPSTREAM_ERROR');
      expect(res.body).not.toContain('secret_table');
    } finally {
      gw[upstream].outage = undefined;
    }
  });

  it(`${upstream} slower than GRPC_DEADLINE_MS → 504; stopped → 503`, async () => {
    const local = await startTestGateway({ GRPC_DEADLINE_MS: '200' });
    try {
      const { token } = await local.fake.seedUser();
      const send = (url: string) => local.app.inject({ method: 'GET', url, headers: bearer(token) });
      // Warm up the key cache first, so only the service call can be slow.
      expect((await send(urls[0])).statusCode).toBe(200);
      local[upstream].delayMs = 600;
      expectProblem(await send(urls[0]), 504);
      local[upstream].delayMs = 0;
      await local[upstream].stop();
      for (const url of urls) expectProblem(await send(url), 503);
    } finally {
      await local.close();
    }
  });
}
