import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import type { MikroORM } from '@finance/platform';
import { enqueueEvents } from '../src/index.js';
import { userDeleted } from '../src/contracts/auth.js';
import { NoteEntity, openServiceDb, type ServiceDb } from './support.js';

// enqueueEvents: many events of one contract written with their change by one COPY (an import's one
// event per row).

let service: ServiceDb;
let orm: MikroORM;

beforeAll(async () => {
  service = await openServiceDb('auth');
  orm = service.orm;
});

afterEach(async () => {
  await orm.em.fork().execute('delete from auth.outbox_message');
});

afterAll(async () => {
  await service?.close();
});

const outbox = () =>
  orm.em.fork().execute<{ id: string; subject: string; payload: Record<string, unknown> }[]>('select id, subject, payload from auth.outbox_message order by created_at, id');

describe('enqueueEvents', () => {
  test('writes every event, validated like enqueueEvent, in the order given, from a generator', async () => {
    const userIds = Array.from({ length: 2345 }, () => randomUUID());
    await orm.em.fork().transactional(async (em) => {
      em.create(NoteEntity, { id: randomUUID(), body: 'many users deleted' });
      // Made lazily, as the ledger's import makes its events.
      expect(await enqueueEvents(em, userDeleted, (function* () { for (const user_id of userIds) yield { user_id }; })())).toBe(2345);
    });
    const rows = await outbox();
    expect(rows).toHaveLength(2345);
    expect(rows.map((r) => r.payload.user_id)).toEqual(userIds);
    for (const row of rows.slice(0, 3)) {
      expect(row.subject).toBe('auth.user.deleted.v1');
      expect(row.payload).toEqual({ event_id: row.id, occurred_at: expect.any(String), user_id: expect.any(String) });
    }
    expect(new Set(rows.map((r) => r.id)).size).toBe(2345);
  });

  test('given event ids and times are kept', async () => {
    const event_id = randomUUID();
    await orm.em.fork().transactional((em) => enqueueEvents(em, userDeleted, [{ user_id: 'u1', event_id, occurred_at: '2026-12-05T08:00:00.000Z' }]));
    expect((await outbox()).map((r) => r.payload)).toEqual([{ event_id, occurred_at: '2026-12-05T08:00:00.000Z', user_id: 'u1' }]);
  });

  test('an event that breaks its contract fails the whole transaction: nothing is written, not even the events before it', async () => {
    const noteId = randomUUID();
    const write = orm.em.fork().transactional(async (em) => {
      em.create(NoteEntity, { id: noteId, body: 'x' });
      // Far beyond one CopyData message before the bad event: the earlier rows already went to PostgreSQL.
      await enqueueEvents(em, userDeleted, [...Array.from({ length: 5000 }, () => ({ user_id: randomUUID() })), { user_id: '' }]);
    });
    await expect(write).rejects.toThrow(/user_id/);
    expect(await outbox()).toEqual([]);
    expect(await orm.em.fork().execute('select count(*)::int as n from auth.note where id = ?', [noteId])).toEqual([{ n: 0 }]);
  });

  test('the connection is usable afterwards in the same pool: a failed COPY leaves nothing running', async () => {
    for (let i = 0; i < 5; i++) {
      await expect(orm.em.fork().transactional((em) => enqueueEvents(em, userDeleted, [{ user_id: 'u1' }, { user_id: '' }]))).rejects.toThrow();
    }
    await orm.em.fork().transactional((em) => enqueueEvents(em, userDeleted, [{ user_id: 'u2' }]));
    expect((await outbox()).map((r) => r.payload.user_id)).toEqual(['u2']);
  });

  test("payload text with backslashes, tabs, newlines, CR, emoji and a literal \\N survives COPY's text format", async () => {
    const hostile = ['a\\b', 'tab\there', 'two\nlines', 'cr\r\nlf', '\\N', 'emoji 🧾☕', '\\.', '\\\\N\\t'];
    await orm.em.fork().transactional((em) => enqueueEvents(em, userDeleted, hostile.map((user_id) => ({ user_id }))));
    expect((await outbox()).map((r) => r.payload.user_id)).toEqual(hostile);
  });

  test('outside a transaction it refuses, like enqueueEvent', async () => {
    await expect(enqueueEvents(orm.em.fork(), userDeleted, [{ user_id: 'u1' }])).rejects.toThrow(/outside a transaction/);
    expect(await outbox()).toEqual([]);
  });
});
