import { z } from 'zod';

/** Fields every event carries, whatever its contract. */
export const eventEnvelope = {
  /** The outbox row id, the JetStream message id (`Nats-Msg-Id`) and the consumers' dedup key. */
  event_id: z.uuid(),
  /** When the change happened, ISO 8601 in UTC (`...Z`). */
  occurred_at: z.iso.datetime(),
  /** The user the event is about; consumers delete per user on `auth.user.deleted.v1`. */
  user_id: z.string().min(1),
};
type Envelope = typeof eventEnvelope;

/** `<service>.<aggregate>.<past-verb>.v<N>`, e.g. `ledger.transaction.created.v1`. */
const SUBJECT = /^([a-z][a-z0-9_]*)\.[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*\.v[1-9][0-9]*$/;

export interface EventContract<Subject extends string = string, Shape extends z.ZodRawShape = z.ZodRawShape> {
  /** Subject without namespace, e.g. `auth.user.deleted.v1`. */
  readonly subject: Subject;
  /** The producing service's stream, e.g. `AUTH`. */
  readonly stream: string;
  /** The producing service, i.e. the subject's first token. */
  readonly service: string;
  /** The full schema: the contract's fields plus the envelope. */
  readonly schema: z.ZodObject<Envelope & Shape>;
}

/** What a consumer receives and what goes on the wire. */
export type EventOf<C extends EventContract<string, any>> = z.output<C['schema']>;

/** What a producer passes to `enqueueEvent`: the envelope's id and time are filled in when absent. */
export type EventInput<C extends EventContract<string, any>> = Omit<z.input<C['schema']>, 'event_id' | 'occurred_at'> &
  Partial<Pick<z.input<C['schema']>, 'event_id' | 'occurred_at'>>;

/**
 * Declares one event type. The subject follows `<service>.<aggregate>.<past-verb>.v<N>` and the
 * stream is the producing service in capitals (one stream per producer), checked here so that a
 * misspelt contract fails when it is loaded rather than when an event goes missing.
 */
export function defineEvent<const Subject extends string, Shape extends z.ZodRawShape>(def: {
  subject: Subject;
  stream: string;
  schema: z.ZodObject<Shape>;
}): EventContract<Subject, Shape> {
  const match = SUBJECT.exec(def.subject);
  if (!match) throw new Error(`event subject ${JSON.stringify(def.subject)} is not <service>.<aggregate>.<past-verb>.v<N>`);
  const service = match[1]!;
  if (def.stream !== streamNameOf(service)) {
    throw new Error(`event ${def.subject} must live in stream ${streamNameOf(service)} (one stream per producing service), not ${def.stream}`);
  }
  for (const key of ['event_id', 'occurred_at'] as const) {
    if (key in def.schema.shape) throw new Error(`event ${def.subject}: ${key} belongs to the envelope; do not declare it`);
  }
  // The contract may narrow user_id; otherwise the envelope's applies.
  const schema = z.object({ ...eventEnvelope, ...def.schema.shape }) as unknown as z.ZodObject<Envelope & Shape>;
  return Object.freeze({ subject: def.subject, stream: def.stream, service, schema });
}

/** A stream: one per producing service, capturing every subject of that service. */
export interface EventStream {
  /** e.g. `AUTH` */
  readonly name: string;
  /** e.g. `auth` (the stream captures `auth.>`) */
  readonly service: string;
}

export function streamNameOf(service: string): string {
  return service.toUpperCase();
}

/** The stream a producing service publishes into. */
export function eventStream(service: string): EventStream {
  return Object.freeze({ name: streamNameOf(service), service });
}

/** The stream of a subject (its first token), e.g. `auth.user.deleted.v1` → AUTH. */
export function streamOfSubject(subject: string): EventStream {
  const service = subject.split('.', 1)[0];
  if (!service) throw new Error(`no service in subject ${JSON.stringify(subject)}`);
  return eventStream(service);
}
