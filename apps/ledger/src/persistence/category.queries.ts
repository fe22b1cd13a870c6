import type { EntityManager } from '@mikro-orm/postgresql';
import type { CategoryCursor } from '../domain/pagination.js';
import type { CategoryView } from '../application/views.js';

interface CategoryRow {
  id: string;
  user_id: string;
  name: string;
  color: string;
  icon: string | null;
  created_at: Date | string;
  updated_at: Date | string;
  name_key: string;
}

export interface CategoryListItem {
  view: CategoryView;
  /** lower(name) as PostgreSQL computes it: the sort key the cursor carries. */
  nameKey: string;
}

/** One page of the user's categories ordered by lower(name), id, strictly after `after`. */
export async function selectCategoryPage(em: EntityManager, userId: string, after: CategoryCursor | undefined, limit: number): Promise<CategoryListItem[]> {
  const params: unknown[] = [userId];
  let keyset = '';
  if (after) {
    keyset = 'and (lower(name), id) > (?, ?::uuid)';
    params.push(after.nameKey, after.id);
  }
  params.push(limit);
  const rows = await em.execute<CategoryRow[]>(
    `select id, user_id, name, color, icon, created_at, updated_at, lower(name) as name_key
       from ledger.category
      where user_id = ? ${keyset}
      order by lower(name), id
      limit ?`,
    params,
  );
  return rows.map((row) => ({
    nameKey: row.name_key,
    view: {
      id: row.id,
      userId: row.user_id,
      name: row.name,
      color: row.color,
      icon: row.icon,
      createdAt: new Date(row.created_at),
      updatedAt: new Date(row.updated_at),
    },
  }));
}

/** Deletes every category of the user; returns how many. Their transactions must be gone first. */
export async function deleteUserCategories(em: EntityManager, userId: string): Promise<number> {
  return (await em.execute<{ affectedRows: number }>('delete from ledger.category where user_id = ?', [userId], 'run')).affectedRows;
}
