import type { JWK } from 'jose';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { generateSigningKey, importSigningKey, type CryptoKey } from '../domain/tokens.js';
import { SigningKeyEntity } from '../persistence/auth.entities.js';
import { lockSigningKeys } from '../persistence/signing-key.queries.js';

export interface KeyStoreSettings {
  /** A new signing key is made when the newest is older than this. */
  rotateAfterMs: number;
  /** Retired keys stay published this long, so tokens they signed keep verifying until they expire. */
  publishRetiredForMs: number;
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
        em.create(SigningKeyEntity, { kid: material.kid, privateJwk: material.privateJwk as Record<string, unknown>, publicJwk: material.publicJwk as Record<string, unknown>, createdAt: now, retiredAt: null });
      }
    });
    await this.load(this.orm.em.fork());
  }

  private async load(em: EntityManager): Promise<void> {
    const since = new Date(this.now().getTime() - this.settings.publishRetiredForMs);
    const keys = await em.find(SigningKeyEntity, { $or: [{ retiredAt: null }, { retiredAt: { $gt: since } }] }, { orderBy: { createdAt: 'desc' } });
    const active = keys.find((k) => k.retiredAt === null);
    if (!active) throw new Error('no active signing key');
    this.signing = { kid: active.kid, privateKey: await importSigningKey(active.privateJwk as JWK) };
    this.published = keys.map((k) => k.publicJwk as JWK);
  }

  signingKey(): { kid: string; privateKey: CryptoKey } {
    if (!this.signing) throw new Error('KeyStore.refresh() has not run');
    return this.signing;
  }

  publicKeys(): JWK[] {
    return this.published;
  }
}
