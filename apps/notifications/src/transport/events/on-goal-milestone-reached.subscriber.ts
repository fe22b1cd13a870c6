import { startConsumer, type EventConsumer } from '@finance/events';
import { goalMilestoneReached } from '@finance/events/contracts/goals';
import { notify } from '../../application/notify.js';
import { sourceKey } from '../../domain/notification.js';
import { goalMilestoneText } from '../../domain/texts.js';
import type { SubscriberOptions } from './subscriber-options.js';

/**
 * goals.goal.milestone_reached.v1 → a `goal_milestone` notification (and e-mail), once per goal and
 * milestone (application/notify.ts), unless the user switched goal_milestones off.
 */
export function subscribeToGoalMilestoneReached(opts: SubscriberOptions): EventConsumer {
  return startConsumer({
    ...opts.consumer,
    contract: goalMilestoneReached,
    durable: 'notifications-goal-milestone-reached',
    handler: async (em, event) => {
      const outcome = await notify(em, opts.ctx, {
        userId: event.user_id,
        kind: 'goal_milestone',
        sourceKey: sourceKey.goalMilestone(event.goal_id, event.milestone),
        text: () =>
          goalMilestoneText({
            goalName: event.name,
            milestone: event.milestone,
            targetMinor: event.target_amount_minor,
            currentMinor: event.current_amount_minor,
            currency: event.currency,
          }),
      });
      opts.consumer.logger.info({ user_id: event.user_id, goal_id: event.goal_id, milestone: event.milestone, outcome }, 'goal milestone');
    },
  });
}
