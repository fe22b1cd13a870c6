export interface RevocationListOptions {
  /** How long a revocation lasts: at least the lifetime of an access token, after which old tokens are expired anyway. */
  ttlMs: number;
  /** Upper bound on remembered subjects; beyond it expired entries are pruned, then the oldest dropped. */
  maxEntries?: number;
  now?: () => number;
}

/**
 * Subjects whose access tokens this replica refuses until a given time, consulted after a token's
 * signature and claims check out. Access tokens are self-contained, so without this a deleted
 * account's token would keep working until it expires. In memory and per replica: `DELETE /users/me`
 * revokes at once here; other replicas learn of it when fed from the `user.deleted` event.
 */
export class RevocationList {
  private readonly entries = new Map<string, number>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: RevocationListOptions) {
    this.ttlMs = options.ttlMs;
    this.maxEntries = options.maxEntries ?? 100_000;
    this.now = options.now ?? Date.now;
  }

  /** Refuses `subject`'s tokens until `untilMs` (epoch ms; default now + ttl). A later existing entry is kept. */
  revoke(subject: string, untilMs: number = this.now() + this.ttlMs): void {
    const existing = this.entries.get(subject);
    if (existing !== undefined && existing >= untilMs) return;
    this.entries.delete(subject);
    if (this.entries.size >= this.maxEntries) this.prune();
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(subject, untilMs);
  }

  isRevoked(subject: string): boolean {
    const until = this.entries.get(subject);
    if (until === undefined) return false;
    if (until > this.now()) return true;
    this.entries.delete(subject);
    return false;
  }

  /** Forgets entries that have run out. */
  prune(): void {
    const now = this.now();
    for (const [subject, until] of this.entries) if (until <= now) this.entries.delete(subject);
  }

  get size(): number {
    return this.entries.size;
  }
}
