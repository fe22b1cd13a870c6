import { describe, expect, it } from '@jest/globals';
import { exportJWK, generateKeyPair } from 'jose';
import { PublicKeyCache, type PublishedKey } from './public-key-cache.js';

async function publishedKey(kid: string): Promise<PublishedKey> {
  const { publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  return { kid, kty: 'OKP', crv: 'Ed25519', x: (await exportJWK(publicKey)).x!, alg: 'EdDSA' };
}

function setup(options: { cooldownMs?: number; maxAgeMs?: number } = {}) {
  let now = 0;
  const state = { keys: [] as PublishedKey[], fetches: 0, fail: undefined as Error | undefined, gate: undefined as Promise<void> | undefined };
  const cache = new PublicKeyCache({
    fetchKeys: async () => {
      state.fetches += 1;
      if (state.gate) await state.gate;
      if (state.fail) throw state.fail;
      return state.keys;
    },
    refetchCooldownMs: options.cooldownMs ?? 10_000,
    failureBackoffMs: 500,
    maxAgeMs: options.maxAgeMs ?? 600_000,
    now: () => now,
  });
  return { cache, state, advance: (ms: number) => (now += ms) };
}

describe('PublicKeyCache', () => {
  it('fetches lazily once and answers known kids from memory', async () => {
    const { cache, state } = setup();
    state.keys = [await publishedKey('k1')];
    expect(await cache.get('k1')).toBeDefined();
    expect(await cache.get('k1')).toBeDefined();
    expect(state.fetches).toBe(1);
  });

  it('refetches for an unknown kid only after the cooldown', async () => {
    const { cache, state, advance } = setup({ cooldownMs: 10_000 });
    state.keys = [await publishedKey('k1')];
    await cache.get('k1');
    state.keys = [...state.keys, await publishedKey('k2')];
    expect(await cache.get('k2')).toBeUndefined(); // within the cooldown: no RPC
    expect(await cache.get('garbage')).toBeUndefined();
    expect(state.fetches).toBe(1);
    advance(10_000);
    expect(await cache.get('k2')).toBeDefined();
    expect(state.fetches).toBe(2);
  });

  it('concurrent lookups share one fetch', async () => {
    const { cache, state } = setup();
    state.keys = [await publishedKey('k1')];
    let open!: () => void;
    state.gate = new Promise((resolve) => (open = resolve));
    const lookups = Promise.all([cache.get('k1'), cache.get('k1'), cache.get('unknown')]);
    open();
    const [a, b, c] = await lookups;
    expect(a).toBeDefined();
    expect(b).toBe(a);
    expect(c).toBeUndefined();
    expect(state.fetches).toBe(1);
  });

  it('a failed fetch throws (auth unavailable, not an invalid token) and is retried after a short backoff', async () => {
    const { cache, state, advance } = setup();
    state.fail = new Error('UNAVAILABLE');
    await expect(cache.get('k1')).rejects.toThrow('UNAVAILABLE');
    await expect(cache.get('k1')).rejects.toThrow('UNAVAILABLE'); // within the backoff: the same verdict, no RPC
    expect(state.fetches).toBe(1);
    advance(500);
    state.fail = undefined;
    state.keys = [await publishedKey('k1')];
    expect(await cache.get('k1')).toBeDefined();
    expect(state.fetches).toBe(2);
  });

  it('refreshes a stale set (dropping withdrawn keys) but keeps the old one if auth is down', async () => {
    const { cache, state, advance } = setup({ maxAgeMs: 60_000 });
    state.keys = [await publishedKey('k1')];
    await cache.get('k1');
    advance(60_001);
    state.fail = new Error('UNAVAILABLE');
    expect(await cache.get('k1')).toBeDefined(); // stale-if-error
    advance(1000);
    state.fail = undefined;
    state.keys = [await publishedKey('k2')];
    expect(await cache.get('k1')).toBeUndefined(); // withdrawn at auth
    expect(await cache.get('k2')).toBeDefined();
  });

  it('ignores keys that are not Ed25519 EdDSA', async () => {
    const { cache, state } = setup();
    const good = await publishedKey('good');
    state.keys = [
      { ...good, kid: 'rsa', kty: 'RSA' },
      { ...good, kid: 'x448', crv: 'X448' },
      { ...good, kid: 'es256', alg: 'ES256' },
      { ...good, kid: 'broken', x: '!!' },
      good,
    ];
    expect(await cache.get('good')).toBeDefined();
    for (const kid of ['rsa', 'x448', 'es256', 'broken']) expect(await cache.get(kid)).toBeUndefined();
  });
});
