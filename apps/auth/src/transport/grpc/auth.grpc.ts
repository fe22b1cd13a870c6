import { authV1 } from '@finance/proto';
import type { AsyncServiceImplementation, GrpcServiceRegistration } from '@finance/platform';
import { deleteUser, getUser, registerUser, updateUser } from '../../application/accounts.js';
import type { AuthContext } from '../../application/context.js';
import { loginUser, refreshSession, revokeSession, type TokenPair } from '../../application/sessions.js';
import type { User } from '../../persistence/auth.entities.js';

function toUser(user: User): authV1.User {
  return {
    id: user.id,
    email: user.email,
    username: user.username,
    isActive: user.isActive,
    baseCurrency: user.baseCurrency,
    timezone: user.timezone,
    notificationPreferences: {
      email: user.notificationPreferences.email,
      budgetAlerts: user.notificationPreferences.budget_alerts,
      recurringReminders: user.notificationPreferences.recurring_reminders,
      goalMilestones: user.notificationPreferences.goal_milestones,
    },
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
  };
}

function toTokens(pair: TokenPair): authV1.TokenPair {
  return { accessToken: pair.accessToken, refreshToken: pair.refreshToken, tokenType: pair.tokenType, expiresIn: pair.expiresIn };
}

/** proto ⇄ use cases, nothing more. */
export function authGrpcService(ctx: AuthContext): AsyncServiceImplementation<typeof authV1.AuthServiceService> {
  return {
    registerUser: async (req) => ({ user: toUser(await registerUser(ctx, req)) }),
    loginUser: async (req) => ({ tokens: toTokens(await loginUser(ctx, req.identifier, req.password)) }),
    refreshSession: async (req) => ({ tokens: toTokens(await refreshSession(ctx, req.refreshToken)) }),
    revokeSession: async (req) => {
      const sessionId = await revokeSession(ctx, req.userId, req.refreshToken);
      return sessionId ? { sessionId } : {};
    },
    getUser: async (req) => ({ user: toUser(await getUser(ctx, req.userId)) }),
    updateUser: async (req) => {
      const prefs = req.notificationPreferences;
      const user = await updateUser(ctx, req.userId, {
        email: req.email,
        username: req.username,
        baseCurrency: req.baseCurrency,
        timezone: req.timezone,
        password: req.password,
        currentPassword: req.currentPassword,
        sessionId: req.sessionId,
        notificationPreferences: prefs && {
          email: prefs.email,
          budget_alerts: prefs.budgetAlerts,
          recurring_reminders: prefs.recurringReminders,
          goal_milestones: prefs.goalMilestones,
        },
      });
      return { user: toUser(user) };
    },
    deleteUser: async (req) => {
      await deleteUser(ctx, req.userId);
      return {};
    },
    listPublicKeys: async () => ({
      keys: ctx.keys.publicKeys().map((k) => ({ kid: k.kid!, kty: k.kty!, crv: k.crv!, x: k.x!, alg: k.alg! })),
    }),
  };
}

/** The auth service as startGrpcServer registers it (the composition root sees no generated types). */
export function authGrpcRegistration(ctx: AuthContext): GrpcServiceRegistration {
  return { definition: authV1.AuthServiceService, implementation: authGrpcService(ctx) };
}
