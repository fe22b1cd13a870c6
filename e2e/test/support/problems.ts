import { expect } from '@jest/globals';
import type { Reply } from './stack.js';

/** An RFC 9457 problem+json answer with `status`, as API.md promises for every error. */
export function expectProblem(reply: Reply, status: number) {
  expect(reply.status).toBe(status);
  expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(reply.body).toMatchObject({ type: expect.any(String), title: expect.any(String), status, detail: expect.any(String) });
  return reply.body as { code: string; errors?: { path: string; message: string }[] };
}

/** 422 naming `path` among its field errors. */
export function expectInvalid(reply: Reply, path: string) {
  const body = expectProblem(reply, 422);
  expect(body.errors).toEqual(expect.arrayContaining([{ path, message: expect.any(String) }]));
  return body;
}
