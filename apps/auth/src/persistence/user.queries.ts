import type { EntityManager } from '@mikro-orm/postgresql';

// Look-ups of users by email or username, case-insensitively: lower() as the unique indexes use it.

/** The id of the user whose `column` equals `value` ignoring case, or undefined. */
export async function selectUserIdByLogin(em: EntityManager, column: 'email' | 'username', value: string): Promise<string | undefined> {
  // `column` is one of two fixed names, never input.
  const found = await em.execute<{ id: string }[]>(`select id from auth."user" where lower(${column}) = lower(?)`, [value]);
  return found[0]?.id;
}

/** Whether the user still exists (read in the caller's transaction, after its locks). */
export async function userExists(em: EntityManager, id: string): Promise<boolean> {
  const found = await em.execute<{ id: string }[]>('select id from auth."user" where id = ?', [id]);
  return found.length > 0;
}

/** Whether `email` / `username` is already taken (ignoring case) by a user other than `exceptId`. */
export async function selectTakenIdentities(
  em: EntityManager,
  email: string | undefined,
  username: string | undefined,
  exceptId?: string,
): Promise<{ emailTaken: boolean; usernameTaken: boolean }> {
  const rows = await em.execute<{ email_taken: boolean; username_taken: boolean }[]>(
    `select coalesce(bool_or(lower(email) = lower(?)), false) as email_taken,
            coalesce(bool_or(lower(username) = lower(?)), false) as username_taken
       from auth."user"
      where (lower(email) = lower(?) or lower(username) = lower(?)) and id <> ?`,
    [email ?? '', username ?? '', email ?? '', username ?? '', exceptId ?? '00000000-0000-0000-0000-000000000000'],
  );
  const row = rows[0];
  return { emailTaken: Boolean(row?.email_taken), usernameTaken: Boolean(row?.username_taken) };
}
