import { errors as joseErrors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { PublicKeyCache } from './public-key-cache.js';
import type { RevocationList } from './revocation-list.js';

/** Who is calling, as proven by a verified access token. */
export interface AuthContext {
  userId: string;
  /** The login session (refresh-token family), when the token names it. */
  sessionId: string | undefined;
  tokenId: string;
  expiresAt: Date;
}

export type TokenRejection = 'expired' | 'invalid' | 'revoked';

/** Thrown for a token that must be refused with 401. Anything else thrown (auth unreachable) is not the client's fault. */
export class TokenRejectedError extends Error {
  override name = 'TokenRejectedError';
  constructor(readonly reason: TokenRejection, message: string) {
    super(message);
  }
}

export interface AccessTokenVerifierOptions {
  keys: PublicKeyCache;
  revocations: RevocationList;
  issuer: string;
  audience: string;
  /** Tokens older than this (by `iat`) are refused whatever their `exp`. */
  maxAgeSeconds: number;
  clockToleranceSeconds?: number;
  now?: () => Date;
  /** Verified tokens remembered until they expire, so a client's next requests skip the signature check (default 10,000). */
  cacheSize?: number;
}

interface VerifiedToken {
  context: AuthContext;
  /** Seconds since the epoch: after `exp` + tolerance, or `iat` + max age, it is refused again. */
  refuseAfter: number;
}

// Compact JWS: three base64url segments. Anything else is refused before any parsing or key lookup.
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const MAX_TOKEN_LENGTH = 4096;

/**
 * Verifies access tokens the way auth issues them: EdDSA (Ed25519) only, `typ: at+jwt`, signed by
 * a key auth publishes, with `iss`, `aud`, `exp`, `iat`, `sub`, `jti`; then consults revocations
 * (of the subject, and of the session its `sid` names).
 */
export function createAccessTokenVerifier(options: AccessTokenVerifierOptions) {
  const clockTolerance = options.clockToleranceSeconds ?? 30;
  const getKey: JWTVerifyGetKey = async (header) => {
    if (typeof header.kid !== 'string' || header.kid.length === 0 || header.kid.length > 256) {
      throw new TokenRejectedError('invalid', 'token has no usable kid');
    }
    const key = await options.keys.get(header.kid);
    if (!key) throw new TokenRejectedError('invalid', 'unknown kid');
    return key;
  };

  // A token that verified once is the same bytes next time: its signature and claims need not be
  // checked again until it expires. Keyed by the whole token (a forgery cannot match it); only
  // successes are kept; revocation is still consulted on every request. Oldest entries go first.
  const cacheSize = options.cacheSize ?? 10_000;
  const verified = new Map<string, VerifiedToken>();
  const nowSeconds = () => (options.now ? options.now() : new Date()).getTime() / 1000;

  return async function verifyAccessToken(token: string): Promise<AuthContext> {
    const hit = verified.get(token);
    if (hit) {
      if (nowSeconds() <= hit.refuseAfter) {
        if (options.revocations.refuses(hit.context.userId, hit.context.sessionId)) throw new TokenRejectedError('revoked', 'subject or session revoked');
        return hit.context;
      }
      verified.delete(token); // expired: verify afresh, which gives the precise verdict
    }
    if (token.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(token)) {
      throw new TokenRejectedError('invalid', 'not a compact JWS');
    }
    let payload;
    try {
      ({ payload } = await jwtVerify(token, getKey, {
        algorithms: ['EdDSA'],
        typ: 'at+jwt',
        issuer: options.issuer,
        audience: options.audience,
        requiredClaims: ['sub', 'jti', 'iat', 'exp'],
        maxTokenAge: options.maxAgeSeconds,
        clockTolerance,
        ...(options.now ? { currentDate: options.now() } : {}),
      }));
    } catch (err) {
      if (err instanceof TokenRejectedError) throw err;
      if (err instanceof joseErrors.JWTExpired) throw new TokenRejectedError('expired', err.message);
      if (err instanceof joseErrors.JOSEError) throw new TokenRejectedError('invalid', err.message);
      // Not a verdict on the token (e.g. auth's key set could not be fetched): let the caller map it.
      throw err;
    }
    const { sub, jti, sid, exp, iat } = payload;
    if (typeof sub !== 'string' || sub.length === 0 || typeof jti !== 'string' || typeof exp !== 'number' || typeof iat !== 'number') {
      throw new TokenRejectedError('invalid', 'malformed claims');
    }
    if (sid !== undefined && typeof sid !== 'string') throw new TokenRejectedError('invalid', 'malformed sid');
    if (options.revocations.refuses(sub, sid)) throw new TokenRejectedError('revoked', 'subject or session revoked');
    const context = { userId: sub, sessionId: sid, tokenId: jti, expiresAt: new Date(exp * 1000) };
    // jose refuses at exp + tolerance, or once iat + maxTokenAge (+ tolerance) has passed.
    verified.set(token, { context, refuseAfter: Math.min(exp, iat + options.maxAgeSeconds) + clockTolerance - 1 });
    if (verified.size > cacheSize) verified.delete(verified.keys().next().value!);
    return context;
  };
}

export type AccessTokenVerifier = ReturnType<typeof createAccessTokenVerifier>;
