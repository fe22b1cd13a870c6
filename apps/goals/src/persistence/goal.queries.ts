import { isoDate } from '@finance/calendar';
import { minorToDb, money } from '@finance/money';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { GoalView } from '../application/views.js';
import type { GoalState, GoalStatus } from '../domain/goal.js';
import type { Milestone } from '../domain/milestones.js';
import type { KeysetCursor } from '../domain/pagination.js';

// Goals in plain SQL: rows go straight to views (dates as YYYY-MM-DD text, amounts as exact bigint
// text), and every query of a user's goal is filtered by user_id.

interface GoalRow {
  id: string;
  user_id: string;
  name: string;
  target_minor: string;
  current_minor: string;
  starting_minor: string;
  currency: string;
  deadline: string | null;
  status: GoalStatus;
  created_on: string;
  created_at: Date | string;
  updated_at: Date | string;
  created_key: string;
}

const COLUMNS = `id, user_id, name, target_minor::text as target_minor, current_minor::text as current_minor,
  starting_minor::text as starting_minor, currency, deadline::text as deadline, status, created_on::text as created_on,
  created_at, updated_at`;
const CREATED_KEY = `to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as created_key`;
const SELECT = `select ${COLUMNS}, ${CREATED_KEY} from goals.goal`;
const RETURNING = `returning ${COLUMNS}, '' as created_key`;

/**
 * A PostgreSQL array literal of uuids or integers (passed as one text parameter and cast, so the
 * statement's shape does not depend on the list's length). Only for values that need no quoting.
 */
export function pgArray(values: readonly string[]): string {
  for (const v of values) if (!/^[0-9a-f-]+$/i.test(v)) throw new Error(`not a uuid or integer: ${JSON.stringify(v)}`);
  return `{${values.join(',')}}`;
}

function toView(row: GoalRow): GoalView {
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    target: money(row.target_minor, row.currency),
    current: money(row.current_minor, row.currency),
    starting: money(row.starting_minor, row.currency),
    deadline: row.deadline === null ? null : isoDate(row.deadline),
    status: row.status,
    createdOn: isoDate(row.created_on),
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

export interface GoalListItem {
  view: GoalView;
  /** created_at to the microsecond, UTC: the sort key the cursor carries. */
  createdKey: string;
}

export async function insertGoal(em: EntityManager, goal: { id: string; userId: string; state: GoalState; createdOn: string; now: Date }): Promise<GoalView> {
  const { state } = goal;
  const rows = await em.execute<GoalRow[]>(
    `insert into goals.goal (id, user_id, name, target_minor, current_minor, starting_minor, currency, deadline, status, created_on, created_at, updated_at)
     values (?, ?, ?, ?::bigint, ?::bigint, ?::bigint, ?, ?::date, ?, ?::date, ?, ?)
     ${RETURNING}`,
    [
      goal.id,
      goal.userId,
      state.name,
      minorToDb(state.target.minor),
      minorToDb(state.current.minor),
      minorToDb(state.starting.minor),
      state.target.currency,
      state.deadline,
      state.status,
      goal.createdOn,
      goal.now,
      goal.now,
    ],
  );
  return toView(rows[0]!);
}

/** The user's goal, or undefined (someone else's is as absent as an unknown one). `forUpdate` locks the row. */
export async function findGoal(em: EntityManager, userId: string, id: string, opts: { forUpdate?: boolean } = {}): Promise<GoalView | undefined> {
  const rows = await em.execute<GoalRow[]>(`${SELECT} where user_id = ? and id = ?${opts.forUpdate ? ' for update' : ''}`, [userId, id]);
  return rows[0] && toView(rows[0]);
}

/** Several goals of a user locked for update, in id order (one order everywhere: no deadlock between two writers). */
export async function lockGoals(em: EntityManager, ids: readonly string[]): Promise<GoalView[]> {
  if (ids.length === 0) return [];
  const rows = await em.execute<GoalRow[]>(`${SELECT} where id = any(?::uuid[]) order by id for update`, [pgArray(ids)]);
  return rows.map(toView);
}

/** Writes every field of the goal's state. */
export async function updateGoalState(em: EntityManager, id: string, state: GoalState, now: Date): Promise<GoalView | undefined> {
  const rows = await em.execute<GoalRow[]>(
    `update goals.goal
        set name = ?, target_minor = ?::bigint, current_minor = ?::bigint, starting_minor = ?::bigint, deadline = ?::date,
            status = ?, updated_at = ?
      where id = ?
      ${RETURNING}`,
    [state.name, minorToDb(state.target.minor), minorToDb(state.current.minor), minorToDb(state.starting.minor), state.deadline, state.status, now, id],
  );
  return rows[0] && toView(rows[0]);
}

/** true when the user's goal existed. Its contributions and milestone marks go with it (on delete cascade). */
export async function deleteGoal(em: EntityManager, userId: string, id: string): Promise<boolean> {
  const result = await em.execute<{ affectedRows: number }>('delete from goals.goal where user_id = ? and id = ?', [userId, id], 'run');
  return result.affectedRows > 0;
}

/** One page of the user's goals (of one status, or all) ordered by (created_at, id), strictly after `after`. */
export async function selectGoalPage(
  em: EntityManager,
  userId: string,
  query: { status: GoalStatus | undefined; after: KeysetCursor | undefined; limit: number },
): Promise<GoalListItem[]> {
  const params: unknown[] = [userId];
  let where = '';
  if (query.status) {
    where += ' and status = ?';
    params.push(query.status);
  }
  if (query.after) {
    where += ' and (created_at, id) > (?::timestamptz, ?::uuid)';
    params.push(query.after.createdKey, query.after.id);
  }
  params.push(query.limit);
  const rows = await em.execute<GoalRow[]>(`${SELECT} where user_id = ?${where} order by created_at, id limit ?`, params);
  return rows.map((row) => ({ view: toView(row), createdKey: row.created_key }));
}

/** Records the milestones as reached (once per goal and milestone, ever); returns those recorded now. */
export async function insertMilestones(em: EntityManager, goalId: string, milestones: readonly Milestone[], now: Date): Promise<Milestone[]> {
  if (milestones.length === 0) return [];
  const rows = await em.execute<{ milestone: number }[]>(
    `insert into goals.goal_milestone (goal_id, milestone, reached_at)
     select ?, m, ? from unnest(?::smallint[]) as m
     on conflict (goal_id, milestone) do nothing
     returning milestone`,
    [goalId, now, pgArray(milestones.map(String))],
  );
  return rows.map((r) => Number(r.milestone) as Milestone).sort((a, b) => a - b);
}

/** The milestones a goal has recorded, ascending (for tests and support). */
export async function selectMilestones(em: EntityManager, goalId: string): Promise<Milestone[]> {
  const rows = await em.execute<{ milestone: number }[]>('select milestone from goals.goal_milestone where goal_id = ? order by milestone', [goalId]);
  return rows.map((r) => Number(r.milestone) as Milestone);
}
