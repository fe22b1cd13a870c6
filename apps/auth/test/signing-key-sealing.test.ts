import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createLogger, createGrpcClient } from '@finance/platform';
import { authV1 } from '@finance/proto';
import { deleteNamespaceStreams, testNatsUrl } from '@finance/testing';
import { createLocalJWKSet, jwtVerify } from 'jose';
import pg from 'pg';
import { authConfigSchema, startAuthService } from '../src/index.js';
import { newAccount, startAuthHarness, type AuthHarness } from './helpers.js';

// SIGNING_KEY_ENCRYPTION_KEY on a database that already holds plain keys, as an operator turning it on
// for an existing install does: the keys are sealed in place, tokens keep verifying, and a restart
// without the key (or with another) refuses to start instead of minting a new key.

let h: AuthHarness;
let sql: pg.Client;
const sealingKey = randomBytes(32).toString('base64url');

beforeAll(async () => {
  h = await startAuthHarness();
  sql = new pg.Client({ connectionString: h.db.url });
  await sql.connect();
});

afterAll(async () => {
  await sql.end();
  await h.close();
  await deleteNamespaceStreams(testNatsUrl(), h.config.EVENT_NAMESPACE);
});

const rows = async () =>
  (await sql.query<{ kid: string; private_jwk: Record<string, unknown> | null; private_jwe: string | null }>('select kid, private_jwk, private_jwe from auth.signing_key')).rows;

/** A second auth instance on the same database (what a restart with a changed environment is). */
async function restartWith(env: Record<string, string>) {
  const config = authConfigSchema.parse({ ...h.env, AUTH_GRPC_ADDR: '127.0.0.1:0', SIGNING_KEY_ENCRYPTION_KEY: undefined, ...env });
  const service = await startAuthService(config, createLogger('auth-test', 'silent'));
  const client = createGrpcClient(authV1.AuthServiceService, service.address);
  return {
    client,
    async stop() {
      client.$channel.close();
      await service.stop();
    },
  };
}

async function loginVerifies(client: AuthHarness['client']) {
  const account = newAccount('sealed');
  await client.registerUser(account);
  const { tokens } = await client.loginUser({ identifier: account.username, password: account.password });
  const { keys } = await client.listPublicKeys({});
  const { protectedHeader } = await jwtVerify(tokens!.accessToken, createLocalJWKSet({ keys }), { algorithms: ['EdDSA'], typ: 'at+jwt' });
  return protectedHeader.kid;
}

describe('private signing keys at rest', () => {
  test('without SIGNING_KEY_ENCRYPTION_KEY a key is stored as a plain JWK', async () => {
    const [row, ...more] = await rows();
    expect(more).toHaveLength(0);
    expect(row!.private_jwe).toBeNull();
    expect(row!.private_jwk).toMatchObject({ kid: row!.kid, d: expect.any(String) });
  });

  test('with the key set, existing keys are sealed in place and keep signing: the same kid, no new key', async () => {
    const [before] = await rows();
    const sealed = await restartWith({ SIGNING_KEY_ENCRYPTION_KEY: sealingKey });
    try {
      const after = await rows();
      expect(after).toHaveLength(1);
      expect(after[0]!.kid).toBe(before!.kid);
      expect(after[0]!.private_jwk).toBeNull();
      expect(after[0]!.private_jwe).toMatch(/^[\w-]+\.\.[\w-]+\.[\w-]+\.[\w-]+$/);
      expect(after[0]!.private_jwe).not.toContain(String(before!.private_jwk!.d));
      await expect(loginVerifies(sealed.client)).resolves.toBe(before!.kid);
    } finally {
      await sealed.stop();
    }
  });

  test('a restart without the key, or with another, refuses to start and changes nothing', async () => {
    const before = await rows();
    await expect(restartWith({})).rejects.toThrow(/stored encrypted: set SIGNING_KEY_ENCRYPTION_KEY/);
    await expect(restartWith({ SIGNING_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64url') })).rejects.toThrow(/another SIGNING_KEY_ENCRYPTION_KEY/);
    expect(await rows()).toEqual(before);
  });

  test('keys made while the key is set are sealed from the start (rotation)', async () => {
    // Rotation after 1 s: the restart a second later finds the key due and makes a new one.
    await new Promise((r) => setTimeout(r, 1100));
    const rotated = await restartWith({ SIGNING_KEY_ENCRYPTION_KEY: sealingKey, SIGNING_KEY_ROTATION_SECONDS: '1' });
    try {
      const all = await rows();
      expect(all).toHaveLength(2);
      for (const row of all) expect(row).toMatchObject({ private_jwk: null, private_jwe: expect.any(String) });
      const kid = await loginVerifies(rotated.client);
      expect(all.map((r) => r.kid)).toContain(kid);
    } finally {
      await rotated.stop();
    }
  });

  test('a malformed key is a configuration error naming the variable', () => {
    const parsed = authConfigSchema.safeParse({ SIGNING_KEY_ENCRYPTION_KEY: 'too-short' });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]).toMatchObject({ path: ['SIGNING_KEY_ENCRYPTION_KEY'], message: expect.stringMatching(/32 random bytes/) });
  });
});
