import type { EventStream } from './contract.js';

// Namespaces keep concurrent test runs apart on one NATS server: with namespace `t1234` the subject
// `auth.user.deleted.v1` becomes `t1234.auth.user.deleted.v1`, the stream `t1234_AUTH` and the
// durable `t1234_<durable>`. Production leaves the namespace empty.

const NAMESPACE = /^[a-z0-9]*$/;
const DURABLE = /^[A-Za-z0-9_-]+$/;

export function assertNamespace(namespace: string): string {
  if (!NAMESPACE.test(namespace)) throw new Error(`event namespace ${JSON.stringify(namespace)}: use lower-case letters and digits only`);
  return namespace;
}

export function namespacedSubject(namespace: string, subject: string): string {
  return namespace ? `${namespace}.${subject}` : subject;
}

export function namespacedStream(namespace: string, stream: string): string {
  return namespace ? `${namespace}_${stream}` : stream;
}

/** Durable names are `<consumer>-<event>` without dots (a dot is not allowed in a durable name). */
export function namespacedDurable(namespace: string, durable: string): string {
  if (!DURABLE.test(durable)) throw new Error(`durable name ${JSON.stringify(durable)}: letters, digits, - and _ only`);
  return namespace ? `${namespace}_${durable}` : durable;
}

/** The subjects a stream captures, e.g. [`t1234.auth.>`]. */
export function streamSubjects(namespace: string, stream: EventStream): string[] {
  return [namespacedSubject(namespace, `${stream.service}.>`)];
}
