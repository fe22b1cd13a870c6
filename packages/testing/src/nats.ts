import { randomBytes } from 'node:crypto';
import { jetstreamManager, type JetStreamManager, type StoredMsg } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { dockerAnswers, redact, startNatsContainer } from './containers.js';

export const DEFAULT_TEST_NATS_URL = 'nats://127.0.0.1:4222';

/** TEST_NATS_URL, else NATS_URL, else the local default (after ensureTestNats: the server it settled on). */
export function testNatsUrl(): string {
  return process.env.TEST_NATS_URL ?? process.env.NATS_URL ?? DEFAULT_TEST_NATS_URL;
}

let ensured: Promise<string> | undefined;

/**
 * Makes sure a NATS server answers at testNatsUrl() and returns its URL. Only when none answers
 * there and a Docker engine does, one NATS container with JetStream is started (testcontainers) for
 * this process, and TEST_NATS_URL is pointed at it, so later testNatsUrl() calls find it. Without
 * either it fails at once, naming TEST_NATS_URL. Once per process.
 */
export function ensureTestNats(): Promise<string> {
  ensured ??= (async () => {
    const configured = testNatsUrl();
    const problem = await probeNats(configured);
    if (!problem) return configured;
    if (await dockerAnswers()) {
      const url = await startNatsContainer();
      process.env.TEST_NATS_URL = url;
      return url;
    }
    throw new Error(
      `No NATS answers at ${redact(configured)} (${problem}) and no Docker engine is available for testcontainers. ` +
        'Start nats-server with JetStream (-js) or point TEST_NATS_URL at one.',
    );
  })();
  const current = ensured;
  current.catch(() => {
    if (ensured === current) ensured = undefined;
  });
  return current;
}

/** undefined when a NATS server answers, else why not. */
async function probeNats(url: string): Promise<string | undefined> {
  try {
    const nc = await connect({ servers: url, timeout: 1_000, maxReconnectAttempts: 0 });
    await nc.close();
    return undefined;
  } catch (err) {
    return (err as Error).message || String(err);
  }
}

/**
 * A fresh event namespace (`t` + 10 hex digits): subjects, streams and durable consumers of one
 * test file are prefixed with it, so test files running side by side never share them.
 */
export function randomNamespace(): string {
  return `t${randomBytes(5).toString('hex')}`;
}

/** Deletes every stream of a namespace (`<namespace>_*`), with their consumers. For afterAll. */
export async function deleteNamespaceStreams(url: string, namespace: string): Promise<string[]> {
  if (!namespace) throw new Error('refusing to delete the streams of the empty (production) namespace');
  const nc = await connect({ servers: url, timeout: 5_000, maxReconnectAttempts: 0 });
  try {
    const jsm = await jetstreamManager(nc);
    const deleted: string[] = [];
    for await (const name of jsm.streams.names()) {
      if (name.startsWith(`${namespace}_`)) {
        await jsm.streams.delete(name);
        deleted.push(name);
      }
    }
    return deleted;
  } finally {
    await nc.close();
  }
}

/** A direct (unproxied) NATS connection for inspecting streams and publishing by hand. */
export async function inspector(url: string = testNatsUrl()): Promise<{ nc: NatsConnection; jsm: JetStreamManager }> {
  const nc = await connect({ servers: url, timeout: 5_000 });
  return { nc, jsm: await jetstreamManager(nc) };
}

/** Every message stored in a stream (empty if the stream does not exist). */
export async function streamMessages(jsm: JetStreamManager, stream: string): Promise<StoredMsg[]> {
  let info;
  try {
    info = await jsm.streams.info(stream);
  } catch {
    return [];
  }
  const out: StoredMsg[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    const msg = await jsm.streams.getMessage(stream, { seq });
    if (msg) out.push(msg);
  }
  return out;
}
