import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import type { NotificationPreferences } from '../domain/user.js';

// Tables live in the `auth` schema (set once in the ORM config); see migrations.ts for the DDL,
// including the case-insensitive unique indexes that an entity definition cannot express.

export const UserEntity = defineEntity({
  name: 'User',
  tableName: 'user',
  properties: {
    id: p.uuid().primary(),
    email: p.text(),
    username: p.text(),
    passwordHash: p.text(),
    isActive: p.boolean(),
    baseCurrency: p.text(),
    timezone: p.text(),
    notificationPreferences: p.json<NotificationPreferences>(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  },
});
export type User = InferEntity<typeof UserEntity>;

/** A login session: the family of refresh tokens that rotate from one login. */
export const SessionEntity = defineEntity({
  name: 'Session',
  tableName: 'session',
  properties: {
    id: p.uuid().primary(),
    userId: p.uuid(),
    createdAt: p.datetime(),
    revokedAt: p.datetime().nullable(),
    revokedReason: p.text().nullable(),
  },
});
export type Session = InferEntity<typeof SessionEntity>;

export const RefreshTokenEntity = defineEntity({
  name: 'RefreshToken',
  tableName: 'refresh_token',
  properties: {
    id: p.uuid().primary(),
    sessionId: p.uuid(),
    tokenHash: p.text(),
    createdAt: p.datetime(),
    expiresAt: p.datetime(),
    usedAt: p.datetime().nullable(),
  },
});
export type RefreshToken = InferEntity<typeof RefreshTokenEntity>;

export const SigningKeyEntity = defineEntity({
  name: 'SigningKey',
  tableName: 'signing_key',
  properties: {
    kid: p.text().primary(),
    // Exactly one of the two (a check constraint): the plain JWK, or its JWE under SIGNING_KEY_ENCRYPTION_KEY.
    privateJwk: p.json<Record<string, unknown>>().nullable(),
    privateJwe: p.text().nullable(),
    publicJwk: p.json<Record<string, unknown>>(),
    createdAt: p.datetime(),
    retiredAt: p.datetime().nullable(),
  },
});
export type SigningKey = InferEntity<typeof SigningKeyEntity>;

export const authEntities = [UserEntity, SessionEntity, RefreshTokenEntity, SigningKeyEntity];
