import { expect, it } from '@jest/globals';
import { stubError } from '@finance/testing';
import { bearer, startTestGateway, type TestGateway } from './gateway.js';
import { expectProblem } from './problems.js';

export const UNAVAILABLE_DETAIL = 'A service needed for this request is unavailable; try again shortly.';
export const DEADLINE_DETAIL = 'A service needed for this request did not answer in time.';

type Upstream = 'ledger' | 'budgeting' | 'reporting';

/**
 * What the routes served by one upstream service answer when it fails, for `urls` (GET routes it
 * serves, each answering 200 with what `script` sets up; the first is used where one is enough):
 * - its own UNAVAILABLE verdict → 503 with its code, a generic detail, the request id reaching it;
 * - a fault (INTERNAL) → 503 `<SERVICE>_UNAVAILABLE`, never its text;
 * - slower than GRPC_DEADLINE_MS → 504 `<SERVICE>_DEADLINE_EXCEEDED`;
 * - stopped → 503 `<SERVICE>_UNAVAILABLE` on every url, after the read was retried twice.
 * Call inside a describe; `current` gives the file's gateway and a caller's token.
 */
export function upstreamFailureTests(
  upstream: Upstream,
  urls: readonly [string, ...string[]],
  script: (gw: TestGateway) => void,
  current: () => { gw: TestGateway; token: string },
): void {
  const prefix = upstream.toUpperCase();

  it.each(urls)(`${upstream}’s own UNAVAILABLE → 503 with its code and a generic detail, never its text; the request id reaches ${upstream} (%s)`, async (url) => {
    const { gw, token } = current();
    gw[upstream].outage = stubError('unavailable', `${prefix}_DATABASE_DOWN`, 'connect ECONNREFUSED 10.9.8.7:5432');
    const res = await gw.app.inject({ method: 'GET', url, headers: { ...bearer(token), 'x-request-id': `${upstream}-trace-1` } });
    const body = expectProblem(res, 503, `${prefix}_DATABASE_DOWN`);
    expect(body.detail).toBe(UNAVAILABLE_DETAIL);
    expect(res.body).not.toContain('10.9.8.7');
    expect(gw[upstream].calls.at(-1)?.requestId).toBe(`${upstream}-trace-1`);
    // A verdict of the service is not retried.
    expect(gw[upstream].calls).toHaveLength(1);
  });

  it(`a fault of ${upstream} (INTERNAL) → 503 ${prefix}_UNAVAILABLE with the generic detail, never its text`, async () => {
    const { gw, token } = current();
    gw[upstream].outage = new Error('relation "secret_table" does not exist');
    const res = await gw.app.inject({ method: 'GET', url: urls[0], headers: bearer(token) });
    const body = expectProblem(res, 503, `${prefix}_UNAVAILABLE`);
    expect(body.detail).toBe(UNAVAILABLE_DETAIL);
    expect(res.body).not.toMatch(/secret_table|Internal error/);
  });

  it(`${upstream} slower than GRPC_DEADLINE_MS → 504 ${prefix}_DEADLINE_EXCEEDED with a generic detail`, async () => {
    const local = await startTestGateway({ GRPC_DEADLINE_MS: '200' });
    try {
      script(local);
      const { token } = await local.caller();
      const send = (url: string) => local.app.inject({ method: 'GET', url, headers: bearer(token) });
      // Warm up the key cache first, so only the service call can be slow.
      expect((await send(urls[0])).statusCode).toBe(200);
      local[upstream].delayMs = 600;
      const slow = expectProblem(await send(urls[0]), 504, `${prefix}_DEADLINE_EXCEEDED`);
      expect(slow.detail).toBe(DEADLINE_DETAIL);
      // The service was told the gateway's deadline, not left with an unbounded call.
      expect(local[upstream].calls.at(-1)!.remainingMs).toBeLessThanOrEqual(200);
    } finally {
      await local.close();
    }
  });

  it(`${upstream} stopped → 503 ${prefix}_UNAVAILABLE on every route, after the read was retried twice`, async () => {
    const local = await startTestGateway();
    try {
      script(local);
      const { token } = await local.caller();
      const send = (url: string) => local.app.inject({ method: 'GET', url, headers: bearer(token) });
      expect((await send(urls[0])).statusCode).toBe(200);
      await local[upstream].stop();
      for (const url of urls) {
        const started = Date.now();
        const body = expectProblem(await send(url), 503, `${prefix}_UNAVAILABLE`);
        expect(body.detail).toBe(UNAVAILABLE_DETAIL);
        // 100 ms, then 300 ms of back-off before giving up: a read changes nothing, so it is sent again.
        expect(Date.now() - started).toBeGreaterThanOrEqual(390);
      }
    } finally {
      await local.close();
    }
  });
}
