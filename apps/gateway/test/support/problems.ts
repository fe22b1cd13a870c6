import { expect } from '@jest/globals';
import type { TestGateway } from './gateway.js';

export type Res = Awaited<ReturnType<TestGateway['app']['inject']>>;

/**
 * An RFC 9457 problem+json answer as API.md promises for every error: `status`, a `type` under the
 * project's tag, `title`, `detail`, `instance` = the request id; and `code` when given.
 */
export function expectProblem(res: Res, status: number, code?: string) {
  expect(res.statusCode).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = res.json();
  expect(body).toMatchObject({ status, type: expect.stringMatching(/^tag:finance-tracker,2026:problems\//), title: expect.any(String), detail: expect.any(String) });
  expect(body.instance).toBe(res.headers['x-request-id']);
  if (code !== undefined) expect(body.code).toBe(code);
  return body;
}
