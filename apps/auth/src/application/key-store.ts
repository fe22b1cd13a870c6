import type { JWK } from 'jose';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { KeySealingError, openPrivateJwk, sealPrivateJwk } from '../domain/key-sealing.js';
import { generateSigningKey, importSigningKey, type CryptoKey } from '../domain/tokens.js';
import { SigningKeyEntity } from '../persistence/auth.entities.js';
import { lockSigningKeys } from '../persistence/signing-key.queries.js';

export interface KeyStoreSettings {
  /** A new signing key is made when the newest is older than this. */
  rotateAfterMs: number;
  /** Retired keys stay published this long, so tokens they signed keep verifying until they expire. */
  publishRetiredForMs: number;
  /** SIGNING_KEY_ENCRYPTION_KEY: private keys are stored sealed with it (a JWE), and plain rows are sealed on refresh. */
  sealingKey?: Uint8Array;
}

/**
 * The Ed25519 keys that sign access tokens. Keys live in the database so every replica signs
 * with the same key and publishes the same set; rotation happens under an advisory lock.
 */
export class KeyStore {
  private signing?: { kid: string; privateKey: CryptoKey };
  private published: JWK[] = [];

  constructor(
    private readonly orm: MikroORM,
    private readonly settings: KeyStoreSettings,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Makes sure a fresh signing key exists (rotating if due) and reloads the cache. */
  async refresh(): Promise<void> {
    await this.orm.em.fork().transactional(async (em) => {
      await lockSigningKeys(em);
      const newest = await em.findOne(SigningKeyEntity, { retiredAt: null }, { orderBy: { createdAt: 'desc' } });
      const now = this.now();
      if (!newest || now.getTime() - newest.createdAt.getTime() >= this.settings.rotateAfterMs) {
        const material = await generateSigningKey();
        await em.nativeUpdate(SigningKeyEntity, { retiredAt: null }, { retiredAt: now });
        em.create(SigningKeyEntity, { kid: material.kid, ...(await this.stored(material.privateJwk)), publicJwk: material.publicJwk as Record<string, unknown>, createdAt: now, retiredAt: null });
      }
      // Keys made before an encryption key was configured are sealed now, in the same locked transaction.
      const sealingKey = this.settings.sealingKey;
      if (sealingKey) {
        for (const plain of await em.find(SigningKeyEntity, { privateJwe: null })) {
          em.assign(plain, { privateJwk: null, privateJwe: await sealPrivateJwk(plain.privateJwk as JWK, sealingKey) });
        }
      }
    });
    await this.load(this.orm.em.fork());
  }

  private async load(em: EntityManager): Promise<void> {
    const since = new Date(this.now().getTime() - this.settings.publishRetiredForMs);
    const keys = await em.find(SigningKeyEntity, { $or: [{ retiredAt: null }, { retiredAt: { $gt: since } }] }, { orderBy: { createdAt: 'desc' } });
    const active = keys.find((k) => k.retiredAt === null);
    if (!active) throw new Error('no active signing key');
    this.signing = { kid: active.kid, privateKey: await importSigningKey(await this.privateJwkOf(active)) };
    this.published = keys.map((k) => k.publicJwk as JWK);
  }

  private async stored(privateJwk: JWK): Promise<{ privateJwk: Record<string, unknown> | null; privateJwe: string | null }> {
    const sealingKey = this.settings.sealingKey;
    return sealingKey ? { privateJwk: null, privateJwe: await sealPrivateJwk(privateJwk, sealingKey) } : { privateJwk: privateJwk as Record<string, unknown>, privateJwe: null };
  }

  private async privateJwkOf(key: { kid: string; privateJwk?: Record<string, unknown> | null; privateJwe?: string | null }): Promise<JWK> {
    if (key.privateJwe == null) return key.privateJwk as JWK;
    if (!this.settings.sealingKey) throw new KeySealingError(`signing key ${key.kid} is stored encrypted: set SIGNING_KEY_ENCRYPTION_KEY to the key it was sealed with`);
    return openPrivateJwk(key.privateJwe, this.settings.sealingKey, key.kid);
  }

  signingKey(): { kid: string; privateKey: CryptoKey } {
    if (!this.signing) throw new Error('KeyStore.refresh() has not run');
    return this.signing;
  }

  publicKeys(): JWK[] {
    return this.published;
  }
}
