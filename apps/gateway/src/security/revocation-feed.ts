import { jetstream } from '@nats-io/jetstream';
import { namespacedStream, namespacedSubject, type EventContract, type EventOf, type NatsClient } from '@finance/events';
import { authStream, sessionRevoked, userDeleted } from '@finance/events/contracts/auth';
import type { Logger } from '@finance/platform';
import type { RevocationList } from './revocation-list.js';

export interface RevocationFeedOptions {
  nats: NatsClient;
  namespace: string;
  revocations: RevocationList;
  /** How long access tokens live: revocations older than this no longer matter. */
  tokenLifetimeMs: number;
  logger: Logger;
  retryMs?: number;
}

/**
 * Feeds the revocation list from auth's events, so every gateway replica refuses still-unexpired
 * access tokens that must no longer work, not only the replica that served the request:
 * `auth.user.deleted.v1` revokes the user (every token), `auth.session.revoked.v1` the sessions it
 * names (logout, refresh-token reuse, a password change), each until `occurred_at` plus one token
 * lifetime, when the last token issued before it has expired anyway. Each subject is read from the
 * AUTH stream with its own ordered (ephemeral, server-state-free) consumer starting one token
 * lifetime back, so a replica that starts, or reconnects, after a revocation still learns of it.
 */
export function startRevocationFeed(options: RevocationFeedOptions): { stop(): Promise<void> } {
  const { revocations, tokenLifetimeMs } = options;
  const stopping = new AbortController();
  const untilOf = (event: { occurred_at: string }) => Date.parse(event.occurred_at) + tokenLifetimeMs;
  const done = Promise.all([
    follow(options, stopping.signal, userDeleted, (event) => revocations.revoke(event.user_id, untilOf(event))),
    follow(options, stopping.signal, sessionRevoked, (event) => {
      for (const sessionId of event.session_ids) revocations.revokeSession(sessionId, untilOf(event));
    }),
  ]);

  return {
    async stop() {
      stopping.abort();
      await done;
    },
  };
}

/** Reads one subject of the AUTH stream from one token lifetime back, until stopped; malformed events are logged and skipped. */
async function follow<C extends EventContract<string, any>>(
  options: RevocationFeedOptions,
  signal: AbortSignal,
  contract: C,
  handle: (event: EventOf<C>) => void,
): Promise<void> {
  const { nats, namespace, tokenLifetimeMs, logger } = options;
  const stream = namespacedStream(namespace, authStream.name);
  const subject = namespacedSubject(namespace, contract.subject);
  while (!signal.aborted) {
    const nc = await nats.ready(signal);
    if (!nc) return;
    try {
      const consumer = await jetstream(nc).consumers.get(stream, {
        // A single subject as a string: arrays need nats-server 2.10, these machines run 2.9.
        filter_subjects: subject,
        opt_start_time: new Date(Date.now() - tokenLifetimeMs).toISOString(),
      });
      const messages = await consumer.consume();
      const close = () => void messages.close();
      signal.addEventListener('abort', close, { once: true });
      try {
        for await (const msg of messages) {
          let data: unknown;
          try {
            data = msg.json();
          } catch {
            data = undefined; // not JSON: malformed like any other
          }
          const parsed = contract.schema.safeParse(data);
          if (!parsed.success) {
            logger.warn({ subject: msg.subject }, `ignoring a malformed ${contract.subject} event`);
            continue;
          }
          handle(parsed.data as EventOf<C>);
        }
      } finally {
        signal.removeEventListener('abort', close);
      }
    } catch (err) {
      // Typically: the stream does not exist yet (auth never published) or NATS went away.
      if (!signal.aborted) logger.debug({ err, subject }, 'revocation feed not available; retrying');
    }
    await new Promise((r) => setTimeout(r, options.retryMs ?? 2000).unref());
  }
}
