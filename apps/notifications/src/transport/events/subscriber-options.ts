import type { NatsClient } from '@finance/events';
import type { Logger } from '@finance/platform';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { NotificationsContext } from '../../application/context.js';

/**
 * What every subscriber needs. Each consumes one event type through a durable consumer of
 * @finance/events: the event id recorded in `processed_event` in the handler's transaction (a
 * redelivered event runs nothing), a payload that does not match its contract logged and terminated
 * (parked in the stream, never retried, never fatal), a failing handler retried with a growing delay.
 */
export interface SubscriberOptions {
  consumer: {
    nats: NatsClient;
    orm: MikroORM;
    namespace: string;
    logger: Logger;
    /** Redelivery delay after a failed handler (tests shorten it); default 1 s doubling to 5 min. */
    retryDelayMs?: ((deliveryCount: number) => number) | undefined;
  };
  ctx: NotificationsContext;
}
