import type { authV1 } from '@finance/proto';
import { z } from 'zod';
import { component, doc } from '../openapi-registry.js';

// Field rules shared by the routes (API.md). The auth service validates authoritatively; these
// catch what is plainly wrong with a 422 naming the field, before any RPC.
export const emailField = z.email({ error: 'must be a valid email address' }).max(254);
export const usernameField = z
  .string()
  .min(3)
  .max(100)
  .regex(/^[A-Za-z0-9_.-]+$/, 'may contain only letters, digits, "_", "." and "-"');
export const passwordField = z.string().min(8).max(128);
export const currencyField = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 currency code such as USD');
export const timezoneField = doc(z.string().min(1).max(64), 'An IANA time zone such as Europe/Berlin');

export const notificationPreferencesSchema = z.object({
  email: z.boolean(),
  budget_alerts: z.boolean(),
  recurring_reminders: z.boolean(),
  goal_milestones: z.boolean(),
});

export const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  username: z.string(),
  is_active: z.boolean(),
  base_currency: z.string(),
  timezone: z.string(),
  notification_preferences: notificationPreferencesSchema,
  created_at: doc(z.iso.datetime(), 'ISO 8601, UTC'),
  updated_at: doc(z.iso.datetime(), 'ISO 8601, UTC'),
});

export type UserResponse = z.output<typeof userSchema>;

export const tokenPairSchema = z.object({
  access_token: doc(z.string(), 'JWT (EdDSA), valid for `expires_in` seconds'),
  refresh_token: doc(z.string(), 'Opaque; single use (rotated on refresh)'),
  token_type: z.literal('bearer'),
  expires_in: doc(z.number().int(), 'Seconds until the access token expires'),
});

export type TokenPairResponse = z.output<typeof tokenPairSchema>;

component(userSchema, 'User');
component(notificationPreferencesSchema, 'NotificationPreferences');
component(tokenPairSchema, 'TokenPair', 'A new access token and the refresh token to get the next one');

/** Thrown when a service answers OK but without a part the contract promises: a bug, rendered as 500. */
export class ContractViolationError extends Error {
  override name = 'ContractViolationError';
}

function timestamp(value: Date | undefined, field: string): string {
  if (!value || Number.isNaN(value.getTime())) throw new ContractViolationError(`auth returned a user without ${field}`);
  return value.toISOString();
}

export function toUserResponse(user: authV1.User | undefined): UserResponse {
  if (!user) throw new ContractViolationError('auth returned no user');
  const prefs = user.notificationPreferences;
  return {
    id: user.id,
    email: user.email,
    username: user.username,
    is_active: user.isActive,
    base_currency: user.baseCurrency,
    timezone: user.timezone,
    notification_preferences: {
      email: prefs?.email ?? false,
      budget_alerts: prefs?.budgetAlerts ?? false,
      recurring_reminders: prefs?.recurringReminders ?? false,
      goal_milestones: prefs?.goalMilestones ?? false,
    },
    created_at: timestamp(user.createdAt, 'created_at'),
    updated_at: timestamp(user.updatedAt, 'updated_at'),
  };
}

export function toTokenPairResponse(tokens: authV1.TokenPair | undefined): TokenPairResponse {
  if (!tokens?.accessToken || !tokens.refreshToken) throw new ContractViolationError('auth returned no token pair');
  return { access_token: tokens.accessToken, refresh_token: tokens.refreshToken, token_type: 'bearer', expires_in: tokens.expiresIn };
}
