// What a notification is, independent of storage and transport.

export const NOTIFICATION_KINDS = ['budget_threshold', 'goal_milestone', 'recurring_upcoming'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** auth's notification_preferences (API.md: all true by default). */
export interface NotificationPreferences {
  /** Also send each notification by e-mail. */
  email: boolean;
  budget_alerts: boolean;
  recurring_reminders: boolean;
  goal_milestones: boolean;
}

export const DEFAULT_PREFERENCES: NotificationPreferences = Object.freeze({ email: true, budget_alerts: true, recurring_reminders: true, goal_milestones: true });

/** The preference that switches a kind off entirely (no in-app notification, no e-mail). */
const KIND_PREFERENCE: Record<NotificationKind, keyof NotificationPreferences> = {
  budget_threshold: 'budget_alerts',
  goal_milestone: 'goal_milestones',
  recurring_upcoming: 'recurring_reminders',
};

export type Delivery = 'none' | 'in_app' | 'in_app_and_email';

/**
 * How a notification of `kind` reaches a user with these preferences: the kind's own switch off →
 * nothing at all; on → in the app, and by e-mail too when `email` is on and an address is known.
 */
export function deliveryFor(kind: NotificationKind, prefs: NotificationPreferences, hasEmailAddress: boolean): Delivery {
  if (!prefs[KIND_PREFERENCE[kind]]) return 'none';
  return prefs.email && hasEmailAddress ? 'in_app_and_email' : 'in_app';
}

/**
 * The natural key of what a notification announces, unique per user: a redelivered event, and a
 * republished one with a new event id, find it taken and notify nothing new. The producers announce
 * each of these once (API.md: a budget alert once per budget, period and threshold; a goal milestone
 * once per goal and milestone; a reminder once per template and occurrence).
 */
export const sourceKey = {
  budgetThreshold: (budgetId: string, periodStart: string, threshold: number) => `budget:${budgetId.toLowerCase()}:${periodStart}:${threshold}`,
  goalMilestone: (goalId: string, milestone: number) => `goal:${goalId.toLowerCase()}:${milestone}`,
  recurringUpcoming: (recurringId: string, occurrenceDate: string) => `recurring:${recurringId.toLowerCase()}:${occurrenceDate}`,
};
