import type { EntityManager } from '@mikro-orm/postgresql';

/** Serializes signing-key rotation across replicas until the caller's transaction ends (an advisory lock). */
export async function lockSigningKeys(em: EntityManager): Promise<void> {
  await em.execute("select pg_advisory_xact_lock(hashtext('auth.signing_key'))");
}
