import { z } from 'zod';
import { defineEvent, eventStream } from '../contract.js';

// Events published by the goals service (stream GOALS, subjects goals.>). Amounts travel as integer
// minor units in a string (exact, like PostgreSQL bigint) with their currency.

export const goalsStream = eventStream('goals');
export const goalsEventStreams = [goalsStream];

const minorUnits = z.string().regex(/^\d+$/, 'integer minor units');

/**
 * A goal reached 25, 50, 75 or 100 % of its target for the first time (once per goal and milestone,
 * ever: a milestone lost and reached again is not announced again). For the notifications service.
 */
export const goalMilestoneReached = defineEvent({
  subject: 'goals.goal.milestone_reached.v1',
  stream: 'GOALS',
  schema: z.object({
    goal_id: z.uuid(),
    name: z.string().min(1),
    milestone: z.union([z.literal(25), z.literal(50), z.literal(75), z.literal(100)]),
    target_amount_minor: minorUnits,
    current_amount_minor: minorUnits,
    currency: z.string().regex(/^[A-Z]{3}$/, 'ISO 4217 code'),
  }),
});

export const goalsEvents = [goalMilestoneReached] as const;
