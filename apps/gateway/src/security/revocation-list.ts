export interface RevocationListOptions {
  /** How long a revocation lasts: at least the lifetime of an access token, after which old tokens are expired anyway. */
  ttlMs: number;
  /** Upper bound on remembered subjects; beyond it expired entries are pruned, then the oldest dropped. */
  maxEntries?: number;
  now?: () => number;
}

/**
 * Subjects, and sessions (a token's `sid`), whose access tokens this replica refuses until a given
 * time, consulted after a token's signature and claims check out. Access tokens are self-contained,
 * so without this a deleted account's token, or one of a session that was logged out, revoked for
 * refresh-token reuse or ended by a password change, would keep working until it expires. In memory
 * and per replica: `DELETE /users/me` and `POST /auth/logout` revoke at once here; every replica
 * learns of every revocation from the `user.deleted` and `session.revoked` events.
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
    this.add(`sub:${subject}`, untilMs);
  }

  /** Refuses the tokens of session `sessionId` (their `sid`) until `untilMs` (default now + ttl). A later existing entry is kept. */
  revokeSession(sessionId: string, untilMs: number = this.now() + this.ttlMs): void {
    this.add(`sid:${sessionId}`, untilMs);
  }

  isRevoked(subject: string): boolean {
    return this.has(`sub:${subject}`);
  }

  isSessionRevoked(sessionId: string): boolean {
    return this.has(`sid:${sessionId}`);
  }

  /** Whether a token of `subject` in session `sessionId` (when it names one) is refused. */
  refuses(subject: string, sessionId: string | undefined): boolean {
    return this.isRevoked(subject) || (sessionId !== undefined && this.isSessionRevoked(sessionId));
  }

  // Subjects and sessions share one bounded map; the prefix keeps a user id and a session id apart.
  private add(key: string, untilMs: number): void {
    const existing = this.entries.get(key);
    if (existing !== undefined && existing >= untilMs) return;
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) this.prune();
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, untilMs);
  }

  private has(key: string): boolean {
    const until = this.entries.get(key);
    if (until === undefined) return false;
    if (until > this.now()) return true;
    this.entries.delete(key);
    return false;
  }

  /** Forgets entries that have run out. */
  prune(): void {
    const now = this.now();
    for (const [key, until] of this.entries) if (until <= now) this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
