import { outboxEntities, outboxMigrations } from '@finance/events';
import { openDatabase, type Logger } from '@finance/platform';
import { notificationsEntities } from './notifications.entities.js';
import { notificationsMigrations } from './migrations.js';

/**
 * The notifications service's own schema: its entities plus the tables of @finance/events (its
 * consumers record handled events in `processed_event`; it publishes nothing, so `outbox_message`
 * stays empty), and their migrations.
 */
export function openNotificationsDatabase(url: string, logger: Logger) {
  return openDatabase({
    url,
    schema: 'notifications',
    entities: [...notificationsEntities, ...outboxEntities],
    migrations: [...outboxMigrations('notifications'), ...notificationsMigrations],
    logger,
  });
}
