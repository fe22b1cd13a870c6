import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import type { MikroORM } from '@finance/platform';
import { copyRows, copyTextRow } from '../src/index.js';
import { NoteEntity, openServiceDb, type ServiceDb } from './support.js';

// copyRows: COPY … FROM STDIN on the connection of the ORM's transaction, against a real PostgreSQL.

let service: ServiceDb;
let orm: MikroORM;

beforeAll(async () => {
  service = await openServiceDb('copytest');
  orm = service.orm;
});

afterEach(async () => {
  await orm.em.fork().execute('delete from copytest.note');
});

afterAll(async () => {
  await service?.close();
});

const notes = () => orm.em.fork().execute<{ id: string; body: string }[]>('select id, body from copytest.note');
const COPY_NOTES = 'copy note (id, body) from stdin';

/** Descriptions a user could type or paste, each a trap for a COPY text encoder. */
const HOSTILE = [
  'tab\tinside',
  'two\nlines',
  'windows\r\nline end',
  'lone\rCR',
  'back\\slash',
  '\\N',
  '\\.',
  '\\',
  'trailing backslash \\',
  '\\t is not a tab',
  'emoji 🧾☕👩‍👩‍👧 and ünïcödé',
  '',
  '   padded   ',
  '"quoted", with commas',
  '\u000b vertical tab, \f form feed, \b backspace',
];

describe('copyRows', () => {
  test('hostile text round-trips exactly, with ORM work in the same transaction', async () => {
    const rows = HOSTILE.map((body) => ({ id: randomUUID(), body }));
    const noteId = randomUUID();
    await orm.em.fork().transactional(async (em) => {
      expect(await copyRows(em, COPY_NOTES, rows.map((r) => copyTextRow([r.id, r.body])))).toBe(rows.length);
      em.create(NoteEntity, { id: noteId, body: 'written by the ORM after the COPY' });
    });
    const stored = new Map((await notes()).map((n) => [n.id, n.body]));
    expect(stored.size).toBe(rows.length + 1);
    for (const row of rows) expect(stored.get(row.id)).toBe(row.body);
  });

  test('many rows over many CopyData messages, from a generator', async () => {
    const count = 20_000;
    const lines = function* () {
      for (let i = 0; i < count; i++) yield copyTextRow([randomUUID(), `row ${i}\twith\\tab and ☕`]);
    };
    await orm.em.fork().transactional(async (em) => {
      expect(await copyRows(em, COPY_NOTES, lines())).toBe(count);
    });
    const stored = await orm.em.fork().execute<{ n: number; odd: number }[]>(
      "select count(*)::int as n, count(*) filter (where body !~ E'^row [0-9]+\\twith\\\\\\\\tab and ☕$')::int as odd from copytest.note",
    );
    expect(stored).toEqual([{ n: count, odd: 0 }]);
  });

  test("PostgreSQL's refusal (a NULL in a NOT NULL column) rejects with its error and rolls the whole transaction back", async () => {
    const write = orm.em.fork().transactional(async (em) => {
      await em.execute("insert into copytest.note (id, body) values (gen_random_uuid(), 'before')");
      await copyRows(em, COPY_NOTES, [copyTextRow([randomUUID(), 'fine']), copyTextRow([randomUUID(), null])]);
    });
    await expect(write).rejects.toThrow(/null value in column "body"/);
    expect(await notes()).toEqual([]);
  });

  test('a duplicate key far into a large COPY rejects, and the pool stays usable', async () => {
    const id = randomUUID();
    const lines = function* () {
      yield copyTextRow([id, 'first']);
      for (let i = 0; i < 30_000; i++) yield copyTextRow([randomUUID(), `filler ${i} ${'x'.repeat(100)}`]);
      yield copyTextRow([id, 'again']);
      for (let i = 0; i < 30_000; i++) yield copyTextRow([randomUUID(), `more ${i} ${'y'.repeat(100)}`]);
    };
    for (let attempt = 0; attempt < 3; attempt++) {
      await expect(orm.em.fork().transactional((em) => copyRows(em, COPY_NOTES, lines()))).rejects.toThrow(/duplicate key/);
    }
    expect(await notes()).toEqual([]);
    await orm.em.fork().transactional((em) => copyRows(em, COPY_NOTES, [copyTextRow([id, 'now alone'])]));
    expect(await notes()).toEqual([{ id, body: 'now alone' }]);
  });

  test('a row the caller cannot make ends the COPY (CopyFail): its error is thrown, nothing is written, the pool stays usable', async () => {
    const boom = new Error('row 2500 could not be made');
    const lines = function* () {
      for (let i = 0; i < 5000; i++) {
        if (i === 2500) throw boom;
        yield copyTextRow([randomUUID(), `row ${i} ${'z'.repeat(200)}`]);
      }
    };
    for (let attempt = 0; attempt < 3; attempt++) {
      await expect(orm.em.fork().transactional((em) => copyRows(em, COPY_NOTES, lines()))).rejects.toBe(boom);
    }
    // Also before PostgreSQL has answered the COPY at all.
    const first = function* (): Generator<string> {
      throw boom;
    };
    await expect(orm.em.fork().transactional((em) => copyRows(em, COPY_NOTES, first()))).rejects.toBe(boom);
    expect(await notes()).toEqual([]);
    await orm.em.fork().transactional((em) => copyRows(em, COPY_NOTES, [copyTextRow([randomUUID(), 'after'])]));
    expect((await notes()).map((n) => n.body)).toEqual(['after']);
  });

  test('outside a transaction it refuses', async () => {
    await expect(copyRows(orm.em.fork(), COPY_NOTES, [copyTextRow([randomUUID(), 'x'])])).rejects.toThrow(/outside a transaction/);
  });
});
