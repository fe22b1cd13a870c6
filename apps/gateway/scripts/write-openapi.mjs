// Writes apps/gateway/openapi.json: the OpenAPI document exactly as GET /docs/json serves it (same key
// order), pretty-printed. Run `npm run openapi` at the root (it builds first); this reads the built
// gateway in dist/. test/openapi-document.test.ts fails when the committed file and the served document differ.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildGateway, loadGatewayConfig } from '../dist/index.js';

const target = resolve(import.meta.dirname, '../openapi.json');

// /docs/json asks no service: the clients (lazy, at the default addresses) are never called.
const app = await buildGateway({ config: loadGatewayConfig({ LOG_LEVEL: 'silent' }) });
try {
  const res = await app.inject({ method: 'GET', url: '/docs/json' });
  if (res.statusCode !== 200) throw new Error(`GET /docs/json answered ${res.statusCode}: ${res.body}`);
  writeFileSync(target, `${JSON.stringify(JSON.parse(res.body), null, 2)}\n`);
  console.log(`wrote ${target}`);
} finally {
  await app.close();
}
