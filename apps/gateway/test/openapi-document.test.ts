import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { FastifyInstance } from 'fastify';
import { buildGateway, loadGatewayConfig } from '../src/index.js';

// The committed OpenAPI document (apps/gateway/openapi.json) is the contract clients read and
// review in diffs; it must be exactly what /docs/json serves, in the same key order.

const COMMITTED = resolve(import.meta.dirname, '../openapi.json');
const REGENERATE = 'Regenerate it with `npm run openapi` (at the repository root) and commit apps/gateway/openapi.json.';

let app: FastifyInstance;
beforeAll(async () => {
  // /docs/json asks no service: the clients (lazy, at the default addresses) are never called.
  app = await buildGateway({ config: loadGatewayConfig({ LOG_LEVEL: 'silent' }) });
});
afterAll(async () => {
  await app.close();
});

/** The first line where the two texts differ, 1-based, with both versions of it. */
function firstDifference(committed: string, served: string): string {
  const a = committed.split('\n');
  const b = served.split('\n');
  const i = a.findIndex((line, n) => line !== b[n]);
  const at = i === -1 ? a.length : i;
  return `first difference at line ${at + 1}:\n  committed: ${a[at] ?? '(end of file)'}\n  served:    ${b[at] ?? '(end of file)'}`;
}

describe('apps/gateway/openapi.json', () => {
  it('is the document /docs/json serves, pretty-printed in the served key order', async () => {
    const res = await app.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const served = `${JSON.stringify(JSON.parse(res.body), null, 2)}\n`;

    let committed: string;
    try {
      committed = readFileSync(COMMITTED, 'utf8');
    } catch {
      throw new Error(`apps/gateway/openapi.json is missing. ${REGENERATE}`);
    }
    if (committed !== served) {
      throw new Error(`apps/gateway/openapi.json differs from what GET /docs/json serves. ${REGENERATE}\n${firstDifference(committed, served)}`);
    }
  });
});
