import { importJWK, type CryptoKey, type JWK } from 'jose';

/** One public key as auth publishes it (proto `finance.auth.v1.PublicKey`). */
export interface PublishedKey {
  kid: string;
  kty: string;
  crv: string;
  x: string;
  alg: string;
}

export interface PublicKeyCacheOptions {
  /** Fetches the current key set (auth's ListPublicKeys). May throw when auth is unreachable. */
  fetchKeys: () => Promise<PublishedKey[]>;
  /** After a fetch, an unknown kid triggers no new fetch for this long. */
  refetchCooldownMs: number;
  /** After a failed fetch, no new fetch for this long (requests meanwhile fail as "auth unavailable"). */
  failureBackoffMs?: number;
  /** The set is refreshed when older than this, so keys withdrawn at auth stop verifying. */
  maxAgeMs?: number;
  now?: () => number;
  onError?: (err: unknown) => void;
}

/**
 * Auth's Ed25519 verification keys by `kid`. Fetched lazily, refetched for an unknown kid (a key
 * rotated in at auth), but at most once per cooldown so a stream of garbage kids cannot become a
 * stream of RPCs. Concurrent lookups share one fetch.
 */
export class PublicKeyCache {
  private keys = new Map<string, CryptoKey>();
  private fetchedAt: number | undefined;
  private attemptedAt = Number.NEGATIVE_INFINITY;
  private lastError: unknown;
  private inflight: Promise<void> | undefined;
  private fetches = 0;
  private readonly now: () => number;
  private readonly maxAgeMs: number;
  private readonly failureBackoffMs: number;

  constructor(private readonly options: PublicKeyCacheOptions) {
    this.now = options.now ?? Date.now;
    this.maxAgeMs = options.maxAgeMs ?? 10 * 60_000;
    this.failureBackoffMs = options.failureBackoffMs ?? Math.min(options.refetchCooldownMs, 1000);
  }

  /** How many times the key set was requested from auth. */
  get fetchCount(): number {
    return this.fetches;
  }

  /**
   * The key for `kid`, or undefined when auth does not publish it. Throws the fetch error when the
   * key is unknown and auth could not be asked (the caller answers 503, not 401).
   */
  async get(kid: string): Promise<CryptoKey | undefined> {
    const now = this.now();
    if (this.fetchedAt !== undefined && now - this.fetchedAt > this.maxAgeMs && this.mayFetch(now)) {
      // Stale set: refresh, but keep verifying with the keys we have if auth cannot answer right now.
      await this.refresh().catch((err: unknown) => this.options.onError?.(err));
    }
    const known = this.keys.get(kid);
    if (known) return known;
    if (this.inflight) {
      await this.inflight;
      return this.keys.get(kid);
    }
    if (!this.mayFetch(this.now())) {
      if (this.lastError !== undefined) throw this.lastError;
      return undefined;
    }
    await this.refresh();
    return this.keys.get(kid);
  }

  /** Fetches the key set now (joins a fetch already running). */
  refresh(): Promise<void> {
    this.inflight ??= this.load().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private mayFetch(now: number): boolean {
    const wait = this.lastError === undefined ? this.options.refetchCooldownMs : this.failureBackoffMs;
    return now - this.attemptedAt >= wait;
  }

  private async load(): Promise<void> {
    this.attemptedAt = this.now();
    this.fetches += 1;
    let published: PublishedKey[];
    try {
      published = await this.options.fetchKeys();
    } catch (err) {
      this.lastError = err;
      throw err;
    }
    const next = new Map<string, CryptoKey>();
    for (const key of published) {
      // Only Ed25519 keys for EdDSA can verify our tokens; anything else auth might list is ignored.
      if (!key.kid || key.kty !== 'OKP' || key.crv !== 'Ed25519' || (key.alg !== '' && key.alg !== 'EdDSA')) continue;
      try {
        const jwk: JWK = { kty: 'OKP', crv: 'Ed25519', x: key.x };
        next.set(key.kid, (await importJWK(jwk, 'EdDSA')) as CryptoKey);
      } catch (err) {
        this.options.onError?.(err);
      }
    }
    this.keys = next;
    this.fetchedAt = this.now();
    this.lastError = undefined;
  }
}
