import { describe, expect, test } from '@jest/globals';
import { z } from 'zod';
import { defineEvent, streamOfSubject } from './contract.js';
import { sessionRevoked, userDeleted, userUpdated } from './contracts/auth.js';
import { namespacedDurable, namespacedStream, namespacedSubject, streamSubjects } from './naming.js';

const envelope = { event_id: '0b9f7c56-4a8e-4f27-9d0c-0d2b4d9d3a11', occurred_at: '2026-11-24T10:00:00.000Z', user_id: 'u-1' };

describe('defineEvent', () => {
  test('adds the envelope to the contract schema', () => {
    expect(userDeleted.schema.parse(envelope)).toEqual(envelope);
    expect(() => userDeleted.schema.parse({ ...envelope, event_id: 'nope' })).toThrow();
    expect(() => userDeleted.schema.parse({ ...envelope, occurred_at: '2026-11-24T11:00:00+01:00' })).toThrow(); // UTC only
    expect(() => userDeleted.schema.parse({ event_id: envelope.event_id, occurred_at: envelope.occurred_at })).toThrow(/user_id/);
  });

  test('auth.user.updated.v1 carries the whole profile', () => {
    const event = {
      ...envelope,
      email: 'ann@example.com',
      username: 'ann',
      base_currency: 'EUR',
      timezone: 'Europe/Berlin',
      notification_preferences: { email: true, budget_alerts: false, recurring_reminders: true, goal_milestones: true },
    };
    expect(userUpdated.schema.parse(event)).toEqual(event);
    expect(() => userUpdated.schema.parse({ ...event, base_currency: 'eur' })).toThrow();
    expect(() => userUpdated.schema.parse({ ...event, notification_preferences: { email: true } })).toThrow();
    expect(userUpdated).toMatchObject({ subject: 'auth.user.updated.v1', stream: 'AUTH', service: 'auth' });
  });

  test('auth.session.revoked.v1 names at least one session and a known reason', () => {
    const event = { ...envelope, session_ids: ['5f0c1d2e-3a4b-4c5d-8e6f-708192a3b4c5'], reason: 'logout' };
    expect(sessionRevoked.schema.parse(event)).toEqual(event);
    for (const reason of ['refresh_token_reused', 'password_changed']) expect(sessionRevoked.schema.parse({ ...event, reason }).reason).toBe(reason);
    expect(() => sessionRevoked.schema.parse({ ...event, session_ids: [] })).toThrow();
    expect(() => sessionRevoked.schema.parse({ ...event, session_ids: ['not-a-uuid'] })).toThrow();
    expect(() => sessionRevoked.schema.parse({ ...event, reason: 'expired' })).toThrow();
    expect(() => sessionRevoked.schema.parse({ ...envelope, reason: 'logout' })).toThrow(/session_ids/);
    expect(sessionRevoked).toMatchObject({ subject: 'auth.session.revoked.v1', stream: 'AUTH', service: 'auth' });
  });

  test('enforces the subject and stream naming rules', () => {
    const schema = z.object({});
    expect(() => defineEvent({ subject: 'auth.user.deleted', stream: 'AUTH', schema })).toThrow(/v<N>/);
    expect(() => defineEvent({ subject: 'Auth.user.deleted.v1', stream: 'AUTH', schema })).toThrow();
    expect(() => defineEvent({ subject: 'auth.user.deleted.v1', stream: 'USERS', schema })).toThrow(/stream AUTH/);
    expect(() => defineEvent({ subject: 'auth.user.deleted.v1', stream: 'AUTH', schema: z.object({ event_id: z.string() }) })).toThrow(/envelope/);
    expect(defineEvent({ subject: 'budgeting.budget.threshold_crossed.v2', stream: 'BUDGETING', schema }).service).toBe('budgeting');
  });
});

describe('namespaces', () => {
  test('prefix subjects, streams and durables; the empty namespace changes nothing', () => {
    expect(namespacedSubject('t1234', 'auth.user.deleted.v1')).toBe('t1234.auth.user.deleted.v1');
    expect(namespacedStream('t1234', 'AUTH')).toBe('t1234_AUTH');
    expect(namespacedDurable('t1234', 'ledger-user-deleted')).toBe('t1234_ledger-user-deleted');
    expect(streamSubjects('t1234', streamOfSubject('auth.user.deleted.v1'))).toEqual(['t1234.auth.>']);
    expect(namespacedSubject('', 'auth.user.deleted.v1')).toBe('auth.user.deleted.v1');
    expect(namespacedStream('', 'AUTH')).toBe('AUTH');
    expect(streamSubjects('', streamOfSubject('auth.user.deleted.v1'))).toEqual(['auth.>']);
  });

  test('durable names may not contain dots', () => {
    expect(() => namespacedDurable('', 'ledger.user.deleted')).toThrow(/durable/);
  });
});
