import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import type { EntityManager as SqlEntityManager } from '@mikro-orm/postgresql';
import { serializeActiveTraceContext } from '@finance/platform';
import type { EventContract, EventInput, EventOf } from '../contract.js';
import { copyRows, copyTextValue } from './copy-rows.js';
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
  em.create(OutboxMessageEntity, { id: event.event_id, subject: contract.subject, payload: event, traceContext: serializeActiveTraceContext() ?? null });
  return event;
}

/**
 * enqueueEvent for many events of one contract (an import's one event per row): each is validated
 * against the contract the same way, and their outbox rows are written by one COPY (copy-rows.ts)
 * instead of one entity per event in the unit of work. `inputs` may be a generator: events are made,
 * validated and serialised while PostgreSQL stores the earlier ones, and only a few dozen KB of them
 * wait in memory at once. Same rules: inside the transaction of the change; the rows keep their order
 * (created_at is clock_timestamp() per row). An event that breaks its contract fails the COPY, and so
 * the transaction: none of the events is written. Returns how many were written.
 */
export async function enqueueEvents<C extends EventContract<string, any>>(em: SqlEntityManager, contract: C, inputs: Iterable<EventInput<C>>): Promise<number> {
  if (!em.isInTransaction()) {
    throw new Error(`enqueueEvents(${contract.subject}) outside a transaction: run it inside em.transactional(...) with the change it describes`);
  }
  const occurredAt = new Date().toISOString();
  const subject = copyTextValue(contract.subject);
  // Every event of the batch continues the trace of the request that imports them.
  const traceContext = copyTextValue(serializeActiveTraceContext() ?? null);
  function* lines(): Generator<string> {
    for (const input of inputs) {
      const event = contract.schema.parse({ ...input, event_id: input.event_id ?? randomUUID(), occurred_at: input.occurred_at ?? occurredAt }) as { event_id: string };
      yield `${copyTextValue(event.event_id)}\t${subject}\t${copyTextValue(JSON.stringify(event))}\t${traceContext}\n`;
    }
  }
  return copyRows(em, 'copy outbox_message (id, subject, payload, trace_context) from stdin', lines());
}
