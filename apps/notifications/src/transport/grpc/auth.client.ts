import { authUserOf, type AuthServiceClient } from '@finance/platform/user-profile';
import type { UserDirectory } from '../../application/context.js';
import { DEFAULT_PREFERENCES } from '../../domain/notification.js';

/**
 * The UserDirectory port over auth's GetUser: the address, time zone and preferences (auth's
 * defaults, all true, when it answers none). A user auth does not know (NOT_FOUND / UNAUTHENTICATED:
 * erased) is undefined; anything else (AUTH_UNAVAILABLE, AUTH_DEADLINE_EXCEEDED) throws.
 */
export function userDirectory(auth: AuthServiceClient): UserDirectory {
  return {
    async snapshotOf(userId) {
      const user = await authUserOf(auth, userId);
      if (!user) return undefined;
      const prefs = user.notificationPreferences;
      return {
        email: user.email,
        timezone: user.timezone || 'UTC',
        preferences: prefs
          ? { email: prefs.email, budget_alerts: prefs.budgetAlerts, recurring_reminders: prefs.recurringReminders, goal_milestones: prefs.goalMilestones }
          : { ...DEFAULT_PREFERENCES },
      };
    },
  };
}
