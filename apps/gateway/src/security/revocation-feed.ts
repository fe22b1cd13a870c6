import { jetstream } from '@nats-io/jetstream';
import { namespacedStream, namespacedSubject, type NatsClient } from '@finance/events';
import { authStream, userDeleted } from '@finance/events/contracts/auth';
import type { Logger } from '@finance/platform';
import type { RevocationList } from './revocation-list.js';

export interface RevocationFeedOptions {
  nats: NatsClient;
  namespace: string;
  revocations: RevocationList;
  /** How long access tokens live: deletions older than this no longer matter. */
  tokenLifetimeMs: number;
  logger: Logger;
  retryMs?: number;
}

/**
 * Feeds the revocation list from `auth.user.deleted.v1`, so every gateway replica refuses a deleted
 * user's still-unexpired access tokens, not only the replica that served the DELETE. It reads the
 * AUTH stream with an ordered (ephemeral, server-state-free) consumer starting one token lifetime
 * back, so a replica that starts, or reconnects, after a deletion still learns of it.
 */
export function startRevocationFeed(options: RevocationFeedOptions): { stop(): Promise<void> } {
  const { nats, namespace, revocations, tokenLifetimeMs, logger } = options;
  const stream = namespacedStream(namespace, authStream.name);
  const subject = namespacedSubject(namespace, userDeleted.subject);
  const stopping = new AbortController();

  const run = async () => {
    while (!stopping.signal.aborted) {
      const nc = await nats.ready(stopping.signal);
      if (!nc) return;
      try {
        const consumer = await jetstream(nc).consumers.get(stream, {
          // A single subject as a string: arrays need nats-server 2.10, these machines run 2.9.
          filter_subjects: subject,
          opt_start_time: new Date(Date.now() - tokenLifetimeMs).toISOString(),
        });
        const messages = await consumer.consume();
        stopping.signal.addEventListener('abort', () => void messages.close(), { once: true });
        for await (const msg of messages) {
          const parsed = userDeleted.schema.safeParse(msg.json());
          if (!parsed.success) {
            logger.warn({ subject: msg.subject }, 'ignoring a malformed user.deleted event');
            continue;
          }
          revocations.revoke(parsed.data.user_id, Date.parse(parsed.data.occurred_at) + tokenLifetimeMs);
        }
      } catch (err) {
        // Typically: the stream does not exist yet (no account was ever deleted) or NATS went away.
        if (!stopping.signal.aborted) logger.debug({ err }, 'revocation feed not available; retrying');
      }
      await new Promise((r) => setTimeout(r, options.retryMs ?? 2000).unref());
    }
  };
  const done = run();

  return {
    async stop() {
      stopping.abort();
      await done;
    },
  };
}
