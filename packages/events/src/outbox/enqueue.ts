import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import type { EventContract, EventInput, EventOf } from '../contract.js';
import { OutboxMessageEntity } from './outbox.entities.js';

/**
 * Validates an event against its contract and adds its outbox row to `em`'s unit of work, so it
 * commits or rolls back with the business change. Must be called inside `em.transactional(...)`:
 * a row written outside a transaction could be committed without the change it describes.
 * Returns the event as it will be published (with its `event_id` and `occurred_at`).
 * Call the relay's `wake()` after the commit for prompt delivery (the insert trigger also wakes it).
 */
export function enqueueEvent<C extends EventContract<string, any>>(em: EntityManager, contract: C, input: EventInput<C>): EventOf<C> {
  if (!em.isInTransaction()) {
    throw new Error(`enqueueEvent(${contract.subject}) outside a transaction: run it inside em.transactional(...) with the change it describes`);
  }
  const event = contract.schema.parse({
    ...input,
    event_id: input.event_id ?? randomUUID(),
    occurred_at: input.occurred_at ?? new Date().toISOString(),
  }) as EventOf<C> & { event_id: string };
  em.create(OutboxMessageEntity, { id: event.event_id, subject: contract.subject, payload: event });
  return event;
}
