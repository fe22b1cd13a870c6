import { randomBytes, randomUUID } from 'node:crypto';
import { DomainError, type AsyncServiceImplementation } from '@finance/platform';
import { GrpcFake } from './grpc-fake.js';
import { authV1 } from '@finance/proto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';

export const ISSUER = 'finance-tracker/auth';
export const AUDIENCE = 'finance-tracker/api';
export const ACCESS_TOKEN_SECONDS = 900;
const MAX_FAILED_LOGINS = 10;

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: authV1.PublicKey;
}

export async function newSigningKey(kid = `key-${randomUUID()}`): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const jwk = await exportJWK(publicKey);
  return { kid, privateKey, publicJwk: { kid, kty: 'OKP', crv: 'Ed25519', x: jwk.x!, alg: 'EdDSA' } };
}

interface StoredUser {
  user: authV1.User;
  password: string;
}

/** Claims and header of an access token, overridable to forge bad ones in tests. */
export interface MintOptions {
  sub: string;
  key?: SigningKey;
  sid?: string;
  iss?: string;
  aud?: string;
  typ?: string;
  kid?: string;
  iat?: number;
  exp?: number;
  extra?: JWTPayload;
}

export async function mintAccessToken(defaultKey: SigningKey, options: MintOptions): Promise<string> {
  const key = options.key ?? defaultKey;
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ sid: options.sid ?? randomUUID(), ...options.extra })
    .setProtectedHeader({ alg: 'EdDSA', kid: options.kid ?? key.kid, typ: options.typ ?? 'at+jwt' })
    .setSubject(options.sub)
    .setIssuer(options.iss ?? ISSUER)
    .setAudience(options.aud ?? AUDIENCE)
    .setJti(randomUUID())
    .setIssuedAt(options.iat ?? now)
    .setExpirationTime(options.exp ?? (options.iat ?? now) + ACCESS_TOKEN_SECONDS)
    .sign(key.privateKey);
}

/**
 * An in-memory AuthService that keeps the contract (API.md / auth.proto) strictly enough for the
 * gateway to be tested against it over real gRPC: DomainErrors for every refusal, rotation with
 * reuse detection, lockout after failed logins, and a key set that can be rotated.
 */
export class FakeAuthService extends GrpcFake {
  readonly users = new Map<string, StoredUser>();
  signingKey!: SigningKey;
  publishedKeys: SigningKey[] = [];
  private readonly refreshTokens = new Map<string, { userId: string; family: string; used: boolean }>();
  private readonly revokedFamilies = new Set<string>();
  private readonly failedLogins = new Map<string, number>();

  static async start(): Promise<FakeAuthService> {
    const fake = new FakeAuthService();
    fake.signingKey = await newSigningKey();
    fake.publishedKeys = [fake.signingKey];
    await fake.serve(authV1.AuthServiceService, fake.implementation(), 'fake-auth');
    return fake;
  }

  /** Publishes a new key and signs with it from now on (the old one stays published). */
  async rotateKey(): Promise<SigningKey> {
    this.signingKey = await newSigningKey();
    this.publishedKeys = [...this.publishedKeys, this.signingKey];
    return this.signingKey;
  }

  mint(options: MintOptions): Promise<string> {
    return mintAccessToken(this.signingKey, options);
  }

  /** Stores a user directly and returns it with a valid access token. */
  async seedUser(fields: Partial<{ email: string; username: string; password: string }> = {}) {
    const stored = this.createUser(
      fields.email ?? `user-${randomUUID().slice(0, 8)}@example.com`,
      fields.username ?? `user_${randomUUID().slice(0, 8)}`,
      fields.password ?? 'correct horse battery',
    );
    return { user: stored.user, token: await this.mint({ sub: stored.user.id }) };
  }

  private createUser(email: string, username: string, password: string): StoredUser {
    for (const { user } of this.users.values()) {
      if (user.email.toLowerCase() === email.toLowerCase()) throw new DomainError('already_exists', 'AUTH_EMAIL_TAKEN', 'That email is already registered.');
      if (user.username.toLowerCase() === username.toLowerCase()) throw new DomainError('already_exists', 'AUTH_USERNAME_TAKEN', 'That username is taken.');
    }
    const now = new Date();
    const user: authV1.User = {
      id: randomUUID(),
      email,
      username,
      isActive: true,
      baseCurrency: 'USD',
      timezone: 'UTC',
      notificationPreferences: { email: true, budgetAlerts: true, recurringReminders: true, goalMilestones: true },
      createdAt: now,
      updatedAt: now,
    };
    const stored = { user, password };
    this.users.set(user.id, stored);
    return stored;
  }

  private async issuePair(userId: string, family: string = randomUUID()): Promise<authV1.TokenPair> {
    const refreshToken = randomBytes(32).toString('base64url');
    this.refreshTokens.set(refreshToken, { userId, family, used: false });
    return { accessToken: await this.mint({ sub: userId, sid: family }), refreshToken, tokenType: 'Bearer', expiresIn: ACCESS_TOKEN_SECONDS };
  }

  private find(userId: string): StoredUser {
    const stored = this.users.get(userId);
    if (!stored) throw new DomainError('not_found', 'AUTH_USER_NOT_FOUND', 'No such user.');
    return stored;
  }

  private implementation(): AsyncServiceImplementation<typeof authV1.AuthServiceService> {
    const rpc =
      <Req, Res>(name: string, body: (request: Req) => Promise<Res> | Res) =>
      async (request: Req, context: { requestId: string }): Promise<Res> => {
        await this.enter(name, request, context);
        return body(request);
      };
    return {
      registerUser: rpc('registerUser', (req: authV1.RegisterUserRequest) => {
        if (req.password.length < 8) throw new DomainError('invalid_argument', 'AUTH_PASSWORD_TOO_SHORT', 'Password too short.', { errors: [{ path: 'password', message: 'too short' }] });
        return { user: this.createUser(req.email, req.username, req.password).user };
      }),
      loginUser: rpc('loginUser', async (req: authV1.LoginUserRequest) => {
        const id = req.identifier.toLowerCase();
        const stored = [...this.users.values()].find((s) => s.user.username.toLowerCase() === id || s.user.email.toLowerCase() === id);
        const failures = this.failedLogins.get(id) ?? 0;
        if (failures >= MAX_FAILED_LOGINS) {
          throw new DomainError('resource_exhausted', 'AUTH_TOO_MANY_FAILED_LOGINS', 'Too many failed logins; try again later.', { retryAfterSeconds: 840 });
        }
        if (!stored || stored.password !== req.password) {
          this.failedLogins.set(id, failures + 1);
          throw new DomainError('unauthenticated', 'AUTH_INVALID_CREDENTIALS', 'Invalid username or password.');
        }
        return { tokens: await this.issuePair(stored.user.id) };
      }),
      refreshSession: rpc('refreshSession', async (req: authV1.RefreshSessionRequest) => {
        const session = this.refreshTokens.get(req.refreshToken);
        if (!session || this.revokedFamilies.has(session.family)) throw new DomainError('unauthenticated', 'AUTH_INVALID_REFRESH_TOKEN', 'Invalid refresh token.');
        if (session.used) {
          this.revokedFamilies.add(session.family);
          throw new DomainError('unauthenticated', 'AUTH_REFRESH_TOKEN_REUSED', 'Invalid refresh token.');
        }
        session.used = true;
        return { tokens: await this.issuePair(session.userId, session.family) };
      }),
      revokeSession: rpc('revokeSession', (req: authV1.RevokeSessionRequest) => {
        const session = this.refreshTokens.get(req.refreshToken);
        if (!session || session.userId !== req.userId) throw new DomainError('unauthenticated', 'AUTH_INVALID_REFRESH_TOKEN', 'Invalid refresh token.');
        this.revokedFamilies.add(session.family);
        return {};
      }),
      getUser: rpc('getUser', (req: authV1.GetUserRequest) => ({ user: this.find(req.userId).user })),
      updateUser: rpc('updateUser', (req: authV1.UpdateUserRequest) => {
        const stored = this.find(req.userId);
        if (req.baseCurrency !== undefined && !['USD', 'EUR', 'JPY', 'GBP'].includes(req.baseCurrency)) {
          throw new DomainError('invalid_argument', 'AUTH_UNKNOWN_CURRENCY', 'Unknown currency.', { errors: [{ path: 'base_currency', message: 'is not a known ISO 4217 code' }] });
        }
        if (req.password !== undefined && req.currentPassword !== stored.password) {
          throw new DomainError('invalid_argument', 'AUTH_WRONG_PASSWORD', 'The current password is wrong.', { errors: [{ path: 'current_password', message: 'is wrong' }] });
        }
        for (const other of this.users.values()) {
          if (other === stored) continue;
          if (req.email !== undefined && other.user.email.toLowerCase() === req.email.toLowerCase()) throw new DomainError('already_exists', 'AUTH_EMAIL_TAKEN', 'That email is already registered.');
          if (req.username !== undefined && other.user.username.toLowerCase() === req.username.toLowerCase()) throw new DomainError('already_exists', 'AUTH_USERNAME_TAKEN', 'That username is taken.');
        }
        const u = stored.user;
        const prefs = { ...u.notificationPreferences! };
        const patch = req.notificationPreferences;
        if (patch?.email !== undefined) prefs.email = patch.email;
        if (patch?.budgetAlerts !== undefined) prefs.budgetAlerts = patch.budgetAlerts;
        if (patch?.recurringReminders !== undefined) prefs.recurringReminders = patch.recurringReminders;
        if (patch?.goalMilestones !== undefined) prefs.goalMilestones = patch.goalMilestones;
        stored.user = {
          ...u,
          email: req.email ?? u.email,
          username: req.username ?? u.username,
          baseCurrency: req.baseCurrency ?? u.baseCurrency,
          timezone: req.timezone ?? u.timezone,
          notificationPreferences: prefs,
          updatedAt: new Date(u.updatedAt!.getTime() + 1000),
        };
        if (req.password !== undefined) stored.password = req.password;
        return { user: stored.user };
      }),
      deleteUser: rpc('deleteUser', (req: authV1.DeleteUserRequest) => {
        this.find(req.userId);
        this.users.delete(req.userId);
        return {};
      }),
      listPublicKeys: rpc('listPublicKeys', () => ({ keys: this.publishedKeys.map((k) => k.publicJwk) })),
    };
  }
}
